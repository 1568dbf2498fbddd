"""The notification centre: a user's own notifications and channel preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.forms import NotificationPreferencesForm
from portal.models import Notification
from portal.notifications import save_preferences
from portal.validators import is_mainland_mobile


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Notification.objects.filter(user=request.user).select_related("case"), 20).get_page(
        request.GET.get("page"))
    return render(request, "portal/notifications/list.html", {"page": page})


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one's own notification read and follow its link (local links only)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification.mark_read()
    if notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notification.url)
    return redirect("notification_list")


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user=request.user).mark_read()
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        save_preferences(user=request.user, preferences=form.preferences())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notification_preferences")
    return render(request, "portal/notifications/preferences.html",
                  {"form": form, "can_sms": is_mainland_mobile(request.user.phone)})
