"""Cases (纠纷/案件) and what a filing consists of: parties, agents, IP rights.

A case is filed through one of the intake channels, screened by a case manager
and, once docketed, handed to its track (mediation/ or arbitration/), which
owns everything that follows. The intake state machine lives here; every
transition is written to the case timeline (portal.models.timeline.CaseEvent)
by the post_transition receiver in portal/signals.py.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal import rules as case_rules


class Track(models.TextChoices):
    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online self-service filing")
    WALK_IN = "walk_in", _("Walk-in desk")
    HOTLINE = "hotline", _("Hotline")
    COURT = "court", _("Court referral")
    PLATFORM = "platform", _("E-commerce platform")


class IPType(models.TextChoices):
    PATENT = "patent", _("Patent")
    TRADEMARK = "trademark", _("Trademark")
    COPYRIGHT = "copyright", _("Copyright")
    TRADE_SECRET = "trade_secret", _("Trade secret")
    GEO_INDICATION = "geo_indication", _("Geographical indication")
    PLANT_VARIETY = "plant_variety", _("Plant variety")
    OTHER = "other", _("Other")


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for correction")
    REJECTED = "rejected", _("Rejected")
    DOCKETED = "docketed", _("Docketed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ArbitrationAgreement(models.TextChoices):
    NONE = "", _("Not applicable")
    UPLOADED = "uploaded", _("An arbitration agreement is uploaded")
    ASK_RESPONDENT = "ask_respondent", _("Ask the respondent to agree to arbitrate")


OPEN_INTAKE_STATES = (CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED)


class Case(ConcurrentTransitionMixin, models.Model):
    """An IP dispute as filed, screened and docketed.

    `number` is assigned only when a case manager dockets the case; until then
    the case is addressed by its random `ref`.
    """

    ref = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("case number"), max_length=32, unique=True, null=True, blank=True)
    track = models.CharField(_("track"), max_length=20, choices=Track.choices, default=Track.MEDIATION)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    state = FSMField(_("status"), max_length=20, choices=CaseState.choices, default=CaseState.DRAFT,
                     protected=True)

    facts = models.TextField(_("facts and reasons"), blank=True)
    claim_amount = models.DecimalField(
        _("damages claimed (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    claim_cease_infringement = models.BooleanField(_("stop the infringement"), default=False)
    claim_remove_listings = models.BooleanField(_("remove infringing listings"), default=False)
    claim_destroy_stock = models.BooleanField(_("destroy infringing stock"), default=False)
    claim_apology = models.BooleanField(_("public apology"), default=False)
    claim_costs = models.BooleanField(_("reasonable costs of stopping the infringement"), default=False)
    claim_other = models.TextField(_("other claims"), blank=True)

    arbitration_agreement = models.CharField(
        _("arbitration agreement"), max_length=20, choices=ArbitrationAgreement.choices, blank=True, default="",
    )
    referring_court = models.ForeignKey(
        "portal.Court", verbose_name=_("referring court"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="referred_cases",
    )
    court_reference = models.CharField(_("court's reference number"), max_length=64, blank=True)
    intake_note = models.TextField(_("intake note"), blank=True,
                                   help_text=_("Staff intake: how and where the dispute was received."))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="filed_cases")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    docketed_at = models.DateTimeField(null=True, blank=True)
    wizard_step = models.PositiveSmallIntegerField(default=0, editable=False)
    correction_due = models.DateField(_("correct by"), null=True, blank=True,
                                      help_text=_("Set when the centre returns a filing for correction."))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "channel"]), models.Index(fields=["created_by", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=CaseState.DOCKETED, number__isnull=False) | ~Q(state=CaseState.DOCKETED),
                name="docketed_case_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.COURT) | Q(referring_court__isnull=False),
                name="court_referral_has_court",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft %(ref)s") % {"ref": self.short_ref})

    @property
    def short_ref(self) -> str:
        return self.ref.hex[:8].upper()

    @property
    def url_key(self) -> str:
        return self.number or str(self.ref)

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.url_key])

    @property
    def title(self) -> str:
        claimants = [p.name for p in self.parties.all() if p.side == Party.Side.CLAIMANT]
        respondents = [p.name for p in self.parties.all() if p.side == Party.Side.RESPONDENT]
        if not claimants and not respondents:
            return str(self)
        return f"{'、'.join(claimants) or '—'} / {'、'.join(respondents) or '—'}"

    @property
    def ip_types(self) -> list[str]:
        return sorted({r.ip_type for r in self.ip_rights.all()})

    @property
    def is_editable(self) -> bool:
        return self.state in (CaseState.DRAFT, CaseState.RETURNED)

    # --- completeness, used as transition conditions ---------------------------------
    def missing_items(self) -> list[str]:
        """What still stops this filing from being submitted, in the user's words."""
        missing = []
        parties = list(self.parties.all())
        if not any(p.side == Party.Side.CLAIMANT for p in parties):
            missing.append(str(_("at least one claimant")))
        if not any(p.side == Party.Side.RESPONDENT for p in parties):
            missing.append(str(_("at least one respondent")))
        if not self.ip_rights.exists():
            missing.append(str(_("at least one IP right")))
        if not self.facts.strip():
            missing.append(str(_("the facts and reasons")))
        if not self.has_any_claim:
            missing.append(str(_("at least one claim")))
        if any(a.power_of_attorney_id is None for a in self.agents.all()):
            missing.append(str(_("a power of attorney for every agent")))
        if self.track == Track.ARBITRATION:
            if not self.arbitration_agreement:
                missing.append(str(_("the basis for arbitration")))
            elif (self.arbitration_agreement == ArbitrationAgreement.UPLOADED
                  and not self.documents.filter(kind="arbitration_agreement").exists()):
                missing.append(str(_("the uploaded arbitration agreement")))
        if self.channel == Channel.COURT and not self.referring_court_id:
            missing.append(str(_("the referring court")))
        return missing

    @property
    def has_any_claim(self) -> bool:
        return bool(
            self.claim_amount or self.claim_cease_infringement or self.claim_remove_listings
            or self.claim_destroy_stock or self.claim_apology or self.claim_costs or self.claim_other.strip()
        )

    def is_complete(self) -> bool:
        return not self.missing_items()

    # --- intake state machine ----------------------------------------------------------
    # Every transition takes `by` (the acting user) and `note`; the timeline
    # receiver records both. Services in portal/services/intake.py call these.

    @transition(field=state, source=CaseState.DRAFT, target=CaseState.SUBMITTED,
                conditions=[is_complete], permission=case_rules.can_file)
    def submit(self, *, by, note: str = "") -> None:
        self.submitted_at = timezone.now()

    @transition(field=state, source=CaseState.RETURNED, target=CaseState.SUBMITTED,
                conditions=[is_complete], permission=case_rules.can_file)
    def resubmit(self, *, by, note: str = "") -> None:
        self.submitted_at = timezone.now()
        self.correction_due = None

    @transition(field=state, source=CaseState.SUBMITTED, target=CaseState.DOCKETED,
                conditions=[is_complete], permission=case_rules.can_screen)
    def docket(self, *, by, number: str, note: str = "") -> None:
        self.number = number
        self.docketed_at = timezone.now()

    @transition(field=state, source=CaseState.SUBMITTED, target=CaseState.RETURNED,
                permission=case_rules.can_screen)
    def return_for_correction(self, *, by, note: str) -> None:
        days = settings.PORTAL_CORRECTION_DAYS
        self.correction_due = timezone.localdate() + timedelta(days=days)

    @transition(field=state, source=CaseState.SUBMITTED, target=CaseState.REJECTED,
                permission=case_rules.can_screen)
    def reject(self, *, by, note: str) -> None:
        pass

    @transition(field=state, source=list(OPEN_INTAKE_STATES), target=CaseState.WITHDRAWN,
                permission=case_rules.can_withdraw)
    def withdraw(self, *, by, note: str = "") -> None:
        pass


