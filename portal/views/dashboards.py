"""Role dashboards: what needs this user's attention, in one place.

Every list on a dashboard is paginated, so a dashboard costs the same queries
and renders at most a page of rows however many cases a user has
(tests/portal/test_list_queries.py, bench/case_list.py).
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.models import Case, CaseState, User
from portal.selectors import cases_visible_to, intake_queue, next_action_for, with_listing_data

#: cases per page of a dashboard's case table (the case list and the queue show as many)
PER_PAGE = 25
#: drafts per page of a dashboard's list of drafts (query parameter DRAFTS_PAGE)
DRAFTS_PER_PAGE = 10
DRAFTS_PAGE = "drafts_page"


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


def _page(request, qs, *, per_page: int = PER_PAGE, param: str = "page") -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get(param))


def _rows(qs, user):
    return [{"case": c, "next_action": next_action_for(c, user)} for c in qs]


def _party(request):
    user = request.user
    visible = with_listing_data(cases_visible_to(user)).order_by("-updated_at", "-id")
    own_draft = Q(state=CaseState.DRAFT, created_by=user)
    drafts = _page(request, visible.filter(own_draft), per_page=DRAFTS_PER_PAGE, param=DRAFTS_PAGE)
    page = _page(request, visible.exclude(own_draft))
    return render(request, "portal/dashboards/party.html",
                  {"drafts": drafts, "drafts_param": DRAFTS_PAGE, "page": page, "rows": _rows(page, user)})


def _manager(request):
    queue = intake_queue()[:10]
    stats = {
        "submitted": Case.objects.filter(state=CaseState.SUBMITTED).count(),
        "returned": Case.objects.filter(state=CaseState.RETURNED).count(),
        "docketed": Case.objects.filter(state=CaseState.DOCKETED).count(),
    }
    my_drafts = (Case.objects.filter(created_by=request.user, state__in=[CaseState.DRAFT, CaseState.RETURNED])
                 .prefetch_related("parties").order_by("-updated_at", "-id"))
    return render(request, "portal/dashboards/manager.html",
                  {"queue": queue, "stats": stats, "drafts_param": DRAFTS_PAGE,
                   "my_drafts": _page(request, my_drafts, per_page=DRAFTS_PER_PAGE, param=DRAFTS_PAGE)})


def _neutral(request):
    qs = with_listing_data(
        Case.objects.filter(assignments__user=request.user, assignments__active=True).distinct()
    ).order_by("-updated_at", "-id")
    page = _page(request, qs)
    return render(request, "portal/dashboards/neutral.html", {"page": page, "rows": _rows(page, request.user)})


def _clerk(request):
    # Cases the court referred, and cases whose parties applied to it (e.g. for judicial confirmation).
    qs = with_listing_data(cases_visible_to(request.user)).order_by("-updated_at", "-id")
    page = _page(request, qs)
    return render(request, "portal/dashboards/clerk.html",
                  {"page": page, "rows": _rows(page, request.user), "court": request.user.court})
