"""The filing wizard: online self-service, staff intake and court referral.

One draft case is saved at every step, so a filing can be left and resumed
from the dashboard. Each step's POST is one transaction (uploaded files are
removed again if it rolls back).
"""

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal import filing
from portal.forms import (
    ClaimantFormSet,
    ClaimsForm,
    EvidenceUploadForm,
    FilingAsForm,
    IPRightFormSet,
    RespondentFormSet,
    StartFilingForm,
    TrackForm,
)
from portal.models import Agent, ArbitrationAgreement, Case, CaseDocument, Channel, Party, Track, User
from portal.selectors import get_visible_case
from portal.services import intake
from portal.services.documents import atomic_with_file_cleanup, store_case_document


@dataclass(frozen=True)
class Step:
    slug: str
    title: str


STEPS = [
    Step("claimants", gettext_lazy("Claimants")),
    Step("respondents", gettext_lazy("Respondents")),
    Step("rights", gettext_lazy("IP rights")),
    Step("claims", gettext_lazy("Facts and claims")),
    Step("evidence", gettext_lazy("Evidence")),
    Step("track", gettext_lazy("Mediation or arbitration")),
    Step("review", gettext_lazy("Review and submit")),
]
STEP_INDEX = {s.slug: i for i, s in enumerate(STEPS)}


def filing_mode(user: User) -> str:
    if user.is_case_manager:
        return "staff"
    if user.is_clerk:
        return "court"
    if user.role == User.Role.PARTY:
        return "online"
    return ""


def step_url(case: Case, slug: str) -> str:
    return reverse("filing_step", args=[case.ref, slug])


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    mode = filing_mode(request.user)
    if not mode:
        raise PermissionDenied(_("Your account cannot file disputes."))
    guidance = filing.get_guidance()
    form = StartFilingForm(request.POST if request.method == "POST" else None, mode=mode)
    if request.method == "POST" and form.is_valid():
        if mode == "staff":
            case = intake.start_filing(by=request.user, channel=form.cleaned_data["channel"],
                                       intake_note=form.cleaned_data["intake_note"])
        elif mode == "court":
            case = intake.start_filing(by=request.user, channel=Channel.COURT,
                                       court_reference=form.cleaned_data["court_reference"])
        else:
            track = request.POST.get("track") if request.POST.get("track") in Track.values else Track.MEDIATION
            case = intake.start_filing(by=request.user, channel=Channel.ONLINE, track=track)
        messages.success(request, _("Your draft is saved as you go; you can come back to it from your dashboard."))
        return redirect(step_url(case, STEPS[0].slug))
    drafts = Case.objects.filter(created_by=request.user, state="draft").order_by("-updated_at")[:5]
    return render(request, "portal/filing/start.html",
                  {"form": form, "mode": mode, "guidance": guidance, "drafts": drafts})


def _editable_case(request: HttpRequest, ref: str) -> Case:
    case = get_visible_case(request.user, str(ref))
    if not request.user.has_perm("portal.change_case", case):
        raise Http404("Not editable")
    return case


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, ref: str, slug: str) -> HttpResponse:
    if slug not in STEP_INDEX:
        raise Http404("No such step")
    case = _editable_case(request, ref)
    handler = STEP_HANDLERS[slug]
    context = handler(request, case)
    if isinstance(context, HttpResponse):
        return context
    index = STEP_INDEX[slug]
    context.update({
        "case": case, "steps": STEPS, "step": STEPS[index], "step_index": index,
        "prev_step": STEPS[index - 1] if index else None, "mode": filing_mode(request.user),
        "reached": case.wizard_step,
    })
    if slug in ("claims", "review"):
        from portal.filing import fee_estimate

        context["fee_estimate"] = fee_estimate(case)
    return render(request, f"portal/filing/step_{slug}.html", context)


def _after_save(request: HttpRequest, case: Case, slug: str) -> HttpResponse:
    index = STEP_INDEX[slug]
    if case.wizard_step < index + 1:
        case.wizard_step = index + 1
        case.save(update_fields=["wizard_step", "updated_at"])
    if "save_draft" in request.POST:
        messages.success(request, _("Draft saved."))
        return redirect(step_url(case, slug))
    return redirect(step_url(case, STEPS[min(index + 1, len(STEPS) - 1)].slug))


# --- steps -----------------------------------------------------------------------------------

def _claimants(request, case):
    mode = filing_mode(request.user)
    existing_agent = case.agents.filter(user=request.user).first() if mode == "online" else None
    initial_as = {"filing_as": "agent" if existing_agent else "self"}
    if existing_agent:
        initial_as.update(agent_name=existing_agent.name, law_firm=existing_agent.law_firm,
                          licence_number=existing_agent.licence_number, agent_phone=existing_agent.phone)
    initial_party = []
    if mode == "online" and not case.parties.filter(side=Party.Side.CLAIMANT).exists():
        user = request.user
        initial_party = [{"kind": Party.Kind.ENTITY if user.organisation_id else Party.Kind.PERSON,
                          "name": user.organisation.name if user.organisation_id else user.full_name,
                          "credit_code": user.organisation.credit_code if user.organisation_id else "",
                          "phone": user.phone, "email": user.email}]
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    formset = ClaimantFormSet(data, instance=case, initial=initial_party)
    as_form = FilingAsForm(data, files, initial=initial_as,
                           has_poa=bool(existing_agent and existing_agent.power_of_attorney_id)) \
        if mode == "online" else None
    if request.method == "POST" and formset.is_valid() and (as_form is None or as_form.is_valid()):
        try:
            with atomic_with_file_cleanup():
                formset.save()
                if as_form is not None:
                    _save_filing_as(case=case, user=request.user, data=as_form.cleaned_data,
                                    existing_agent=existing_agent)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            return _after_save(request, case, "claimants")
    return {"formset": formset, "as_form": as_form}


