"""Where the decided infringements counted for the infringer list come from.

A source is a callable `source(since: date)` returning, for every infringement
decided on or after `since`, a tuple (credit_code, name, case, decided_on) for
the respondent found liable: `case` is a portal.Case or its pk, `decided_on` a
date (or datetime). Apps register sources with a Wagtail hook in their
wagtail_hooks.py, so no app imports cms:

    @hooks.register("register_infringement_source")
    def awards_against_respondents(since):
        return Party.objects.filter(...).values_list("credit_code", "name", "case_id", "case__arbitration__award_date")

cms registers the mediation source below (cms/wagtail_hooks.py); the
arbitration app adds its awards the same way.
"""

from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from django.utils import timezone
from wagtail import hooks

from portal.models import Party

INFRINGEMENT_SOURCE_HOOK = "register_infringement_source"


class InfringementRecord(NamedTuple):
    credit_code: str
    name: str
    case_id: int
    decided_on: date


def collect_records(since: date) -> list[InfringementRecord]:
    """Every registered source's records decided on or after `since`."""
    records = []
    for source in hooks.get_hooks(INFRINGEMENT_SOURCE_HOOK):
        for credit_code, name, case, decided_on in source(since):
            if isinstance(decided_on, datetime):
                decided_on = timezone.localdate(decided_on)
            if decided_on is None or decided_on < since:
                continue
            records.append(InfringementRecord(credit_code=(credit_code or "").strip().upper(), name=name.strip(),
                                              case_id=getattr(case, "pk", case), decided_on=decided_on))
    return records


def confirmed_mediation_settlements(since: date) -> Iterable[tuple]:
    """Respondents of mediation settlements a court confirmed (司法确认), dated by the ruling.

    Only legal entities: the list names companies (企业名录), never natural persons.
    """
    from mediation.models import MediationState

    return Party.objects.filter(
        side=Party.Side.RESPONDENT, kind=Party.Kind.ENTITY, case__mediation__state=MediationState.CONFIRMED,
        case__mediation__confirmation__ruling_date__gte=since,
    ).values_list("credit_code", "name", "case_id", "case__mediation__confirmation__ruling_date")
