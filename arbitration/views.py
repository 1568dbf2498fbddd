"""Arbitration pages: the panel of one arbitration (every step of the process,
each form shown only to the role that may use it now), the actions it posts to,
the respondent's notice link, the simulated payment gateway, hearing
invitations (.ics), the enforcement packet and the public fee calculator.

Views stay thin: they type the input with arbitration/forms.py and call one
service each. The services check the role and the state again and run in one
transaction, so a refused request changes nothing:
PermissionDenied → 403 (outsiders never get this far: 404), ValidationError →
the message on the panel, invalid input → the panel again with the errors next
to the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import can_proceed

from arbitration import awards, hearing_rooms, rules, services
from arbitration import forms as arb_forms
from arbitration.calendar import hearing_ics
from arbitration.models import (
    ENDED_STATES,
    WITH_TRIBUNAL,
    Arbitration,
    ArbitrationState,
    Challenge,
    DeadlineExtension,
    FeeSchedule,
    NoticeRecipient,
    Payment,
    Submission,
    TribunalMember,
)
from arbitration.payments import DevelopmentProvider, get_provider
from arbitration.views_hearing import hearing_room_row
from portal.fsm import is_permitted
from portal.models import ArbitrationAgreement, NeutralProfile, User
from portal.selectors import get_visible_case

S = ArbitrationState
Seat = TribunalMember.Status

#: the transitions offered as buttons on the panel, in display order
TRANSITIONS = {
    "begin_constitution": gettext_lazy("Begin constituting the tribunal"),
    "constitute": gettext_lazy("Declare the tribunal constituted"),
    "open_proceedings": gettext_lazy("Open the proceedings"),
    "close_proceedings": gettext_lazy("Close the proceedings"),
    "reopen_proceedings": gettext_lazy("Reopen the proceedings"),
    "withdraw": gettext_lazy("Withdraw the request for arbitration"),
    "terminate": gettext_lazy("Terminate the arbitration"),
}
DANGEROUS = {"withdraw", "terminate"}
SIDE_LABELS = {"claimant": gettext_lazy("Claimant"), "respondent": gettext_lazy("Respondent"),
               "centre": gettext_lazy("The centre")}


def _arbitration(request: HttpRequest, key: str) -> Arbitration:
    """The arbitration of a case this user may see; 404 for everyone else."""
    case = get_visible_case(request.user, key)
    arbitration = (Arbitration.objects.select_related("case", "rule_set").prefetch_related("case__parties")
                   .filter(case=case).first())
    if arbitration is None:
        raise Http404("No arbitration")
    return arbitration


def _directory():
    return list(NeutralProfile.objects.public().filter(is_arbitrator=True, user__role=User.Role.ARBITRATOR)
                .select_related("user").order_by("display_name", "pk"))


def _candidates(arbitration: Arbitration, nominated_by: str, directory) -> list[tuple]:
    """Who the centre may appoint to a seat: the side's nominee first, then the
    directory, then the other arbitrators on the centre's list."""
    sitting = set(arbitration.active_members().values_list("arbitrator_id", flat=True))
    nominee = None
    if nominated_by in ("claimant", "respondent"):
        nomination = arbitration.nominations.filter(side=nominated_by, handled=False).select_related(
            "arbitrator").last()
        nominee = nomination.arbitrator if nomination else None
    listed = [p.user for p in directory if p.user_id not in sitting]
    others = list(User.objects.filter(role=User.Role.ARBITRATOR, is_active=True)
                  .exclude(pk__in=sitting | {u.pk for u in listed}).order_by("full_name", "pk"))
    nominees = [nominee] if nominee and nominee.pk not in sitting else []
    return [(_("Nominated by the side"), nominees),
            (_("Directory"), [u for u in listed if u not in nominees]),
            (_("Other arbitrators of the centre"), [u for u in others if u not in nominees])]


class FormInputError(Exception):
    """Invalid input: the panel is shown again with this form bound, errors next to its fields."""

    def __init__(self, slot: str, form):
        super().__init__(slot)
        self.slot, self.form = slot, form


