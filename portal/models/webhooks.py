"""Webhooks: organisations connected by API hear about their cases by HTTP POST.

Sending, signing and retrying live in portal/api/webhooks.py; docs/api.md
tells receivers how to check the signature.
"""

import secrets
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    COMPLAINT_STATUS_CHANGED = "complaint.status_changed", _("A complaint's intake status changed")
    CASE_DOCKETED = "case.docketed", _("A case was docketed")
    MEDIATION_STATE_CHANGED = "mediation.state_changed", _("A mediation's state changed")
    ARBITRATION_STATE_CHANGED = "arbitration.state_changed", _("An arbitration's state changed")
    CONFIRMATION_RULED = "confirmation.ruled", _("A court ruled on judicial confirmation")


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """Where an organisation wants events POSTed, and which.

    The signing secret is stored as it is — the HMAC needs it — and shown only
    once, when the endpoint is created; to change it, create a new endpoint.
    """

    organisation = models.ForeignKey("portal.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="webhook_endpoints")
    url = models.URLField(_("URL"), max_length=500, validators=[URLValidator(schemes=["https", "http"])])
    events = models.JSONField(_("events"), default=list, help_text=_("The events sent to this URL."))
    secret = models.CharField(_("signing secret"), max_length=80, default=new_webhook_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["organisation", "url"]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.url}"


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint: every attempt's outcome
    is kept here. A replay from the back office is a new delivery of the same
    event (same `event_id`, so receivers can drop duplicates)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (gave up)")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.CharField(_("event"), max_length=60, choices=WebhookEvent.choices)
    event_id = models.UUIDField(_("event ID"), default=uuid.uuid4)
    payload = models.JSONField(_("payload"), encoder=DjangoJSONEncoder)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays",
                                  verbose_name=_("replay of"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url} ({self.get_status_display()})"
