"""Conflict-of-interest checks shared by mediator and arbitrator appointments.

Checks what the portal knows about a neutral and the parties of a case: the
neutral acted as an agent for a party (or a related party recorded on either
side) in any case; works for a party or a related party; works at the law firm
of an agent in this case; or already served in another case between the same
parties (each track passes its own earlier cases).
"""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from portal.models import Agent, Case, Party, User


def identifiers(parties, *, related: bool = False) -> set[str]:
    ids = set()
    for p in parties:
        values = [p.credit_code, p.id_number, p.name]
        if related:
            values += p.related_parties.splitlines()
        for value in values:
            if value and value.strip():
                ids.add(value.strip().upper())
    return ids


def same_parties(case: Case, other: Case) -> bool:
    """Both cases are between the same claimant and respondent (by name or code)."""
    mine, theirs = list(case.parties.all()), list(other.parties.all())
    return bool(
        identifiers(p for p in theirs if p.side == Party.Side.CLAIMANT)
        & identifiers(p for p in mine if p.side == Party.Side.CLAIMANT)
        and identifiers(p for p in theirs if p.side == Party.Side.RESPONDENT)
        & identifiers(p for p in mine if p.side == Party.Side.RESPONDENT))


def conflicts_of_interest(*, neutral: User, case: Case, earlier_cases: Iterable[Case] = (),
                          earlier_reason: str = "") -> list[str]:
    """Reasons this neutral may not serve in this case (empty list: none found)."""
    everyone = identifiers(case.parties.all(), related=True)
    reasons = []
    represented = Agent.objects.filter(user=neutral).select_related("party")
    if any(identifiers([a.party]) & everyone for a in represented):
        reasons.append(_("The neutral has represented one of the parties."))
    org = neutral.organisation
    if org and ({org.name.strip().upper(), (org.credit_code or "").strip().upper()} - {""}) & everyone:
        reasons.append(_("The neutral works for one of the parties."))
    firms = {a.law_firm.strip().upper() for a in case.agents.all() if a.law_firm}
    if org and org.name.strip().upper() in firms:
        reasons.append(_("The neutral works at the law firm of a party's agent."))
    if any(same_parties(case, other) for other in earlier_cases):
        reasons.append(earlier_reason)
    return reasons
