"""Intake services: opening a filing and moving it through screening.

Each public function is keyword-only, runs in one transaction with the case
row locked, checks the transition's permission and conditions through
django-fsm, and notifies people only after the commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from portal import notifications
from portal.fsm import is_permitted
from portal.models import Agent, Case, CaseState, Channel, Court, Party, Track, User
from portal.services.numbering import next_case_number
from portal.signals import case_docketed

# Lazy: the messages are put in each request's language, not the one active at import.
MSG_NOT_ALLOWED = gettext_lazy("You are not allowed to do this on this case.")
MSG_WRONG_STATE = gettext_lazy("This action is not available while the case is “%(state)s”.")
MSG_INCOMPLETE = gettext_lazy("The filing is not complete yet: %(missing)s.")
MSG_REASON_REQUIRED = gettext_lazy("Please give a reason.")
MSG_CLERK_NEEDS_COURT = gettext_lazy("Your account is not linked to a court; ask the centre to link it.")

REASON_REQUIRED = {"return_for_correction", "reject"}


class CaseActionError(ValidationError):
    """A user-facing refusal of an action on a case."""


def start_filing(*, by: User, channel: str = Channel.ONLINE, track: str = Track.MEDIATION,
                 intake_note: str = "", court_reference: str = "") -> Case:
    """Open a draft. Clerks file court referrals for their own court; case
    managers enter walk-in and hotline disputes; everyone else files online."""
    referring_court: Court | None = None
    if channel == Channel.COURT:
        if not by.is_clerk:
            raise PermissionDenied(MSG_NOT_ALLOWED)
        referring_court = by.court
        track = Track.MEDIATION  # 诉前委派调解 is mediation by definition
    elif channel in (Channel.WALK_IN, Channel.HOTLINE):
        if not by.is_case_manager:
            raise PermissionDenied(MSG_NOT_ALLOWED)
    elif channel == Channel.PLATFORM:
        raise PermissionDenied(MSG_NOT_ALLOWED)  # platforms file through the API
    elif by.role != User.Role.PARTY:
        raise PermissionDenied(MSG_NOT_ALLOWED)
    case = Case(created_by=by, channel=channel, track=track, referring_court=referring_court,
                intake_note=intake_note, court_reference=court_reference)
    case.full_clean(exclude=["state"])  # clean_fields would re-assign the protected FSM field
    case.save()
    return case


def _transition(*, case: Case, name: str, by: User, note: str = "", **extra) -> Case:
    note = (note or "").strip()
    if name in REASON_REQUIRED and not note:
        raise CaseActionError(MSG_REASON_REQUIRED, code="reason_required")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        method = getattr(locked, name)
        if not can_proceed(method, check_conditions=False):
            # Wrong state: tell those who may act on the case why; others learn nothing.
            if not _may_ever(locked, name, by):
                raise PermissionDenied(MSG_NOT_ALLOWED)
            raise CaseActionError(MSG_WRONG_STATE % {"state": locked.get_state_display()}, code="wrong_state")
        if not is_permitted(method, by):
            raise PermissionDenied(MSG_NOT_ALLOWED)
        if not can_proceed(method):
            raise CaseActionError(MSG_INCOMPLETE % {"missing": "、".join(locked.missing_items())},
                                  code="incomplete")
        if name == "docket":
            extra["number"] = next_case_number(track=locked.track)
        method(by=by, note=note, **extra)
        locked.save()
        if name == "docket":
            case_docketed.send(sender=Case, case=locked, by=by)
        transaction.on_commit(lambda: notifications.case_transitioned(case=locked, name=name, by=by, note=note))
    return locked


def _may_ever(case: Case, name: str, user: User) -> bool:
    """Whether this user holds the role for this action at all (state aside)."""
    from portal import rules as case_rules

    if name in ("docket", "return_for_correction", "reject"):
        return case_rules.can_screen(case, user)
    if name == "withdraw":
        return bool(case_rules.is_filer(user, case) or case_rules.is_claimant_side(user, case))
    return case_rules.can_file(case, user)


def submit_case(*, case: Case, by: User) -> Case:
    name = "resubmit" if case.state == CaseState.RETURNED else "submit"
    with transaction.atomic():
        case = _transition(case=case, name=name, by=by)
        link_parties_to_accounts(case=case)
    return case


def docket_case(*, case: Case, by: User, note: str = "") -> Case:
    return _transition(case=case, name="docket", by=by, note=note)


def return_case(*, case: Case, by: User, note: str) -> Case:
    return _transition(case=case, name="return_for_correction", by=by, note=note)


def reject_case(*, case: Case, by: User, note: str) -> Case:
    return _transition(case=case, name="reject", by=by, note=note)


def withdraw_case(*, case: Case, by: User, note: str = "") -> Case:
    return _transition(case=case, name="withdraw", by=by, note=note)


ACTIONS = {
    "submit": submit_case,
    "docket": docket_case,
    "return_for_correction": return_case,
    "reject": reject_case,
    "withdraw": withdraw_case,
}


def link_parties_to_accounts(*, case: Case) -> None:
    """Give claimants named in a staff or court filing access through their
    existing account (matched by email). Respondents are linked only when they
    claim the case through their invitation (mediation issue), never by email."""
    if case.channel == Channel.ONLINE:
        return
    for party in case.parties.filter(side=Party.Side.CLAIMANT, user__isnull=True).exclude(email=""):
        user = User.objects.filter(email__iexact=party.email, is_active=True, role=User.Role.PARTY).first()
        if user:
            party.user = user
            party.save(update_fields=["user"])
    for agent in Agent.objects.filter(case=case, party__side=Party.Side.CLAIMANT, user__isnull=True):
        user = User.objects.filter(email__iexact=agent.email, is_active=True, role=User.Role.PARTY).first()
        if user:
            agent.user = user
            agent.save(update_fields=["user"])
