"""API services: tokens, organisations' API accounts, bulk filing, outcomes.

Filing through the API produces the same rows as filing in the portal and
submitting (portal.services.intake): a complete Case in state `submitted`
with its parties and IP rights, the "submit" event on the timeline, and
claimants linked to their existing accounts by email. A bulk filing does it
with one INSERT per table for the whole batch (bulk_create), so the number of
queries does not grow with the batch (bench/api_bulk.py). Completeness is
checked by the serializers, which require what Case.missing_items() does.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import (
    ApiToken,
    ArbitrationAgreement,
    Case,
    CaseEvent,
    CaseState,
    Channel,
    Court,
    IPRight,
    NotificationCategory,
    NotificationPreference,
    Organisation,
    Party,
    PlatformComplaint,
    Track,
    User,
)
from portal.models.api import TOKEN_PREFIX, TOKEN_SHOWN_CHARS, hash_token

# --- tokens and API accounts -------------------------------------------------------------------


def assign_secret(token: ApiToken) -> str:
    """Give an unsaved token a new secret; returns it (the only time it exists in clear)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token.prefix = secret[:TOKEN_SHOWN_CHARS]
    token.token_hash = hash_token(secret)
    return secret


def issue_token(*, organisation: Organisation, name: str, by: User | None) -> tuple[ApiToken, str]:
    token = ApiToken(organisation=organisation, name=name, created_by=by)
    secret = assign_secret(token)
    token.save()
    return token, secret


def revoke_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_account(organisation: Organisation) -> User:
    """The account an organisation's API requests act as, created on first use.

    It files the organisation's cases (Case.created_by), appears on timelines
    and in the custody log as "<organisation> (API)", and for a court is a
    clerk of that court (so the mediation rules let it record rulings). It
    cannot log in (no usable password) and gets no email or text messages:
    organisations hear about their cases through webhooks.
    """
    role = User.Role.CLERK if organisation.kind == Organisation.Kind.COURT else User.Role.PARTY
    court_id = organisation.court_id if organisation.kind == Organisation.Kind.COURT else None
    user = organisation.api_account
    if user is None:
        with transaction.atomic():
            org = Organisation.objects.select_for_update().get(pk=organisation.pk)
            user = org.api_account
            if user is None:
                user = User(email=f"api-{org.pk}@api.invalid", full_name=f"{org.name} (API)", role=role,
                            organisation=org, court_id=court_id)
                user.set_unusable_password()
                user.save()
                NotificationPreference.objects.bulk_create([
                    NotificationPreference(user=user, category=c, in_app=True, email=False, sms=False)
                    for c in NotificationCategory.values])
                org.api_account = user
                org.save(update_fields=["api_account"])
        organisation.api_account = user
    if (user.role, user.court_id, user.full_name) != (role, court_id, f"{organisation.name} (API)"):
        # The organisation changed kind, court or name since.
        user.role, user.court_id, user.full_name = role, court_id, f"{organisation.name} (API)"
        user.save(update_fields=["role", "court", "full_name"])
    return user


# --- filing ------------------------------------------------------------------------------------

CLAIM_FIELDS = {
    "cease_infringement": "claim_cease_infringement",
    "remove_listings": "claim_remove_listings",
    "destroy_stock": "claim_destroy_stock",
    "apology": "claim_apology",
    "costs": "claim_costs",
}


def _intake_note(organisation: Organisation, listing_urls: Sequence[str]) -> str:
    # Staff read the note; write it in the centre's language, whatever the caller's.
    with translation.override(settings.LANGUAGE_CODE):
        lines = [_("Filed by %(organisation)s through the API.") % {"organisation": organisation.name}]
        if listing_urls:
            lines.append(_("Infringing listings:"))
            lines += [f"- {url}" for url in listing_urls]
    return "\n".join(lines)


def _party(case: Case, side: str, data: dict, user: User | None) -> Party:
    kind = data.get("kind") or (Party.Kind.PERSON if data.get("id_number") and not data.get("credit_code")
                                else Party.Kind.ENTITY)
    return Party(case=case, side=side, kind=kind, name=data["name"], credit_code=data.get("credit_code", ""),
                 id_number=data.get("id_number", ""), address=data.get("address", ""), phone=data.get("phone", ""),
                 email=data.get("email", ""), region_code=data.get("region_code", ""),
                 shop_url=data.get("shop_url", ""), user=user, position=0)


