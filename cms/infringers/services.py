"""Finding, approving and contesting entries of the infringer list.

Every decision is a case manager's: `find_infringer_candidates` only proposes.
Notifications go out after the commit; a mail outage never undoes a decision.
"""

import unicodedata
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.infringers.models import InfringerCandidate, InfringerListing, InfringerObjection
from cms.infringers.sources import InfringementRecord, collect_records
from portal.models import IPRight, Party, User

ERROR_ALREADY_DECIDED = _("This has already been decided.")
ERROR_NOT_SHOWN = _("This entry is not on the public list at the moment, so there is nothing to object to.")

OBJECTION_SALT = "cms.infringers.objection"


def normalised_name(name: str) -> str:
    """Names compared without spaces, full-width forms or case: "义乌市（某）商行" == "义乌市(某)商行"."""
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


def group_records(records: list[InfringementRecord]) -> dict[str, list[InfringementRecord]]:
    """Records per respondent: by credit code, else by normalised name. A name
    recorded without a code joins the group of the code it appears with elsewhere."""
    code_by_name = {}
    for record in records:
        if record.credit_code:
            code_by_name.setdefault(normalised_name(record.name), record.credit_code)
    groups: dict[str, list[InfringementRecord]] = defaultdict(list)
    for record in records:
        name = normalised_name(record.name)
        groups[record.credit_code or code_by_name.get(name) or f"name:{name}"].append(record)
    return groups


@transaction.atomic
def find_infringer_candidates(*, today: date | None = None) -> list[InfringerCandidate]:
    """Propose every respondent with at least INFRINGER_MIN_CASES decided cases
    within INFRINGER_WINDOW_DAYS (counted back from `today`, that day included).

    A respondent already listed is not proposed again, nor one whose cases
    were all part of an earlier decision; a pending proposal is brought up to date.
    """
    today = today or timezone.localdate()
    since = today - timedelta(days=settings.INFRINGER_WINDOW_DAYS)
    now = timezone.now()
    found = []
    for key, records in group_records(collect_records(since)).items():
        case_ids = {record.case_id for record in records}
        if len(case_ids) < settings.INFRINGER_MIN_CASES:
            continue
        if InfringerListing.objects.filter(
                candidate__key=key, expires_at__gt=now,
                status__in=[InfringerListing.Status.PUBLISHED, InfringerListing.Status.SUSPENDED]).exists():
            continue
        decided = set(InfringerCandidate.cases.through.objects.filter(
            infringercandidate__key=key, infringercandidate__status__in=[
                InfringerCandidate.Status.APPROVED, InfringerCandidate.Status.DISMISSED],
        ).values_list("case_id", flat=True))
        if case_ids <= decided:
            continue
        latest = max(records, key=lambda r: r.decided_on)
        candidate = (InfringerCandidate.objects.filter(key=key, status=InfringerCandidate.Status.PENDING).first()
                     or InfringerCandidate(key=key))
        candidate.name = latest.name
        candidate.credit_code = next((r.credit_code for r in records if r.credit_code), "")
        candidate.case_count = len(case_ids)
        candidate.first_decided_on = min(r.decided_on for r in records)
        candidate.last_decided_on = latest.decided_on
        candidate.save()
        candidate.cases.set(case_ids)
        found.append(candidate)
    return found


def _require_case_manager(user: User) -> None:
    if not user.is_case_manager:
        raise PermissionDenied


def _locked_pending(candidate: InfringerCandidate) -> InfringerCandidate:
    candidate = InfringerCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != InfringerCandidate.Status.PENDING:
        raise ValidationError(ERROR_ALREADY_DECIDED)
    return candidate


@transaction.atomic
def approve_candidate(*, candidate: InfringerCandidate, by: User, note: str = "") -> InfringerListing:
    """Publish the candidate on the list for INFRINGER_LISTING_DAYS and tell the respondent, who may object."""
    _require_case_manager(by)
    candidate = _locked_pending(candidate)
    now = timezone.now()
    candidate.status = InfringerCandidate.Status.APPROVED
    candidate.decided_by, candidate.decided_at, candidate.note = by, now, note
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    listing = InfringerListing.objects.create(
        candidate=candidate, name=candidate.name, credit_code=candidate.credit_code,
        case_count=candidate.case_count,
        ip_types=sorted(set(IPRight.objects.filter(case__in=candidate.cases.all()).values_list("ip_type", flat=True))),
        period_start=candidate.first_decided_on, period_end=candidate.last_decided_on,
        approved_by=by, approved_at=now, expires_at=now + timedelta(days=settings.INFRINGER_LISTING_DAYS))
    transaction.on_commit(lambda: notify_listed(listing))
    return listing


