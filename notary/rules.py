"""Who may add evidence to a case and see its notarised items.

Seeing an item is seeing its case (portal.rules.can_view_case). Adding
evidence is for the people working the case — filer, parties, agents,
assigned neutrals and centre staff — while it is open; court clerks read only.
"""

import rules

from portal.rules import can_view_case, is_assigned, is_case_manager, is_filer, is_party_or_agent


@rules.predicate
def case_is_open(user, case) -> bool:
    return case is not None and case.state not in ("rejected", "withdrawn")


can_add_evidence = (is_filer | is_party_or_agent | is_assigned | is_case_manager) & can_view_case & case_is_open

rules.add_perm("notary.add_evidence", can_add_evidence)
