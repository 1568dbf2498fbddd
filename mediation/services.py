"""Mediation services: opening a mediation at docketing, inviting and hearing
the respondent, appointing the mediator, the period and its one extension,
suspension and termination, and the deadline job.

Keyword-only, one transaction each, FSM permissions checked through
portal.fsm.is_permitted; people are told after the commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from mediation import notifications
from mediation.models import Invitation, Mediation, MediationState, MediatorAppointment
from portal.fsm import is_permitted
from portal.models import Case, CaseAssignment, Party, User
from portal.services import conflicts

# Lazy: the messages are put in each request's language, not the one active at import.
MSG_NOT_ALLOWED = gettext_lazy("You are not allowed to do this in this mediation.")
MSG_WRONG_STATE = gettext_lazy("This is not possible while the mediation is “%(state)s”.")
MSG_REASON_REQUIRED = gettext_lazy("Please give a reason.")
MSG_INVITATION_INVALID = gettext_lazy("This invitation link is not valid. Ask the centre for a new one.")
MSG_INVITATION_USED = gettext_lazy("This invitation link has already been used.")
MSG_INVITATION_EXPIRED = gettext_lazy("This invitation link has expired. Ask the centre for a new one.")
MSG_NOT_A_MEDIATOR = gettext_lazy("Choose a mediator from the centre's list.")


class MediationError(ValidationError):
    pass


# --- opening ----------------------------------------------------------------------------------

def open_mediation(*, case: Case, by: User | None) -> Mediation:
    """Called when a mediation case is docketed: start the consent window and
    invite every respondent we can reach."""
    mediation = Mediation.objects.create(
        case=case, consent_due=timezone.now() + timedelta(days=settings.MEDIATION_CONSENT_DAYS))
    tokens = []
    for party in case.parties.filter(side=Party.Side.RESPONDENT):
        if not party.email and not party.phone:
            continue
        token, token_hash = Invitation.new_token()
        Invitation.objects.create(mediation=mediation, email=party.email, phone=party.phone, token_hash=token_hash,
                                  expires_at=mediation.consent_due)
        tokens.append((party.email, party.phone, token))
    transaction.on_commit(lambda: notifications.invite_respondents(mediation=mediation, tokens=tokens))
    return mediation


def invitation_url(token: str) -> str:
    return settings.PORTAL_PUBLIC_URL.rstrip("/") + reverse("mediation_invitation", args=[token])


def claim_invitation(*, token: str, user: User) -> Mediation:
    """The respondent (or their lawyer) takes the case into their account."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("mediation__case").filter(
            token_hash=Invitation.hash_token(token)).first()
        if invitation is None:
            raise MediationError(MSG_INVITATION_INVALID, code="invalid")
        if invitation.used_at is not None:
            if invitation.used_by_id == user.pk:
                return invitation.mediation
            raise MediationError(MSG_INVITATION_USED, code="used")
        if timezone.now() >= invitation.expires_at:
            raise MediationError(MSG_INVITATION_EXPIRED, code="expired")
        if user.role != User.Role.PARTY:
            raise PermissionDenied(MSG_NOT_ALLOWED)
        case = invitation.mediation.case
        party = (case.parties.filter(side=Party.Side.RESPONDENT, email__iexact=invitation.email).first()
                 if invitation.email else None) or case.parties.filter(
                     side=Party.Side.RESPONDENT, phone=invitation.phone).first()
        if party is None:
            raise MediationError(MSG_INVITATION_INVALID, code="invalid")
        if party.user_id and party.user_id != user.pk:
            raise MediationError(MSG_INVITATION_USED, code="used")
        party.user = user
        party.save(update_fields=["user"])
        invitation.used_at, invitation.used_by = timezone.now(), user
        invitation.save(update_fields=["used_at", "used_by"])
        return invitation.mediation


# --- transitions ----------------------------------------------------------------------------

REASON_REQUIRED = {"decline", "suspend", "terminate"}
ENDED_WITHOUT_AGREEMENT = {MediationState.DECLINED, MediationState.CONSENT_EXPIRED, MediationState.TERMINATED}


