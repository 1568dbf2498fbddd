"""Mediation pages: the respondent's invitation, and the mediation panel of a case."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mediation import rules, services
from mediation.models import Mediation, MediationState
from portal.models import User
from portal.selectors import get_visible_case


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: explains the invitation; a logged-in party claims the case."""
    from mediation.models import Invitation

    invite = Invitation.objects.select_related("mediation__case").filter(token_hash=Invitation.hash_token(token)).first()
    if invite is not None and (invite.used_at is not None or timezone.now() >= invite.expires_at):
        invite = None  # a spent or expired link shows nothing of the case (like arbitration's notice link)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            mediation = services.claim_invitation(token=token, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            messages.error(request, _("Log in with a party account (not a staff account) to answer the invitation."))
        else:
            messages.success(request, _("The case is now in your account. Please answer the invitation."))
            return redirect("mediation_panel", key=mediation.case.url_key)
    return render(request, "mediation/invitation.html", {"invitation": invite, "token": token})


def _mediation(request, key) -> Mediation:
    case = get_visible_case(request.user, key)
    mediation = Mediation.objects.select_related("case", "mediator").filter(case=case).first()
    if mediation is None:
        raise Http404("No mediation")
    return mediation


def _directory_mediators():
    from portal.models import NeutralProfile

    return NeutralProfile.objects.public().filter(is_mediator=True).select_related("user").order_by("display_name")


def _ruling_form():
    from mediation.forms import RulingForm

    return RulingForm()


def _eligible(mediation):
    from mediation.confirmation import eligible_courts

    return list(eligible_courts(mediation.case)) if mediation.state == MediationState.AGREEMENT_SIGNED else []


def _agreement_context(mediation, user) -> dict:
    from mediation.forms import AgreementTermsForm, SignForm

    agreement = getattr(mediation, "agreement", None) if hasattr(mediation, "agreement") else None
    version = agreement.current_version() if agreement else None
    from mediation.agreements import parties_represented

    represented = parties_represented(mediation, user)
    signed_ids = set(version.signatures.filter(voided_at=None).values_list("party_id", flat=True)) if version else set()
    if version:
        initial = AgreementTermsForm.initial_from(version.terms)
    else:  # no draft yet: start from the offer the parties accepted in the live session, if any
        from mediation.sessions.negotiation import accepted_offer_terms

        initial = accepted_offer_terms(mediation) or {}
    return {
        "agreement": agreement, "version": version,
        "terms_form": AgreementTermsForm(initial=initial),
        "sign_form": SignForm(),
        "may_sign": bool(version and mediation.state == MediationState.AGREEMENT_DRAFTED
                         and any(p.pk not in signed_ids for p in represented)),
        "party_rows": [{"party": p, "signed": p.pk in signed_ids} for p in mediation.case.parties.all()],
        "comments": version.comments.select_related("author") if version else [],
    }


@login_required
@require_http_methods(["GET"])
def panel(request: HttpRequest, key: str) -> HttpResponse:
    mediation = _mediation(request, key)
    user = request.user
    label, deadline = mediation.current_deadline()
    return render(request, "mediation/panel.html", {
        "mediation": mediation, "case": mediation.case, "deadline_label": label, "deadline": deadline,
        "is_respondent": rules.is_respondent_side(mediation, user),
        "is_party": rules.is_party(mediation, user),
        "is_manager": user.is_case_manager,
        "is_proposed_mediator": rules.is_proposed_mediator(mediation, user),
        "may_run": rules.is_mediator_or_manager(mediation, user),
        "may_terminate": rules.may_terminate(mediation, user),
        "appointment": mediation.pending_appointment(),
        "appointments": mediation.appointments.select_related("mediator"),
        "mediators": User.objects.filter(role=User.Role.MEDIATOR, is_active=True).order_by("full_name"),
        "states": MediationState,
        "is_mediator": rules.is_mediator(mediation, user),
        "is_court_clerk": rules.is_clerk_of_confirmation_court(mediation, user),
        "application": getattr(mediation, "confirmation", None) if hasattr(mediation, "confirmation") else None,
        "eligible_courts": _eligible(mediation),
        "ruling_form": _ruling_form(),
        "directory_mediators": _directory_mediators(),
        "nominations": mediation.nominations.select_related("mediator"),
        "objections": mediation.objections.select_related("raised_by", "appointment__mediator"),
        **_agreement_context(mediation, user),
    })


REASON_MAX_LENGTH = 2000
DISCLOSURE_MAX_LENGTH = 4000
COMMENT_MAX_LENGTH = 5000


