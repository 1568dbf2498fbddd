"""The arbitration track (仲裁): from the request for arbitration to the award.

Procedures are data: a `RuleSet` row holds every deadline and the tribunal size
(ordinary and expedited procedures are seeded by migration 0002 and editable in
the back office). Fees are data too: a `FeeSchedule` with its `FeeTier` rows.

A docketed arbitration case gets one `Arbitration` (arbitration/receivers.py).
Its state machine is the legal process; every transition takes `by` (the actor,
None for the deadline job) and `note`, and portal's post_transition receiver
writes it to the case timeline. arbitration/services.py calls the transitions.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

from arbitration import rules as arb_rules
from portal.models.links import SingleUseLink

CENT = Decimal("0.01")


# --- procedures and fees as data -----------------------------------------------------------------

class RuleSet(models.Model):
    """One procedure (ordinary, expedited): its deadlines and tribunal size."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    tribunal_size = models.PositiveSmallIntegerField(
        _("number of arbitrators"), choices=[(1, _("Sole arbitrator")), (3, _("Three arbitrators"))], default=3)
    max_claim_amount = models.DecimalField(
        _("applies to claims up to (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("Empty: no upper limit. The expedited procedure applies to claims up to this amount."))
    fee_payment_days = models.PositiveSmallIntegerField(_("days to pay the fees"), default=15)
    answer_days = models.PositiveSmallIntegerField(_("days to answer after notice"))
    nomination_days = models.PositiveSmallIntegerField(_("days to nominate arbitrators"), default=15)
    challenge_days = models.PositiveSmallIntegerField(_("days to challenge an arbitrator"), default=15)
    award_months = models.PositiveSmallIntegerField(_("months from constitution to award"))
    correction_days = models.PositiveSmallIntegerField(_("days to request a correction of the award"), default=30)
    submission_days = models.PositiveSmallIntegerField(_("default days for written submissions"), default=15)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("arbitration rule set")
        verbose_name_plural = _("arbitration rule sets")
        ordering = ["-max_claim_amount"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def for_claim(cls, amount: Decimal | None, *, expedited_by_agreement: bool = False) -> RuleSet:
        """The expedited procedure for small claims (or by agreement), else the ordinary one."""
        if not cls.objects.filter(code="ordinary").exists():
            from arbitration.defaults import ensure_defaults

            ensure_defaults()  # an emptied database (a test flush): put the seeded procedures back
        expedited = cls.objects.filter(code="expedited", is_active=True).first()
        if expedited and (expedited_by_agreement or (
                expedited.max_claim_amount is not None and (amount or Decimal(0)) <= expedited.max_claim_amount)):
            return expedited
        return cls.objects.get(code="ordinary")


class FeeSchedule(ClusterableModel):
    """仲裁收费表: a registration fee plus a tiered administration fee by amount claimed.

    The schedule in force on a date is the latest one effective on or before it.
    """

    name = models.CharField(_("name"), max_length=80)
    registration_fee = models.DecimalField(_("registration fee (CNY)"), max_digits=12, decimal_places=2,
                                           validators=[MinValueValidator(Decimal(0))])
    minimum_admin_fee = models.DecimalField(_("minimum administration fee (CNY)"), max_digits=12, decimal_places=2,
                                            default=Decimal(0), validators=[MinValueValidator(Decimal(0))])
    effective_from = models.DateField(_("effective from"))

    panels = [FieldPanel("name"), FieldPanel("effective_from"), FieldPanel("registration_fee"),
              FieldPanel("minimum_admin_fee"), InlinePanel("tiers", label=_("Administration fee tiers"), min_num=1)]

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedules")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from})"

    @classmethod
    def current(cls, on=None) -> FeeSchedule | None:
        on = on or timezone.localdate()
        return cls.objects.filter(effective_from__lte=on).prefetch_related("tiers").first()

    def ordered_tiers(self) -> list[FeeTier]:
        return sorted(self.tiers.all(), key=lambda t: t.lower)

    def admin_fee(self, amount: Decimal) -> Decimal:
        """Base of the tier the amount falls in, plus the rate on the part above its lower bound.
        A tier covers (lower, upper]; the first tier also covers zero."""
        amount = Decimal(amount)
        if amount < 0:
            raise ValueError("negative claim amount")
        tier = None
        for candidate in self.ordered_tiers():
            if amount > candidate.lower or (candidate.lower == 0 and amount == 0):
                tier = candidate
        if tier is None:
            return self.minimum_admin_fee
        fee = tier.base + (amount - tier.lower) * tier.rate / Decimal(100)
        return max(fee, self.minimum_admin_fee).quantize(CENT, rounding=ROUND_HALF_UP)

    def quote(self, amount: Decimal) -> dict:
        admin = self.admin_fee(amount)
        return {"registration_fee": self.registration_fee, "admin_fee": admin,
                "total": (self.registration_fee + admin).quantize(CENT)}

    def clean(self):
        tiers = self.ordered_tiers() if self.pk else []
        for previous, current in zip(tiers, tiers[1:], strict=False):
            if previous.upper != current.lower:
                raise ValidationError(_("Fee tiers must follow each other without gaps."))


class FeeTier(models.Model):
    """Claims above `lower` up to `upper` pay `base` plus `rate` % of the part above `lower`."""

    schedule = ParentalKey(FeeSchedule, on_delete=models.CASCADE, related_name="tiers")
    lower = models.DecimalField(_("above (CNY)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    upper = models.DecimalField(_("up to (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True,
                                help_text=_("Empty for the last tier."))
    base = models.DecimalField(_("base fee (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    rate = models.DecimalField(_("rate on the part above (%)"), max_digits=6, decimal_places=3,
                               validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("fee tier")
        verbose_name_plural = _("fee tiers")
        ordering = ["lower"]
        constraints = [models.UniqueConstraint(fields=["schedule", "lower"], name="unique_fee_tier_lower")]

    def __str__(self) -> str:
        return f"{self.lower}–{self.upper or '∞'}: {self.base} + {self.rate}%"


# --- the arbitration --------------------------------------------------------------------------------

class ArbitrationState(models.TextChoices):
    FILED = "filed", _("Request filed")
    FEES_ASSESSED = "fees_assessed", _("Fees assessed; awaiting payment")
    FEES_PAID = "fees_paid", _("Fees paid")
    NOTICE_SERVED = "notice_served", _("Notice served; answer due")
    CONSTITUTION = "constitution", _("Constituting the tribunal")
    CONSTITUTED = "constituted", _("Tribunal constituted")
    PROCEEDINGS = "proceedings", _("Proceedings")
    PROCEEDINGS_CLOSED = "proceedings_closed", _("Proceedings closed")
    AWARD_DRAFTED = "award_drafted", _("Award drafted")
    AWARD_ISSUED = "award_issued", _("Award issued; correction window open")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SETTLED = "settled", _("Settled by consent award")
    TERMINATED = "terminated", _("Terminated")


S = ArbitrationState
BEFORE_TRIBUNAL = [S.FILED, S.FEES_ASSESSED, S.FEES_PAID, S.NOTICE_SERVED, S.CONSTITUTION]
WITH_TRIBUNAL = [S.CONSTITUTED, S.PROCEEDINGS, S.PROCEEDINGS_CLOSED, S.AWARD_DRAFTED]
OPEN_STATES = BEFORE_TRIBUNAL + WITH_TRIBUNAL
ENDED_STATES = [S.CLOSED, S.WITHDRAWN, S.SETTLED, S.TERMINATED]


class Arbitration(ConcurrentTransitionMixin, models.Model):
    case = models.OneToOneField("portal.Case", on_delete=models.PROTECT, related_name="arbitration")
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, verbose_name=_("procedure"))
    expedited_by_agreement = models.BooleanField(_("expedited procedure agreed by the parties"), default=False)
    sole_arbitrator_agreed = models.BooleanField(_("parties agreed on a sole arbitrator"), default=False)
    state = FSMField(_("status"), max_length=30, choices=ArbitrationState.choices, default=S.FILED, protected=True)

    fees_due = models.DateTimeField(_("fees to be paid by"), null=True, blank=True)
    notice_served_at = models.DateTimeField(null=True, blank=True)
    answer_due = models.DateTimeField(_("answer due"), null=True, blank=True)
    respondent_agreed_at = models.DateTimeField(
        _("respondent agreed to arbitrate"), null=True, blank=True,
        help_text=_("Needed when the claimant filed without an arbitration agreement."))
    nomination_due = models.DateTimeField(_("arbitrators to be nominated by"), null=True, blank=True)
    constituted_at = models.DateTimeField(null=True, blank=True)
    award_due = models.DateTimeField(_("award due"), null=True, blank=True)
    proceedings_closed_at = models.DateTimeField(null=True, blank=True)
    award_issued_at = models.DateTimeField(null=True, blank=True)
    correction_until = models.DateTimeField(_("corrections may be requested until"), null=True, blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    agreement_document = models.ForeignKey(
        "notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("arbitration agreement made in the portal"),
        help_text=_("Set when the parties agreed to arbitrate after a failed mediation."))
    nomination_overdue_notified = models.BooleanField(default=False, editable=False)
    award_overdue_notified = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    timeline_process = "arbitration"

    class Meta:
        verbose_name = _("arbitration")
        verbose_name_plural = _("arbitrations")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_state_display()}"

    @property
    def timeline_case(self):
        return self.case

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def tribunal_size(self) -> int:
        return 1 if self.sole_arbitrator_agreed else self.rule_set.tribunal_size

    @property
    def badge_class(self) -> str:
        if self.state in (S.AWARD_ISSUED, S.CLOSED, S.SETTLED):
            return "docketed"
        if self.state in (S.WITHDRAWN, S.TERMINATED):
            return "withdrawn"
        return "submitted"

    def current_deadline(self):
        """(label, moment) of the deadline that matters now, for dashboards."""
        if self.state == S.FEES_ASSESSED:
            return _("payment of the fees"), self.fees_due
        if self.state == S.NOTICE_SERVED:
            return _("respondent's answer"), self.answer_due
        if self.state == S.CONSTITUTION:
            return _("nomination of arbitrators"), self.nomination_due
        if self.state in WITH_TRIBUNAL:
            return _("award"), self.award_due
        if self.state == S.AWARD_ISSUED:
            return _("requests for correction"), self.correction_until
        return None, None

    @property
    def deadline_label(self):
        return self.current_deadline()[0]

    @property
    def deadline_at(self):
        return self.current_deadline()[1]

    # --- members and fees, used by conditions ------------------------------------------------------
    def active_members(self):
        return self.members.filter(status__in=[TribunalMember.Status.PROPOSED, TribunalMember.Status.ACCEPTED])

    def tribunal_complete(self) -> bool:
        accepted = list(self.members.filter(status=TribunalMember.Status.ACCEPTED))
        if len(accepted) != self.tribunal_size:
            return False
        presiding = [m for m in accepted if m.role in (TribunalMember.Role.PRESIDING, TribunalMember.Role.SOLE)]
        return len(presiding) == 1

    def fees_paid_in_full(self) -> bool:
        assessments = list(self.assessments.filter(kind=FeeAssessment.Kind.CLAIM))
        return bool(assessments) and all(a.paid_at for a in assessments)

    def has_answer_or_deadline_passed(self) -> bool:
        return self.submissions.filter(kind=Submission.Kind.ANSWER).exists() or bool(
            self.answer_due and timezone.now() >= self.answer_due)

    def may_proceed_without_agreement(self) -> bool:
        """Filed without an arbitration clause: the respondent must agree in writing first."""
        from portal.models.cases import ArbitrationAgreement

        return self.case.arbitration_agreement != ArbitrationAgreement.ASK_RESPONDENT or bool(self.respondent_agreed_at)

    def award_signed_by_majority(self) -> bool:
        award = self.current_award()
        return bool(award and award.has_majority())

    def current_award(self):
        return self.awards.order_by("-number").first()

    def no_pending_corrections(self) -> bool:
        return not self.corrections.filter(decided_at=None).exists()

    # --- fees ----------------------------------------------------------------------------------------
    @transition(field=state, source=S.FILED, target=S.FEES_ASSESSED, permission=arb_rules.is_manager)
    def assess_fees(self, *, by, note: str = "") -> None:
        self.fees_due = timezone.now() + timedelta(days=self.rule_set.fee_payment_days)

    @transition(field=state, source=S.FEES_ASSESSED, target=S.FEES_PAID,
                conditions=[lambda a: a.fees_paid_in_full()])
    def fees_received(self, *, by=None, note: str = "") -> None:
        pass

    # --- notice and answer --------------------------------------------------------------------------------
    @transition(field=state, source=S.FEES_PAID, target=S.NOTICE_SERVED, permission=arb_rules.is_manager)
    def serve_notice(self, *, by, note: str = "") -> None:
        now = timezone.now()
        self.notice_served_at = now
        self.answer_due = now + timedelta(days=self.rule_set.answer_days)

    @transition(field=state, source=S.NOTICE_SERVED, target=S.CONSTITUTION,
                permission=arb_rules.is_respondent_side_or_manager,
                conditions=[lambda a: a.has_answer_or_deadline_passed(), lambda a: a.may_proceed_without_agreement()])
    def begin_constitution(self, *, by, note: str = "") -> None:
        self.nomination_due = timezone.now() + timedelta(days=self.rule_set.nomination_days)
        self.nomination_overdue_notified = False

    # --- tribunal -----------------------------------------------------------------------------------------
    @transition(field=state, source=S.CONSTITUTION, target=S.CONSTITUTED, permission=arb_rules.is_manager,
                conditions=[lambda a: a.tribunal_complete()])
    def constitute(self, *, by, note: str = "") -> None:
        self.constituted_at = timezone.now()
        months = self.rule_set.award_months
        self.award_due = self.constituted_at + timedelta(days=round(months * 365 / 12))

    @transition(field=state, source=[S.CONSTITUTED, S.PROCEEDINGS, S.PROCEEDINGS_CLOSED, S.AWARD_DRAFTED],
                target=S.CONSTITUTION, permission=arb_rules.is_manager)
    def reconstitute(self, *, by, note: str) -> None:
        """An arbitrator was removed (challenge upheld, withdrawal): fill the seat, then go on."""
        self.nomination_due = timezone.now() + timedelta(days=self.rule_set.nomination_days)
        self.nomination_overdue_notified = False

    # --- proceedings -------------------------------------------------------------------------------------
    @transition(field=state, source=S.CONSTITUTED, target=S.PROCEEDINGS, permission=arb_rules.is_tribunal_member)
    def open_proceedings(self, *, by, note: str = "") -> None:
        pass

    @transition(field=state, source=S.PROCEEDINGS, target=S.PROCEEDINGS_CLOSED, permission=arb_rules.is_presiding)
    def close_proceedings(self, *, by, note: str = "") -> None:
        self.proceedings_closed_at = timezone.now()

    @transition(field=state, source=S.PROCEEDINGS_CLOSED, target=S.PROCEEDINGS, permission=arb_rules.is_presiding)
    def reopen_proceedings(self, *, by, note: str) -> None:
        self.proceedings_closed_at = None

    # --- award ---------------------------------------------------------------------------------------------
    @transition(field=state, source=[S.PROCEEDINGS_CLOSED, S.AWARD_DRAFTED], target=S.AWARD_DRAFTED,
                permission=arb_rules.is_presiding)
    def draft_award(self, *, by, note: str = "") -> None:
        pass

    @transition(field=state, source=S.AWARD_DRAFTED, target=S.AWARD_ISSUED, permission=arb_rules.is_manager,
                conditions=[lambda a: a.award_signed_by_majority()])
    def issue_award(self, *, by, note: str = "") -> None:
        self.award_issued_at = timezone.now()
        self.correction_until = self.award_issued_at + timedelta(days=self.rule_set.correction_days)

    @transition(field=state, source=S.AWARD_ISSUED, target=S.CLOSED,
                conditions=[lambda a: a.correction_until and timezone.now() >= a.correction_until,
                            lambda a: a.no_pending_corrections()])
    def close(self, *, by=None, note: str = "") -> None:
        pass

    # --- ending early -------------------------------------------------------------------------------------
    @transition(field=state, source=OPEN_STATES, target=S.WITHDRAWN, permission=arb_rules.is_claimant_side)
    def withdraw(self, *, by, note: str) -> None:
        self.end_reason = note

    @transition(field=state, source=S.FEES_ASSESSED, target=S.WITHDRAWN,
                conditions=[lambda a: a.fees_due and timezone.now() >= a.fees_due and not a.fees_paid_in_full()])
    def deem_withdrawn(self, *, by=None, note: str = "") -> None:
        """Fees not paid in time: the request is deemed withdrawn."""
        self.end_reason = note

    @transition(field=state, source=[S.CONSTITUTED, S.PROCEEDINGS, S.PROCEEDINGS_CLOSED, S.AWARD_DRAFTED],
                target=S.SETTLED, permission=arb_rules.is_manager,
                conditions=[lambda a: a.award_signed_by_majority()])
    def settle(self, *, by, note: str = "") -> None:
        """The parties settled and the tribunal made a consent award (signed like any award)."""
        self.award_issued_at = timezone.now()

    @transition(field=state, source=OPEN_STATES, target=S.TERMINATED, permission=arb_rules.is_manager)
    def terminate(self, *, by, note: str) -> None:
        self.end_reason = note

    @transition(field=state, source=S.NOTICE_SERVED, target=S.TERMINATED,
                conditions=[lambda a: a.answer_due and timezone.now() >= a.answer_due
                            and not a.may_proceed_without_agreement()])
    def lapse_without_agreement(self, *, by=None, note: str = "") -> None:
        """No arbitration agreement and the respondent did not agree in time: no jurisdiction."""
        self.end_reason = note


class DeadlineExtension(models.Model):
    """A case manager moved a deadline, with a reason; the old value is kept."""

    FIELDS = {"fees_due": _("payment of the fees"), "answer_due": _("respondent's answer"),
              "nomination_due": _("nomination of arbitrators"), "award_due": _("award"),
              "correction_until": _("requests for correction")}

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="extensions")
    field = models.CharField(max_length=30, choices=list(FIELDS.items()))
    old_value = models.DateTimeField(null=True)
    new_value = models.DateTimeField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old_value} → {self.new_value}"


class NoticeRecipient(SingleUseLink):
    """The notice of arbitration to one respondent, with a single-use link (only
    the token's SHA-256 is stored) that lets them take the case into their account."""

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="notices")
    party = models.ForeignKey("portal.Party", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"notice to {self.party}"


# --- fees and payment -----------------------------------------------------------------------------------

class FeeAssessment(models.Model):
    class Kind(models.TextChoices):
        CLAIM = "claim", _("Claim")
        COUNTERCLAIM = "counterclaim", _("Counterclaim")

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    payer_side = models.CharField(max_length=20, choices=[("claimant", _("Claimant")), ("respondent", _("Respondent"))])
    schedule = models.ForeignKey(FeeSchedule, on_delete=models.PROTECT, related_name="+")
    amount_claimed = models.DecimalField(max_digits=14, decimal_places=2)
    registration_fee = models.DecimalField(max_digits=12, decimal_places=2)
    admin_fee = models.DecimalField(max_digits=12, decimal_places=2)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessed_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.total}"


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Paid")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(FeeAssessment, on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=30)
    reference = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    provider_data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.status}"


# --- tribunal ---------------------------------------------------------------------------------------------

class Nomination(models.Model):
    """A side's nomination of its co-arbitrator (or proposal for the sole/presiding one)."""

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="nominations")
    side = models.CharField(max_length=20, choices=[("claimant", _("Claimant")), ("respondent", _("Respondent"))])
    arbitrator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("arbitrator from the directory"))
    nominee_name = models.CharField(_("or name of a person not in the directory"), max_length=120, blank=True)
    nominee_contact = models.CharField(_("their contact details"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    handled = models.BooleanField(default=False)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.side}: {self.arbitrator or self.nominee_name}"


class TribunalMember(models.Model):
    class Role(models.TextChoices):
        SOLE = "sole", _("Sole arbitrator")
        PRESIDING = "presiding", _("Presiding arbitrator")
        CO = "co", _("Co-arbitrator")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Appointed; awaiting disclosure and acceptance")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REMOVED = "removed", _("Removed after a challenge")

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="members")
    arbitrator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tribunal_seats")
    role = models.CharField(max_length=20, choices=Role.choices)
    nominated_by = models.CharField(max_length=20, choices=[("claimant", _("Claimant")),
                                                            ("respondent", _("Respondent")),
                                                            ("centre", _("The centre"))])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    disclosure = models.TextField(_("disclosure"), blank=True)
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appointed_at"]

    def __str__(self) -> str:
        return f"{self.arbitrator} · {self.get_role_display()}"

    def challenge_deadline(self):
        if not self.accepted_at:
            return None
        return self.accepted_at + timedelta(days=self.arbitration.rule_set.challenge_days)


