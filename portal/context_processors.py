from django.conf import settings


def portal(request):
    return {"CENTRE_NAME": settings.PORTAL_CENTRE_NAME}
