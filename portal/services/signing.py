"""What every in-portal signature needs: a canonical form of the content it
binds, and re-authentication of the signer (password, plus a TOTP code when
the user has an authenticator)."""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import User


def canonical(data) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def reauthenticate(user: User, password: str, otp_token: str) -> bool:
    """Raise ValidationError unless the password (and TOTP code, if enrolled) are right.
    Returns whether a second factor was used."""
    if not password or not user.check_password(password):
        raise ValidationError(_("Your password is not correct."), code="password")
    if user_has_device(user, confirmed=True):
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            if otp_token.isdigit() and device.verify_is_allowed()[0] and device.verify_token(otp_token):
                return True
        raise ValidationError(_("Enter the current code from your authenticator app."), code="otp")
    return False
