"""Single-use, expiring links sent to people who have no account on the case yet
(the mediation invitation, the notice of arbitration). Only the SHA-256 of the
token is stored; the token itself travels only in the email or text message."""

import hashlib
import secrets

from django.conf import settings
from django.db import models


class SingleUseLink(models.Model):
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    class Meta:
        abstract = True

    @staticmethod
    def new_token() -> tuple[str, str]:
        token = secrets.token_urlsafe(32)
        return token, hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
