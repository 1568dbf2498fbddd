"""Typical cases (典型案例): drafts written from closed cases, published after editorial review.

A case manager turns a closed case into a draft CaseStudyPage; the parties'
names and every identifier are anonymised (cms.anonymise) and the draft is
submitted to the "Case study review" workflow, whose one task is approval by
the Editors group. Approval publishes the page; until then it is not live.
The source case stays linked for the centre's reference, never shown publicly.
"""

import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.models import GroupApprovalTask, GroupPagePermission, Locale, Workflow, WorkflowPage, WorkflowTask

from cms.anonymise import PERSON, Anonymiser, Subject, subject_of
from cms.models import CaseStudyIndexPage, CaseStudyPage
from cms.outcomes import INTAKE_OUTCOMES, PENDING, Outcome, case_outcome, closing_event_q, track_state
from mediation.models import MediationState
from portal.models import Case, CaseState, IPType, User

WORKFLOW_NAME = "典型案例审核 / Case study review"
TASK_NAME = "编辑审核 / Editors' approval"
EDITORS_GROUP = "Editors"  # created by Wagtail's initial migration

ERROR_CASE_OPEN = gettext_lazy("Only a closed case can become a typical case.")
ERROR_NO_INDEX = gettext_lazy("There is no typical cases page to add the draft to. Create one first.")
SUMMARY_LENGTH = 150