def _save_filing_as(*, case: Case, user: User, data: dict, existing_agent: Agent | None) -> None:
    """The online filer is either the first claimant or that claimant's agent."""
    first = case.parties.filter(side=Party.Side.CLAIMANT).order_by("position", "id").first()
    case.parties.filter(user=user).exclude(pk=first.pk).update(user=None)
    if data["filing_as"] == "self":
        if existing_agent:
            existing_agent.delete()
        if first.user_id != user.pk:
            first.user = user
            first.save(update_fields=["user"])
        return
    if first.user_id == user.pk:
        first.user = None
        first.save(update_fields=["user"])
    agent = existing_agent or Agent(case=case, user=user, email=user.email)
    agent.party = first
    agent.name = data["agent_name"]
    agent.law_firm = data["law_firm"]
    agent.licence_number = data["licence_number"]
    agent.phone = data["agent_phone"] or user.phone
    if data.get("power_of_attorney"):
        agent.power_of_attorney = store_case_document(
            case=case, upload=data["power_of_attorney"], kind=CaseDocument.Kind.POWER_OF_ATTORNEY, by=user,
            description=_("Power of attorney for %(name)s") % {"name": agent.name})
    agent.full_clean()
    agent.save()


def _respondents(request, case):
    formset = RespondentFormSet(request.POST if request.method == "POST" else None, instance=case)
    if request.method == "POST" and formset.is_valid():
        with atomic_with_file_cleanup():
            formset.save()
        return _after_save(request, case, "respondents")
    return {"formset": formset}


def _rights(request, case):
    guidance = filing.get_guidance()
    formset = IPRightFormSet(request.POST if request.method == "POST" else None, instance=case,
                             offered_ip_types=guidance.offered_ip_types)
    if request.method == "POST" and formset.is_valid():
        with atomic_with_file_cleanup():
            formset.save()
        return _after_save(request, case, "rights")
    return {"formset": formset, "guidance": guidance}


def _claims(request, case):
    form = ClaimsForm(request.POST if request.method == "POST" else None, instance=case)
    if request.method == "POST" and form.is_valid():
        with atomic_with_file_cleanup():
            form.save()
        return _after_save(request, case, "claims")
    return {"form": form}


def _evidence(request, case):
    form = EvidenceUploadForm()
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                uid = uuid.UUID(request.POST["delete"])
            except ValueError:  # not one of the page's buttons: nothing to remove
                return redirect(step_url(case, "evidence"))
            doc = case.documents.filter(uid=uid, uploaded_by=request.user).first()
            if doc and not Agent.objects.filter(power_of_attorney=doc).exists():
                with atomic_with_file_cleanup():
                    doc.file.delete(save=False)
                    doc.delete()
                messages.success(request, _("“%(name)s” removed.") % {"name": doc.original_name})
            return redirect(step_url(case, "evidence"))
        if "upload" in request.POST:
            form = EvidenceUploadForm(request.POST, request.FILES)
            if form.is_valid():
                with atomic_with_file_cleanup():
                    store_case_document(case=case, upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"],
                                        by=request.user, description=form.cleaned_data["description"])
                messages.success(request, _("File uploaded."))
                return redirect(step_url(case, "evidence"))
        else:
            return _after_save(request, case, "evidence")
    documents = case.documents.exclude(kind=CaseDocument.Kind.POWER_OF_ATTORNEY)
    return {"form": form, "documents": documents}


def _track(request, case):
    has_file = case.documents.filter(kind=CaseDocument.Kind.ARBITRATION_AGREEMENT).exists()
    data = request.POST if request.method == "POST" else None
    form = TrackForm(data, request.FILES if data else None, instance=case, has_agreement_file=has_file)
    if request.method == "POST" and form.is_valid():
        with atomic_with_file_cleanup():
            case = form.save()
            upload = form.cleaned_data.get("agreement_file")
            if upload and case.arbitration_agreement == ArbitrationAgreement.UPLOADED:
                store_case_document(case=case, upload=upload, kind=CaseDocument.Kind.ARBITRATION_AGREEMENT,
                                    by=request.user, description=_("Arbitration agreement"))
        return _after_save(request, case, "track")
    return {"form": form, "agreement_files": case.documents.filter(kind=CaseDocument.Kind.ARBITRATION_AGREEMENT)}


def _review(request, case):
    if request.method == "POST":
        try:
            case = intake.submit_case(case=case, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your dispute has been submitted. The centre will screen it and "
                                        "tell you the outcome."))
            return redirect(case.get_absolute_url())
    return {"missing": case.missing_items(), "parties": case.parties.all(), "agents": case.agents.all(),
            "rights": case.ip_rights.all(), "documents": case.documents.all()}


STEP_HANDLERS = {
    "claimants": _claimants,
    "respondents": _respondents,
    "rights": _rights,
    "claims": _claims,
    "evidence": _evidence,
    "track": _track,
    "review": _review,
}