def _valid(form, slot: str) -> dict:
    if not form.is_valid():
        raise FormInputError(slot, form)
    return form.cleaned_data


def _auto_id(slot: str) -> str:
    return "id_" + slot.replace(":", "-").replace("_", "-") + "-%s"


def _get(qs, value):
    """One of this arbitration's objects named by a posted id, else 404."""
    value = str(value or "")
    obj = qs.filter(pk=int(value)).first() if value.isdigit() else None
    if obj is None:
        raise Http404("No such object")
    return obj


# --- the panel ------------------------------------------------------------------------------------

def _panel_context(request: HttpRequest, arbitration: Arbitration, failed: FormInputError | None = None) -> dict:
    user = request.user
    case = arbitration.case
    state = arbitration.state
    now = timezone.now()

    def form(slot: str, factory: Callable):
        if failed is not None and failed.slot == slot:
            return failed.form
        return factory(slot)

    side = rules.side_of(arbitration, user)
    is_manager = rules.is_manager(arbitration, user)
    seat = rules.member_of(arbitration, user)
    is_presiding = bool(seat and seat.role in (TribunalMember.Role.PRESIDING, TribunalMember.Role.SOLE))
    provider = get_provider()
    label, deadline = arbitration.current_deadline()

    # Fees and payments.
    fee_rows = []
    for assessment in arbitration.assessments.prefetch_related("payments"):
        payments = list(assessment.payments.all())
        fee_rows.append({
            "assessment": assessment, "payments": payments,
            "pending": [p for p in payments if p.status == Payment.Status.PENDING],
            "may_pay": side == assessment.payer_side and not assessment.paid_at and arbitration.is_open,
            "receipt_form": form(f"record_receipt:{assessment.pk}",
                                 lambda slot: arb_forms.BankReceiptForm(auto_id=_auto_id(slot)))
            if is_manager and provider.manual_receipts and not assessment.paid_at and arbitration.is_open else None,
        })

    # Notice, answer, counterclaim.
    submissions = list(arbitration.submissions.select_related("item", "by", "order"))
    answer = next((s for s in submissions if s.kind == Submission.Kind.ANSWER), None)
    counterclaim = next((s for s in submissions if s.kind == Submission.Kind.COUNTERCLAIM), None)
    may_answer = bool(side == "respondent" and state == S.NOTICE_SERVED and answer is None
                      and arbitration.answer_due and now <= arbitration.answer_due)

    # Nominations and the tribunal.
    directory = _directory()
    nomination_open = state in services.NOMINATION_STATES and not (
        state == S.CONSTITUTION and arbitration.nomination_due and now > arbitration.nomination_due)
    members = list(arbitration.members.select_related("arbitrator").prefetch_related("challenges__by"))
    member_rows = []
    for m in members:
        m.arbitration = arbitration  # challenge_deadline() reads the rule set already loaded
        challenges = list(m.challenges.all())
        challenge_deadline = m.challenge_deadline()
        may_challenge = bool(side and m.status in (Seat.PROPOSED, Seat.ACCEPTED) and arbitration.is_open
                             and not any(c.side == side for c in challenges)
                             and (challenge_deadline is None or now <= challenge_deadline))
        member_rows.append({
            "member": m, "challenges": challenges, "challenge_deadline": challenge_deadline,
            "challenge_form": form(f"challenge:{m.pk}", lambda slot: arb_forms.ChallengeForm(auto_id=_auto_id(slot)))
            if may_challenge else None,
        })
    pending_challenges = [
        {"challenge": c, "member": row["member"],
         "form": form(f"decide_challenge:{c.pk}", lambda slot: arb_forms.DecideChallengeForm(auto_id=_auto_id(slot)))}
        for row in member_rows for c in row["challenges"] if c.upheld is None] if is_manager else []
    nominations = list(arbitration.nominations.select_related("arbitrator", "by"))
    open_seats = []
    if is_manager and state == S.CONSTITUTION:
        for role, nominated_by in services.open_seats(arbitration):
            slot = f"appoint:{role}:{nominated_by}"
            candidates = _candidates(arbitration, nominated_by, directory)
            open_seats.append({
                "value": f"{role}:{nominated_by}", "role": TribunalMember.Role(role).label,
                "nominated_by": SIDE_LABELS[nominated_by],
                "nomination": next((n for n in reversed(nominations)
                                    if n.side == nominated_by and not n.handled), None),
                "form": form(slot, lambda slot, c=candidates: arb_forms.AppointForm(candidates=c,
                                                                                     auto_id=_auto_id(slot))),
            })
    proposed = next((m for m in members if m.arbitrator_id == user.pk and m.status == Seat.PROPOSED), None)

    # Proceedings.
    orders = list(arbitration.orders.select_related("issued_by"))
    hearings = [{
        "hearing": h,
        **hearing_room_row(h, user, is_presiding=is_presiding),
        "may_cancel": is_presiding and not h.cancelled and not h.record_item_id and not h.room_id,
        "record_form": form(f"record_hearing:{h.pk}", lambda slot: arb_forms.HearingRecordForm(auto_id=_auto_id(slot)))
        if is_presiding and not h.cancelled and not h.record_item_id and h.starts_at <= now else None,
    } for h in arbitration.hearings.select_related("record_item", "room")]

    # The award: the current draft (the latest) and the latest issued one.
    drafts = list(arbitration.awards.select_related("document").order_by("number"))
    award = drafts[-1] if drafts else None
    issued = next((a for a in reversed(drafts) if a.document_id), None)
    signatures, dissents, my_mark = [], [], False
    if award is not None:
        signatures = list(award.signatures.select_related("member__arbitrator"))
        dissents = list(award.dissents.select_related("member__arbitrator"))
        my_mark = bool(seat and any(s.member_id == seat.pk for s in signatures + dissents))
    unissued = bool(award and not award.document_id)
    may_sign = bool(seat and unissued and state in WITH_TRIBUNAL and not my_mark)
    corrections = [{
        "request": r,
        "form": form(f"decide_correction:{r.pk}",
                     lambda slot: arb_forms.CorrectionDecisionForm(auto_id=_auto_id(slot)))
        if is_presiding and r.decided_at is None else None,
    } for r in arbitration.corrections.select_related("document", "by")]

    # Deadlines and transitions.
    extend_fields = [f for f, states in services.DEADLINE_STATES.items()
                     if state in states and getattr(arbitration, f)] if is_manager else []
    transitions = []
    for name, title in TRANSITIONS.items():
        method = getattr(arbitration, name)
        if can_proceed(method) and is_permitted(method, user):
            transitions.append({"name": name, "label": title, "danger": name in DANGEROUS,
                                "needs_reason": name in services.REASON_REQUIRED,
                                "form": form(f"transition:{name}", lambda slot, name=name: arb_forms.NoteForm(
                                    auto_id=_auto_id(slot), reason_required=name in services.REASON_REQUIRED))})

    return {
        "arbitration": arbitration, "case": case, "states": S, "now": now,
        "deadline_label": label, "deadline": deadline,
        "side": side, "side_label": SIDE_LABELS.get(side or ""), "is_manager": is_manager, "seat": seat,
        "is_presiding": is_presiding, "is_party": side is not None,
        "provider": provider, "bank": provider.manual_receipts,
        "bank_details": getattr(settings, "ARBITRATION_BANK_DETAILS", ""),
        "fee_rows": fee_rows,
        "may_assess": is_manager and state == S.FILED,
        "may_serve": is_manager and state == S.FEES_PAID,
        "notices": list(arbitration.notices.select_related("party")) if is_manager else [],
        "answer": answer, "counterclaim": counterclaim,
        "may_agree": bool(side == "respondent" and state == S.NOTICE_SERVED and not arbitration.respondent_agreed_at
                          and case.arbitration_agreement == ArbitrationAgreement.ASK_RESPONDENT),
        "needs_agreement": case.arbitration_agreement == ArbitrationAgreement.ASK_RESPONDENT,
        "answer_form": form("answer", lambda slot: arb_forms.AnswerForm(auto_id=_auto_id(slot))) if may_answer else None,
        "nominations": nominations,
        "nomination_form": form("nominate", lambda slot: arb_forms.NominationForm(directory=directory,
                                                                                   auto_id=_auto_id(slot)))
        if side and nomination_open else None,
        "member_rows": member_rows, "pending_challenges": pending_challenges, "open_seats": open_seats,
        "proposed": proposed,
        "accept_form": form("accept_seat", lambda slot: arb_forms.AcceptSeatForm(auto_id=_auto_id(slot)))
        if proposed else None,
        "decline_form": form("decline_seat", lambda slot: arb_forms.DeclineSeatForm(auto_id=_auto_id(slot)))
        if proposed else None,
        "show_tribunal": bool(members or nominations or state in services.NOMINATION_STATES),
        "orders": orders,
        "submissions": [s for s in submissions if s.kind not in (Submission.Kind.ANSWER, Submission.Kind.COUNTERCLAIM)],
        "order_form": form("issue_order", lambda slot: arb_forms.OrderForm(auto_id=_auto_id(slot)))
        if seat and state in (S.CONSTITUTED, S.PROCEEDINGS) else None,
        "submission_form": form("submit", lambda slot: arb_forms.SubmissionForm(orders=orders, auto_id=_auto_id(slot)))
        if side and state == S.PROCEEDINGS else None,
        "hearings": hearings,
        "hearing_form": form("schedule_hearing", lambda slot: arb_forms.HearingForm(auto_id=_auto_id(slot)))
        if is_presiding and state == S.PROCEEDINGS else None,
        "show_proceedings": bool(orders or hearings or state in WITH_TRIBUNAL or arbitration.constituted_at),
        "award": award, "issued": issued, "signatures": signatures, "dissents": dissents,
        "award_form": form("draft_award", lambda slot: arb_forms.AwardForm(
            initial=arb_forms.AwardForm.initial_from(award if unissued else None), auto_id=_auto_id(slot)))
        if is_presiding and state in awards.CONSENT_STATES else None,
        "sign_form": form("sign_award", lambda slot: arb_forms.SignAwardForm(auto_id=_auto_id(slot)))
        if may_sign else None,
        "dissent_form": form("dissent", lambda slot: arb_forms.DissentForm(auto_id=_auto_id(slot)))
        if may_sign and arbitration.tribunal_size > 1 else None,
        "may_issue": bool(is_manager and unissued and award.has_majority() and state in WITH_TRIBUNAL),
        "may_download_packet": bool(issued and awards.may_download_packet(arbitration, user)),
        "corrections": corrections,
        "correction_form": form("request_correction",
                                lambda slot: arb_forms.CorrectionRequestForm(auto_id=_auto_id(slot)))
        if side and state == S.AWARD_ISSUED and arbitration.correction_until and now <= arbitration.correction_until
        else None,
        "extend_form": form("extend_deadline", lambda slot: arb_forms.ExtendDeadlineForm(
            fields=extend_fields, auto_id=_auto_id(slot))) if extend_fields else None,
        "extensions": list(arbitration.extensions.select_related("by")),
        "transitions": transitions,
        "ended": state in ENDED_STATES,
        "events": case.events.filter(process="arbitration").select_related("actor").order_by("at", "id"),
    }