@transaction.atomic
def dismiss_candidate(*, candidate: InfringerCandidate, by: User, note: str = "") -> InfringerCandidate:
    _require_case_manager(by)
    candidate = _locked_pending(candidate)
    candidate.status = InfringerCandidate.Status.DISMISSED
    candidate.decided_by, candidate.decided_at, candidate.note = by, timezone.now(), note
    candidate.save(update_fields=["status", "decided_by", "decided_at", "note"])
    return candidate


# --- objections ----------------------------------------------------------------------------

def objection_token(listing: InfringerListing) -> str:
    return signing.dumps({"listing": listing.pk}, salt=OBJECTION_SALT)


def listing_for_token(token: str) -> InfringerListing | None:
    try:
        data = signing.loads(token, salt=OBJECTION_SALT)
    except signing.BadSignature:
        return None
    return InfringerListing.objects.filter(pk=data.get("listing")).first()


def objection_path(listing: InfringerListing) -> str:
    return reverse("infringer_objection", args=[objection_token(listing)])


@transaction.atomic
def object_to_listing(*, listing: InfringerListing, name: str, email: str, grounds: str,
                      phone: str = "") -> InfringerObjection:
    """Record the objection and take the entry off the public list until a case manager decides."""
    listing = InfringerListing.objects.select_for_update().get(pk=listing.pk)
    if not listing.is_shown:
        raise ValidationError(ERROR_NOT_SHOWN)
    objection = InfringerObjection(listing=listing, name=name, email=email, phone=phone, grounds=grounds)
    objection.full_clean()
    objection.save()
    listing.status = InfringerListing.Status.SUSPENDED
    listing.save(update_fields=["status"])
    transaction.on_commit(lambda: notify_objection_received(objection))
    return objection


@transaction.atomic
def decide_objection(*, objection: InfringerObjection, by: User, uphold: bool,
                     note: str = "") -> InfringerObjection:
    """Uphold: the entry is removed for good. Dismiss: it is shown again (until its original expiry)."""
    _require_case_manager(by)
    objection = InfringerObjection.objects.select_for_update().select_related("listing").get(pk=objection.pk)
    if objection.decision != InfringerObjection.Decision.PENDING:
        raise ValidationError(ERROR_ALREADY_DECIDED)
    objection.decision = InfringerObjection.Decision.UPHELD if uphold else InfringerObjection.Decision.DISMISSED
    objection.decided_by, objection.decided_at, objection.decision_note = by, timezone.now(), note
    objection.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    listing = objection.listing
    listing.status = InfringerListing.Status.REMOVED if uphold else InfringerListing.Status.PUBLISHED
    listing.save(update_fields=["status"])
    transaction.on_commit(lambda: notify_objection_decided(objection))
    return objection


# --- notifications -------------------------------------------------------------------------

def listed_respondents(listing: InfringerListing) -> list[Party]:
    """The respondent parties, in the listed cases, that the entry names."""
    key, name = listing.candidate.key, normalised_name(listing.name)
    parties = Party.objects.filter(case__in=listing.candidate.cases.all(), side=Party.Side.RESPONDENT)
    return [p for p in parties.select_related("user")
            if (p.credit_code and p.credit_code.upper() == key) or normalised_name(p.name) == name]


def notify_listed(listing: InfringerListing) -> None:
    """Tell the listed respondent (its accounts, and the email each case gave for it) and how to object."""
    from portal.models.notifications import NotificationCategory
    from portal.notifications import email_address, notify

    parties = listed_respondents(listing)
    users = {p.user for p in parties if p.user is not None}
    known = {u.email.lower() for u in users}
    addresses = sorted({p.email.lower() for p in parties if p.email} - known)
    context = {"listing": listing}
    url = objection_path(listing)
    notify(users=users, event="infringer_listed", category=NotificationCategory.CASE, context=context, url=url)
    for address in addresses:
        email_address(to=address, event="infringer_listed", context=context, url=url)


def notify_objection_received(objection: InfringerObjection) -> None:
    from portal.models.notifications import NotificationCategory
    from portal.notifications import notify

    managers = User.objects.filter(role=User.Role.CASE_MANAGER, is_active=True)
    notify(users=managers, event="infringer_objection_received", category=NotificationCategory.CASE,
           context={"objection": objection, "listing": objection.listing}, url=reverse("cms_infringer_review"))


def notify_objection_decided(objection: InfringerObjection) -> None:
    from portal.notifications import email_address

    email_address(to=objection.email, event="infringer_objection_decided",
                  context={"objection": objection, "listing": objection.listing})
