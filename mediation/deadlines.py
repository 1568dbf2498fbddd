"""The mediation deadlines parties are reminded of (portal/deadlines.py sends
the reminders; mediation/apps.py registers this provider):

- the respondent's answer to the invitation (consent window) → the respondent side;
- the end of the mediation period → both sides;
- the joint application for judicial confirmation, 30 days after the agreement
  took effect (Civil Procedure Law art. 205) → both sides.

Suspended and ended mediations have no running deadline, so nothing is reminded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mediation.models import Mediation, MediationState
from portal.deadlines import DeadlineInfo
from portal.notifications import side_users

# The states in which the mediation period runs (as Mediation.current_deadline shows it).
PERIOD_STATES = [MediationState.CONSENTED, MediationState.IN_PROGRESS, MediationState.AGREEMENT_DRAFTED]


def mediation_deadlines(*, now: datetime, until: datetime) -> Iterator[DeadlineInfo]:
    confirmation_days = timedelta(days=settings.JUDICIAL_CONFIRMATION_DAYS)
    mediations = Mediation.objects.filter(
        Q(state=MediationState.AWAITING_CONSENT, consent_due__gt=now, consent_due__lte=until)
        | Q(state__in=PERIOD_STATES, period_ends__gt=now, period_ends__lte=until)
        | Q(state=MediationState.AGREEMENT_SIGNED, agreement_effective_at__gt=now - confirmation_days,
            agreement_effective_at__lte=until - confirmation_days)
    ).select_related("case__created_by")
    for mediation in mediations:
        case = mediation.case
        url = reverse("mediation_panel", args=[case.url_key])
        both_sides = side_users(case, "claimant") + side_users(case, "respondent")
        if mediation.state == MediationState.AWAITING_CONSENT:
            yield DeadlineInfo(key=f"mediation:{mediation.pk}:consent", case=case, url=url,
                               users=side_users(case, "respondent"), due_at=mediation.consent_due,
                               label=_("the answer to the mediation invitation"))
        elif mediation.state == MediationState.AGREEMENT_SIGNED:
            yield DeadlineInfo(key=f"mediation:{mediation.pk}:confirmation", case=case, url=url, users=both_sides,
                               due_at=mediation.confirmation_deadline(),
                               label=_("the joint application for judicial confirmation"))
        else:
            yield DeadlineInfo(key=f"mediation:{mediation.pk}:period", case=case, url=url, users=both_sides,
                               due_at=mediation.period_ends, label=_("the end of the mediation period"))
