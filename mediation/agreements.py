"""The settlement agreement: drafting in versions, comments, signatures that
bind one version's SHA-256, and the signed PDF registered in the notary log.

What a signature binds: AgreementVersion.sha256 = SHA-256 of the canonical JSON
(UTF-8, sorted keys, no spaces) of {"case": case number, "version": n,
"terms": {...}}. A signature records that hash; a new version voids every
signature given to an earlier one, so nobody is bound to terms they did not see.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mediation.models import (
    AgreementComment,
    AgreementSignature,
    AgreementVersion,
    Mediation,
    MediationState,
    SettlementAgreement,
)
from mediation.services import MSG_NOT_ALLOWED, MediationError, _transition
from portal.models import Party, User
from portal.services.signing import canonical
from portal.services.signing import reauthenticate as _reauthenticate

TERM_KEYS = ("payment_amount", "instalments", "cease_infringement", "remove_urls", "remove_by", "destroy_stock",
             "public_apology", "confidentiality", "costs", "default_consequences", "other")


def version_hash(*, case_number: str, number: int, terms: dict) -> str:
    return hashlib.sha256(canonical({"case": case_number, "version": number, "terms": terms})).hexdigest()


def clean_terms(terms: dict) -> dict:
    """Normalise and check the structured terms; raise ValidationError in the user's words."""
    unknown = set(terms) - set(TERM_KEYS)
    if unknown:
        raise ValidationError(_("Unknown terms: %(keys)s") % {"keys": ", ".join(sorted(unknown))})
    out = {key: terms.get(key) for key in TERM_KEYS}
    try:
        amount = Decimal(str(out["payment_amount"] or "0"))
    except InvalidOperation as exc:
        raise ValidationError(_("The payment amount must be a number.")) from exc
    if amount < 0:
        raise ValidationError(_("The payment amount cannot be negative."))
    out["payment_amount"] = f"{amount:.2f}"
    instalments = out["instalments"] or []
    if instalments:
        total = sum(Decimal(str(i["amount"])) for i in instalments)
        if total != amount:
            raise ValidationError(_("The instalments add up to %(total)s, not the payment amount %(amount)s.")
                                  % {"total": f"{total:.2f}", "amount": f"{amount:.2f}"}, code="instalments")
        dates = [i["date"] for i in instalments]
        if dates != sorted(dates):
            raise ValidationError(_("List the instalments in date order."))
    out["instalments"] = [{"date": i["date"], "amount": f"{Decimal(str(i['amount'])):.2f}"} for i in instalments]
    out["remove_urls"] = [u for u in (out["remove_urls"] or []) if u]
    if out["remove_urls"] and not out["remove_by"]:
        raise ValidationError(_("Give the date by which the listings must be removed."))
    for key in ("cease_infringement", "destroy_stock", "confidentiality"):
        out[key] = bool(out[key])
    for key in ("remove_by", "public_apology", "costs", "default_consequences", "other"):
        out[key] = (out[key] or "").strip()
    if not (amount or out["cease_infringement"] or out["remove_urls"] or out["destroy_stock"]
            or out["public_apology"] or out["other"]):
        raise ValidationError(_("The agreement must settle something: add at least one obligation."))
    return out


def draft_version(*, mediation: Mediation, by: User, terms: dict) -> AgreementVersion:
    """The mediator drafts (or revises) the agreement: a new version, and every
    signature on an earlier version is voided."""
    terms = clean_terms(terms)
    with transaction.atomic():
        mediation = _transition(mediation=mediation, name="draft_agreement", by=by)
        agreement, _created = SettlementAgreement.objects.get_or_create(mediation=mediation)
        current = agreement.current_version()
        number = (current.number + 1) if current else 1
        AgreementSignature.objects.filter(version__agreement=agreement, voided_at=None).update(
            voided_at=timezone.now())
        return AgreementVersion.objects.create(
            agreement=agreement, number=number, terms=terms, created_by=by,
            sha256=version_hash(case_number=mediation.case.number, number=number, terms=terms))


def comment(*, version: AgreementVersion, by: User, text: str) -> AgreementComment:
    from mediation import rules

    mediation = version.agreement.mediation
    if not (rules.is_party(mediation, by) or rules.is_mediator(mediation, by)):
        raise PermissionDenied(MSG_NOT_ALLOWED)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a comment."))
    return AgreementComment.objects.create(version=version, author=by, text=text[:5000])


def parties_represented(mediation: Mediation, user: User) -> list[Party]:
    case = mediation.case
    own = list(case.parties.filter(user=user))
    via_agent = [a.party for a in case.agents.filter(user=user).select_related("party")]
    return list({p.pk: p for p in own + via_agent}.values())


def sign(*, version: AgreementVersion, by: User, password: str, otp_token: str = "",
         ip: str | None = None) -> list[AgreementSignature]:
    """Sign the exact version shown, for every party this user represents."""
    with transaction.atomic():
        mediation = Mediation.objects.select_for_update().select_related("case").get(
            pk=version.agreement.mediation_id)
        if mediation.state != MediationState.AGREEMENT_DRAFTED:
            raise MediationError(_("There is no agreement open for signature."), code="wrong_state")
        if version.pk != mediation.agreement.current_version().pk:
            raise MediationError(_("This version has been replaced; read and sign the current one."),
                                 code="stale_version")
        parties = parties_represented(mediation, by)
        if not parties:
            raise PermissionDenied(MSG_NOT_ALLOWED)
        with_otp = _reauthenticate(by, password, otp_token)
        signatures = []
        for party in parties:
            if AgreementSignature.objects.filter(version=version, party=party).exists():
                continue
            signatures.append(AgreementSignature.objects.create(
                version=version, party=party, signer=by, version_sha256=version.sha256, ip=ip, with_otp=with_otp))
        if not signatures:
            raise MediationError(_("You have already signed this version."), code="already_signed")
        if version.is_fully_signed():
            _take_effect(mediation=mediation, version=version, by=by)
    return signatures


def _take_effect(*, mediation: Mediation, version: AgreementVersion, by: User) -> None:
    """Every party signed: the agreement takes effect; render, sign (PAdES) and notarise it."""
    from notary.models import NotaryItem
    from notary.pdf import render_pdf, sign_pdf
    from notary.services.items import register_file

    mediation = _transition(mediation=mediation, name="agreement_takes_effect", by=by,
                            note=_("Signed by every party (version %(n)s, SHA-256 %(hash)s).")
                            % {"n": version.number, "hash": version.sha256})
    case = mediation.case
    context = {"mediation": mediation, "case": case, "version": version, "terms": version.terms,
               "parties": case.parties.all(), "agents": case.agents.select_related("party"),
               "signatures": version.signatures.select_related("party", "signer").filter(voided_at=None),
               "effective_at": mediation.agreement_effective_at}
    pdf = render_pdf("pdf/settlement_agreement.html", context,
                     attachments=[("agreement.json", canonical({"case": case.number, "version": version.number,
                                                                "terms": version.terms}), "application/json")])
    pdf = sign_pdf(pdf, reason="调解协议 / Settlement agreement")
    item = register_file(case=case, fileobj=ContentFile(pdf, name="agreement.pdf"),
                         original_name=f"调解协议-{case.number}.pdf", content_type="application/pdf",
                         submitter=by, kind=NotaryItem.Kind.DOCUMENT,
                         description=_("Settlement agreement, version %(n)s") % {"n": version.number})
    SettlementAgreement.objects.filter(pk=mediation.agreement.pk).update(signed_document=item)