def issue_termination_certificate(*, mediation: Mediation, by: User | None, reason: str):
    """调解终结书: when a mediation ends without an agreement, the centre issues a
    signed, notarised certificate saying so (parties may then litigate or arbitrate)."""
    from notary.models import NotaryItem
    from notary.pdf import render_pdf, sign_pdf
    from notary.services.items import register_file

    case = mediation.case
    pdf = render_pdf("pdf/termination_certificate.html", {
        "mediation": mediation, "case": case, "parties": case.parties.all(), "reason": reason,
        "ended_at": timezone.now()})
    pdf = sign_pdf(pdf, reason="调解终结书 / Mediation termination certificate")
    item = register_file(case=case, fileobj=ContentFile(pdf, name="termination.pdf"),
                         original_name=f"调解终结书-{case.number}.pdf", content_type="application/pdf",
                         submitter=by, kind=NotaryItem.Kind.DOCUMENT, description="调解终结书")
    Mediation.objects.filter(pk=mediation.pk).update(termination_certificate=item)
    mediation.termination_certificate = item
    return item


def _transition(*, mediation: Mediation, name: str, by: User | None, note: str = "",
                system: bool = False) -> Mediation:
    note = (note or "").strip()
    if name in REASON_REQUIRED and not note:
        raise MediationError(MSG_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        locked = Mediation.objects.select_for_update().select_related("case").get(pk=mediation.pk)
        method = getattr(locked, name)
        if not can_proceed(method, check_conditions=False):
            raise MediationError(MSG_WRONG_STATE % {"state": locked.get_state_display()}, code="wrong_state")
        if not system and not is_permitted(method, by):
            raise PermissionDenied(MSG_NOT_ALLOWED)
        if not can_proceed(method):
            raise MediationError(MSG_WRONG_STATE % {"state": locked.get_state_display()}, code="conditions")
        method(by=by, note=note)
        locked.save()
        if locked.state in ENDED_WITHOUT_AGREEMENT:
            issue_termination_certificate(mediation=locked, by=by, reason=note)
        transaction.on_commit(lambda: notifications.transitioned(mediation=locked, name=name, by=by, note=note))
    return locked


def consent(*, mediation: Mediation, by: User) -> Mediation:
    return _transition(mediation=mediation, name="consent", by=by)


def decline(*, mediation: Mediation, by: User, reason: str) -> Mediation:
    return _transition(mediation=mediation, name="decline", by=by, note=reason)


def suspend(*, mediation: Mediation, by: User, reason: str) -> Mediation:
    return _transition(mediation=mediation, name="suspend", by=by, note=reason)


def resume(*, mediation: Mediation, by: User) -> Mediation:
    return _transition(mediation=mediation, name="resume", by=by)


def terminate(*, mediation: Mediation, by: User, reason: str) -> Mediation:
    return _transition(mediation=mediation, name="terminate", by=by, note=reason)


# --- mediator appointment ------------------------------------------------------------------------

def conflicts_of_interest(*, mediator: User, case: Case) -> list[str]:
    """Reasons this mediator may not mediate this case (empty list: none found):
    the shared checks of portal.services.conflicts, plus an earlier mediation
    between the same parties."""
    earlier = (m.case for m in Mediation.objects.filter(mediator=mediator).exclude(case=case)
               .select_related("case").prefetch_related("case__parties"))
    return conflicts.conflicts_of_interest(
        neutral=mediator, case=case, earlier_cases=earlier,
        earlier_reason=_("The mediator has already mediated a case between the same parties."))


def propose_mediator(*, mediation: Mediation, mediator: User, by: User) -> MediatorAppointment:
    """The centre assigns a mediator (after the conflict check); the mediator must
    then disclose and accept."""
    if not by.is_case_manager:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if mediator.role != User.Role.MEDIATOR or not mediator.is_active:
        raise MediationError(MSG_NOT_A_MEDIATOR, code="not_a_mediator")
    with transaction.atomic():
        locked = Mediation.objects.select_for_update().get(pk=mediation.pk)
        if locked.state != MediationState.CONSENTED:
            raise MediationError(MSG_WRONG_STATE % {"state": locked.get_state_display()}, code="wrong_state")
        appointment = _propose(mediation=locked, mediator=mediator, by=by)
    return appointment


def accept_appointment(*, mediation: Mediation, by: User, disclosure: str) -> Mediation:
    appointment = mediation.pending_appointment()
    if appointment is None or appointment.mediator_id != by.pk:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        appointment.disclosure = (disclosure or "").strip()
        appointment.save(update_fields=["disclosure"])
        return _transition(mediation=mediation, name="start", by=by,
                           note=appointment.disclosure or _("No circumstances to disclose."))


def decline_appointment(*, mediation: Mediation, by: User, reason: str) -> None:
    appointment = mediation.pending_appointment()
    if appointment is None or appointment.mediator_id != by.pk:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        appointment.status = MediatorAppointment.Status.DECLINED
        appointment.disclosure = (reason or "").strip()
        appointment.save(update_fields=["status", "disclosure"])
        CaseAssignment.objects.filter(case=mediation.case, user=by, role=CaseAssignment.Role.MEDIATOR).update(
            active=False)


# --- the period -------------------------------------------------------------------------------

def agree_extension(*, mediation: Mediation, by: User) -> Mediation:
    """Each side agrees; when both have, the period is extended once."""
    from mediation import rules

    with transaction.atomic():
        locked = Mediation.objects.select_for_update().select_related("case").get(pk=mediation.pk)
        if locked.state not in (MediationState.CONSENTED, MediationState.IN_PROGRESS) or locked.extended:
            raise MediationError(_("The mediation period can be extended once, while the mediation is running."),
                                 code="wrong_state")
        now = timezone.now()
        if rules.is_claimant_side(locked, by):
            locked.claimant_agreed_extension_at = locked.claimant_agreed_extension_at or now
        elif rules.is_respondent_side(locked, by):
            locked.respondent_agreed_extension_at = locked.respondent_agreed_extension_at or now
        else:
            raise PermissionDenied(MSG_NOT_ALLOWED)
        if locked.claimant_agreed_extension_at and locked.respondent_agreed_extension_at:
            locked.extended = True
            locked.period_ends += timedelta(days=settings.MEDIATION_EXTENSION_DAYS)
            from portal.models import CaseEvent

            CaseEvent.objects.create(case=locked.case, process="mediation", transition="extend_period",
                                     from_state=locked.state, to_state=locked.state, actor=by,
                                     note=_("Both parties agreed to extend the mediation period until %(date)s.")
                                     % {"date": timezone.localtime(locked.period_ends).strftime("%Y-%m-%d")})
        locked.save()
    return locked


def run_deadlines(*, now=None) -> dict[str, int]:
    """The periodic job: remind respondents before the consent deadline, and
    fire the configured transition for every expired deadline — logged on the
    case timeline (actor: none, the system) and notified."""
    now = now or timezone.now()
    counts = {"reminded": 0, "consent_expired": 0, "period_expired": 0}
    remind_from = now + timedelta(hours=settings.MEDIATION_CONSENT_REMINDER_HOURS)
    for mediation in Mediation.objects.filter(state=MediationState.AWAITING_CONSENT, consent_due__gt=now,
                                              consent_due__lte=remind_from, consent_reminder_sent_at=None):
        with transaction.atomic():
            Mediation.objects.filter(pk=mediation.pk).update(consent_reminder_sent_at=now)
            transaction.on_commit(lambda m=mediation: notifications.consent_reminder(mediation=m))
        counts["reminded"] += 1
    for mediation in Mediation.objects.filter(state=MediationState.AWAITING_CONSENT, consent_due__lte=now):
        _transition(mediation=mediation, name="expire_consent", by=None, system=True,
                    note=_("The respondent did not answer within the consent period."))
        counts["consent_expired"] += 1
    for mediation in Mediation.objects.filter(Q(state=MediationState.CONSENTED) | Q(state=MediationState.IN_PROGRESS),
                                              period_ends__lte=now):
        _transition(mediation=mediation, name="expire_period", by=None, system=True,
                    note=_("The mediation period ended without a settlement (调解终结)."))
        counts["period_expired"] += 1
    return counts


# --- the parties' own choice, and objections ---------------------------------------------------

def _party_side(mediation: Mediation, user: User) -> str:
    from mediation import rules

    if rules.is_claimant_side(mediation, user):
        return "claimant"
    if rules.is_respondent_side(mediation, user):
        return "respondent"
    raise PermissionDenied(MSG_NOT_ALLOWED)


def nominate_mediator(*, mediation: Mediation, by: User, mediator: User):
    """A side picks a mediator from the directory; when both sides picked the
    same one, that mediator is proposed (after the conflict check)."""
    from mediation.models import MediatorNomination
    from portal.models import NeutralProfile

    side = _party_side(mediation, by)
    if not NeutralProfile.objects.public().filter(user=mediator, is_mediator=True).exists():
        raise MediationError(MSG_NOT_A_MEDIATOR, code="not_a_mediator")
    with transaction.atomic():
        locked = Mediation.objects.select_for_update().get(pk=mediation.pk)
        if locked.state != MediationState.CONSENTED or locked.pending_appointment() is not None:
            raise MediationError(MSG_WRONG_STATE % {"state": locked.get_state_display()}, code="wrong_state")
        MediatorNomination.objects.update_or_create(mediation=locked, side=side,
                                                    defaults={"mediator": mediator, "nominated_by": by})
        choices = set(locked.nominations.values_list("mediator_id", flat=True))
        if locked.nominations.count() == 2 and len(choices) == 1:
            return _propose(mediation=locked, mediator=mediator, by=by)
    return None


def _propose(*, mediation: Mediation, mediator: User, by: User) -> MediatorAppointment:
    reasons = conflicts_of_interest(mediator=mediator, case=mediation.case)
    if reasons:
        raise MediationError(" ".join(str(r) for r in reasons), code="conflict")
    mediation.appointments.filter(status=MediatorAppointment.Status.PROPOSED).update(
        status=MediatorAppointment.Status.REMOVED)
    appointment = MediatorAppointment.objects.create(mediation=mediation, mediator=mediator, proposed_by=by)
    CaseAssignment.objects.update_or_create(case=mediation.case, user=mediator, role=CaseAssignment.Role.MEDIATOR,
                                            defaults={"active": True})
    transaction.on_commit(lambda: notifications.mediator_proposed(appointment=appointment))
    return appointment


def object_to_mediator(*, mediation: Mediation, by: User, reason: str):
    """Each side may object once, with a reason, to the proposed or appointed mediator."""
    from mediation.models import MediatorObjection

    side = _party_side(mediation, by)
    reason = (reason or "").strip()
    if not reason:
        raise MediationError(MSG_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        locked = Mediation.objects.select_for_update().get(pk=mediation.pk)
        appointment = locked.pending_appointment() or locked.appointments.filter(
            status=MediatorAppointment.Status.ACCEPTED, mediator=locked.mediator).first()
        if appointment is None or locked.state not in (MediationState.CONSENTED, MediationState.IN_PROGRESS):
            raise MediationError(_("There is no mediator to object to."), code="wrong_state")
        if MediatorObjection.objects.filter(mediation=locked, side=side).exists():
            raise MediationError(_("Each side may object to the mediator only once."), code="already_objected")
        return MediatorObjection.objects.create(appointment=appointment, mediation=locked, side=side, reason=reason,
                                                raised_by=by)


def decide_objection(*, objection, by: User, uphold: bool, note: str = ""):
    """A case manager decides; an upheld objection removes the mediator and the
    centre (or the parties) choose again."""
    from mediation.models import MediatorObjection

    if not by.is_case_manager:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        objection = MediatorObjection.objects.select_for_update().select_related("appointment").get(pk=objection.pk)
        if objection.decision:
            raise MediationError(_("This objection has already been decided."), code="decided")
        objection.decision = MediatorObjection.Decision.UPHELD if uphold else MediatorObjection.Decision.DISMISSED
        objection.decided_by, objection.decided_at, objection.decision_note = by, timezone.now(), note.strip()
        objection.save()
        if uphold:
            appointment = objection.appointment
            was_accepted = appointment.status == MediatorAppointment.Status.ACCEPTED
            appointment.status = MediatorAppointment.Status.REMOVED
            appointment.save(update_fields=["status"])
            CaseAssignment.objects.filter(case=objection.mediation.case, user=appointment.mediator,
                                          role=CaseAssignment.Role.MEDIATOR).update(active=False)
            objection.mediation.nominations.all().delete()
            if was_accepted:
                _transition(mediation=objection.mediation, name="replace_mediator", by=by,
                            note=_("Objection upheld: %(reason)s") % {"reason": objection.reason})
    return objection