def ensure_moderation_workflow(index: CaseStudyIndexPage) -> Workflow:
    """The workflow the index page's case studies go through: the one assigned
    to the page, or "Case study review" (Editors' approval), created and assigned when missing.

    Approving the last task publishes the page as the approver, so the Editors
    group gets edit and publish permission on the typical cases.
    """
    assigned = WorkflowPage.objects.filter(page=index).select_related("workflow").first()
    if assigned is not None:
        return assigned.workflow
    editors, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    for codename in ("change_page", "publish_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=editors, page=index, permission=permission)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first() or GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(editors)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.create(page=index, workflow=workflow)
    return workflow


def case_subjects(case: Case) -> list[Subject]:
    """Everyone whose identity the text must not reveal: claimants first and
    respondents second (so they read A and B), then agents, law firms and the
    people behind the parties' accounts."""
    parties = sorted(case.parties.select_related("user"), key=lambda p: (p.side != "claimant", p.position, p.pk))
    subjects = [subject_of(p) for p in parties]
    for agent in case.agents.all():
        subjects.append(Subject(name=agent.name, kind=PERSON, phone=agent.phone, email=agent.email))
        if agent.law_firm:
            subjects.append(Subject(name=agent.law_firm))
    people = {p.user for p in parties if p.user_id} | {case.created_by}
    for user in people:
        if user.full_name:
            subjects.append(Subject(name=user.full_name, kind=PERSON, phone=user.phone, email=user.email))
    return subjects


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _html(paragraphs: list[str], items: list[str] = (), items_intro: str = "") -> str:
    html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if items:
        html += f"<p>{escape(items_intro)}</p><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
    return html


def _claims(case: Case, anonymiser: Anonymiser) -> list[str]:
    claims = []
    if case.claim_amount:
        claims.append(_("damages of %(amount)s yuan") % {"amount": f"{case.claim_amount:,.2f}"})
    for field in ("claim_cease_infringement", "claim_remove_listings", "claim_destroy_stock", "claim_apology",
                  "claim_costs"):
        if getattr(case, field):
            claims.append(str(Case._meta.get_field(field).verbose_name))
    claims.extend(anonymiser.anonymise(line) for line in _paragraphs(case.claim_other))
    return claims


MEDIATION_RESULTS = {
    MediationState.AGREEMENT_SIGNED: gettext_lazy("The parties reached a settlement agreement in mediation."),
    MediationState.CONFIRMATION_APPLIED: gettext_lazy(
        "The parties reached a settlement agreement in mediation and applied jointly for its judicial confirmation."),
    MediationState.CONFIRMED: gettext_lazy(
        "The parties reached a settlement agreement in mediation, and the court confirmed it (judicial "
        "confirmation), which makes it enforceable."),
    MediationState.NOT_CONFIRMED: gettext_lazy(
        "The parties reached a settlement agreement in mediation; the court did not confirm it."),
    MediationState.DECLINED: gettext_lazy("The respondent declined mediation."),
    MediationState.CONSENT_EXPIRED: gettext_lazy("The respondent did not answer the invitation to mediate in time."),
    MediationState.TERMINATED: gettext_lazy("The mediation ended without an agreement."),
}


def _result(case: Case, outcome: str, anonymiser: Anonymiser) -> list[str]:
    if outcome == Outcome.WITHDRAWN:
        return [_("The claimant withdrew the filing.")]
    if outcome == Outcome.REJECTED:
        note = case.events.filter(transition="reject").values_list("note", flat=True).last() or ""
        return [_("The centre did not accept the filing.")] + [anonymiser.anonymise(p) for p in _paragraphs(note)]
    track, state = track_state(case)
    if track == "mediation":
        paragraphs = [str(MEDIATION_RESULTS[state])]
        reason = case.mediation.decline_reason or case.mediation.termination_reason
        if outcome == Outcome.NOT_SETTLED and reason:
            paragraphs += [anonymiser.anonymise(p) for p in _paragraphs(reason)]
        return paragraphs
    return [_("The case ended: %(outcome)s.") % {"outcome": Outcome(outcome).label}]


def _closed_year(case: Case) -> int:
    ended = closing_event_q() | Q(process="intake", to_state__in=list(INTAKE_OUTCOMES))
    event = case.events.filter(ended).order_by("at").last()
    return timezone.localdate(event.at).year if event else timezone.localdate().year


def build_case_study(case: Case, outcome: str) -> CaseStudyPage:
    """An unsaved, unpublished CaseStudyPage with the case's anonymised facts and result."""
    anonymiser = Anonymiser(case_subjects(case))
    ip_type = (case.ip_types or [IPType.OTHER])[0]
    year = _closed_year(case)
    facts = [anonymiser.anonymise(p) for p in _paragraphs(case.facts)]
    summary = " ".join(facts)
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[:SUMMARY_LENGTH].rstrip() + "…"
    return CaseStudyPage(
        title=_("%(ip_type)s dispute: %(track)s, %(outcome)s") % {
            "ip_type": IPType(ip_type).label, "track": case.get_track_display(), "outcome": Outcome(outcome).label},
        slug=f"{year}-{ip_type.replace('_', '-')}-{secrets.token_hex(3)}",
        live=False,
        ip_type=ip_type, track=case.track, outcome=outcome, year=year,
        summary=summary or _("To be written."),
        facts=_html(facts or [_("To be written.")], _claims(case, anonymiser), _("The claimant asked for:")),
        result=_html(_result(case, outcome, anonymiser)),
        significance="",
        source_case=case,
    )


@transaction.atomic
def create_case_study_draft(*, case: Case, by: User) -> CaseStudyPage:
    """Draft a typical case from a closed case and submit it for review.

    Returns the existing page when the case already has one. Raises
    ValidationError for a case that is still open or when there is no
    typical cases index page; PermissionDenied for anyone but a case manager.
    """
    if not by.is_case_manager:
        raise PermissionDenied
    existing = CaseStudyPage.objects.filter(source_case=case).first()
    if existing is not None:
        return existing
    outcome = case_outcome(case)
    if outcome == PENDING or case.state not in (CaseState.DOCKETED, *INTAKE_OUTCOMES):
        raise ValidationError(ERROR_CASE_OPEN)
    # Drafts are written in the default language; editors translate them once published.
    index = CaseStudyIndexPage.objects.filter(locale=Locale.get_default()).first()
    if index is None:
        raise ValidationError(ERROR_NO_INDEX)
    workflow = ensure_moderation_workflow(index)
    with translation.override(settings.LANGUAGE_CODE):
        page = build_case_study(case, outcome)
    page.owner = by
    index.add_child(instance=page)
    page.save_revision(user=by, log_action=True)
    workflow.start(page, by)
    return page
