"""Read queries for cases. `cases_visible_to` is the query form of
portal.rules.can_view_case; tests check that the two agree."""

from django.db.models import Prefetch, Q, QuerySet

from portal.models import Agent, Case, CaseAssignment, CaseCourtAccess, CaseEvent, CaseState, Party, User


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    # "id IN (the user's cases)" rather than a correlated EXISTS per case: the database
    # reads the user's parties, agencies and assignments once. With EXISTS, SQLite
    # probes the user's rows (its index on user_id) for every case, which is
    # quadratic for a user on many cases (bench/case_list.py: 5.5 s at 10,000 cases).
    visible = (
        Q(created_by=user)
        | Q(pk__in=Party.objects.filter(user=user).values("case_id"))
        | Q(pk__in=Agent.objects.filter(user=user).values("case_id"))
        | Q(pk__in=CaseAssignment.objects.filter(user=user, active=True).values("case_id"))
    )
    if user.is_clerk:
        visible |= Q(referring_court_id=user.court_id) | Q(
            pk__in=CaseCourtAccess.objects.filter(court_id=user.court_id).values("case_id"))
    if user.is_case_manager:
        visible |= ~Q(state=CaseState.DRAFT)
    return Case.objects.filter(visible)


def with_listing_data(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a case list row shows, in a fixed number of queries."""
    # "mediation" and "arbitration" are the tracks' one-to-ones (mediation and
    # arbitration apps): their current deadline shows in lists.
    return qs.select_related("referring_court", "created_by", "mediation", "arbitration").prefetch_related(
        Prefetch("parties", queryset=Party.objects.order_by("side", "position", "id")),
        "ip_rights",
    )


def get_visible_case(user: User, key: str) -> Case:
    """The case addressed by number or ref, if this user may see it; else Http404."""
    from django.http import Http404

    qs = cases_visible_to(user)
    lookup = Q(number=key)
    try:
        import uuid

        lookup |= Q(ref=uuid.UUID(key))
    except ValueError:
        pass
    case = qs.filter(lookup).first()
    if case is None:
        raise Http404("No such case")
    return case


def intake_queue(*, channel: str = "", ip_type: str = "", state: str = "", q: str = "") -> QuerySet[Case]:
    qs = Case.objects.exclude(state=CaseState.DRAFT)
    if state:
        qs = qs.filter(state=state)
    else:
        qs = qs.filter(state__in=[CaseState.SUBMITTED])
    if channel:
        qs = qs.filter(channel=channel)
    if ip_type:
        qs = qs.filter(ip_rights__ip_type=ip_type).distinct()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(parties__name__icontains=q)).distinct()
    return with_listing_data(qs).order_by("submitted_at", "id")


def timeline(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("at", "id")


def next_action_for(case: Case, user: User) -> str:
    """A short phrase telling this user what, if anything, they need to do next."""
    from django.utils.translation import gettext as _

    if case.state == CaseState.DRAFT:
        return _("Complete and submit the filing") if case.created_by_id == user.pk else ""
    if case.state == CaseState.RETURNED:
        return _("Correct the filing and submit it again") if case.created_by_id == user.pk else ""
    if case.state == CaseState.SUBMITTED:
        return _("Screen and docket") if user.is_case_manager else _("Waiting for the centre to screen it")
    if case.state == CaseState.DOCKETED:
        mediation = getattr(case, "mediation", None) if hasattr(case, "mediation") else None
        if mediation is not None:
            return mediation.get_state_display()
        arbitration = getattr(case, "arbitration", None) if hasattr(case, "arbitration") else None
        if arbitration is not None:
            return arbitration.get_state_display()
        return _("Handed to the %(track)s track") % {"track": case.get_track_display()}
    return ""
