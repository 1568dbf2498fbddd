"""What a token may do: each view names the scope it needs (`required_scope`);
a token has the scopes of its organisation's kind (portal.models.api.SCOPES_BY_KIND).
Platform tokens file complaints; court tokens refer disputes and handle
judicial confirmation. Objects of other organisations are not found (404),
which the views ensure by querying only the organisation's own."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from portal.models import ApiToken

MSG_WRONG_SCOPE = _("This token's organisation may not use this endpoint.")


class HasTokenScope(BasePermission):
    message = MSG_WRONG_SCOPE

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False  # DRF turns this into 401: no credentials were given
        scope = getattr(view, "required_scope", None)
        return scope is None or scope in token.scopes
