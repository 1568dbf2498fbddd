"""How a case ended, as the public site reports it (statistics, typical cases).

A case's outcome is read from the state of its track: `OUTCOMES` maps, per
track, the states that end it to an outcome. The key is both the name of the
track's relation on portal.Case (`case.mediation`) and the `process` its
transitions write to the case timeline (CaseEvent.process), so the statistics
find the state with `<key>__state` and the moment the case closed as the
first timeline event entering one of these states.

Arbitration: an issued award (then closed) is "decided by award", a consent
award is a settlement.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from arbitration.models import ArbitrationState
from mediation.models import MediationState
from portal.models import Case, CaseState


class Outcome(models.TextChoices):
    SETTLED = "settled", _("Settled")
    NOT_SETTLED = "not_settled", _("Not settled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Not accepted")
    AWARDED = "awarded", _("Decided by award")


# Docketed cases whose track has not reached one of the states below.
PENDING = "pending"
PENDING_LABEL = _("In progress")

OUTCOMES: dict[str, dict[str, str]] = {
    "mediation": {
        MediationState.AGREEMENT_SIGNED: Outcome.SETTLED,
        MediationState.CONFIRMATION_APPLIED: Outcome.SETTLED,
        MediationState.CONFIRMED: Outcome.SETTLED,
        MediationState.NOT_CONFIRMED: Outcome.SETTLED,
        MediationState.DECLINED: Outcome.NOT_SETTLED,
        MediationState.CONSENT_EXPIRED: Outcome.NOT_SETTLED,
        MediationState.TERMINATED: Outcome.NOT_SETTLED,
    },
    "arbitration": {
        ArbitrationState.AWARD_ISSUED: Outcome.AWARDED,
        ArbitrationState.CLOSED: Outcome.AWARDED,
        ArbitrationState.SETTLED: Outcome.SETTLED,
        ArbitrationState.WITHDRAWN: Outcome.WITHDRAWN,
        ArbitrationState.TERMINATED: Outcome.NOT_SETTLED,
    },
}

# A settlement a court has confirmed (司法确认): counted for the confirmation rate.
JUDICIALLY_CONFIRMED = {("mediation", MediationState.CONFIRMED)}

# Intake end states (portal.models.neutrals.CLOSED_CASE_STATES; a test keeps the two in step).
INTAKE_OUTCOMES = {CaseState.WITHDRAWN: Outcome.WITHDRAWN, CaseState.REJECTED: Outcome.REJECTED}


def outcome_label(outcome: str) -> str:
    return str(PENDING_LABEL if outcome == PENDING else Outcome(outcome).label)


def state_lookups() -> list[str]:
    return [f"{track}__state" for track in OUTCOMES]


def outcome_from_states(states: dict[str, str | None]) -> str:
    """The outcome for a row of track states ({"mediation__state": "confirmed", …}), or PENDING."""
    for track, mapping in OUTCOMES.items():
        state = states.get(f"{track}__state")
        if state in mapping:
            return mapping[state]
    return PENDING


def concluded_q() -> Q:
    """Cases whose track reached an end state."""
    q = Q(pk__in=[])
    for track, mapping in OUTCOMES.items():
        q |= Q(**{f"{track}__state__in": list(mapping)})
    return q


def closing_event_q() -> Q:
    """Timeline events (portal.CaseEvent) that ended a case's track."""
    q = Q(pk__in=[])
    for track, mapping in OUTCOMES.items():
        q |= Q(process=track, to_state__in=list(mapping))
    return q


def closed_cases_q() -> Q:
    """Cases that are over: ended at intake, or concluded in their track."""
    return Q(state__in=list(INTAKE_OUTCOMES)) | concluded_q()


def case_outcome(case: Case) -> str:
    """The outcome of one case, or PENDING while it is open."""
    if case.state in INTAKE_OUTCOMES:
        return INTAKE_OUTCOMES[case.state]
    return outcome_from_states({f"{track}__state": getattr(_related(case, track), "state", None)
                                for track in OUTCOMES})


def track_state(case: Case) -> tuple[str, str] | None:
    """(track, state) of the case's concluded track, if any."""
    for track, mapping in OUTCOMES.items():
        related = _related(case, track)
        if related is not None and related.state in mapping:
            return track, related.state
    return None


def _related(case: Case, name: str):
    """case.<track>, or None when the case has none (a reverse one-to-one raises instead)."""
    try:
        return getattr(case, name)
    except ObjectDoesNotExist:
        return None