class Party(models.Model):
    """A claimant (申请人/权利人) or respondent (被申请人) named in a case."""

    class Side(models.TextChoices):
        CLAIMANT = "claimant", _("Claimant")
        RESPONDENT = "respondent", _("Respondent")

    class Kind(models.TextChoices):
        ENTITY = "entity", _("Legal entity")
        PERSON = "person", _("Natural person")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.ENTITY)
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    region_code = models.CharField(_("administrative division of residence"), max_length=6, blank=True,
                                   help_text=_("GB/T 2260 code of the district where the party resides or has its seat; "
                                               "decides which courts may confirm a settlement."))
    shop_url = models.URLField(_("e-commerce shop URL"), max_length=500, blank=True,
                               validators=[URLValidator(schemes=["http", "https"])])
    related_parties = models.TextField(
        _("related parties"), blank=True,
        help_text=_("Parent, subsidiary or affiliated companies and persons, one per line (name or credit code). "
                    "Used to check that the mediator or arbitrator has no conflict of interest."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="party_roles", help_text=_("The account that acts for this party."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["side", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Agent(models.Model):
    """An agent (代理人), usually a lawyer, acting for a party under a power of attorney."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agents")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="agents")
    name = models.CharField(_("name"), max_length=120)
    law_firm = models.CharField(_("law firm"), max_length=200, blank=True)
    licence_number = models.CharField(_("lawyer's licence number"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="agent_roles")
    power_of_attorney = models.ForeignKey("portal.CaseDocument", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("power of attorney"))

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return self.name


class IPRight(models.Model):
    """An intellectual property right the claimant relies on."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ip_rights")
    ip_type = models.CharField(_("type of right"), max_length=20, choices=IPType.choices)
    title = models.CharField(_("name of the right"), max_length=200,
                             help_text=_("e.g. the mark, the title of the work, the invention"))
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    holder = models.CharField(_("holder"), max_length=200)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("IP right")
        verbose_name_plural = _("IP rights")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="ip_right_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_ip_type_display()}: {self.title}"


class CaseAssignment(models.Model):
    """Someone appointed to work on a case: a mediator, an arbitrator or a case manager.

    mediation/ and arbitration/ create these when a neutral is appointed; the
    permission rules read them, so there is one place that says who is on a case.
    """

    class Role(models.TextChoices):
        MEDIATOR = "mediator", _("Mediator")
        ARBITRATOR = "arbitrator", _("Arbitrator")
        CASE_MANAGER = "case_manager", _("Case manager")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=20, choices=Role.choices)
    active = models.BooleanField(default=True)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user", "role"], name="unique_case_assignment")]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_role_display()} · {self.user}"


class CaseCourtAccess(models.Model):
    """A court whose clerks may see this case besides the referring court: the
    court a confirmation (or, later, enforcement) application is addressed to."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="court_access")
    court = models.ForeignKey("portal.Court", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=60)
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "court"], name="unique_case_court_access")]

    def __str__(self) -> str:
        return f"{self.court} · {self.case}"


class CaseNumberSequence(models.Model):  # noqa: DJ008 - internal counter, never displayed
    """The last serial used per track and year: docketing locks the row, so
    numbers are unique and gap-free even when managers docket at once."""

    track = models.CharField(max_length=20, choices=Track.choices)
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["track", "year"], name="unique_sequence_per_track_year")]
