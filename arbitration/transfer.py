"""Med-arb (调解不成转仲裁): when a mediation ends without a settlement, the
parties may agree, each in the portal, to have the centre arbitrate the same
dispute. Both sides' agreements together are a written arbitration agreement
(a data message, Arbitration Law art. 16; Electronic Signature Law art. 4): the
portal renders it as a PDF, signs it (PAdES) and registers it in the notary
log, then opens the arbitration on the same case. The mediator of the failed
mediation may not then sit as an arbitrator (see services.conflicts_of_interest).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from arbitration import notifications
from arbitration.models import Arbitration, RuleSet, TransferConsent
from arbitration.services import MSG_NOT_ALLOWED, ArbitrationError
from portal.models import Case, User

# Mediation states in which the mediation ended without a settlement.
FAILED_MEDIATION = {"declined", "consent_expired", "terminated", "not_confirmed"}


def _side(case: Case, user: User) -> str:
    for side in ("claimant", "respondent"):
        if (case.parties.filter(user=user, side=side).exists()
                or case.agents.filter(user=user, party__side=side).exists()):
            return side
    raise PermissionDenied(MSG_NOT_ALLOWED)


def may_transfer(case: Case) -> bool:
    mediation = getattr(case, "mediation", None) if hasattr(case, "mediation") else None
    return bool(mediation and mediation.state in FAILED_MEDIATION and not hasattr(case, "arbitration"))


def existing_agreement(case: Case):
    """An arbitration agreement filed with the case (clause or separate agreement), if any."""
    return case.documents.filter(kind="arbitration_agreement").first()


def move_with_existing_agreement(*, case: Case, by: User) -> Arbitration:
    """Where the parties already have an arbitration agreement, one action — by either
    side or the centre — moves the failed mediation to arbitration, carrying the file over."""
    if not by.is_case_manager:
        _side(case, by)  # a party or agent of either side; anyone else is refused
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not may_transfer(case):
            raise ArbitrationError(_("Only a dispute whose mediation ended without a settlement can go to arbitration "
                                     "this way."), code="wrong_state")
        if existing_agreement(case) is None:
            raise ArbitrationError(_("There is no arbitration agreement on file: both sides must agree first."),
                                   code="no_agreement")
        from arbitration.services import _log_case

        arbitration = Arbitration.objects.create(case=case, rule_set=RuleSet.for_claim(case.claim_amount))
        _log_case(case, "move_to_arbitration", by, _("Moved to arbitration under the arbitration agreement on file."))
        transaction.on_commit(lambda: notifications.tell(
            notifications.parties(arbitration) + notifications.managers(arbitration), arbitration,
            _("The dispute moved to arbitration under the parties' arbitration agreement.")))
    return arbitration


def consent(*, case: Case, by: User, expedited: bool = False) -> TransferConsent:
    """One side agrees to arbitrate; the second agreement opens the arbitration."""
    side = _side(case, by)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not may_transfer(case):
            raise ArbitrationError(_("Only a dispute whose mediation ended without a settlement can go to arbitration "
                                     "this way."), code="wrong_state")
        made, created = TransferConsent.objects.get_or_create(case=case, side=side,
                                                              defaults={"by": by, "expedited": expedited})
        if not created:
            raise ArbitrationError(_("Your side has already agreed."), code="duplicate")
        from arbitration.services import _log_case

        _log_case(case, "agree_to_arbitrate", by, _("Agreed to submit the dispute to arbitration."))
        consents = list(TransferConsent.objects.filter(case=case).order_by("at"))
        if {c.side for c in consents} == {"claimant", "respondent"}:
            _open(case=case, consents=consents, by=by)
    return made


def _open(*, case: Case, consents: list[TransferConsent], by: User) -> Arbitration:
    from notary.models import NotaryItem
    from notary.pdf import render_pdf, sign_pdf
    from notary.services.items import register_file

    expedited = all(c.expedited for c in consents)
    rule_set = RuleSet.for_claim(case.claim_amount, expedited_by_agreement=expedited)
    pdf = sign_pdf(render_pdf("pdf/arbitration_agreement.html", {
        "case": case, "parties": case.parties.all(), "consents": consents, "rule_set": rule_set,
        "made_at": timezone.now()}), reason="仲裁协议 / Arbitration agreement")
    item = register_file(case=case, fileobj=ContentFile(pdf, name="agreement.pdf"),
                         original_name=f"仲裁协议-{case.number}.pdf", content_type="application/pdf", submitter=by,
                         kind=NotaryItem.Kind.DOCUMENT, description="仲裁协议（调解不成转仲裁）")
    arbitration = Arbitration.objects.create(case=case, rule_set=rule_set, expedited_by_agreement=expedited,
                                             agreement_document=item)
    transaction.on_commit(lambda: notifications.tell(
        notifications.parties(arbitration) + notifications.managers(arbitration), arbitration,
        _("Both sides agreed to arbitrate. The arbitration is open; the centre will assess the fees.")))
    return arbitration
