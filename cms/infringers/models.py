"""The infringer list: who is proposed, who is listed, and objections.

A respondent becomes an InfringerCandidate when it has at least
INFRINGER_MIN_CASES decided infringements (settlements confirmed by a court,
awards) within INFRINGER_WINDOW_DAYS. Nothing is published until a case
manager approves the candidate: that creates the InfringerListing, shown on
the public list until `expires_at`. An objection by the listed company
suspends the entry until a case manager upholds it (entry removed) or
dismisses it (entry shown again).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import IPType


class InfringerCandidate(models.Model):
    """A respondent found by cms.infringers.services.find_infringer_candidates, awaiting a decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        APPROVED = "approved", _("Approved and listed")
        DISMISSED = "dismissed", _("Dismissed")

    # The credit code when the respondent has one, else "name:" + its normalised name.
    key = models.CharField(_("grouping key"), max_length=220, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    cases = models.ManyToManyField("portal.Case", related_name="+", verbose_name=_("cases"))
    case_count = models.PositiveIntegerField(_("number of cases"))
    first_decided_on = models.DateField(_("first decided"))
    last_decided_on = models.DateField(_("last decided"))
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("infringer list candidate")
        verbose_name_plural = _("infringer list candidates")
        ordering = ["-found_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["key"], condition=Q(status="pending"),
                                               name="one_pending_candidate_per_respondent")]

    def __str__(self) -> str:
        return self.name


class InfringerListingQuerySet(models.QuerySet):
    def shown(self, now=None):
        """What the public list shows: approved, not expired, not suspended or removed."""
        return self.filter(status=InfringerListing.Status.PUBLISHED, expires_at__gt=now or timezone.now())


class InfringerListing(models.Model):
    """An approved entry of the public infringer list."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        SUSPENDED = "suspended", _("Suspended: an objection is being reviewed")
        REMOVED = "removed", _("Removed after an objection")

    candidate = models.OneToOneField(InfringerCandidate, on_delete=models.PROTECT, related_name="listing")
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    case_count = models.PositiveIntegerField(_("number of cases"))
    ip_types = models.JSONField(_("types of right"), default=list)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved"), default=timezone.now)
    expires_at = models.DateTimeField(_("listed until"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PUBLISHED)

    objects = InfringerListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("infringer list entry")
        verbose_name_plural = _("infringer list entries")
        ordering = ["-approved_at", "-pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shown(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.expires_at > timezone.now()

    @property
    def ip_type_labels(self) -> list[str]:
        return [str(IPType(value).label) for value in self.ip_types if value in IPType.values]

    def pending_objection(self):
        return self.objections.filter(decision=InfringerObjection.Decision.PENDING).first()


class InfringerObjection(models.Model):
    """A listed company's objection (异议), filed through the signed link it was emailed."""

    class Decision(models.TextChoices):
        PENDING = "", _("Pending")
        UPHELD = "upheld", _("Upheld: the entry is removed")
        DISMISSED = "dismissed", _("Dismissed: the entry is shown again")

    listing = models.ForeignKey(InfringerListing, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("your name"), max_length=120)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    grounds = models.TextField(_("grounds for the objection"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True,
                                default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("reasons for the decision"), blank=True)

    class Meta:
        verbose_name = _("objection to an infringer list entry")
        verbose_name_plural = _("objections to infringer list entries")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.listing} · {self.name}"
