"""Read queries for arbitration pages and dashboards, each a fixed number of queries."""

from __future__ import annotations

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.utils import timezone

from arbitration.models import (
    OPEN_STATES,
    WITH_TRIBUNAL,
    Arbitration,
    ArbitrationState,
    Award,
    AwardSignature,
    CorrectionRequest,
    Dissent,
    Hearing,
    TribunalMember,
)

S = ArbitrationState
#: states whose current deadline a dashboard shows
DEADLINE_STATES = [*OPEN_STATES, S.AWARD_ISSUED]


def with_deadline(qs: QuerySet[Arbitration]) -> QuerySet[Arbitration]:
    """Annotate `deadline`: the same moment as Arbitration.current_deadline(), in SQL, to sort by."""
    return qs.annotate(deadline=Case(
        When(state=S.FEES_ASSESSED, then=F("fees_due")),
        When(state=S.NOTICE_SERVED, then=F("answer_due")),
        When(state=S.CONSTITUTION, then=F("nomination_due")),
        When(state__in=WITH_TRIBUNAL, then=F("award_due")),
        When(state=S.AWARD_ISSUED, then=F("correction_until")),
        default=None))


def arbitrations_with_deadlines(user, *, limit: int = 20) -> list[Arbitration]:
    """Open arbitrations this user can see, the soonest deadline first (managers: all of them)."""
    from portal.selectors import cases_visible_to

    qs = Arbitration.objects.filter(state__in=DEADLINE_STATES)
    if not user.is_case_manager:
        qs = qs.filter(case__in=cases_visible_to(user))
    qs = with_deadline(qs).select_related("case", "rule_set")
    return list(qs.order_by(F("deadline").asc(nulls_last=True), "pk")[:limit])


#: rows per section of an arbitrator's task list (the dashboard shows the first ones)
TASKS_SHOWN = 20


def arbitrator_tasks(user) -> dict:
    """What an arbitrator has to do: appointments to accept, drafts to sign,
    orders to issue, hearings to hold or record, corrections to decide, and the
    deadlines of the tribunals they sit on. At most TASKS_SHOWN of each, in a
    fixed number of queries however many tribunals the arbitrator sits on."""
    now = timezone.now()
    seats = (TribunalMember.objects.filter(arbitrator=user, arbitration__state__in=DEADLINE_STATES)
             .select_related("arbitration__case", "arbitration__rule_set").order_by("appointed_at", "pk"))
    accepted = seats.filter(status=TribunalMember.Status.ACCEPTED)
    presiding = accepted.filter(role__in=[TribunalMember.Role.PRESIDING, TribunalMember.Role.SOLE])
    presiding_ids = presiding.values("arbitration_id")
    sits = Q(arbitration__members__arbitrator=user, arbitration__members__status=TribunalMember.Status.ACCEPTED)
    to_sign = (Award.objects.filter(sits, document=None, arbitration__state__in=WITH_TRIBUNAL)
               .filter(~Exists(Award.objects.filter(arbitration=OuterRef("arbitration"), number__gt=OuterRef("number"))))
               .filter(~Exists(AwardSignature.objects.filter(award=OuterRef("pk"), member__arbitrator=user)))
               .filter(~Exists(Dissent.objects.filter(award=OuterRef("pk"), member__arbitrator=user)))
               .select_related("arbitration__case").distinct())
    hearings = (Hearing.objects.filter(sits, cancelled=False, record_item=None)
                .filter(Q(starts_at__gte=now) | Q(arbitration_id__in=presiding_ids))
                .select_related("arbitration__case").order_by("starts_at").distinct())
    corrections = (CorrectionRequest.objects.filter(arbitration_id__in=presiding_ids, decided_at=None)
                   .select_related("arbitration__case"))
    deadlines = (with_deadline(Arbitration.objects.filter(
        members__arbitrator=user, members__status=TribunalMember.Status.ACCEPTED, state__in=DEADLINE_STATES))
        .filter(deadline__isnull=False).select_related("case", "rule_set").distinct())
    shown = TASKS_SHOWN
    return {
        "to_accept": list(seats.filter(status=TribunalMember.Status.PROPOSED)[:shown]),
        "to_order": [m.arbitration for m in accepted.filter(arbitration__state=S.CONSTITUTED)[:shown]],
        "to_draft": [m.arbitration for m in presiding.filter(arbitration__state=S.PROCEEDINGS_CLOSED)[:shown]],
        "to_sign": list(to_sign[:shown]),
        "hearings": [{"hearing": h, "to_record": h.starts_at <= now} for h in hearings[:shown]],
        "corrections": list(corrections[:shown]),
        "deadlines": list(deadlines.order_by("deadline", "pk")[:shown]),
    }
