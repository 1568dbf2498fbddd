"""Arbitration services: opening the arbitration at docketing, fees and payment,
notice and answer, the tribunal (nominations, appointments, disclosure,
challenges), proceedings, deadline extensions and the deadline job.

The award (drafting, signatures, issue, corrections, enforcement packet) is in
arbitration/awards.py. Keyword-only, one transaction each; FSM permissions are
checked through portal.fsm.is_permitted; people are told after the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from arbitration import notifications, rules
from arbitration.models import (
    OPEN_STATES,
    WITH_TRIBUNAL,
    Arbitration,
    ArbitrationState,
    Challenge,
    DeadlineExtension,
    FeeAssessment,
    FeeSchedule,
    Hearing,
    Nomination,
    NoticeRecipient,
    Payment,
    ProceduralOrder,
    RuleSet,
    Submission,
    TribunalMember,
)
from portal.fsm import is_permitted
from portal.models import Case, CaseAssignment, Party, User
from portal.services import conflicts

S = ArbitrationState
# Lazy: the messages are put in each request's language, not the one active at import.
MSG_NOT_ALLOWED = gettext_lazy("You are not allowed to do this in this arbitration.")
MSG_WRONG_STATE = gettext_lazy("This is not possible while the arbitration is “%(state)s”.")
MSG_REASON_REQUIRED = gettext_lazy("Please give a reason.")
MSG_NOTICE_INVALID = gettext_lazy("This link is not valid. Ask the centre for a new one.")
MSG_NOTICE_USED = gettext_lazy("This link has already been used.")
MSG_NOTICE_EXPIRED = gettext_lazy("This link has expired. Ask the centre for a new one.")


class ArbitrationError(ValidationError):
    pass


def _wrong_state(arbitration: Arbitration) -> ArbitrationError:
    return ArbitrationError(MSG_WRONG_STATE % {"state": arbitration.get_state_display()}, code="wrong_state")


def _lock(arbitration: Arbitration) -> Arbitration:
    return Arbitration.objects.select_for_update().select_related("case", "rule_set").get(pk=arbitration.pk)


def _side_or_denied(arbitration: Arbitration, user: User) -> str:
    side = rules.side_of(arbitration, user)
    if side is None:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    return side


# --- opening -----------------------------------------------------------------------------------------

def open_arbitration(*, case: Case, by: User | None) -> Arbitration:
    """Called when an arbitration case is docketed: the procedure follows from the amount claimed."""
    rule_set = RuleSet.for_claim(case.claim_amount)
    return Arbitration.objects.create(case=case, rule_set=rule_set)


def quote(amount: Decimal, *, on=None) -> dict:
    """The fee calculator: the same computation as the assessment, from the schedule in force."""
    schedule = FeeSchedule.current(on)
    if schedule is None:
        raise ArbitrationError(_("No fee schedule is in force."), code="no_schedule")
    if amount is None or Decimal(amount) < 0:
        raise ArbitrationError(_("Enter the amount claimed (zero or more)."), code="amount")
    return {"schedule": schedule, **schedule.quote(Decimal(amount))}


# --- transitions ------------------------------------------------------------------------------------

REASON_REQUIRED = {"withdraw", "terminate", "reconstitute", "reopen_proceedings"}


def _transition(*, arbitration: Arbitration, name: str, by: User | None, note: str = "",
                system: bool = False) -> Arbitration:
    note = (note or "").strip()
    if name in REASON_REQUIRED and not note:
        raise ArbitrationError(MSG_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        locked = _lock(arbitration)
        method = getattr(locked, name)
        if not can_proceed(method, check_conditions=False):
            raise _wrong_state(locked)
        if not system and not is_permitted(method, by):
            raise PermissionDenied(MSG_NOT_ALLOWED)
        if not can_proceed(method):
            raise ArbitrationError(MSG_WRONG_STATE % {"state": locked.get_state_display()}, code="conditions")
        method(by=by, note=note)
        locked.save()
        transaction.on_commit(lambda: notifications.transitioned(arbitration=locked, name=name, by=by, note=note))
    return locked


def transition(*, arbitration: Arbitration, name: str, by: User, note: str = "") -> Arbitration:
    """The transitions a person triggers directly from the arbitration page."""
    if name not in {"begin_constitution", "constitute", "open_proceedings", "close_proceedings",
                    "reopen_proceedings", "withdraw", "terminate"}:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    return _transition(arbitration=arbitration, name=name, by=by, note=note)


# --- fees and payment ------------------------------------------------------------------------------------

def _assess(*, arbitration: Arbitration, kind: str, payer_side: str, amount: Decimal, by: User | None,
            due_at) -> FeeAssessment:
    q = quote(amount)
    return FeeAssessment.objects.create(
        arbitration=arbitration, kind=kind, payer_side=payer_side, schedule=q["schedule"], amount_claimed=amount,
        registration_fee=q["registration_fee"], admin_fee=q["admin_fee"], total=q["total"], assessed_by=by,
        due_at=due_at)


def assess_fees(*, arbitration: Arbitration, by: User) -> Arbitration:
    with transaction.atomic():
        arbitration = _transition(arbitration=arbitration, name="assess_fees", by=by)
        _assess(arbitration=arbitration, kind=FeeAssessment.Kind.CLAIM, payer_side="claimant",
                amount=arbitration.case.claim_amount or Decimal(0), by=by, due_at=arbitration.fees_due)
    return arbitration


def start_payment(*, assessment: FeeAssessment, by: User) -> Payment:
    """The payer side starts a payment with the configured provider."""
    from arbitration.payments import get_provider

    arbitration = assessment.arbitration
    if rules.side_of(arbitration, by) != assessment.payer_side:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if assessment.paid_at:
        raise ArbitrationError(_("These fees are already paid."), code="paid")
    if arbitration.state not in OPEN_STATES:
        raise _wrong_state(arbitration)
    return get_provider().start(assessment=assessment, payer=by)


def payment_succeeded(*, payment: Payment, provider_data: dict | None = None) -> Payment:
    """Called by the payment provider when the money has arrived (idempotent)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().select_related("assessment").get(pk=payment.pk)
        if payment.status == Payment.Status.SUCCEEDED:
            return payment
        payment.status, payment.completed_at = Payment.Status.SUCCEEDED, timezone.now()
        payment.provider_data = {**payment.provider_data, **(provider_data or {})}
        payment.save()
        assessment = payment.assessment
        paid = sum((p.amount for p in assessment.payments.filter(status=Payment.Status.SUCCEEDED)), Decimal(0))
        if paid >= assessment.total and not assessment.paid_at:
            assessment.paid_at = payment.completed_at
            assessment.save(update_fields=["paid_at"])
        arbitration = assessment.arbitration
        if arbitration.state == S.FEES_ASSESSED and arbitration.fees_paid_in_full():
            _transition(arbitration=arbitration, name="fees_received", by=payment.payer,
                        note=_("Payment %(ref)s received.") % {"ref": payment.reference}, system=True)
    return payment