@login_required
@require_GET
def panel(request: HttpRequest, key: str) -> HttpResponse:
    arbitration = _arbitration(request, key)
    return render(request, "arbitration/panel.html", _panel_context(request, arbitration))


# --- actions --------------------------------------------------------------------------------------
# Each handler takes (request, arbitration), calls one service and returns a
# response, a success message or None ("Done."), then back to the panel.
# ACTIONS below is the dispatch table.

def _post(request, form_class, slot, **kwargs):
    return _valid(form_class(request.POST, request.FILES, auto_id=_auto_id(slot), **kwargs), slot)


def _pay(request, arbitration):
    assessment = _get(arbitration.assessments.all(), request.POST.get("assessment"))
    payment = services.start_payment(assessment=assessment, by=request.user)
    provider = get_provider()
    if provider.manual_receipts:
        messages.info(request, _("Transfer %(amount)s CNY to the centre's account, quoting the reference %(ref)s.")
                      % {"amount": payment.amount, "ref": payment.reference})
    return redirect(provider.next_url(payment))


def _record_receipt(request, arbitration):
    assessment = _get(arbitration.assessments.all(), request.POST.get("assessment"))
    data = _post(request, arb_forms.BankReceiptForm, f"record_receipt:{assessment.pk}")
    services.record_bank_receipt(assessment=assessment, by=request.user, reference=data["reference"],
                                 amount=data["amount"])


