"""Security middleware: TOTP two-factor for staff and the back offices, and the
Content-Security-Policy header (django-csp, configured in settings)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

ALWAYS_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/favicon.ico", "/healthz")  # /healthz: portal.views.health
# The back offices: Wagtail's (/admin/) and Django's (/django-admin/).
BACK_OFFICE_PREFIXES = ("/admin/", "/django-admin/")


def must_verify_for(user, path: str) -> bool:
    """Whether this logged-in user needs a TOTP-verified session to open `path`.

    Case managers and admins (User.needs_two_factor) need it everywhere. Anyone
    else who can enter a back office (is_staff for Django's, Wagtail's
    access_admin permission, e.g. through the Editors group) needs it there."""
    if user.needs_two_factor:
        return True
    return path.startswith(BACK_OFFICE_PREFIXES) and (
        user.is_staff or user.has_perm("wagtailadmin.access_admin"))


class StaffTwoFactorMiddleware:
    """Case managers and admins may use nothing but the 2FA pages and logout
    until they have verified a TOTP code in this session; other back-office
    users may not enter the back offices until then."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.PORTAL_REQUIRE_STAFF_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and must_verify_for(user, request.path)
        ):
            allowed = {reverse("two_factor_setup"), reverse("two_factor_verify"), reverse("logout")}
            path = request.path
            if path not in allowed and not path.startswith(ALWAYS_ALLOWED_PREFIXES):
                from django_otp import user_has_device

                target = "two_factor_verify" if user_has_device(user, confirmed=True) else "two_factor_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with this host's WebSocket origin (ws: or wss:,
    as the page) added to connect-src, for the live sessions (static/js/chat.js).

    CSP Level 3 lets 'self' match same-host WebSockets, but not every browser in
    use does; naming the exact origin is as tight, where a bare `wss:` would let
    a script talk to any host."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        try:
            host = request.get_host()
        except DisallowedHost:  # answered with 400 already; the base policy still applies
            return parts
        scheme = "wss" if request.is_secure() else "ws"
        update = dict(parts.update or {})
        extra = update.get("connect-src") or ()
        extra = [extra] if isinstance(extra, str) else list(extra)
        update["connect-src"] = [*extra, f"{scheme}://{host}"]
        parts.update = update
        return parts