# --- notice, answer, counterclaim ------------------------------------------------------------------------

def serve_notice(*, arbitration: Arbitration, by: User) -> tuple[Arbitration, list[tuple[NoticeRecipient, str]]]:
    """Serve the notice of arbitration on every respondent we can reach, each with a single-use link."""
    with transaction.atomic():
        arbitration = _transition(arbitration=arbitration, name="serve_notice", by=by)
        sent = []
        for party in arbitration.case.parties.filter(side=Party.Side.RESPONDENT):
            if not party.email and not party.phone:
                continue
            token, token_hash = NoticeRecipient.new_token()
            recipient = NoticeRecipient.objects.create(
                arbitration=arbitration, party=party, email=party.email, phone=party.phone, token_hash=token_hash,
                expires_at=arbitration.answer_due + timedelta(days=arbitration.rule_set.correction_days))
            sent.append((recipient, token))
        transaction.on_commit(lambda: notifications.notice_served(arbitration=arbitration, sent=sent))
    return arbitration, sent


def claim_notice(*, token: str, user: User) -> Arbitration:
    """The respondent (or their lawyer) takes the case into their account."""
    with transaction.atomic():
        notice = NoticeRecipient.objects.select_for_update().select_related("arbitration__case", "party").filter(
            token_hash=NoticeRecipient.hash_token(token)).first()
        if notice is None:
            raise ArbitrationError(MSG_NOTICE_INVALID, code="invalid")
        if notice.used_at is not None:
            if notice.used_by_id == user.pk:
                return notice.arbitration
            raise ArbitrationError(MSG_NOTICE_USED, code="used")
        if timezone.now() >= notice.expires_at:
            raise ArbitrationError(MSG_NOTICE_EXPIRED, code="expired")
        if user.role != User.Role.PARTY:
            raise PermissionDenied(MSG_NOT_ALLOWED)
        party = Party.objects.select_for_update().get(pk=notice.party_id)
        if party.user_id and party.user_id != user.pk:
            raise ArbitrationError(MSG_NOTICE_USED, code="used")
        party.user = user
        party.save(update_fields=["user"])
        notice.used_at, notice.used_by = timezone.now(), user
        notice.save(update_fields=["used_at", "used_by"])
        return notice.arbitration


