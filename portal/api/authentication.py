"""`Authorization: Bearer <token>`: the token names an organisation.

The token is looked up by its SHA-256 (only the hash is stored). The request
then acts as the organisation's API account (services.api_account), and
`request.auth` is the ApiToken, whose scopes permissions.py checks.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from portal.models import ApiToken
from portal.models.api import hash_token

# last_used_at is written at most this often per token: not one UPDATE per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

MSG_BAD_HEADER = _("Send the token as “Authorization: Bearer <token>”.")
MSG_BAD_TOKEN = _("The token is not valid or has been revoked.")


class ApiTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(MSG_BAD_HEADER)
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(MSG_BAD_TOKEN) from None
        token = (ApiToken.objects.select_related("organisation__api_account", "organisation__court")
                 .filter(token_hash=hash_token(secret)).first())
        if token is None or token.revoked_at is not None:
            raise AuthenticationFailed(MSG_BAD_TOKEN)
        from portal.api.services import api_account

        user = api_account(token.organisation)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403.
        return 'Bearer realm="api"'
