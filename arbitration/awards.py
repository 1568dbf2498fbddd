"""The award (裁决书): structured drafting, signatures by the arbitrators (a
majority suffices; a dissent is recorded), issue as a PAdES-signed, notarised
PDF, corrections within the window, and the enforcement packet for the court.

What a signature binds: Award.sha256 = SHA-256 of the canonical JSON of the
case number, the award's number and kind, and its content. Editing the draft
makes a new Award row, so earlier signatures no longer count.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arbitration import notifications, rules
from arbitration.models import (
    WITH_TRIBUNAL,
    Arbitration,
    ArbitrationState,
    Award,
    AwardSignature,
    CorrectionRequest,
    Dissent,
    TribunalMember,
)
from arbitration.services import MSG_NOT_ALLOWED, ArbitrationError, _lock, _log, _side_or_denied, _transition
from portal.models import User
from portal.services.signing import canonical, reauthenticate

S = ArbitrationState
SECTIONS = ("claims", "findings", "reasoning")
CONSENT_STATES = (S.CONSTITUTED, S.PROCEEDINGS, S.PROCEEDINGS_CLOSED, S.AWARD_DRAFTED)


def award_hash(*, case_number: str, number: int, kind: str, content: dict) -> str:
    return hashlib.sha256(canonical({"case": case_number, "award": number, "kind": kind,
                                     "content": content})).hexdigest()


def procedural_history(arbitration: Arbitration) -> list[dict]:
    """Generated from the case log: every step of the arbitration, in order."""
    events = arbitration.case.events.filter(process__in=["intake", "arbitration"]).order_by("at", "id")
    return [{"at": timezone.localtime(e.at).strftime("%Y-%m-%d"), "what": e.transition_label,
             "note": e.note} for e in events]


def clean_content(content: dict) -> dict:
    """Normalise the structured award and check it, in the user's words."""
    cleaned = {key: str(content.get(key, "") or "").strip() for key in SECTIONS}
    missing = [key for key in SECTIONS if not cleaned[key]]
    if missing:
        raise ArbitrationError(_("Fill in the claims, the findings and the reasoning."), code="incomplete")
    items = [str(i).strip() for i in content.get("operative", []) if str(i).strip()]
    if not items:
        raise ArbitrationError(_("The award needs at least one operative item."), code="operative")
    cleaned["operative"] = items
    # Whether the award finds the respondent liable for the infringement (feeds the infringer list).
    cleaned["respondent_liable"] = bool(content.get("respondent_liable"))
    costs = content.get("costs") or {}
    try:
        claimant_share = Decimal(str(costs.get("claimant_percent", "0") or "0"))
    except InvalidOperation:
        raise ArbitrationError(_("The costs shares must be numbers."), code="costs") from None
    if not Decimal(0) <= claimant_share <= Decimal(100):
        raise ArbitrationError(_("The claimant's share of the costs must be between 0 and 100 per cent."),
                               code="costs")
    cleaned["costs"] = {"claimant_percent": format(claimant_share.normalize(), "f"),
                        "respondent_percent": format((Decimal(100) - claimant_share).normalize(), "f"),
                        "note": str(costs.get("note", "") or "").strip()}
    return cleaned