def agree_to_arbitrate(*, arbitration: Arbitration, by: User) -> Arbitration:
    """Filed without an arbitration clause: the respondent agrees in writing."""
    if not rules.is_respondent_side(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state != S.NOTICE_SERVED:
            raise _wrong_state(arbitration)
        if arbitration.respondent_agreed_at is None:
            arbitration.respondent_agreed_at = timezone.now()
            arbitration.save(update_fields=["respondent_agreed_at"])
            _log(arbitration, "agree_to_arbitrate", by, _("The respondent agreed to arbitrate."))
    return arbitration


def _log(arbitration: Arbitration, name: str, by: User | None, note: str) -> None:
    """A timeline entry for a step that is not a state change."""
    _log_case(arbitration.case, name, by, note, state=arbitration.state)


def _log_case(case: Case, name: str, by: User | None, note: str, *, state: str = "") -> None:
    from portal.models import CaseEvent

    CaseEvent.objects.create(case=case, process="arbitration", transition=name, from_state=state, to_state=state,
                             actor=by if getattr(by, "pk", None) else None, note=note)


def _store(*, arbitration: Arbitration, upload, by: User, description: str):
    """A submitted file goes through the notary evidence path (hash, timestamp, log)."""
    from notary.services.items import register_file
    from portal.services.documents import check_upload, clean_display_name

    # The type is the one sniffed from the content, never the one the browser claimed.
    checked = check_upload(upload)
    return register_file(case=arbitration.case, fileobj=upload, original_name=clean_display_name(upload.name),
                         content_type=checked.content_type, submitter=by, description=description,
                         sha256=checked.sha256, size=checked.size)


def file_answer(*, arbitration: Arbitration, by: User, text: str, upload=None,
                counterclaim_text: str = "", counterclaim_amount: Decimal | None = None) -> Submission:
    """答辩书 (and 反请求): within the answer period. A counterclaim is charged like a claim."""
    if not rules.is_respondent_side(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    text, counterclaim_text = (text or "").strip(), (counterclaim_text or "").strip()
    if not text and upload is None:
        raise ArbitrationError(_("Write the answer or attach it."), code="empty")
    if counterclaim_amount is not None and counterclaim_amount < 0:
        raise ArbitrationError(_("Enter the amount counterclaimed (zero or more)."), code="amount")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state != S.NOTICE_SERVED:
            raise _wrong_state(arbitration)
        if timezone.now() > arbitration.answer_due:
            raise ArbitrationError(_("The time for the answer has passed."), code="late")
        if arbitration.submissions.filter(kind=Submission.Kind.ANSWER).exists():
            raise ArbitrationError(_("The answer has already been filed."), code="duplicate")
        item = _store(arbitration=arbitration, upload=upload, by=by, description="答辩书") if upload else None
        answer = Submission.objects.create(arbitration=arbitration, kind=Submission.Kind.ANSWER, side="respondent",
                                           text=text, item=item, by=by)
        if counterclaim_text or counterclaim_amount:
            Submission.objects.create(arbitration=arbitration, kind=Submission.Kind.COUNTERCLAIM, side="respondent",
                                      text=counterclaim_text, amount=counterclaim_amount, by=by)
            _assess(arbitration=arbitration, kind=FeeAssessment.Kind.COUNTERCLAIM, payer_side="respondent",
                    amount=counterclaim_amount or Decimal(0), by=None,
                    due_at=timezone.now() + timedelta(days=arbitration.rule_set.fee_payment_days))
        _log(arbitration, "file_answer", by, _("Answer filed.") + (_(" With a counterclaim.") if counterclaim_text
                                                                   or counterclaim_amount else ""))
        transaction.on_commit(lambda: notifications.submission_filed(submission=answer))
    return answer


# --- the tribunal ------------------------------------------------------------------------------------------

NOMINATION_STATES = (S.NOTICE_SERVED, S.CONSTITUTION)


def nominate(*, arbitration: Arbitration, by: User, arbitrator: User | None = None, nominee_name: str = "",
             nominee_contact: str = "") -> Nomination:
    """Each side nominates its co-arbitrator (three-member tribunal) or proposes a sole arbitrator."""
    side = _side_or_denied(arbitration, by)
    nominee_name = (nominee_name or "").strip()
    if (arbitrator is None) == (not nominee_name):
        raise ArbitrationError(_("Choose an arbitrator from the directory or give a name, not both."), code="nominee")
    if arbitrator is not None and (arbitrator.role != User.Role.ARBITRATOR or not arbitrator.is_active):
        raise ArbitrationError(_("Choose an arbitrator from the centre's list."), code="not_an_arbitrator")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state not in NOMINATION_STATES:
            raise _wrong_state(arbitration)
        if arbitration.state == S.CONSTITUTION and arbitration.nomination_due and timezone.now() > arbitration.nomination_due:
            raise ArbitrationError(_("The time for nominations has passed; the centre will appoint."), code="late")
        arbitration.nominations.filter(side=side, handled=False).delete()
        nomination = Nomination.objects.create(arbitration=arbitration, side=side, arbitrator=arbitrator,
                                               nominee_name=nominee_name, nominee_contact=nominee_contact.strip(),
                                               by=by)
        _log(arbitration, "nominate", by, _("%(side)s nominated %(name)s.") % {
            "side": _("Claimant") if side == "claimant" else _("Respondent"),
            "name": arbitrator.full_name if arbitrator else nominee_name})
    return nomination


def conflicts_of_interest(*, arbitrator: User, case: Case) -> list[str]:
    earlier = (m.arbitration.case for m in TribunalMember.objects.filter(arbitrator=arbitrator).exclude(
        arbitration__case=case).select_related("arbitration__case").prefetch_related("arbitration__case__parties"))
    reasons = conflicts.conflicts_of_interest(
        neutral=arbitrator, case=case, earlier_cases=earlier,
        earlier_reason=_("The arbitrator has already sat in a case between the same parties."))
    if case.assignments.filter(user=arbitrator, role=CaseAssignment.Role.MEDIATOR).exists():
        reasons.append(_("The arbitrator was the mediator of this dispute."))
    return reasons


def seats(arbitration: Arbitration) -> list[tuple[str, str]]:
    """The (role, nominated by) seats of this tribunal."""
    if arbitration.tribunal_size == 1:
        return [(TribunalMember.Role.SOLE, "centre")]
    return [(TribunalMember.Role.CO, "claimant"), (TribunalMember.Role.CO, "respondent"),
            (TribunalMember.Role.PRESIDING, "centre")]


def open_seats(arbitration: Arbitration) -> list[tuple[str, str]]:
    taken = {(m.role, m.nominated_by) for m in arbitration.active_members()}
    return [seat for seat in seats(arbitration) if seat not in taken]


def appoint(*, arbitration: Arbitration, by: User, arbitrator: User, role: str, nominated_by: str,
            override_conflicts: bool = False) -> TribunalMember:
    """The centre fills a seat: a side's nominee, or its own choice (the presiding or
    sole arbitrator, or a co-arbitrator for a side that did not nominate in time)."""
    if not by.is_case_manager:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if arbitrator.role != User.Role.ARBITRATOR or not arbitrator.is_active:
        raise ArbitrationError(_("Choose an arbitrator from the centre's list."), code="not_an_arbitrator")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state != S.CONSTITUTION:
            raise _wrong_state(arbitration)
        if (role, nominated_by) not in open_seats(arbitration):
            raise ArbitrationError(_("That seat on the tribunal is not open."), code="seat")
        if arbitration.members.filter(arbitrator=arbitrator, status__in=["proposed", "accepted"]).exists():
            raise ArbitrationError(_("This arbitrator already sits on the tribunal."), code="duplicate")
        if nominated_by in ("claimant", "respondent"):
            nominated = arbitration.nominations.filter(side=nominated_by, handled=False).last()
            named = nominated and nominated.arbitrator_id is None
            if nominated and nominated.arbitrator_id and nominated.arbitrator_id != arbitrator.pk:
                raise ArbitrationError(_("This side nominated someone else."), code="not_nominee")
            if not nominated and not (arbitration.nomination_due and timezone.now() > arbitration.nomination_due):
                raise ArbitrationError(_("This side may still nominate until %(date)s.") % {
                    "date": timezone.localtime(arbitration.nomination_due).strftime("%Y-%m-%d %H:%M")},
                    code="nomination_open")
            if nominated:
                nominated.handled = True
                nominated.save(update_fields=["handled"])
            if named:
                _log(arbitration, "appoint_named", by, _("Nominee named by the side: %(name)s.") % {
                    "name": nominated.nominee_name})
        reasons = conflicts_of_interest(arbitrator=arbitrator, case=arbitration.case)
        if reasons and not override_conflicts:
            raise ArbitrationError(" ".join(str(r) for r in reasons), code="conflict")
        member = TribunalMember.objects.create(arbitration=arbitration, arbitrator=arbitrator, role=role,
                                               nominated_by=nominated_by, appointed_by=by)
        CaseAssignment.objects.update_or_create(case=arbitration.case, user=arbitrator,
                                                role=CaseAssignment.Role.ARBITRATOR, defaults={"active": True})
        _log(arbitration, "appoint", by, _("%(name)s appointed as %(role)s.") % {
            "name": arbitrator.full_name, "role": member.get_role_display()})
        transaction.on_commit(lambda: notifications.arbitrator_appointed(member=member))
    return member


def accept_seat(*, member: TribunalMember, by: User, disclosure: str = "") -> TribunalMember:
    """The arbitrator discloses anything that may call their impartiality into question, and accepts."""
    if by.pk != member.arbitrator_id:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        member = TribunalMember.objects.select_for_update().get(pk=member.pk)
        if member.status != TribunalMember.Status.PROPOSED:
            raise ArbitrationError(_("This appointment is no longer open."), code="wrong_state")
        member.status, member.accepted_at = TribunalMember.Status.ACCEPTED, timezone.now()
        member.disclosure = (disclosure or "").strip()
        member.save(update_fields=["status", "accepted_at", "disclosure"])
        _log(member.arbitration, "accept_seat", by, _("Arbitrator accepted. Disclosure: %(text)s") % {
            "text": member.disclosure or _("nothing to disclose")})
        transaction.on_commit(lambda: notifications.arbitrator_accepted(member=member))
    return member


def decline_seat(*, member: TribunalMember, by: User, reason: str = "") -> TribunalMember:
    if by.pk != member.arbitrator_id:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        member = TribunalMember.objects.select_for_update().get(pk=member.pk)
        if member.status != TribunalMember.Status.PROPOSED:
            raise ArbitrationError(_("This appointment is no longer open."), code="wrong_state")
        member.status = TribunalMember.Status.DECLINED
        member.disclosure = (reason or "").strip()
        member.save(update_fields=["status", "disclosure"])
        CaseAssignment.objects.filter(case=member.arbitration.case, user=by,
                                      role=CaseAssignment.Role.ARBITRATOR).update(active=False)
        _log(member.arbitration, "decline_seat", by, _("Arbitrator declined."))
    return member


def challenge(*, member: TribunalMember, by: User, reason: str) -> Challenge:
    """回避: a party challenges an arbitrator with reasons, within the challenge period
    (from the arbitrator's acceptance; before it while the appointment is pending)."""
    arbitration = member.arbitration
    side = _side_or_denied(arbitration, by)
    reason = (reason or "").strip()
    if not reason:
        raise ArbitrationError(MSG_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        member = TribunalMember.objects.select_for_update().select_related("arbitration__rule_set").get(pk=member.pk)
        if member.status not in (TribunalMember.Status.PROPOSED, TribunalMember.Status.ACCEPTED):
            raise ArbitrationError(_("This arbitrator is no longer on the tribunal."), code="wrong_state")
        if member.arbitration.state not in OPEN_STATES:
            raise _wrong_state(member.arbitration)
        deadline = member.challenge_deadline()
        if deadline and timezone.now() > deadline:
            raise ArbitrationError(_("The time to challenge this arbitrator ended on %(date)s.") % {
                "date": timezone.localtime(deadline).strftime("%Y-%m-%d")}, code="late")
        if member.challenges.filter(side=side).exists():
            raise ArbitrationError(_("Your side has already challenged this arbitrator."), code="duplicate")
        made = Challenge.objects.create(member=member, side=side, reason=reason, by=by)
        _log(member.arbitration, "challenge", by, _("Challenge of %(name)s: %(reason)s") % {
            "name": member.arbitrator.full_name, "reason": reason})
        transaction.on_commit(lambda: notifications.challenge_filed(challenge=made))
    return made


def decide_challenge(*, challenge: Challenge, by: User, upheld: bool, note: str = "") -> Challenge:
    """The centre decides. Upheld: the arbitrator leaves and the seat is filled again
    the way it was filled before (the same side nominates, or the centre appoints)."""
    if not by.is_case_manager:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    note = (note or "").strip()
    if not note:
        raise ArbitrationError(MSG_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        challenge = Challenge.objects.select_for_update().select_related("member__arbitration").get(pk=challenge.pk)
        if challenge.upheld is not None:
            raise ArbitrationError(_("This challenge has already been decided."), code="decided")
        challenge.upheld, challenge.decision_note = upheld, note
        challenge.decided_by, challenge.decided_at = by, timezone.now()
        challenge.save()
        member = challenge.member
        arbitration = member.arbitration
        _log(arbitration, "decide_challenge", by, (_("Challenge upheld: %(note)s") if upheld
                                                   else _("Challenge dismissed: %(note)s")) % {"note": note})
        if upheld:
            member.status, member.removed_at = TribunalMember.Status.REMOVED, timezone.now()
            member.save(update_fields=["status", "removed_at"])
            CaseAssignment.objects.filter(case=arbitration.case, user=member.arbitrator,
                                          role=CaseAssignment.Role.ARBITRATOR).update(active=False)
            if arbitration.state in WITH_TRIBUNAL:
                _transition(arbitration=arbitration, name="reconstitute", by=by,
                            note=_("%(name)s removed after a challenge.") % {"name": member.arbitrator.full_name})
            else:
                Arbitration.objects.filter(pk=arbitration.pk).update(
                    nomination_due=timezone.now() + timedelta(days=arbitration.rule_set.nomination_days))
        transaction.on_commit(lambda: notifications.challenge_decided(challenge=challenge))
    return challenge


# --- proceedings -----------------------------------------------------------------------------------------

def issue_order(*, arbitration: Arbitration, by: User, title: str, text: str,
                submissions_due: datetime | None = None) -> ProceduralOrder:
    """A procedural order of the tribunal; the first one opens the proceedings."""
    if not rules.is_tribunal_member(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise ArbitrationError(_("Give the order a title and a text."), code="empty")
    if submissions_due and submissions_due <= timezone.now():
        raise ArbitrationError(_("The date for submissions must be in the future."), code="past")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state == S.CONSTITUTED:
            arbitration = _transition(arbitration=arbitration, name="open_proceedings", by=by,
                                      note=_("Procedural order 1."))
        if arbitration.state != S.PROCEEDINGS:
            raise _wrong_state(arbitration)
        number = (arbitration.orders.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        order = ProceduralOrder.objects.create(arbitration=arbitration, number=number, title=title, text=text,
                                               submissions_due=submissions_due, issued_by=by)
        _log(arbitration, "issue_order", by, _("Procedural order %(n)s: %(title)s") % {"n": number, "title": title})
        transaction.on_commit(lambda: notifications.order_issued(order=order))
    return order


def submit(*, arbitration: Arbitration, by: User, kind: str, text: str = "", upload=None,
           order: ProceduralOrder | None = None) -> Submission:
    """A written submission or evidence, exchanged with the other side. Evidence
    goes through the notary path; an order's deadline is enforced."""
    side = _side_or_denied(arbitration, by)
    if kind not in (Submission.Kind.STATEMENT, Submission.Kind.EVIDENCE):
        raise ArbitrationError(_("Choose what you are submitting."), code="kind")
    text = (text or "").strip()
    if kind == Submission.Kind.EVIDENCE and upload is None:
        raise ArbitrationError(_("Attach the evidence file."), code="file")
    if not text and upload is None:
        raise ArbitrationError(_("Write the submission or attach it."), code="empty")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state != S.PROCEEDINGS:
            raise _wrong_state(arbitration)
        if order is not None:
            if order.arbitration_id != arbitration.pk:
                raise PermissionDenied(MSG_NOT_ALLOWED)
            if order.submissions_due and timezone.now() > order.submissions_due:
                raise ArbitrationError(_("The deadline set in procedural order %(n)s has passed.") % {"n": order.number},
                                       code="late")
        label = dict(Submission.Kind.choices)[kind]
        item = _store(arbitration=arbitration, upload=upload, by=by, description=str(label)) if upload else None
        submission = Submission.objects.create(arbitration=arbitration, kind=kind, side=side, text=text, item=item,
                                               order=order, by=by)
        _log(arbitration, "submit", by, str(label))
        transaction.on_commit(lambda: notifications.submission_filed(submission=submission))
    return submission


def schedule_hearing(*, arbitration: Arbitration, by: User, mode: str, starts_at: datetime,
                     duration_minutes: int = 120, location: str = "") -> Hearing:
    """The tribunal schedules a hearing; everyone gets an .ics invitation."""
    import uuid

    if not rules.is_presiding(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    if starts_at <= timezone.now():
        raise ArbitrationError(_("A hearing must be scheduled in the future."), code="past")
    if mode == Hearing.Mode.IN_PERSON and not (location or "").strip():
        raise ArbitrationError(_("Give the place of an in-person hearing."), code="location")
    if not 15 <= int(duration_minutes) <= 600:
        raise ArbitrationError(_("A hearing lasts between 15 minutes and 10 hours."), code="duration")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state != S.PROCEEDINGS:
            raise _wrong_state(arbitration)
        hearing = Hearing.objects.create(arbitration=arbitration, uid=f"{uuid.uuid4()}@ipdr", mode=mode,
                                         starts_at=starts_at, duration_minutes=duration_minutes,
                                         location=(location or "").strip(), scheduled_by=by)
        _log(arbitration, "schedule_hearing", by, _("Hearing scheduled for %(when)s.") % {
            "when": timezone.localtime(starts_at).strftime("%Y-%m-%d %H:%M")})
        transaction.on_commit(lambda: notifications.hearing_scheduled(hearing=hearing))
    return hearing


def cancel_hearing(*, hearing: Hearing, by: User) -> Hearing:
    if not rules.is_presiding(hearing.arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        if hearing.cancelled or hearing.record or hearing.room_id:
            raise ArbitrationError(_("This hearing cannot be cancelled any more."), code="wrong_state")
        hearing.cancelled, hearing.sequence = True, hearing.sequence + 1
        hearing.save(update_fields=["cancelled", "sequence"])
        _log(hearing.arbitration, "cancel_hearing", by, _("Hearing cancelled."))
        transaction.on_commit(lambda: notifications.hearing_scheduled(hearing=hearing))
    return hearing


def record_hearing(*, hearing: Hearing, by: User, record: str) -> Hearing:
    """庭审笔录: the record of the hearing, rendered to PDF and notarised. For
    an online hearing held in its room, the room must be closed and its
    transcripts made: the record lists them by SHA-256."""
    from django.core.files.base import ContentFile

    from arbitration.hearing_rooms import transcripts_of
    from notary.models import NotaryItem
    from notary.pdf import render_pdf, sign_pdf
    from notary.services.items import register_file

    arbitration = hearing.arbitration
    if not rules.is_presiding(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    record = (record or "").strip()
    if not record:
        raise ArbitrationError(_("Write the record of the hearing."), code="empty")
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
        if hearing.cancelled or hearing.record_item_id:
            raise ArbitrationError(_("The record of this hearing is already kept."), code="wrong_state")
        if hearing.starts_at > timezone.now():
            raise ArbitrationError(_("The hearing has not taken place yet."), code="future")
        if hearing.room_id and hearing.room.status == "open":
            raise ArbitrationError(_("End the online hearing before keeping its record."), code="room_open")
        transcripts = list(transcripts_of(hearing))
        if hearing.room_id and hearing.room.next_seq > 1 and (
                not transcripts or transcripts[-1].to_seq < hearing.room.next_seq - 1):
            raise ArbitrationError(_("The transcript of the online hearing is still being made; try again shortly."),
                                   code="transcript_pending")
        case = arbitration.case
        pdf = render_pdf("pdf/hearing_record.html", {"case": case, "arbitration": arbitration, "hearing": hearing,
                                                      "record": record, "transcripts": transcripts,
                                                      "members": arbitration.members.filter(status="accepted")})
        pdf = sign_pdf(pdf, reason="庭审笔录 / Record of the hearing")
        hearing.record = record
        hearing.record_item = register_file(
            case=case, fileobj=ContentFile(pdf, name="record.pdf"),
            original_name=f"庭审笔录-{case.number}-{timezone.localtime(hearing.starts_at):%Y%m%d}.pdf",
            content_type="application/pdf", submitter=by, kind=NotaryItem.Kind.DOCUMENT, description="庭审笔录")
        hearing.save(update_fields=["record", "record_item"])
        _log(arbitration, "record_hearing", by, _("Record of the hearing kept."))
    return hearing


# --- deadlines -----------------------------------------------------------------------------------------------

def extend_deadline(*, arbitration: Arbitration, by: User, field: str, new_value: datetime, reason: str) -> Arbitration:
    """A case manager moves a deadline, with a logged reason."""
    if not by.is_case_manager:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    reason = (reason or "").strip()
    if not reason:
        raise ArbitrationError(MSG_REASON_REQUIRED, code="reason_required")
    if field not in DeadlineExtension.FIELDS:
        raise ArbitrationError(_("Choose a deadline."), code="field")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.current_deadline()[1] is None or arbitration.state not in DEADLINE_STATES.get(field, ()):
            raise _wrong_state(arbitration)
        old = getattr(arbitration, field)
        if old is None or new_value <= old:
            raise ArbitrationError(_("An extension must move the deadline later."), code="not_later")
        DeadlineExtension.objects.create(arbitration=arbitration, field=field, old_value=old, new_value=new_value,
                                         reason=reason, by=by)
        setattr(arbitration, field, new_value)
        arbitration.nomination_overdue_notified = arbitration.award_overdue_notified = False
        arbitration.save(update_fields=[field, "nomination_overdue_notified", "award_overdue_notified"])
        if field == "fees_due":
            arbitration.assessments.filter(kind=FeeAssessment.Kind.CLAIM, paid_at=None).update(due_at=new_value)
        _log(arbitration, "extend_deadline", by, _("%(what)s extended to %(when)s: %(reason)s") % {
            "what": DeadlineExtension.FIELDS[field], "reason": reason,
            "when": timezone.localtime(new_value).strftime("%Y-%m-%d %H:%M")})
        transaction.on_commit(lambda: notifications.deadline_extended(arbitration=arbitration, field=field))
    return arbitration


DEADLINE_STATES = {
    "fees_due": (S.FEES_ASSESSED,),
    "answer_due": (S.NOTICE_SERVED,),
    "nomination_due": (S.CONSTITUTION,),
    "award_due": tuple(WITH_TRIBUNAL),
    "correction_until": (S.AWARD_ISSUED,),
}


def run_deadlines(now: datetime | None = None) -> dict[str, int]:
    """The periodic job (run by `manage.py run_deadlines`). Each expiry fires its
    transition, which is logged on the timeline and notified; nothing happens silently."""
    now = now or timezone.now()
    done = []

    def fire(qs, name, note):
        for arbitration in qs:
            try:
                _transition(arbitration=arbitration, name=name, by=None, note=str(note), system=True)
            except ValidationError:
                continue  # conditions changed meanwhile (paid, answered, corrected): nothing to do
            done.append(name)

    fire(Arbitration.objects.filter(state=S.FEES_ASSESSED, fees_due__lte=now), "deem_withdrawn",
         _("The fees were not paid in time; the request is deemed withdrawn."))
    served = Arbitration.objects.filter(state=S.NOTICE_SERVED, answer_due__lte=now)
    fire([a for a in served if not a.may_proceed_without_agreement()], "lapse_without_agreement",
         _("The respondent did not agree to arbitrate in time."))
    fire([a for a in served if a.may_proceed_without_agreement()], "begin_constitution",
         _("The time for the answer has passed; the tribunal is being constituted."))
    fire(Arbitration.objects.filter(state=S.AWARD_ISSUED, correction_until__lte=now), "close",
         _("The correction window has ended."))
    for arbitration in Arbitration.objects.filter(state=S.CONSTITUTION, nomination_due__lte=now,
                                                  nomination_overdue_notified=False):
        Arbitration.objects.filter(pk=arbitration.pk).update(nomination_overdue_notified=True)
        _log(arbitration, "nomination_overdue", None,
             _("The time for nominations has passed; the centre appoints to any open seat."))
        notifications.nomination_overdue(arbitration=arbitration)
        done.append("nomination_overdue")
    for arbitration in Arbitration.objects.filter(state__in=WITH_TRIBUNAL, award_due__lte=now,
                                                  award_overdue_notified=False):
        Arbitration.objects.filter(pk=arbitration.pk).update(award_overdue_notified=True)
        _log(arbitration, "award_overdue", None, _("The time limit for the award has passed."))
        notifications.award_overdue(arbitration=arbitration)
        done.append("award_overdue")
    return {f"arbitration_{name}": done.count(name) for name in sorted(set(done))}


def notice_url(token: str) -> str:
    from django.conf import settings
    from django.urls import reverse

    return settings.PORTAL_PUBLIC_URL.rstrip("/") + reverse("arbitration_notice", args=[token])


def record_bank_receipt(*, assessment: FeeAssessment, by: User, reference: str, amount: Decimal) -> Payment:
    """A case manager records a payment received by bank transfer (BankTransferProvider)."""
    from arbitration.payments import BankTransferProvider

    if not by.is_case_manager:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    reference = (reference or "").strip()
    if not reference or amount is None or amount <= 0:
        raise ArbitrationError(_("Give the bank reference and the amount received."), code="receipt")
    if Payment.objects.filter(reference=reference).exists():
        raise ArbitrationError(_("This bank reference is already recorded."), code="duplicate")
    with transaction.atomic():
        payment = Payment.objects.create(assessment=assessment, provider=BankTransferProvider.code, reference=reference,
                                         amount=amount, payer=by, provider_data={"recorded_by": by.pk})
        return payment_succeeded(payment=payment)
