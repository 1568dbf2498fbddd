"""Which notarised items a user may see.

Everyone who can see a case sees its items, except items private to one side
(caucus transcripts and attachments of a private mediation session): those are
seen only by that side's parties and agents (the filer counts as claimant) and
by the neutrals assigned to the case."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from notary.models import NotaryItem
from portal.models import Agent, CaseAssignment, Party
from portal.selectors import cases_visible_to


def item_visibility(user) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(private_to_side="")
    side_party = Party.objects.filter(case=OuterRef("case"), user=user, side=OuterRef("private_to_side"))
    side_agent = Agent.objects.filter(case=OuterRef("case"), user=user, party__side=OuterRef("private_to_side"))
    neutral = CaseAssignment.objects.filter(case=OuterRef("case"), user=user, active=True,
                                            role__in=[CaseAssignment.Role.MEDIATOR, CaseAssignment.Role.ARBITRATOR])
    return (Q(private_to_side="") | Q(Exists(side_party)) | Q(Exists(side_agent)) | Q(Exists(neutral))
            | Q(private_to_side="claimant", case__created_by=user))


def items_visible_to(user) -> QuerySet[NotaryItem]:
    return NotaryItem.objects.filter(item_visibility(user), case__in=cases_visible_to(user))
