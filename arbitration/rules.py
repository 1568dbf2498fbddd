"""Who may act in an arbitration. Callables take (arbitration, user), as
django-fsm permissions do."""

from portal import rules as case_rules


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def side_of(arbitration, user) -> str | None:
    """'claimant' or 'respondent' when the user is a party or agent on that side
    (the filer counts for the claimant side)."""
    if not _authenticated(user):
        return None
    case = arbitration.case
    for side in ("claimant", "respondent"):
        if (case.parties.filter(user=user, side=side).exists()
                or case.agents.filter(user=user, party__side=side).exists()):
            return side
    if case.created_by_id == user.pk and user.role == "party":
        return "claimant"
    return None


def is_claimant_side(arbitration, user) -> bool:
    return side_of(arbitration, user) == "claimant"


def is_respondent_side(arbitration, user) -> bool:
    return side_of(arbitration, user) == "respondent"


def is_party(arbitration, user) -> bool:
    return side_of(arbitration, user) is not None


def is_manager(arbitration, user) -> bool:
    return bool(case_rules.is_case_manager(user))


def is_respondent_side_or_manager(arbitration, user) -> bool:
    return is_manager(arbitration, user) or is_respondent_side(arbitration, user)


def member_of(arbitration, user):
    """The user's accepted seat on the tribunal, if any."""
    if not _authenticated(user):
        return None
    return arbitration.members.filter(arbitrator=user, status="accepted").first()


def is_tribunal_member(arbitration, user) -> bool:
    return member_of(arbitration, user) is not None


def is_presiding(arbitration, user) -> bool:
    member = member_of(arbitration, user)
    return bool(member and member.role in ("presiding", "sole"))