def _serve_notice(request, arbitration):
    _served, sent = services.serve_notice(arbitration=arbitration, by=request.user)
    return _("The notice of arbitration is served; %(n)s respondent(s) received a personal link.") % {"n": len(sent)}


def _answer(request, arbitration):
    data = _post(request, arb_forms.AnswerForm, "answer")
    services.file_answer(arbitration=arbitration, by=request.user, text=data["text"], upload=data["upload"],
                         counterclaim_text=data["counterclaim_text"], counterclaim_amount=data["counterclaim_amount"])


def _nominate(request, arbitration):
    data = _post(request, arb_forms.NominationForm, "nominate", directory=_directory())
    services.nominate(arbitration=arbitration, by=request.user, arbitrator=data["arbitrator"],
                      nominee_name=data["nominee_name"], nominee_contact=data["nominee_contact"])


def _appoint(request, arbitration):
    role, _sep, nominated_by = (request.POST.get("seat") or "").partition(":")
    if (role, nominated_by) not in services.seats(arbitration):
        raise Http404("No such seat")
    candidates = _candidates(arbitration, nominated_by, _directory())
    data = _post(request, arb_forms.AppointForm, f"appoint:{role}:{nominated_by}", candidates=candidates)
    services.appoint(arbitration=arbitration, by=request.user, arbitrator=data["arbitrator"], role=role,
                     nominated_by=nominated_by, override_conflicts=data["override_conflicts"])


