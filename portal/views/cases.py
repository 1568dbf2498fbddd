"""Case pages: the list, a case with its timeline, screening actions, files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from portal.forms import IntakeQueueFilterForm, ScreeningForm
from portal.fsm import is_permitted
from portal.models import CaseState
from portal.selectors import (
    cases_visible_to,
    get_visible_case,
    intake_queue,
    next_action_for,
    timeline,
    with_listing_data,
)
from portal.services import intake

# Screening and filer actions offered on the case page, in display order.
ACTION_LABELS = {
    "docket": gettext_lazy("Docket"),
    "return_for_correction": gettext_lazy("Return for correction"),
    "reject": gettext_lazy("Reject"),
    "withdraw": gettext_lazy("Withdraw"),
}


def available_actions(case, user) -> list[dict]:
    actions = []
    for name in ("docket", "return_for_correction", "reject", "withdraw"):
        method = getattr(case, name)
        if can_proceed(method, check_conditions=False) and is_permitted(method, user):
            actions.append({"name": name, "label": ACTION_LABELS[name],
                            "needs_reason": name in intake.REASON_REQUIRED})
    return actions


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    qs = with_listing_data(cases_visible_to(request.user)).order_by("-updated_at", "-id")  # "-id": stable pages
    state = request.GET.get("state", "")
    if state in CaseState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [{"case": c, "next_action": next_action_for(c, request.user)} for c in page]
    return render(request, "portal/cases/list.html",
                  {"page": page, "rows": rows, "state": state, "states": CaseState.choices})


@login_required
@require_GET
def case_detail(request: HttpRequest, key: str) -> HttpResponse:
    case = get_visible_case(request.user, key)
    return render(request, "portal/cases/detail.html", {
        "case": case,
        "parties": case.parties.select_related("user"),
        "agents": case.agents.select_related("party", "power_of_attorney"),
        "rights": case.ip_rights.all(),
        "documents": case.documents.select_related("uploaded_by"),
        "events": timeline(case),
        "actions": available_actions(case, request.user),
        "can_edit": request.user.has_perm("portal.change_case", case),
        "next_action": next_action_for(case, request.user),
        "form": ScreeningForm(),
    })


@login_required
@require_POST
def case_action(request: HttpRequest, key: str, action: str) -> HttpResponse:
    case = get_visible_case(request.user, key)
    if action not in intake.ACTIONS:
        raise Http404("No such action")
    form = ScreeningForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(case.get_absolute_url())
    try:
        if action == "submit":
            case = intake.submit_case(case=case, by=request.user)
        else:
            case = intake.ACTIONS[action](case=case, by=request.user, note=form.cleaned_data["note"])
    except PermissionDenied:
        messages.error(request, _("You are not allowed to do this on this case."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done: the case is now “%(state)s”.") % {"state": case.get_state_display()})
    return redirect(case.get_absolute_url())


@login_required
@require_GET
def document_download(request: HttpRequest, key: str, uid: str) -> FileResponse:
    case = get_visible_case(request.user, key)
    doc = case.documents.filter(uid=uid).first()
    if doc is None:
        raise Http404("No such document")
    return safe_attachment(doc.file.open("rb"), doc.original_name, doc.content_type)


def safe_attachment(fh, name: str, content_type: str) -> FileResponse:
    """Serve a stored file as a download that a browser will never render in
    the portal's origin (uploads are untrusted)."""
    # Quotes and backslashes are replaced so the header holds one plain filename parameter.
    filename = name.replace('"', "_").replace("\\", "_")
    response = FileResponse(fh, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("portal.view_intake_queue"):
        raise Http404("Not found")
    form = IntakeQueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = intake_queue(**{k: v for k, v in filters.items() if v})
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    counts = {s: n for s, n in _state_counts()}
    return render(request, "portal/cases/queue.html", {"form": form, "page": page, "counts": counts})


def _state_counts():
    from django.db.models import Count

    from portal.models import Case

    return Case.objects.exclude(state=CaseState.DRAFT).values_list("state").annotate(n=Count("id")).order_by()
