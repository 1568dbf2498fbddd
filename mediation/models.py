"""The mediation track (调解): from the respondent's consent to the end of mediation.

A docketed mediation case gets one Mediation (mediation/receivers.py). Its
state machine below is the legal process; every transition takes `by` (the
actor, None for the deadline job) and `note`, and is written to the case
timeline by portal's post_transition receiver (timeline_case/timeline_process).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from mediation import rules as mediation_rules
from portal.models.links import SingleUseLink


class MediationState(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Awaiting the respondent's consent")
    DECLINED = "declined", _("Declined by the respondent")
    CONSENT_EXPIRED = "consent_expired", _("Consent deadline passed")
    CONSENTED = "consented", _("Consented; appointing a mediator")
    IN_PROGRESS = "in_progress", _("Mediation in progress")
    AGREEMENT_DRAFTED = "agreement_drafted", _("Settlement agreement drafted")
    AGREEMENT_SIGNED = "agreement_signed", _("Settlement agreement signed and in effect")
    CONFIRMATION_APPLIED = "confirmation_applied", _("Judicial confirmation applied for")
    CONFIRMED = "confirmed", _("Confirmed by the court")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed by the court")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


OPEN_STATES = [MediationState.AWAITING_CONSENT, MediationState.CONSENTED, MediationState.IN_PROGRESS,
               MediationState.AGREEMENT_DRAFTED, MediationState.SUSPENDED]
SUSPENDABLE_STATES = [MediationState.CONSENTED, MediationState.IN_PROGRESS]


def _resume_target(instance, *args, **kwargs):
    return instance.suspended_from or MediationState.IN_PROGRESS


class Mediation(ConcurrentTransitionMixin, models.Model):
    case = models.OneToOneField("portal.Case", on_delete=models.PROTECT, related_name="mediation")
    state = FSMField(_("status"), max_length=30, choices=MediationState.choices,
                     default=MediationState.AWAITING_CONSENT, protected=True)
    consent_due = models.DateTimeField(_("respondent must answer by"))
    consent_reminder_sent_at = models.DateTimeField(null=True, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    period_ends = models.DateTimeField(_("mediation period ends"), null=True, blank=True)
    extended = models.BooleanField(_("period extended"), default=False)
    claimant_agreed_extension_at = models.DateTimeField(null=True, blank=True)
    respondent_agreed_extension_at = models.DateTimeField(null=True, blank=True)
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="mediations", verbose_name=_("mediator"))
    suspended_from = models.CharField(max_length=30, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    agreement_effective_at = models.DateTimeField(_("agreement took effect"), null=True, blank=True)
    termination_certificate = models.OneToOneField("notary.NotaryItem", null=True, blank=True,
                                                   on_delete=models.PROTECT, related_name="+",
                                                   verbose_name=_("termination certificate"))
    created_at = models.DateTimeField(default=timezone.now)

    timeline_process = "mediation"

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")

    def __str__(self) -> str:
        return f"{self.case} · {self.get_state_display()}"

    @property
    def timeline_case(self):
        return self.case

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def badge_class(self) -> str:
        """CSS class of the status badge: green for success, red for an end without one."""
        if self.state in (MediationState.AGREEMENT_SIGNED, MediationState.CONFIRMED):
            return "docketed"
        if self.state in (MediationState.DECLINED, MediationState.CONSENT_EXPIRED, MediationState.TERMINATED,
                          MediationState.NOT_CONFIRMED):
            return "withdrawn"
        return "submitted"

    @property
    def deadline_label(self):
        return self.current_deadline()[0]

    @property
    def deadline_at(self):
        return self.current_deadline()[1]

    def current_deadline(self):
        """(label, moment) of the deadline that matters now, for dashboards."""
        if self.state == MediationState.AWAITING_CONSENT:
            return _("respondent's answer"), self.consent_due
        if self.state in (MediationState.CONSENTED, MediationState.IN_PROGRESS,
                          MediationState.AGREEMENT_DRAFTED) and self.period_ends:
            return _("end of the mediation period"), self.period_ends
        if self.state == MediationState.AGREEMENT_SIGNED:
            return _("joint application for judicial confirmation"), self.confirmation_deadline()
        return None, None

    # --- consent -------------------------------------------------------------------------
    @transition(field=state, source=MediationState.AWAITING_CONSENT, target=MediationState.CONSENTED,
                permission=mediation_rules.is_respondent_side)
    def consent(self, *, by, note: str = "") -> None:
        now = timezone.now()
        self.consented_at = now
        self.period_ends = now + timedelta(days=settings.MEDIATION_PERIOD_DAYS)

    @transition(field=state, source=MediationState.AWAITING_CONSENT, target=MediationState.DECLINED,
                permission=mediation_rules.is_respondent_side)
    def decline(self, *, by, note: str) -> None:
        self.decline_reason = note

    @transition(field=state, source=MediationState.AWAITING_CONSENT, target=MediationState.CONSENT_EXPIRED,
                conditions=[lambda m: timezone.now() >= m.consent_due])
    def expire_consent(self, *, by=None, note: str = "") -> None:
        pass

    # --- appointment ---------------------------------------------------------------------
    @transition(field=state, source=MediationState.CONSENTED, target=MediationState.IN_PROGRESS,
                permission=mediation_rules.is_proposed_mediator,
                conditions=[lambda m: m.pending_appointment() is not None])
    def start(self, *, by, note: str = "") -> None:
        appointment = self.pending_appointment()
        appointment.accepted_at = timezone.now()
        appointment.status = MediatorAppointment.Status.ACCEPTED
        appointment.save(update_fields=["accepted_at", "status"])
        self.mediator = appointment.mediator

    @transition(field=state, source=MediationState.IN_PROGRESS, target=MediationState.CONSENTED,
                permission=mediation_rules.is_manager)
    def replace_mediator(self, *, by, note: str) -> None:
        self.mediator = None

    def pending_appointment(self):
        return self.appointments.filter(status=MediatorAppointment.Status.PROPOSED).first()

    # --- period, suspension, termination ------------------------------------------------------
    @transition(field=state, source=SUSPENDABLE_STATES, target=MediationState.SUSPENDED,
                permission=mediation_rules.is_mediator_or_manager)
    def suspend(self, *, by, note: str) -> None:
        self.suspended_from = self.state
        self.suspended_at = timezone.now()

    @transition(field=state, source=MediationState.SUSPENDED, target=GET_STATE(_resume_target, SUSPENDABLE_STATES),
                permission=mediation_rules.is_mediator_or_manager)
    def resume(self, *, by, note: str = "") -> None:
        # The time spent suspended does not count against the mediation period.
        if self.period_ends and self.suspended_at:
            self.period_ends += timezone.now() - self.suspended_at
        self.suspended_at = None

    @transition(field=state, source=OPEN_STATES, target=MediationState.TERMINATED,
                permission=mediation_rules.may_terminate)
    def terminate(self, *, by, note: str) -> None:
        self.termination_reason = note

    # --- the settlement agreement (mediation/agreements.py does the work) -------------------
    @transition(field=state, source=[MediationState.IN_PROGRESS, MediationState.AGREEMENT_DRAFTED],
                target=MediationState.AGREEMENT_DRAFTED, permission=mediation_rules.is_mediator)
    def draft_agreement(self, *, by, note: str = "") -> None:
        pass

    @transition(field=state, source=MediationState.AGREEMENT_DRAFTED, target=MediationState.AGREEMENT_SIGNED,
                permission=mediation_rules.is_party,
                conditions=[lambda m: m.agreement.current_version().is_fully_signed()])
    def agreement_takes_effect(self, *, by, note: str = "") -> None:
        self.agreement_effective_at = timezone.now()

    # --- judicial confirmation (mediation/confirmation.py does the work) ------------------------
    @transition(field=state, source=MediationState.AGREEMENT_SIGNED, target=MediationState.CONFIRMATION_APPLIED,
                permission=mediation_rules.is_party,
                conditions=[lambda m: m.confirmation.is_jointly_signed(), lambda m: m.confirmation_window_open()])
    def apply_for_confirmation(self, *, by, note: str = "") -> None:
        pass

    @transition(field=state, source=MediationState.CONFIRMATION_APPLIED, target=MediationState.CONFIRMED,
                permission=mediation_rules.is_clerk_of_confirmation_court)
    def confirm(self, *, by, note: str = "") -> None:
        pass

    @transition(field=state, source=MediationState.CONFIRMATION_APPLIED, target=MediationState.NOT_CONFIRMED,
                permission=mediation_rules.is_clerk_of_confirmation_court)
    def reject_confirmation(self, *, by, note: str = "") -> None:
        pass

    def confirmation_deadline(self):
        if not self.agreement_effective_at:
            return None
        return self.agreement_effective_at + timedelta(days=settings.JUDICIAL_CONFIRMATION_DAYS)

    def confirmation_window_open(self) -> bool:
        deadline = self.confirmation_deadline()
        return bool(deadline and timezone.now() <= deadline)

    @transition(field=state, source=[MediationState.CONSENTED, MediationState.IN_PROGRESS,
                                     MediationState.AGREEMENT_DRAFTED],
                target=MediationState.TERMINATED, conditions=[lambda m: m.period_ends and timezone.now() >= m.period_ends])
    def expire_period(self, *, by=None, note: str = "") -> None:
        self.termination_reason = note


class MediatorAppointment(models.Model):
    """A mediator proposed for a mediation: the centre assigns or the parties pick;
    the mediator discloses and accepts (Mediation.start) or declines."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed; awaiting disclosure and acceptance")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined by the mediator")
        REMOVED = "removed", _("Removed after an objection")

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="appointments")
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    disclosure = models.TextField(_("disclosure"), blank=True,
                                  help_text=_("Anything that might call the mediator's impartiality into question."))
    proposed_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]

    def __str__(self) -> str:
        return f"{self.mediator} · {self.get_status_display()}"


