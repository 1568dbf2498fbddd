"""Who may do what with a case: the one permission layer (django `rules`).

Predicates take (user, case). Seeing a case is the union of: the filer,
a party or agent in it, someone assigned to it (neutral or case manager),
a clerk of the court that referred it, and case managers for anything past
draft. `portal.selectors.cases_visible_to` expresses the same rule as a query;
tests check the two agree. Anyone else gets a 404 from the views.
"""

import rules

OPEN_INTAKE = ("draft", "submitted", "returned")


@rules.predicate
def is_case_manager(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_case_manager)


@rules.predicate
def is_filer(user, case) -> bool:
    return bool(case is not None and user.is_authenticated and case.created_by_id == user.pk)


@rules.predicate
def is_party_or_agent(user, case) -> bool:
    if case is None or not user.is_authenticated or case.pk is None:
        return False
    return case.parties.filter(user=user).exists() or case.agents.filter(user=user).exists()


@rules.predicate
def is_claimant_side(user, case) -> bool:
    if case is None or not user.is_authenticated or case.pk is None:
        return False
    return (
        case.parties.filter(user=user, side="claimant").exists()
        or case.agents.filter(user=user, party__side="claimant").exists()
    )


@rules.predicate
def is_assigned(user, case) -> bool:
    if case is None or not user.is_authenticated or case.pk is None:
        return False
    return case.assignments.filter(user=user, active=True).exists()


@rules.predicate
def is_referring_clerk(user, case) -> bool:
    return bool(
        case is not None and user.is_authenticated and user.is_clerk
        and case.referring_court_id is not None and case.referring_court_id == user.court_id
    )


@rules.predicate
def is_clerk_of_addressed_court(user, case) -> bool:
    return bool(case is not None and user.is_authenticated and user.is_clerk and case.pk
                and case.court_access.filter(court_id=user.court_id).exists())


@rules.predicate
def is_past_draft(user, case) -> bool:
    return case is not None and case.state != "draft"


@rules.predicate
def is_open_intake(user, case) -> bool:
    return case is not None and case.state in OPEN_INTAKE


@rules.predicate
def is_editable(user, case) -> bool:
    return case is not None and case.state in ("draft", "returned")


can_view_case = (
    is_filer | is_party_or_agent | is_assigned | is_referring_clerk | is_clerk_of_addressed_court
    | (is_case_manager & is_past_draft)
)
# The filer edits, submits and withdraws; a claimant (or their agent) linked to
# the case may also withdraw it, e.g. after a walk-in filing by staff.
can_edit_filing = is_filer & is_editable
can_withdraw_case = (is_filer | is_claimant_side) & is_open_intake
can_screen_case = is_case_manager

rules.add_perm("portal.view_case", can_view_case)
rules.add_perm("portal.change_case", can_edit_filing)
rules.add_perm("portal.withdraw_case", can_withdraw_case)
rules.add_perm("portal.screen_case", can_screen_case)
rules.add_perm("portal.view_intake_queue", is_case_manager)


# django-fsm permission callables: (instance, user) -> bool.
def can_file(case, user) -> bool:
    return is_filer(user, case)


def can_screen(case, user) -> bool:
    return is_case_manager(user)


def can_withdraw(case, user) -> bool:
    return can_withdraw_case(user, case)