class Challenge(models.Model):
    """回避申请: a party challenges an arbitrator, with reasons; the centre decides."""

    member = models.ForeignKey(TribunalMember, on_delete=models.CASCADE, related_name="challenges")
    side = models.CharField(max_length=20)
    reason = models.TextField(_("reasons"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    upheld = models.BooleanField(null=True)
    decision_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"challenge of {self.member} by {self.side}"


# --- proceedings -------------------------------------------------------------------------------------------

class ProceduralOrder(models.Model):
    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="orders")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("order"))
    submissions_due = models.DateTimeField(_("written submissions due"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["arbitration", "number"], name="unique_order_number")]

    def __str__(self) -> str:
        return f"PO{self.number} {self.title}"


class Submission(models.Model):
    """Written submissions and evidence. Files go through the notary evidence path."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer (答辩书)")
        COUNTERCLAIM = "counterclaim", _("Counterclaim (反请求)")
        STATEMENT = "statement", _("Written submission")
        EVIDENCE = "evidence", _("Evidence")

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    side = models.CharField(max_length=20)
    text = models.TextField(_("text"), blank=True)
    amount = models.DecimalField(_("amount counterclaimed (CNY)"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    item = models.ForeignKey("notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(ProceduralOrder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    late = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.side})"


class Hearing(models.Model):
    class Mode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="hearings")
    uid = models.CharField(max_length=80, unique=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=120)
    location = models.CharField(_("place (for an in-person hearing)"), max_length=200, blank=True)
    sequence = models.PositiveSmallIntegerField(default=0)
    cancelled = models.BooleanField(default=False)
    record = models.TextField(_("record of the hearing"), blank=True)
    record_item = models.ForeignKey("notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    # The live session room of an online hearing, once the presiding arbitrator opens it
    # (arbitration.hearing_rooms); its signed transcripts are part of the hearing's record.
    room = models.OneToOneField("mediation.SessionRoom", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="hearing")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


# --- award --------------------------------------------------------------------------------------------------

class Award(models.Model):
    """裁决书. Each version's content hash is what the arbitrators sign; issuing
    renders, PAdES-signs and notarises the PDF."""

    class Kind(models.TextChoices):
        FINAL = "final", _("Award")
        CONSENT = "consent", _("Consent award")

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="awards")
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FINAL)
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    document = models.OneToOneField("notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["arbitration", "number"], name="unique_award_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"

    def signatures_valid(self):
        return self.signatures.filter(content_sha256=self.sha256)

    def has_majority(self) -> bool:
        seats = self.arbitration.tribunal_size
        signers = set(self.signatures_valid().values_list("member__arbitrator_id", flat=True))
        current = set(self.arbitration.members.filter(status=TribunalMember.Status.ACCEPTED)
                      .values_list("arbitrator_id", flat=True))
        return len(signers & current) >= seats // 2 + 1


class AwardSignature(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="signatures")
    member = models.ForeignKey(TribunalMember, on_delete=models.PROTECT, related_name="+")
    content_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["award", "member"], name="unique_award_signature")]

    def __str__(self) -> str:
        return f"{self.member} signed {self.award}"


class Dissent(models.Model):
    """An arbitrator who does not sign records a dissenting opinion (it is attached to the award)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="dissents")
    member = models.ForeignKey(TribunalMember, on_delete=models.PROTECT, related_name="+")
    opinion = models.TextField(_("dissenting opinion"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["award", "member"], name="unique_award_dissent")]

    def __str__(self) -> str:
        return f"dissent of {self.member}"


class CorrectionRequest(models.Model):
    """A party asks the tribunal to correct a clerical or computational error, within the window."""

    arbitration = models.ForeignKey(Arbitration, on_delete=models.CASCADE, related_name="corrections")
    side = models.CharField(max_length=20)
    text = models.TextField(_("what should be corrected"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    granted = models.BooleanField(null=True)
    decision = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey("notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"correction request by {self.side}"


class TransferConsent(models.Model):
    """Med-arb: after a mediation ends without a settlement, each side agrees in
    the portal to submit the dispute to arbitration at the centre. When both
    sides have agreed, the joint agreement is rendered as a signed, notarised
    arbitration agreement (仲裁协议) and the arbitration opens."""

    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="arbitration_consents")
    side = models.CharField(max_length=20, choices=[("claimant", _("Claimant")), ("respondent", _("Respondent"))])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expedited = models.BooleanField(_("agree to the expedited procedure"), default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "side"], name="unique_transfer_consent_side")]

    def __str__(self) -> str:
        return f"{self.case} · {self.side} agrees to arbitrate"