class Invitation(SingleUseLink):
    """A single-use, expiring link that lets the respondent claim the case.

    Only the SHA-256 of the token is stored; the token itself is in the email.
    """

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"invitation to {self.email}"


class SettlementAgreement(models.Model):
    """The settlement agreement (调解协议) of a mediation, drafted in versions."""

    mediation = models.OneToOneField(Mediation, on_delete=models.CASCADE, related_name="agreement")
    created_at = models.DateTimeField(default=timezone.now)
    signed_document = models.OneToOneField("notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+")

    def __str__(self) -> str:
        return f"agreement {self.mediation.case}"

    def current_version(self) -> "AgreementVersion":
        return self.versions.order_by("-number").first()


class AgreementVersion(models.Model):
    """One version of the terms. Its SHA-256 (over the canonical JSON of case,
    version number and terms) is what every signature binds."""

    agreement = models.ForeignKey(SettlementAgreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    terms = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="unique_agreement_version")]

    def __str__(self) -> str:
        return f"v{self.number}"

    def is_fully_signed(self) -> bool:
        from portal.models import Party

        parties = set(Party.objects.filter(case=self.agreement.mediation.case).values_list("pk", flat=True))
        signed = set(self.signatures.filter(voided_at=None, version_sha256=self.sha256).values_list("party_id", flat=True))
        return bool(parties) and parties <= signed