def _own_seat(request, arbitration) -> TribunalMember:
    member = arbitration.members.filter(arbitrator=request.user).order_by("-appointed_at").first()
    if member is None:
        raise PermissionDenied(services.MSG_NOT_ALLOWED)
    return member


def _accept_seat(request, arbitration):
    data = _post(request, arb_forms.AcceptSeatForm, "accept_seat")
    services.accept_seat(member=_own_seat(request, arbitration), by=request.user, disclosure=data["disclosure"])


def _decline_seat(request, arbitration):
    data = _post(request, arb_forms.DeclineSeatForm, "decline_seat")
    services.decline_seat(member=_own_seat(request, arbitration), by=request.user, reason=data["reason"])
    messages.success(request, _("You declined the appointment."))
    return redirect("dashboard")


def _challenge(request, arbitration):
    member = _get(arbitration.members.all(), request.POST.get("member"))
    data = _post(request, arb_forms.ChallengeForm, f"challenge:{member.pk}")
    services.challenge(member=member, by=request.user, reason=data["reason"])


def _decide_challenge(request, arbitration):
    challenge = _get(Challenge.objects.filter(member__arbitration=arbitration), request.POST.get("challenge"))
    data = _post(request, arb_forms.DecideChallengeForm, f"decide_challenge:{challenge.pk}")
    services.decide_challenge(challenge=challenge, by=request.user, upheld=data["decision"] == "upheld",
                              note=data["note"])


def _issue_order(request, arbitration):
    data = _post(request, arb_forms.OrderForm, "issue_order")
    services.issue_order(arbitration=arbitration, by=request.user, title=data["title"], text=data["text"],
                         submissions_due=data["submissions_due"])


