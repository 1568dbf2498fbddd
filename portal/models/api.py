"""What the REST API (portal/api/, docs/api.md) keeps: organisations' tokens,
the requests it has already answered (idempotency), and the complaints
e-commerce platforms filed through it."""

import hashlib

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Every token starts with this, so a leaked one is easy to recognise (secret scanners).
TOKEN_PREFIX = "ipdr_"  # noqa: S105 - a public marker, not a secret
#: Characters of the token kept in clear to tell tokens apart in lists and logs.
TOKEN_SHOWN_CHARS = 12


class ApiScope(models.TextChoices):
    COMPLAINTS = "complaints", _("File and follow e-commerce complaints")
    REFERRALS = "referrals", _("Refer disputes for pre-litigation mediation")
    CONFIRMATIONS = "confirmations", _("Receive judicial confirmation packets and post rulings")


# What an organisation's tokens may do follows from its kind, at every request.
SCOPES_BY_KIND: dict[str, tuple[str, ...]] = {
    "platform": (ApiScope.COMPLAINTS,),
    "court": (ApiScope.REFERRALS, ApiScope.CONFIRMATIONS),
}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(models.Model):
    """A secret an organisation's system sends as `Authorization: Bearer <token>`.

    Only the SHA-256 of the token is stored: the token itself is shown once,
    when it is issued (portal.api.services.issue_token), and cannot be recovered.
    `prefix`, its first characters, tells tokens apart in lists. A revoked
    token is kept (with its last use) for the record.
    """

    organisation = models.ForeignKey("portal.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the system using it."))
    prefix = models.CharField(_("token begins with"), max_length=TOKEN_SHOWN_CHARS, editable=False)
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scopes(self) -> tuple[str, ...]:
        return SCOPES_BY_KIND.get(self.organisation.kind, ())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotentRequest(models.Model):
    """A POST answered under an Idempotency-Key: a retry with the same key and
    the same request gets this stored answer instead of doing the work twice.

    `fingerprint` is the SHA-256 of the method, path and canonical request
    content (JSON re-serialised with sorted keys; uploaded files by their
    SHA-256), so whitespace or a new multipart boundary is still "the same request".
    """

    organisation = models.ForeignKey("portal.Organisation", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotent API request")
        verbose_name_plural = _("idempotent API requests")
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="one_request_per_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.key}"


class PlatformComplaint(models.Model):
    """An e-commerce infringement complaint a platform filed through the API:
    which platform, its own reference, and the listings complained of. The
    dispute itself is an ordinary Case on Channel.PLATFORM."""

    organisation = models.ForeignKey("portal.Organisation", verbose_name=_("platform"), on_delete=models.PROTECT,
                                     related_name="complaints")
    case = models.OneToOneField("portal.Case", on_delete=models.CASCADE, related_name="platform_complaint")
    external_reference = models.CharField(_("platform's reference"), max_length=100, blank=True)
    listing_urls = models.JSONField(_("infringing listings"), default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("platform complaint")
        verbose_name_plural = _("platform complaints")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "created_at"], name="complaint_org_created")]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.case}"