class AgreementComment(models.Model):
    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:40]


class AgreementSignature(models.Model):
    """A party's signature on one exact version (its SHA-256), given after
    re-authentication. A later version voids every earlier signature."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="signatures")
    party = models.ForeignKey("portal.Party", on_delete=models.PROTECT, related_name="+")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    with_otp = models.BooleanField(default=False)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "party"], name="one_signature_per_party_version")]

    def __str__(self) -> str:
        return f"{self.party} signed v{self.version.number}"


class JudicialConfirmation(models.Model):
    """The parties' joint application for judicial confirmation (司法确认,
    Civil Procedure Law art. 205) and the court's ruling."""

    class Ruling(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Not confirmed")

    mediation = models.OneToOneField(Mediation, on_delete=models.PROTECT, related_name="confirmation")
    court = models.ForeignKey("portal.Court", on_delete=models.PROTECT, related_name="confirmation_applications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    claimant_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                           related_name="+")
    claimant_signed_at = models.DateTimeField(null=True)
    respondent_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                             related_name="+")
    respondent_signed_at = models.DateTimeField(null=True)
    submitted_at = models.DateTimeField(null=True)
    documents = models.ManyToManyField("notary.NotaryItem", related_name="+", blank=True)
    ruling = models.CharField(_("ruling"), max_length=20, choices=Ruling.choices, blank=True)
    ruling_number = models.CharField(_("ruling number"), max_length=80, blank=True)
    ruling_date = models.DateField(_("ruling date"), null=True, blank=True)
    ruling_document = models.ForeignKey("notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    def __str__(self) -> str:
        return f"{self.mediation.case} → {self.court}"

    def is_jointly_signed(self) -> bool:
        return bool(self.claimant_signed_at and self.respondent_signed_at)


class MediatorNomination(models.Model):
    """A side's choice from the directory of neutrals. When both sides name the
    same mediator, the centre's conflict check runs and the mediator is proposed."""

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="nominations")
    side = models.CharField(max_length=12)
    mediator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mediation", "side"], name="one_nomination_per_side")]

    def __str__(self) -> str:
        return f"{self.side}: {self.mediator}"


class MediatorObjection(models.Model):
    """Each side may object once to the appointed or proposed mediator, with a
    reason; a case manager decides."""

    class Decision(models.TextChoices):
        PENDING = "", _("Pending")
        UPHELD = "upheld", _("Upheld: the mediator is replaced")
        DISMISSED = "dismissed", _("Dismissed")

    appointment = models.ForeignKey(MediatorAppointment, on_delete=models.PROTECT, related_name="objections")
    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="objections")
    side = models.CharField(max_length=12)
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mediation", "side"], name="one_objection_per_side")]

    def __str__(self) -> str:
        return f"{self.side} objects to {self.appointment.mediator}"


