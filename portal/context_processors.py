from django.conf import settings

from portal.models import Notification


def portal(request):
    return {"CENTRE_NAME": settings.PORTAL_CENTRE_NAME}


def notifications(request):
    """The unread count for the header badge: one query, signed-in users only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"UNREAD_NOTIFICATIONS": Notification.objects.filter(user=user, read_at__isnull=True).count()}