def draft(*, arbitration: Arbitration, by: User, content: dict, kind: str = Award.Kind.FINAL) -> Award:
    """The presiding (or sole) arbitrator drafts the award — or, when the parties
    settle, a consent award recording their settlement."""
    if not rules.is_presiding(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    content = clean_content(content)
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if kind == Award.Kind.FINAL:
            if arbitration.state not in (S.PROCEEDINGS_CLOSED, S.AWARD_DRAFTED):
                raise ArbitrationError(_("Close the proceedings before drafting the award."), code="wrong_state")
        elif arbitration.state not in CONSENT_STATES:
            raise ArbitrationError(_("A consent award needs a constituted tribunal."), code="wrong_state")
        number = (arbitration.awards.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        case = arbitration.case
        award = Award.objects.create(arbitration=arbitration, number=number, kind=kind, content=content, drafted_by=by,
                                     sha256=award_hash(case_number=case.number, number=number, kind=kind,
                                                       content=content))
        if kind == Award.Kind.FINAL:
            _transition(arbitration=arbitration, name="draft_award", by=by,
                        note=_("Draft %(n)s of the award.") % {"n": number})
        else:
            _log(arbitration, "draft_consent_award", by, _("Draft %(n)s of a consent award.") % {"n": number})
        transaction.on_commit(lambda: notifications.award_drafted(award=award))
    return award


def _member(award: Award, user: User) -> TribunalMember:
    member = rules.member_of(award.arbitration, user)
    if member is None:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    return member


def _signable(award: Award) -> None:
    arbitration = award.arbitration
    if award.document_id or arbitration.current_award().pk != award.pk:
        raise ArbitrationError(_("This is not the current draft of the award."), code="stale")
    if arbitration.state not in WITH_TRIBUNAL:
        raise ArbitrationError(_("This award can no longer be signed."), code="wrong_state")


def sign(*, award: Award, by: User, password: str, otp_token: str = "", ip: str | None = None) -> AwardSignature:
    """An arbitrator signs the exact draft shown, after re-entering the password."""
    member = _member(award, by)
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("arbitration__case").get(pk=award.pk)
        _signable(award)
        if award.dissents.filter(member=member).exists():
            raise ArbitrationError(_("You recorded a dissent on this draft."), code="dissented")
        reauthenticate(by, password, otp_token)
        signature, created = AwardSignature.objects.get_or_create(
            award=award, member=member, defaults={"content_sha256": award.sha256, "ip": ip})
        if created:
            _log(award.arbitration, "sign_award", by, _("Award draft %(n)s signed (SHA-256 %(hash)s).") % {
                "n": award.number, "hash": award.sha256[:16]})
    return signature


def dissent(*, award: Award, by: User, opinion: str) -> Dissent:
    """An arbitrator who does not agree records a dissenting opinion instead of signing."""
    member = _member(award, by)
    opinion = (opinion or "").strip()
    if not opinion:
        raise ArbitrationError(_("Write the dissenting opinion."), code="empty")
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("arbitration__case").get(pk=award.pk)
        _signable(award)
        if award.signatures.filter(member=member).exists():
            raise ArbitrationError(_("You have already signed this draft."), code="signed")
        made, _created = Dissent.objects.update_or_create(award=award, member=member, defaults={"opinion": opinion})
        _log(award.arbitration, "dissent", by, _("Dissenting opinion recorded on draft %(n)s.") % {"n": award.number})
    return made


def _render(award: Award, *, title: str, extra: dict | None = None) -> bytes:
    from notary.pdf import render_pdf, sign_pdf

    arbitration = award.arbitration
    case = arbitration.case
    signatures = {s.member_id: s for s in award.signatures_valid().select_related("member__arbitrator")}
    members = list(arbitration.members.filter(status=TribunalMember.Status.ACCEPTED).select_related("arbitrator"))
    pdf = render_pdf("pdf/award.html", {
        "case": case, "arbitration": arbitration, "award": award, "content": award.content, "title": title,
        "parties": case.parties.all(), "agents": case.agents.select_related("party"),
        "members": [{"member": m, "signature": signatures.get(m.pk)} for m in members],
        "dissents": award.dissents.select_related("member__arbitrator"),
        "history": procedural_history(arbitration), "issued_at": timezone.now(), **(extra or {})})
    return sign_pdf(pdf, reason=f"{title} / Arbitral award")


def issue(*, arbitration: Arbitration, by: User) -> Arbitration:
    """The centre issues the award signed by a majority: PDF, PAdES signature,
    notary log; the correction window opens (a consent award ends the case)."""
    from notary.models import NotaryItem
    from notary.services.items import register_file

    if not by.is_case_manager:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    with transaction.atomic():
        arbitration = _lock(arbitration)
        award = arbitration.current_award()
        if award is None or award.document_id:
            raise ArbitrationError(_("There is no draft award to issue."), code="no_draft")
        if not award.has_majority():
            raise ArbitrationError(_("A majority of the tribunal must sign the award first."), code="majority")
        consent = award.kind == Award.Kind.CONSENT
        arbitration = _transition(arbitration=arbitration, name="settle" if consent else "issue_award", by=by)
        title = "调解书（裁决书）" if consent else "裁决书"
        case = arbitration.case
        pdf = _render(award, title=title)
        award.document = register_file(case=case, fileobj=ContentFile(pdf, name="award.pdf"),
                                       original_name=f"{title}-{case.number}.pdf", content_type="application/pdf",
                                       submitter=by, kind=NotaryItem.Kind.DOCUMENT, description=title)
        award.save(update_fields=["document"])
        transaction.on_commit(lambda: notifications.award_issued(award=award))
    return arbitration


def request_correction(*, arbitration: Arbitration, by: User, text: str) -> CorrectionRequest:
    side = _side_or_denied(arbitration, by)
    text = (text or "").strip()
    if not text:
        raise ArbitrationError(_("Say what should be corrected."), code="empty")
    with transaction.atomic():
        arbitration = _lock(arbitration)
        if arbitration.state != S.AWARD_ISSUED:
            raise ArbitrationError(_("Corrections can be requested only after the award is issued."),
                                   code="wrong_state")
        if timezone.now() > arbitration.correction_until:
            raise ArbitrationError(_("The time to request a correction ended on %(date)s.") % {
                "date": timezone.localtime(arbitration.correction_until).strftime("%Y-%m-%d")}, code="late")
        made = CorrectionRequest.objects.create(arbitration=arbitration, side=side, text=text, by=by)
        _log(arbitration, "request_correction", by, text)
        transaction.on_commit(lambda: notifications.correction_requested(request=made))
    return made


def decide_correction(*, request: CorrectionRequest, by: User, granted: bool, decision: str) -> CorrectionRequest:
    """The tribunal decides; a granted correction is issued as a signed, notarised
    decision (补正决定) that forms part of the award."""
    from notary.models import NotaryItem
    from notary.pdf import render_pdf, sign_pdf
    from notary.services.items import register_file

    arbitration = request.arbitration
    if not rules.is_presiding(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    decision = (decision or "").strip()
    if not decision:
        raise ArbitrationError(_("Give the tribunal's decision."), code="empty")
    with transaction.atomic():
        request = CorrectionRequest.objects.select_for_update().select_related("arbitration__case").get(pk=request.pk)
        if request.decided_at:
            raise ArbitrationError(_("This request has already been decided."), code="decided")
        request.granted, request.decision, request.decided_by, request.decided_at = granted, decision, by, timezone.now()
        if granted:
            case = arbitration.case
            pdf = sign_pdf(render_pdf("pdf/award_correction.html", {
                "case": case, "arbitration": arbitration, "request": request, "award": arbitration.current_award(),
                "members": arbitration.members.filter(status=TribunalMember.Status.ACCEPTED).select_related("arbitrator"),
            }), reason="补正决定 / Correction of the award")
            request.document = register_file(
                case=case, fileobj=ContentFile(pdf, name="correction.pdf"),
                original_name=f"补正决定-{case.number}-{request.pk}.pdf", content_type="application/pdf",
                submitter=by, kind=NotaryItem.Kind.DOCUMENT, description="补正决定")
        request.save()
        _log(arbitration, "decide_correction", by, (_("Correction granted: %(d)s") if granted
                                                    else _("Correction refused: %(d)s")) % {"d": decision})
        transaction.on_commit(lambda: notifications.correction_decided(request=request))
    return request


# --- enforcement packet ------------------------------------------------------------------------------------

def packet_items(arbitration: Arbitration) -> list:
    """The files a court needs to enforce the award, each a notarised item."""
    from notary.models import NotaryItem

    # The packet reads each item's case (custody entry) and log leaf (proof): fetched with the items.
    linked = ("document__case", "document__leaf")
    award = arbitration.awards.exclude(document=None).select_related(*linked).order_by("-number").first()
    if award is None:
        raise ArbitrationError(_("No award has been issued."), code="no_award")
    items = [award.document]
    if arbitration.agreement_document_id:
        items.append(NotaryItem.objects.select_related("case", "leaf").get(pk=arbitration.agreement_document_id))
    items += [c.document for c in arbitration.corrections.exclude(document=None).select_related(*linked)]
    items += list(NotaryItem.objects.filter(case=arbitration.case, case_document__kind__in=[
        "arbitration_agreement", "identity", "power_of_attorney"]).select_related("case", "leaf"))
    return items


def may_download_packet(arbitration: Arbitration, user: User) -> bool:
    return bool(arbitration.state in (S.AWARD_ISSUED, S.CLOSED, S.SETTLED) and (
        rules.is_party(arbitration, user) or rules.is_manager(arbitration, user)
        or rules.is_tribunal_member(arbitration, user)
        or (getattr(user, "is_clerk", False) and arbitration.case.court_access.filter(court_id=user.court_id).exists())))


def enforcement_packet(*, arbitration: Arbitration, by: User, ip: str | None = None) -> bytes:
    """申请执行材料: the award, any corrections, the arbitration agreement and the
    parties' identity documents, in the court packet format (notary/packets.py)."""
    from notary.packets import build_packet

    if not may_download_packet(arbitration, by):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    return build_packet(items=packet_items(arbitration), by=by, ip=ip,
                        header={"case": arbitration.case.number, "purpose": "enforcement of an arbitral award"},
                        custody_detail="enforcement packet")
