"""Views outside the page tree: site search, the objection form for listed
companies, and the case managers' tool that drafts a typical case from a case."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.models import Locale, Page

from cms.case_studies import create_case_study_draft
from cms.forms import ObjectionForm
from cms.infringers.services import listing_for_token, object_to_listing
from cms.search import search_query
from portal.rules import is_case_manager
from portal.selectors import get_visible_case

SEARCH_PER_PAGE = 10
SEARCH_MAX_LENGTH = 200


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search over the live public pages (Wagtail's database backend:
    PostgreSQL full-text search on PostgreSQL, FTS5 on SQLite; Chinese as
    character pairs, see cms.search). Every term must match. Only pages in the
    language of the URL are searched (/search/ Chinese, /en/search/ English)."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    pages = Page.objects.live().public().filter(locale=Locale.get_active())
    terms = search_query(query)
    results = pages.specific().search(terms, operator="and") if terms else Page.objects.none()
    page_obj = Paginator(results, SEARCH_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cms/search.html", {"query": query, "page_obj": page_obj, "results": page_obj.object_list})


@require_POST
def create_case_study(request: HttpRequest, key: str) -> HttpResponse:
    """Case managers: draft a typical case from a closed case, then edit it in the back office."""
    if not is_case_manager(request.user):
        raise Http404
    case = get_visible_case(request.user, key)
    try:
        page = create_case_study_draft(case=case, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cms_case_study_drafts")
    messages.success(request, _("The draft typical case was created and submitted for review. "
                                "Check the anonymised text before it is approved."))
    return redirect("wagtailadmin_pages:edit", page.pk)


@require_http_methods(["GET", "POST"])
def infringer_objection(request: HttpRequest, token: str) -> HttpResponse:
    """The public objection form, reached through the signed link sent to a listed company."""
    listing = listing_for_token(token)
    if listing is None:
        raise Http404
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = object_to_listing(listing=listing, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "cms/infringer_objection_received.html",
                          {"listing": listing, "objection": objection})
    return render(request, "cms/infringer_objection.html", {
        "listing": listing, "form": form, "can_object": listing.is_shown,
        "pending_objection": listing.pending_objection(),
    })
