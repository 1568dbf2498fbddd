"""Notary pages: a case's evidence, one item, downloads, checkpoints, and the
public verification page."""

from __future__ import annotations

import json
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from notary import merkle
from notary.checkpoint import open_signed
from notary.forms import EvidenceForm, VerifyForm
from notary.keys import log_verifier_key
from notary.models import Checkpoint, CustodyEvent, NotaryItem
from notary.selectors import item_visibility, items_visible_to
from notary.services import items as item_services
from notary.services import log
from notary.uploads import HashingUploadHandler
from portal.selectors import get_visible_case
from portal.services.documents import SNIFF_BYTES, check_package, clean_display_name, sniff_type
from portal.views.cases import safe_attachment

CERTIFICATE_NUMBER = re.compile(r"^NC-(\d{4})-(\d{8})$")
WITHDRAW_REASON_MAX_LENGTH = 280  # "withdrawn: <reason>" fits the 300 characters of a custody record
SHA256_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def visible_item(request: HttpRequest, uid) -> NotaryItem:
    item = items_visible_to(request.user).select_related("case", "leaf", "submitter").filter(uid=uid).first()
    if item is None:
        raise Http404("No such item")
    return item


# --- a case's evidence ------------------------------------------------------------------------

@login_required
@csrf_exempt  # the handler must be set before the body is read; csrf_protect runs right after
def case_items(request: HttpRequest, key: str) -> HttpResponse:
    if request.method == "POST":
        content_length = int(request.META.get("CONTENT_LENGTH") or 0)
        if content_length > settings.NOTARY_MAX_UPLOAD_BYTES + 1024 * 1024:
            return _too_large(request, key)
        request.upload_handlers = [HashingUploadHandler(request)]
    return _case_items(request, key)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _case_items(request: HttpRequest, key: str) -> HttpResponse:
    case = get_visible_case(request.user, key)
    can_add = request.user.has_perm("notary.add_evidence", case)
    form = EvidenceForm()
    if request.method == "POST":
        if not can_add:
            raise Http404("Not allowed")
        request.FILES  # noqa: B018 - parse the body now, so the handler has seen every chunk
        if any(getattr(h, "too_large", False) for h in request.upload_handlers):
            return _too_large(request, key)
        form = EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                upload.seek(0)
                content_type = sniff_type(upload.read(SNIFF_BYTES), upload.name)
                upload.seek(0)
                if not upload.size:
                    raise ValidationError(_("The file is empty."))
                check_package(upload, name=upload.name, content_type=content_type)
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                item = item_services.register_file(
                    case=case, fileobj=upload, original_name=clean_display_name(upload.name),
                    content_type=content_type, submitter=request.user, description=form.cleaned_data["description"],
                    sha256=getattr(upload, "sha256", None), size=upload.size, ip=client_ip(request))
                messages.success(request, _("“%(name)s” is notarised: SHA-256 %(hash)s, log entry %(index)s.") % {
                    "name": item.original_name, "hash": item.sha256[:16] + "…", "index": item.leaf.index})
                return redirect("notary_item", uid=item.uid)
    from notary.forms import CaptureForm

    items = case.notary_items.filter(item_visibility(request.user)).select_related("leaf", "submitter").order_by(
        "-registered_at")
    return render(request, "notary/case_items.html", {
        "case": case, "items": items, "form": form, "can_add": can_add, "capture_form": CaptureForm(),
        "captures": case.web_captures.order_by("-requested_at")[:20], "max_bytes": settings.NOTARY_MAX_UPLOAD_BYTES})


def _too_large(request, key):
    messages.error(request, _("The file is larger than the limit of %(limit)s.") % {
        "limit": _filesize(settings.NOTARY_MAX_UPLOAD_BYTES)})
    return redirect("notary_case_items", key=key)