def _submit(request, arbitration):
    data = _post(request, arb_forms.SubmissionForm, "submit", orders=list(arbitration.orders.all()))
    services.submit(arbitration=arbitration, by=request.user, kind=data["kind"], text=data["text"],
                    upload=data["upload"], order=data["order"])


def _schedule_hearing(request, arbitration):
    data = _post(request, arb_forms.HearingForm, "schedule_hearing")
    services.schedule_hearing(arbitration=arbitration, by=request.user, mode=data["mode"],
                              starts_at=data["starts_at"], duration_minutes=data["duration_minutes"],
                              location=data["location"])


def _cancel_hearing(request, arbitration):
    services.cancel_hearing(hearing=_get(arbitration.hearings.all(), request.POST.get("hearing")), by=request.user)


def _open_hearing_room(request, arbitration):
    hearing = _get(arbitration.hearings.all(), request.POST.get("hearing"))
    hearing_rooms.open_room(hearing=hearing, by=request.user)
    return redirect("arbitration_hearing_room", key=arbitration.case.url_key, pk=hearing.pk)


def _end_online_hearing(request, arbitration):
    hearing_rooms.end_hearing(hearing=_get(arbitration.hearings.all(), request.POST.get("hearing")), by=request.user)
    return _("The hearing has ended. Its transcript is being made and will appear with the hearing.")


def _record_hearing(request, arbitration):
    hearing = _get(arbitration.hearings.all(), request.POST.get("hearing"))
    data = _post(request, arb_forms.HearingRecordForm, f"record_hearing:{hearing.pk}")
    services.record_hearing(hearing=hearing, by=request.user, record=data["record"])


def _draft_award(request, arbitration):
    form = arb_forms.AwardForm(request.POST, auto_id=_auto_id("draft_award"))
    _valid(form, "draft_award")
    awards.draft(arbitration=arbitration, by=request.user, content=form.content(), kind=form.cleaned_data["kind"])


def _current_award(request, arbitration):
    award = _get(arbitration.awards.all(), request.POST.get("award"))
    if award.pk != arbitration.current_award().pk:
        raise ValidationError(_("This draft has been replaced; read and sign the current one."))
    return award


def _sign_award(request, arbitration):
    award = _current_award(request, arbitration)
    data = _post(request, arb_forms.SignAwardForm, "sign_award")
    awards.sign(award=award, by=request.user, password=data["password"], otp_token=data["otp_token"].strip(),
                ip=request.META.get("REMOTE_ADDR"))
    return _("You signed the award (SHA-256 %(hash)s).") % {"hash": award.sha256[:16] + "…"}


def _dissent(request, arbitration):
    award = _current_award(request, arbitration)
    data = _post(request, arb_forms.DissentForm, "dissent")
    awards.dissent(award=award, by=request.user, opinion=data["opinion"])


def _issue_award(request, arbitration):
    awards.issue(arbitration=arbitration, by=request.user)
    return _("The award is issued, signed and notarised; the parties are notified.")


def _request_correction(request, arbitration):
    data = _post(request, arb_forms.CorrectionRequestForm, "request_correction")
    awards.request_correction(arbitration=arbitration, by=request.user, text=data["text"])


def _decide_correction(request, arbitration):
    correction = _get(arbitration.corrections.all(), request.POST.get("request"))
    data = _post(request, arb_forms.CorrectionDecisionForm, f"decide_correction:{correction.pk}")
    awards.decide_correction(request=correction, by=request.user, granted=data["granted"],
                             decision=data["decision"])


def _extend_deadline(request, arbitration):
    data = _post(request, arb_forms.ExtendDeadlineForm, "extend_deadline", fields=list(DeadlineExtension.FIELDS))
    services.extend_deadline(arbitration=arbitration, by=request.user, field=data["field"],
                             new_value=data["new_value"], reason=data["reason"])


