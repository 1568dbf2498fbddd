"""The arbitration deadlines people are reminded of (portal/deadlines.py sends
the reminders; arbitration/apps.py registers this provider):

- payment of the fees → the claimant side;
- the answer → the respondent side;
- nominations of arbitrators → both sides;
- the award → the tribunal;
- requests for correction of the award → both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from arbitration.models import WITH_TRIBUNAL, Arbitration, ArbitrationState
from portal.deadlines import DeadlineInfo
from portal.notifications import side_users

S = ArbitrationState


def arbitration_deadlines(*, now: datetime, until: datetime) -> Iterator[DeadlineInfo]:
    def window(field):
        return Q(**{f"{field}__gt": now, f"{field}__lte": until})

    arbitrations = Arbitration.objects.filter(
        (Q(state=S.FEES_ASSESSED) & window("fees_due")) | (Q(state=S.NOTICE_SERVED) & window("answer_due"))
        | (Q(state=S.CONSTITUTION) & window("nomination_due")) | (Q(state__in=WITH_TRIBUNAL) & window("award_due"))
        | (Q(state=S.AWARD_ISSUED) & window("correction_until"))
    ).select_related("case__created_by")
    for arbitration in arbitrations:
        case = arbitration.case
        url = reverse("arbitration_panel", args=[case.url_key])
        claimants, respondents = side_users(case, "claimant"), side_users(case, "respondent")
        key = f"arbitration:{arbitration.pk}"
        if arbitration.state == S.FEES_ASSESSED:
            yield DeadlineInfo(key=f"{key}:fees", case=case, url=url, users=claimants, due_at=arbitration.fees_due,
                               label=_("payment of the arbitration fees"))
        elif arbitration.state == S.NOTICE_SERVED:
            yield DeadlineInfo(key=f"{key}:answer", case=case, url=url, users=respondents,
                               due_at=arbitration.answer_due, label=_("the answer to the request for arbitration"))
        elif arbitration.state == S.CONSTITUTION:
            yield DeadlineInfo(key=f"{key}:nomination", case=case, url=url, users=claimants + respondents,
                               due_at=arbitration.nomination_due, label=_("the nomination of arbitrators"))
        elif arbitration.state == S.AWARD_ISSUED:
            yield DeadlineInfo(key=f"{key}:correction", case=case, url=url, users=claimants + respondents,
                               due_at=arbitration.correction_until, label=_("requests for correction of the award"))
        else:
            members = [m.arbitrator for m in arbitration.members.filter(status="accepted").select_related("arbitrator")]
            yield DeadlineInfo(key=f"{key}:award", case=case, url=url, users=members, due_at=arbitration.award_due,
                               label=_("the award"))