def _pk(value) -> int:
    """A posted object id; 0 (no such object) for anything that is not a number."""
    value = str(value or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0


def _text(post, name: str, limit: int) -> str:
    """A free-text field of an action, checked like a form field: NUL characters
    and text over `limit` are refused (ValidationError, in the user's language)."""
    return forms.CharField(required=False, max_length=limit).clean(post.get(name, ""))


ACTIONS = {
    "consent": lambda m, u, p: services.consent(mediation=m, by=u),
    "decline": lambda m, u, p: services.decline(mediation=m, by=u, reason=_text(p, "reason", REASON_MAX_LENGTH)),
    "suspend": lambda m, u, p: services.suspend(mediation=m, by=u, reason=_text(p, "reason", REASON_MAX_LENGTH)),
    "resume": lambda m, u, p: services.resume(mediation=m, by=u),
    "terminate": lambda m, u, p: services.terminate(mediation=m, by=u,
                                                    reason=_text(p, "reason", REASON_MAX_LENGTH)),
    "extend": lambda m, u, p: services.agree_extension(mediation=m, by=u),
    "accept": lambda m, u, p: services.accept_appointment(
        mediation=m, by=u, disclosure=_text(p, "disclosure", DISCLOSURE_MAX_LENGTH)),
    "decline_appointment": lambda m, u, p: services.decline_appointment(
        mediation=m, by=u, reason=_text(p, "reason", REASON_MAX_LENGTH)),
}


@login_required
@require_http_methods(["POST"])
def action(request: HttpRequest, key: str, name: str) -> HttpResponse:
    mediation = _mediation(request, key)
    try:
        if name == "propose":
            mediator = User.objects.filter(pk=_pk(request.POST.get("mediator"))).first()
            if mediator is None:
                raise ValidationError(services.MSG_NOT_A_MEDIATOR)
            services.propose_mediator(mediation=mediation, mediator=mediator, by=request.user)
        elif name == "nominate":
            mediator = User.objects.filter(pk=_pk(request.POST.get("mediator"))).first()
            if mediator is None:
                raise ValidationError(services.MSG_NOT_A_MEDIATOR)
            services.nominate_mediator(mediation=mediation, by=request.user, mediator=mediator)
        elif name == "object":
            services.object_to_mediator(mediation=mediation, by=request.user,
                                        reason=_text(request.POST, "reason", REASON_MAX_LENGTH))
        elif name == "decide_objection":
            objection = mediation.objections.filter(pk=_pk(request.POST.get("objection"))).first()
            if objection is None:
                raise Http404("No such objection")
            services.decide_objection(objection=objection, by=request.user,
                                      uphold=request.POST.get("decision") == "uphold",
                                      note=_text(request.POST, "note", REASON_MAX_LENGTH))
        elif name == "draft":
            from mediation.agreements import draft_version
            from mediation.forms import AgreementTermsForm

            form = AgreementTermsForm(request.POST)
            if not form.is_valid():
                raise ValidationError([e for errs in form.errors.values() for e in errs])
            draft_version(mediation=mediation, by=request.user, terms=form.terms())
        elif name in ("sign", "comment"):
            from mediation import agreements

            version = mediation.agreement.current_version() if hasattr(mediation, "agreement") else None
            if version is None or str(version.pk) != request.POST.get("version"):
                raise ValidationError(_("This version has been replaced; read and sign the current one."))
            if name == "sign":
                agreements.sign(version=version, by=request.user, password=request.POST.get("password", ""),
                                otp_token=request.POST.get("otp_token", "").strip(),
                                ip=request.META.get("REMOTE_ADDR"))
            else:
                agreements.comment(version=version, by=request.user,
                                   text=_text(request.POST, "text", COMMENT_MAX_LENGTH))
        elif name == "apply":
            from mediation.confirmation import eligible_courts, sign_application

            court = eligible_courts(mediation.case).filter(pk=_pk(request.POST.get("court"))).first()
            if court is None:
                raise ValidationError(_("Choose one of the courts offered."))
            sign_application(mediation=mediation, by=request.user, court=court,
                             password=request.POST.get("password", ""),
                             otp_token=request.POST.get("otp_token", "").strip(), ip=request.META.get("REMOTE_ADDR"))
        elif name in ACTIONS:
            ACTIONS[name](mediation, request.user, request.POST)
        else:
            raise Http404("No such action")
    except PermissionDenied:
        messages.error(request, services.MSG_NOT_ALLOWED)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done."))
    return redirect("mediation_panel", key=key)


@login_required
@require_http_methods(["GET"])
def packet(request: HttpRequest, key: str) -> HttpResponse:
    """The court packet (ZIP) for the clerk of the court applied to (and centre staff)."""
    from mediation.confirmation import build_packet

    mediation = _mediation(request, key)
    application = getattr(mediation, "confirmation", None) if hasattr(mediation, "confirmation") else None
    if application is None or application.submitted_at is None or not (
            rules.is_clerk_of_confirmation_court(mediation, request.user) or request.user.is_case_manager):
        raise Http404("No packet")
    data = build_packet(application, by=request.user, ip=request.META.get("REMOTE_ADDR"))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{mediation.case.number}-court-packet.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["POST"])
def ruling(request: HttpRequest, key: str) -> HttpResponse:
    from mediation.confirmation import record_ruling
    from mediation.forms import RulingForm

    mediation = _mediation(request, key)
    if not rules.is_clerk_of_confirmation_court(mediation, request.user):
        raise Http404("Not the court applied to")
    form = RulingForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("mediation_panel", key=key)
    try:
        record_ruling(mediation=mediation, by=request.user, confirmed=form.cleaned_data["result"] == "confirmed",
                      ruling_number=form.cleaned_data["ruling_number"], ruling_date=form.cleaned_data["ruling_date"],
                      ruling_pdf=form.cleaned_data.get("ruling_pdf"))
    except PermissionDenied:
        raise Http404("Not allowed") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The ruling is recorded and the parties are notified."))
    return redirect("mediation_panel", key=key)
