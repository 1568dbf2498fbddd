"""Back-office (Wagtail admin) screens for case managers: closed cases to
draft typical cases from, and the infringer list review queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.forms import DecisionForm
from cms.infringers import services as infringers
from cms.infringers.models import InfringerCandidate, InfringerListing, InfringerObjection
from cms.models import CaseStudyPage
from cms.outcomes import case_outcome, closed_cases_q, outcome_label
from portal.models import Case
from portal.rules import is_case_manager


class CaseManagerOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_case_manager(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]


def _case_manager_only(view):
    def wrapped(request, *args, **kwargs):
        if not is_case_manager(request.user):
            raise Http404
        return view(request, *args, **kwargs)
    return wrapped


class CaseStudyDraftsView(CaseManagerOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Closed cases without a typical case yet, each with a "Draft a typical case" button."""

    template_name = "cms/admin/case_study_drafts.html"
    page_title = gettext_lazy("Typical cases from closed cases")
    header_icon = "doc-full"
    per_page = 30

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        drafted = CaseStudyPage.objects.filter(source_case__isnull=False).values("source_case")
        cases = (Case.objects.filter(closed_cases_q()).exclude(pk__in=drafted)
                 .select_related("mediation").prefetch_related("parties", "ip_rights").order_by("-updated_at"))
        page_obj = Paginator(cases, self.per_page).get_page(self.request.GET.get("p"))
        context.update({
            "page_obj": page_obj,
            "rows": [{"case": case, "outcome": outcome_label(case_outcome(case))} for case in page_obj.object_list],
            "drafts": CaseStudyPage.objects.filter(source_case__isnull=False).select_related("source_case")
            .order_by("-latest_revision_created_at")[:20],
        })
        return context


class InfringerReviewView(CaseManagerOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Candidates awaiting a decision, objections awaiting a decision, and the entries now listed."""

    template_name = "cms/admin/infringer_review.html"
    page_title = gettext_lazy("Infringer list")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "candidates": InfringerCandidate.objects.filter(status=InfringerCandidate.Status.PENDING)
            .prefetch_related("cases"),
            "objections": InfringerObjection.objects.filter(decision=InfringerObjection.Decision.PENDING)
            .select_related("listing"),
            "listings": InfringerListing.objects.shown().select_related("approved_by"),
            "form": DecisionForm(),
        })
        return context


@require_POST
@_case_manager_only
def scan_for_candidates(request: HttpRequest) -> HttpResponse:
    found = infringers.find_infringer_candidates()
    messages.success(request, _("%(count)d candidates to review.") % {"count": len(found)})
    return redirect("cms_infringer_review")


@require_POST
@_case_manager_only
def decide_candidate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    candidate = get_object_or_404(InfringerCandidate, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if action == "approve":
            infringers.approve_candidate(candidate=candidate, by=request.user, note=note)
            messages.success(request, _("%(name)s is now on the infringer list.") % {"name": candidate.name})
        elif action == "dismiss":
            infringers.dismiss_candidate(candidate=candidate, by=request.user, note=note)
            messages.success(request, _("%(name)s was dismissed.") % {"name": candidate.name})
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("cms_infringer_review")


@require_POST
@_case_manager_only
def decide_objection(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    objection = get_object_or_404(InfringerObjection, pk=pk)
    if action not in ("uphold", "dismiss"):
        raise Http404
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        infringers.decide_objection(objection=objection, by=request.user, uphold=action == "uphold", note=note)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The objection was decided."))
    return redirect("cms_infringer_review")
