"""Role dashboards: what needs this user's attention, in one place."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.models import Case, CaseState, User
from portal.selectors import cases_visible_to, intake_queue, next_action_for, with_listing_data


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    if user.is_case_manager:
        return _manager(request)
    if user.is_clerk:
        return _clerk(request)
    if user.is_neutral:
        return _neutral(request)
    return _party(request)


def _rows(qs, user):
    return [{"case": c, "next_action": next_action_for(c, user)} for c in qs]


def _party(request):
    qs = with_listing_data(cases_visible_to(request.user)).order_by("-updated_at")
    drafts = [c for c in qs if c.state == CaseState.DRAFT and c.created_by_id == request.user.pk]
    active = [c for c in qs if c not in drafts]
    return render(request, "portal/dashboards/party.html",
                  {"drafts": drafts, "rows": _rows(active, request.user)})


def _manager(request):
    queue = intake_queue()[:10]
    stats = {
        "submitted": Case.objects.filter(state=CaseState.SUBMITTED).count(),
        "returned": Case.objects.filter(state=CaseState.RETURNED).count(),
        "docketed": Case.objects.filter(state=CaseState.DOCKETED).count(),
    }
    my_drafts = Case.objects.filter(created_by=request.user, state__in=[CaseState.DRAFT, CaseState.RETURNED])
    return render(request, "portal/dashboards/manager.html",
                  {"queue": queue, "stats": stats, "my_drafts": my_drafts})


def _neutral(request):
    qs = with_listing_data(
        Case.objects.filter(assignments__user=request.user, assignments__active=True).distinct()
    ).order_by("-updated_at")
    return render(request, "portal/dashboards/neutral.html", {"rows": _rows(qs, request.user)})


def _clerk(request):
    # Cases the court referred, and cases whose parties applied to it (e.g. for judicial confirmation).
    qs = with_listing_data(cases_visible_to(request.user)).order_by("-updated_at")
    return render(request, "portal/dashboards/clerk.html",
                  {"rows": _rows(qs, request.user), "court": request.user.court})
