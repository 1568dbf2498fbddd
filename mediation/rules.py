"""Who may act in a mediation. Callables take (mediation, user) as django-fsm
permissions do."""

from portal import rules as case_rules


def _side(mediation, user, side: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    case = mediation.case
    return (case.parties.filter(user=user, side=side).exists()
            or case.agents.filter(user=user, party__side=side).exists())


def is_respondent_side(mediation, user) -> bool:
    return _side(mediation, user, "respondent")


def is_claimant_side(mediation, user) -> bool:
    return _side(mediation, user, "claimant") or bool(
        getattr(user, "is_authenticated", False) and mediation.case.created_by_id == user.pk
        and user.role == "party")


def is_party(mediation, user) -> bool:
    return is_claimant_side(mediation, user) or is_respondent_side(mediation, user)


def is_proposed_mediator(mediation, user) -> bool:
    appointment = mediation.pending_appointment()
    return bool(appointment and getattr(user, "pk", None) == appointment.mediator_id)


def is_mediator_or_manager(mediation, user) -> bool:
    return bool(case_rules.is_case_manager(user) or
                (mediation.mediator_id and getattr(user, "pk", None) == mediation.mediator_id))


def may_terminate(mediation, user) -> bool:
    """Mediation is voluntary: either party may end it, as may the mediator or the centre."""
    return is_mediator_or_manager(mediation, user) or is_party(mediation, user)


def is_mediator(mediation, user) -> bool:
    return bool(mediation.mediator_id and getattr(user, "pk", None) == mediation.mediator_id)


def is_clerk_of_confirmation_court(mediation, user) -> bool:
    confirmation = getattr(mediation, "confirmation", None) if hasattr(mediation, "confirmation") else None
    return bool(confirmation and getattr(user, "is_clerk", False) and user.court_id == confirmation.court_id)


def is_manager(mediation, user) -> bool:
    return bool(case_rules.is_case_manager(user))