def _filesize(n: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(n)


@login_required
@require_http_methods(["POST"])
def case_capture(request: HttpRequest, key: str) -> HttpResponse:
    """Ask the server to capture a web page into this case's evidence."""
    from notary.capture import capture_page
    from notary.forms import CaptureForm
    from notary.models import WebCapture

    case = get_visible_case(request.user, key)
    if not request.user.has_perm("notary.add_evidence", case):
        raise Http404("Not allowed")
    form = CaptureForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("notary_case_items", key=key)
    capture = WebCapture.objects.create(case=case, requested_url=form.cleaned_data["url"], requested_by=request.user)
    capture_page.enqueue(capture.pk)
    capture.refresh_from_db()
    if capture.error:
        messages.error(request, _("The page could not be captured: %(error)s") % {"error": capture.error})
    elif capture.captured_at:
        messages.success(request, _("The page was captured and its screenshot, HTML and details notarised."))
    else:
        messages.info(request, _("The capture is queued; its files appear here when it is done."))
    return redirect("notary_case_items", key=key)


# --- one item -------------------------------------------------------------------------------

@login_required
@require_GET
def item_detail(request: HttpRequest, uid) -> HttpResponse:
    item = visible_item(request, uid)
    item_services.record_custody(item=item, actor=request.user, action=CustodyEvent.Action.VIEWED,
                                 ip=client_ip(request))
    bundle = item_services.proof_bundle(item)
    return render(request, "notary/item_detail.html", {
        "item": item, "bundle": bundle, "custody": item.custody.select_related("actor").order_by("-at")[:50],
        "log_key": log_verifier_key(),
    })


@login_required
@require_http_methods(["POST"])
def item_withdraw(request: HttpRequest, uid) -> HttpResponse:
    item = visible_item(request, uid)
    try:
        # Checked like a form field (NUL, length): the custody record keeps at most 300 characters.
        reason = forms.CharField(required=False, max_length=WITHDRAW_REASON_MAX_LENGTH).clean(
            request.POST.get("reason", ""))
        item_services.withdraw_item(item=item, by=request.user, reason=reason, ip=client_ip(request))
    except PermissionError as exc:
        raise Http404("Not allowed") from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except item_services.ItemError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The file is withdrawn from the case file. It stays in the log."))
    return redirect("notary_item", uid=item.uid)


@login_required
@require_GET
def item_download(request: HttpRequest, uid) -> FileResponse:
    item = visible_item(request, uid)
    item_services.record_custody(item=item, actor=request.user, action=CustodyEvent.Action.DOWNLOADED,
                                 ip=client_ip(request))
    return safe_attachment(item.file.open("rb"), item.original_name, item.content_type)


@login_required
@require_GET
def item_proof(request: HttpRequest, uid) -> HttpResponse:
    item = visible_item(request, uid)
    item_services.record_custody(item=item, actor=request.user, action=CustodyEvent.Action.EXPORTED,
                                 ip=client_ip(request), detail="proof.json")
    response = HttpResponse(item_services.proof_json(item), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{item.certificate_number}.proof.json"'
    return response


@login_required
@require_GET
def item_certificate(request: HttpRequest, uid) -> HttpResponse:
    from notary.services.certificates import certificate_pdf

    item = visible_item(request, uid)
    item_services.record_custody(item=item, actor=request.user, action=CustodyEvent.Action.EXPORTED,
                                 ip=client_ip(request), detail="certificate.pdf")
    response = HttpResponse(certificate_pdf(item, viewer=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{item.certificate_number}.pdf"'
    return response


# --- the public log ---------------------------------------------------------------------------

@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint (or ?size=N for a published one), as text."""
    size = request.GET.get("size")
    if size is not None:
        if not size.isdigit():
            return HttpResponseBadRequest("size must be a number", content_type="text/plain")
        cp = Checkpoint.objects.filter(size=int(size)).first()
    else:
        cp = log.latest_checkpoint() or (log.publish_checkpoint())
    if cp is None:
        raise Http404("No such checkpoint")
    return HttpResponse(cp.note, content_type="text/plain; charset=utf-8")


@require_GET
def checkpoint_history(request: HttpRequest) -> HttpResponse:
    from django.core.paginator import Paginator

    page = Paginator(Checkpoint.objects.order_by("-size"), 50).get_page(request.GET.get("page"))
    return render(request, "notary/checkpoints.html", {"page": page, "log_key": log_verifier_key()})


@require_GET
def consistency(request: HttpRequest) -> HttpResponse:
    """A consistency proof between two published checkpoints (JSON), for monitors."""
    try:
        old, new = int(request.GET["old"]), int(request.GET["new"])
    except (KeyError, ValueError):
        return HttpResponseBadRequest("old and new sizes are required", content_type="text/plain")
    if not (Checkpoint.objects.filter(size=old).exists() and Checkpoint.objects.filter(size=new).exists()) \
            or not 0 < old <= new:
        raise Http404("Both sizes must be published checkpoints")
    import base64

    proof = log.consistency_proof(old, new)
    return HttpResponse(json.dumps({"old_size": old, "new_size": new,
                                    "proof": [base64.b64encode(h).decode() for h in proof]}),
                        content_type="application/json")


@require_GET
def verifier_key_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(log_verifier_key() + "\n", content_type="text/plain; charset=utf-8")


# --- public verification ----------------------------------------------------------------------

@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Look a file up by its hash (computed in the browser) or a certificate
    number. The public learns existence, time and proof; case details only
    those who may see the case."""
    form = VerifyForm(request.GET or None)
    results, searched = [], False
    if form.is_valid() and form.cleaned_data["q"]:
        searched = True
        results = _lookup(request, form.cleaned_data["q"])
    return render(request, "notary/verify.html", {"form": form, "results": results, "searched": searched})


def _lookup(request: HttpRequest, q: str) -> list[dict]:
    qs = NotaryItem.objects.select_related("leaf", "case")
    if SHA256_HEX.match(q):
        found = qs.filter(sha256=q.lower())
    elif match := CERTIFICATE_NUMBER.match(q.upper()):
        found = qs.filter(leaf__index=int(match.group(2)), registered_at__year=int(match.group(1)))
    else:
        return []
    checkpoint_row = log.latest_checkpoint()
    results = []
    found = found[:20]
    visible = set(items_visible_to(request.user).filter(pk__in=[i.pk for i in found]).values_list("pk", flat=True)) \
        if request.user.is_authenticated else set()
    for item in found:
        verified = False
        if checkpoint_row and checkpoint_row.size > item.leaf.index:
            opened = open_signed(checkpoint_row.note, log_verifier_key(), origin=settings.NOTARY_LOG_ORIGIN)
            proof = log.inclusion_proof(item.leaf.index, opened.size)
            verified = merkle.verify_inclusion(bytes(item.leaf.leaf_hash), item.leaf.index, opened.size, proof,
                                               opened.root)
        results.append({
            "item": item, "verified": verified, "checkpoint_size": checkpoint_row.size if checkpoint_row else 0,
            "case": item.case if item.pk in visible else None,
            "proof_url": reverse("notary_public_proof", args=[item.leaf.index]),
        })
    return results


@require_GET
def public_proof(request: HttpRequest, index: int) -> HttpResponse:
    """The proof file of a log entry: public, it holds hashes and ids, no names."""
    item = NotaryItem.objects.select_related("leaf").filter(leaf__index=index).first()
    if item is None:
        raise Http404("No such entry")
    item_services.record_custody(item=item, actor=request.user if request.user.is_authenticated else None,
                                 action=CustodyEvent.Action.EXPORTED, ip=client_ip(request), detail="public proof")
    response = HttpResponse(item_services.proof_json(item), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{item.certificate_number}.proof.json"'
    return response