def _transition(name):
    def run(request, arbitration):
        data = _post(request, arb_forms.NoteForm, f"transition:{name}")
        arbitration = services.transition(arbitration=arbitration, name=name, by=request.user, note=data["note"])
        return _("Done: the arbitration is now “%(state)s”.") % {"state": arbitration.get_state_display()}
    return run


ACTIONS: dict[str, Callable] = {
    "assess_fees": lambda r, a: services.assess_fees(arbitration=a, by=r.user),
    "pay": _pay,
    "record_receipt": _record_receipt,
    "serve_notice": _serve_notice,
    "agree": lambda r, a: services.agree_to_arbitrate(arbitration=a, by=r.user),
    "answer": _answer,
    "nominate": _nominate,
    "appoint": _appoint,
    "accept_seat": _accept_seat,
    "decline_seat": _decline_seat,
    "challenge": _challenge,
    "decide_challenge": _decide_challenge,
    "issue_order": _issue_order,
    "submit": _submit,
    "schedule_hearing": _schedule_hearing,
    "cancel_hearing": _cancel_hearing,
    "record_hearing": _record_hearing,
    "open_hearing_room": _open_hearing_room,
    "end_online_hearing": _end_online_hearing,
    "draft_award": _draft_award,
    "sign_award": _sign_award,
    "dissent": _dissent,
    "issue_award": _issue_award,
    "request_correction": _request_correction,
    "decide_correction": _decide_correction,
    "extend_deadline": _extend_deadline,
    **{name: _transition(name) for name in TRANSITIONS},
}

#: where on the panel each action's result is seen
SECTIONS = {"assess_fees": "fees", "pay": "fees", "record_receipt": "fees", "serve_notice": "notice",
            "agree": "notice", "answer": "notice", "issue_order": "proceedings", "submit": "proceedings",
            "schedule_hearing": "proceedings", "cancel_hearing": "proceedings", "record_hearing": "proceedings",
            "end_online_hearing": "proceedings",
            "draft_award": "award", "sign_award": "award", "dissent": "award", "issue_award": "award",
            "request_correction": "award", "decide_correction": "award", "extend_deadline": "deadlines",
            "nominate": "tribunal", "appoint": "tribunal", "accept_seat": "tribunal", "challenge": "tribunal",
            "decide_challenge": "tribunal"}


@login_required
@require_POST
def action(request: HttpRequest, key: str, name: str) -> HttpResponse:
    arbitration = _arbitration(request, key)
    handler = ACTIONS.get(name)
    if handler is None:
        raise Http404("No such action")
    back = reverse("arbitration_panel", args=[arbitration.case.url_key]) + (
        f"#{SECTIONS[name]}" if name in SECTIONS else "")
    try:
        response = handler(request, arbitration)
    except FormInputError as invalid:
        messages.error(request, _("Please correct the errors shown below."))
        arbitration = (Arbitration.objects.select_related("case", "rule_set").prefetch_related("case__parties")
                       .get(pk=arbitration.pk))
        return render(request, "arbitration/panel.html", _panel_context(request, arbitration, failed=invalid))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    # PermissionDenied propagates: Django answers 403.
    if isinstance(response, HttpResponse):
        return response
    messages.success(request, response if isinstance(response, str) else _("Done."))
    return redirect(back)


# --- the respondent's notice link -----------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the notice of arbitration: a logged-in party takes the case into their account."""
    recipient = NoticeRecipient.objects.select_related("arbitration__case", "arbitration__rule_set").filter(
        token_hash=NoticeRecipient.hash_token(token)).first()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            arbitration = services.claim_notice(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, _("Log in with a party account (not a staff account) to answer the notice."))
        else:
            messages.success(request, _("The case is now in your account. You may answer the request for arbitration."))
            return redirect("arbitration_panel", key=arbitration.case.url_key)
    usable = bool(recipient and recipient.used_at is None and timezone.now() < recipient.expires_at)
    return render(request, "arbitration/notice.html", {"notice": recipient if usable else None,
                                                       "used": bool(recipient and recipient.used_at)})