def file_disputes(*, organisation: Organisation, by: User, items: Sequence[dict], channel: str,
                  referring_court: Court | None = None) -> list[Case]:
    """Open and submit validated disputes (serializers.DisputeSerializer data)
    in a fixed number of queries. Call inside a transaction."""
    now = timezone.now()
    emails = {i["claimant"]["email"].lower() for i in items if i["claimant"].get("email")}
    accounts = ({u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True,
                                                                   role=User.Role.PARTY)} if emails else {})
    cases = []
    for item in items:
        claims = item["claims"]
        track = item.get("track") or Track.MEDIATION
        case = Case(
            created_by=by, channel=channel, track=track, state=CaseState.SUBMITTED, facts=item["facts"],
            claim_amount=claims.get("amount"), claim_other=claims.get("other", ""),
            arbitration_agreement=ArbitrationAgreement.ASK_RESPONDENT if track == Track.ARBITRATION else "",
            referring_court=referring_court, court_reference=item.get("court_reference", ""),
            intake_note=_intake_note(organisation, item.get("listing_urls", ())), created_at=now, submitted_at=now,
            **{model_field: bool(claims.get(name)) for name, model_field in CLAIM_FIELDS.items()},
        )
        cases.append(case)
    Case.objects.bulk_create(cases)
    if cases and cases[0].pk is None:  # a backend that cannot return ids from a bulk insert
        ids = dict(Case.objects.filter(ref__in=[c.ref for c in cases]).values_list("ref", "pk"))
        for case in cases:
            case.pk = case.id = ids[case.ref]
    parties, rights, events, complaints = [], [], [], []
    for case, item in zip(cases, items, strict=True):
        claimant = item["claimant"]
        parties.append(_party(case, Party.Side.CLAIMANT, claimant, accounts.get(claimant.get("email", "").lower())))
        parties.append(_party(case, Party.Side.RESPONDENT, item["respondent"], None))
        rights += [IPRight(case=case, ip_type=r["type"], title=r["title"],
                           registration_number=r.get("registration_number", ""),
                           holder=r.get("holder") or claimant["name"], valid_from=r.get("valid_from"),
                           valid_until=r.get("valid_until")) for r in item["ip_rights"]]
        events.append(CaseEvent(case=case, process="intake", transition="submit", from_state=CaseState.DRAFT,
                                to_state=CaseState.SUBMITTED, actor=by, at=now))
        if channel == Channel.PLATFORM:
            complaints.append(PlatformComplaint(organisation=organisation, case=case, created_at=now,
                                                external_reference=item.get("external_reference", ""),
                                                listing_urls=list(item.get("listing_urls", ()))))
    Party.objects.bulk_create(parties)
    IPRight.objects.bulk_create(rights)
    CaseEvent.objects.bulk_create(events)
    if complaints:
        PlatformComplaint.objects.bulk_create(complaints)
    return cases


def can_bulk_insert_returning() -> bool:
    return connection.features.can_return_rows_from_bulk_insert


# --- outcomes ----------------------------------------------------------------------------------

# (result, final) by the state of the process that decides the case.
MEDIATION_RESULTS = {
    "declined": ("not_settled", True),
    "consent_expired": ("not_settled", True),
    "terminated": ("not_settled", True),
    "agreement_signed": ("settled", False),  # final once the confirmation window has passed
    "confirmation_applied": ("settled", False),
    "confirmed": ("settled_confirmed", True),
    "not_confirmed": ("settled_not_confirmed", True),
}
ARBITRATION_RESULTS = {
    "award_issued": ("award", False),  # corrections may still be asked for
    "closed": ("award", True),
    "settled": ("consent_award", True),
    "withdrawn": ("withdrawn", True),
    "terminated": ("terminated", True),
}
INTAKE_RESULTS = {CaseState.REJECTED: ("rejected", True), CaseState.WITHDRAWN: ("withdrawn", True)}
RESULTS = sorted({r for r, _ in [*MEDIATION_RESULTS.values(), *ARBITRATION_RESULTS.values(),
                                 *INTAKE_RESULTS.values()]})


def one(obj, attr: str):
    """A reverse one-to-one, or None."""
    try:
        return getattr(obj, attr)
    except ObjectDoesNotExist:
        return None


DOCUMENT_KINDS = ["settlement_agreement", "termination_certificate", "confirmation_ruling", "award"]


@dataclass(frozen=True)
class OutcomeDocument:
    kind: str
    item: object  # notary.models.NotaryItem


@dataclass
class Outcome:
    result: str | None = None
    final: bool = False
    documents: list[OutcomeDocument] = field(default_factory=list)


def result_of(case: Case) -> tuple[str | None, bool]:
    """(result, final) from the states alone: no query beyond the case's
    mediation and arbitration (select_related them for lists). When a failed
    mediation went on to arbitration, the arbitration decides."""
    if case.state in INTAKE_RESULTS:
        return INTAKE_RESULTS[case.state]
    arbitration = one(case, "arbitration")
    if arbitration is not None:
        return ARBITRATION_RESULTS.get(arbitration.state, (None, False))
    mediation = one(case, "mediation")
    if mediation is not None:
        result, final = MEDIATION_RESULTS.get(mediation.state, (None, False))
        if mediation.state == "agreement_signed" and not mediation.confirmation_window_open():
            final = True
        return result, final
    return None, False


def outcome_of(case: Case) -> Outcome:
    """How the case ended (or stands), and the documents that say so: the
    signed settlement agreement, the termination certificate, the court's
    ruling, the awards."""
    result, final = result_of(case)
    outcome = Outcome(result=result, final=final)
    mediation = one(case, "mediation")
    if mediation is not None:
        agreement = one(mediation, "agreement")
        if agreement is not None and agreement.signed_document_id:
            outcome.documents.append(OutcomeDocument("settlement_agreement", agreement.signed_document))
        if mediation.termination_certificate_id:
            outcome.documents.append(OutcomeDocument("termination_certificate", mediation.termination_certificate))
        confirmation = one(mediation, "confirmation")
        if confirmation is not None and confirmation.ruling_document_id:
            outcome.documents.append(OutcomeDocument("confirmation_ruling", confirmation.ruling_document))
    arbitration = one(case, "arbitration")
    if arbitration is not None:
        for award in arbitration.awards.filter(document__isnull=False).select_related("document"):
            outcome.documents.append(OutcomeDocument("award", award.document))
    return outcome