# --- live sessions (mediation/sessions/, mediation/consumers.py, docs/sessions.md) ------------------

#: States in which the session rooms take messages; in every other state they are read-only history.
SESSION_STATES = [MediationState.IN_PROGRESS, MediationState.AGREEMENT_DRAFTED]


class SessionRoom(models.Model):
    """A live room of a case. Mediation has a joint room (both sides and the
    mediator; case managers may observe) and one private caucus (背对背) per
    side with the mediator; an arbitration has one room per online hearing
    (the tribunal and both sides; case managers may observe). Who may do what
    in a room is decided by its process's policy (mediation.sessions.policy).

    Messages are numbered per room from 1 without gaps: `next_seq` is taken
    under a row lock (mediation.sessions.rooms.append_message)."""

    class Kind(models.TextChoices):
        JOINT = "joint", _("Joint session")
        CAUCUS = "caucus", _("Private caucus")
        HEARING = "hearing", _("Online hearing")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    case = models.ForeignKey("portal.Case", on_delete=models.CASCADE, related_name="session_rooms")
    # "mediation" or "arbitration": the policy that decides access (mediation.sessions.policy).
    process = models.CharField(max_length=20, default="mediation")
    # The room's name in URLs, frames and message hashes: "joint", "claimant",
    # "respondent", or "hearing-<id>" for an arbitration hearing.
    name = models.CharField(max_length=40)
    mediation = models.ForeignKey(Mediation, null=True, blank=True, on_delete=models.CASCADE, related_name="rooms")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The side whose caucus this is (claimant / respondent); empty otherwise.
    side = models.CharField(max_length=12, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    next_seq = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "name"], name="one_room_per_case_name")]

    def __str__(self) -> str:
        return f"{self.case} · {self.key}"

    def save(self, *args, **kwargs):
        if self.mediation_id and not self.case_id:
            self.case_id = self.mediation.case_id
        if not self.name and self.kind in (self.Kind.JOINT, self.Kind.CAUCUS):
            self.name = self.side if self.kind == self.Kind.CAUCUS else "joint"
        super().save(*args, **kwargs)

    @property
    def key(self) -> str:
        """The room's name in URLs and frames ("joint", "claimant", "respondent", "hearing-12")."""
        return self.name

    @property
    def head(self) -> int:
        return self.next_seq - 1


