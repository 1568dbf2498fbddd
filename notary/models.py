"""Notary models: notarised items, the transparency log, checkpoints, custody.

The log is append-only. Each leaf (LogLeaf) stores its entry bytes; LogNode
stores the hash of every complete, aligned subtree (level l, index i covers
leaves [i·2^l, (i+1)·2^l)), written once when the subtree completes. So an
append writes O(log n) rows and any proof or root reads O(log n) rows
(notary.services.log). LogHead is a single row locked for every append, which
serialises appends across processes: never two leaves with one index, never a gap.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models.documents import _private_storage


def item_path(instance: "NotaryItem", filename: str) -> str:
    return f"notary/{instance.uid.hex[:2]}/{instance.uid.hex}"


class NotaryItem(models.Model):
    """A file registered in the log: evidence a party uploaded, a web-page
    capture artefact, or a document the portal issued."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Evidence")
        CAPTURE = "capture", _("Web page capture")
        DOCUMENT = "document", _("Issued document")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In the case file")
        WITHDRAWN = "withdrawn", _("Withdrawn by its submitter")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("portal.Case", on_delete=models.PROTECT, related_name="notary_items")
    # Withdrawing takes evidence out of the case file; it stays in the log and
    # remains verifiable. Every status change is a custody event.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVIDENCE)
    file = models.FileField(storage=_private_storage, upload_to=item_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    description = models.CharField(_("description"), max_length=300, blank=True)
    private_to_side = models.CharField(
        _("visible only to one side"), max_length=20, blank=True, default="",
        choices=[("", _("Everyone on the case")), ("claimant", _("Claimant side")), ("respondent", _("Respondent side"))],
        help_text=_("Caucus material: only that side of the case and the neutrals on the case see it."))
    content_type = models.CharField(_("type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered at (UTC)"), default=timezone.now)
    timestamp_token = models.BinaryField(_("RFC 3161 timestamp token"), editable=False)
    timestamp_time = models.DateTimeField(_("timestamp time"), null=True)
    # Web-page captures: which capture produced this artefact, and its metadata.
    capture = models.ForeignKey("notary.WebCapture", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="artefacts")
    case_document = models.OneToOneField("portal.CaseDocument", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="notary_item")

    class Meta:
        verbose_name = _("notarised item")
        verbose_name_plural = _("notarised items")
        ordering = ["registered_at", "id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.sha256[:12]})"

    @property
    def certificate_number(self) -> str:
        leaf = getattr(self, "leaf", None)
        return f"NC-{self.registered_at:%Y}-{leaf.index:08d}" if leaf else ""


class WebCapture(models.Model):
    """A web page captured by the server's headless Chromium on a user's request."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("portal.Case", on_delete=models.PROTECT, related_name="web_captures")
    requested_url = models.URLField(_("requested URL"), max_length=2000)
    final_url = models.URLField(_("final URL"), max_length=2000, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    capturing_host = models.CharField(_("capturing host"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    captured_at = models.DateTimeField(null=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.requested_url


class CustodyEvent(models.Model):
    """Chain of custody: who did what with an item, when, from where. Each event
    is itself hashed into the log (a ``custody`` entry)."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        VIEWED = "viewed", _("Viewed")
        DOWNLOADED = "downloaded", _("Downloaded")
        EXPORTED = "exported", _("Exported (proof or certificate)")
        STATUS = "status", _("Status changed")

    item = models.ForeignKey(NotaryItem, on_delete=models.PROTECT, related_name="custody")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("time (UTC)"), default=timezone.now)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class LogHead(models.Model):
    """The log's current size: one row, locked by every append."""

    size = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"log size {self.size}"


class LogLeaf(models.Model):
    index = models.PositiveBigIntegerField(unique=True)
    entry = models.BinaryField()
    leaf_hash = models.BinaryField(max_length=32)
    item = models.OneToOneField(NotaryItem, null=True, on_delete=models.PROTECT, related_name="leaf")
    custody = models.OneToOneField(CustodyEvent, null=True, on_delete=models.PROTECT, related_name="leaf")
    appended_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["index"]

    def __str__(self) -> str:
        return f"leaf {self.index}"


class LogNode(models.Model):
    """Hash of the complete subtree at (level, index); level 0 are leaf hashes."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="unique_log_node")]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed tree head, published only after it was proven consistent with
    the previous one."""

    size = models.PositiveBigIntegerField(unique=True)
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-size"]
        get_latest_by = "size"

    def __str__(self) -> str:
        return f"checkpoint {self.size}"
