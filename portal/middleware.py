"""Enforce TOTP two-factor for centre staff and admins."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/favicon.ico")


class StaffTwoFactorMiddleware:
    """Case managers and admins may use nothing but the 2FA pages and logout
    until they have verified a TOTP code in this session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.PORTAL_REQUIRE_STAFF_2FA
            and user is not None
            and user.is_authenticated
            and user.needs_two_factor
            and not user.is_verified()
        ):
            allowed = {reverse("two_factor_setup"), reverse("two_factor_verify"), reverse("logout")}
            path = request.path
            if path not in allowed and not path.startswith(ALWAYS_ALLOWED_PREFIXES):
                from django_otp import user_has_device

                target = "two_factor_verify" if user_has_device(user, confirmed=True) else "two_factor_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