class RoomMessage(models.Model):
    """One message of a room, numbered `seq` (1, 2, 3 … per room). `client_id`
    is the sender's own id for it: a resend with the same id returns this row.

    `sha256` is over the canonical JSON of case, room, seq, author, kind, body
    and time (mediation.sessions.rooms.canonical_content, docs/sessions.md); a
    moderator hiding the message keeps the row and its hash and records who,
    when and why."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        ATTACHMENT = "attachment", _("Attachment")
        OFFER = "offer", _("Offer")
        SYSTEM = "system", _("System")

    room = models.ForeignKey(SessionRoom, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    client_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    body = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    attachment = models.ForeignKey("notary.NotaryItem", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="unique_room_seq"),
            models.UniqueConstraint(fields=["room", "author", "client_id"], name="unique_room_author_client_id"),
        ]

    def __str__(self) -> str:
        return f"{self.room} #{self.seq}"


class ReadMarker(models.Model):
    """The last message of a room a user has read (only ever moves forward)."""

    room = models.ForeignKey(SessionRoom, on_delete=models.CASCADE, related_name="read_markers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="one_read_marker_per_room_user")]

    def __str__(self) -> str:
        return f"{self.user} read {self.room} to #{self.last_read_seq}"


class RoomMute(models.Model):
    """The mediator muted a participant in one room; lifting it keeps the record."""

    room = models.ForeignKey(SessionRoom, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    muted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    muted_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], condition=models.Q(lifted_at=None),
                                               name="one_active_mute_per_room_user")]

    def __str__(self) -> str:
        return f"{self.user} muted in {self.room}"


class RoomPresence(models.Model):
    """One open WebSocket connection to a room (a user may have several). Kept
    in the database so that every server sees who is connected; rows whose
    `seen_at` is old are ignored (a server that died does not clean up)."""

    room = models.ForeignKey(SessionRoom, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} in {self.room}"


class Offer(models.Model):
    """A structured settlement offer made in the joint room: the amount the
    respondent would pay the claimant, and terms. The other side accepts,
    rejects or counters (a counter is a new Offer whose `parent` is this one).
    The accepted offer pre-fills the settlement agreement."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        COUNTERED = "countered", _("Countered")

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="offers")
    side = models.CharField(max_length=12)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    terms = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="counters")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"{self.side} offers {self.amount} ({self.status})"


class BlindBid(models.Model):
    """One round of double-blind bidding. The mediator sets the gap; each side
    submits one confidential figure (the claimant the least it would accept,
    the respondent the most it would pay). If the ask is at most the offer, or
    the two are within the gap, the midpoint is proposed; otherwise each side
    learns only "no deal yet". The figures live only in this row: no frame,
    message or transcript ever carries them."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for figures")
        SETTLED = "settled", _("Midpoint proposed")
        NO_DEAL = "no_deal", _("No deal yet")
        CANCELLED = "cancelled", _("Replaced by a new round")

    mediation = models.ForeignKey(Mediation, on_delete=models.CASCADE, related_name="blind_bids")
    round = models.PositiveIntegerField()
    gap = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    configured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    configured_at = models.DateTimeField(default=timezone.now)
    claimant_figure = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    claimant_submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    claimant_submitted_at = models.DateTimeField(null=True, blank=True)
    respondent_figure = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    respondent_submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.PROTECT, related_name="+")
    respondent_submitted_at = models.DateTimeField(null=True, blank=True)
    midpoint = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mediation", "round"], name="unique_blind_bid_round")]

    def __str__(self) -> str:
        return f"blind bid round {self.round} ({self.status})"


class Transcript(models.Model):
    """The PDF transcript of messages `from_seq`..`to_seq` of a room, signed and
    registered in the notary log. A caucus transcript is for that side and the
    mediator only."""

    room = models.ForeignKey(SessionRoom, on_delete=models.PROTECT, related_name="transcripts")
    from_seq = models.PositiveBigIntegerField()
    to_seq = models.PositiveBigIntegerField()
    item = models.OneToOneField("notary.NotaryItem", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["room", "from_seq"]

    def __str__(self) -> str:
        return f"transcript {self.room} #{self.from_seq}-{self.to_seq}"