# --- the simulated payment gateway ----------------------------------------------------------------

def _dev_payment(request: HttpRequest, reference: str) -> tuple[DevelopmentProvider, Payment]:
    provider = get_provider()
    if not isinstance(provider, DevelopmentProvider):
        raise Http404("No simulated gateway")
    payment = Payment.objects.select_related("assessment__arbitration__case").filter(
        reference=reference, provider=provider.code).first()
    if payment is None or payment.payer_id != request.user.pk:
        raise Http404("No such payment")
    return provider, payment


@login_required
@require_http_methods(["GET", "POST"])
def dev_gateway(request: HttpRequest, reference: str) -> HttpResponse:
    """A stand-in for a bank's payment page in development and tests: no money moves.
    The confirmation is signed by the server, so a party cannot forge it."""
    provider, payment = _dev_payment(request, reference)
    case = payment.assessment.arbitration.case
    status = 200
    if request.method == "POST":
        if provider.verify(payment, request.POST.get("token", "")):
            services.payment_succeeded(payment=payment, provider_data={"gateway": "development"})
            messages.success(request, _("Payment %(ref)s received (simulated).") % {"ref": payment.reference})
            return redirect("arbitration_panel", key=case.url_key)
        messages.error(request, _("The payment confirmation is not valid."))
        status = 400
    return render(request, "arbitration/dev_gateway.html", {
        "payment": payment, "case": case, "token": provider.confirmation_token(payment),
    }, status=status)


# --- downloads ------------------------------------------------------------------------------------

@login_required
@require_GET
def hearing_calendar(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """The hearing as an iCalendar invitation, for everyone on the case."""
    from arbitration.notifications import everyone

    arbitration = _arbitration(request, key)
    hearing = arbitration.hearings.filter(pk=pk).first()
    if hearing is None:
        raise Http404("No such hearing")
    response = HttpResponse(hearing_ics(hearing, attendees=everyone(arbitration)),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"hearing-{arbitration.case.url_key}-{pk}.ics")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def packet(request: HttpRequest, key: str) -> HttpResponse:
    """申请执行材料: the enforcement packet (ZIP) for the parties, the tribunal, the centre and the court."""
    arbitration = _arbitration(request, key)
    try:
        data = awards.enforcement_packet(arbitration=arbitration, by=request.user, ip=request.META.get("REMOTE_ADDR"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("arbitration_panel", key=arbitration.case.url_key)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{arbitration.case.url_key}-enforcement-packet.zip")
    response["Cache-Control"] = "private, no-store"
    return response


# --- the public fee calculator --------------------------------------------------------------------

def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


@require_GET
def fee_calculator(request: HttpRequest) -> HttpResponse:
    """The fees for an amount claimed, from the schedule in force: a page, or JSON with ?format=json."""
    wants_json = request.GET.get("format") == "json"
    form = arb_forms.FeeCalculatorForm(request.GET if "amount" in request.GET or wants_json else None)
    quote, error = None, ""
    if form.is_bound and form.is_valid():
        try:
            quote = services.quote(form.cleaned_data["amount"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if wants_json:
        if quote is None:
            errors = [e for errs in form.errors.values() for e in errs] or [error]
            return JsonResponse({"errors": errors}, status=400)
        return JsonResponse({
            "amount": _money(form.cleaned_data["amount"]), "registration_fee": _money(quote["registration_fee"]),
            "admin_fee": _money(quote["admin_fee"]), "total": _money(quote["total"]), "currency": "CNY",
            "schedule": quote["schedule"].name, "effective_from": quote["schedule"].effective_from.isoformat(),
        })
    schedule = FeeSchedule.current()
    return render(request, "arbitration/fee_calculator.html", {
        "form": form, "quote": quote, "schedule": schedule,
        "fee_errors": [*form.errors.get("amount", []), *([error] if error else [])],
        "tiers": [{"tier": t, "rate": f"{t.rate.normalize():f}"} for t in schedule.ordered_tiers()] if schedule else [],
    })

