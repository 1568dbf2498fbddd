"""Files attached to a case: evidence, powers of attorney, arbitration agreements.

Stored under generated names in the private storage (outside any web root),
with the SHA-256 computed while the upload streams in; served only through
portal.views.documents after a permission check.
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _private_storage():
    return storages["private"]


def document_path(instance: "CaseDocument", filename: str) -> str:
    # The user's file name never reaches the file system.
    return f"cases/{instance.case.ref.hex}/{uuid.uuid4().hex}"


class CaseDocument(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
        ARBITRATION_AGREEMENT = "arbitration_agreement", _("Arbitration agreement")
        IDENTITY = "identity", _("Identity document")
        OTHER = "other", _("Other")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.EVIDENCE)
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(storage=_private_storage, upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, help_text=_("As uploaded; display only."))
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at (UTC)"), default=timezone.now)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
