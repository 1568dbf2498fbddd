"""Session pages over HTTP: the chat page, attachment upload and download, transcripts.

Every view answers 404 to anyone without a place in the room, the same answer
as for a room that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mediation.models import Mediation, RoomMessage, SessionRoom, Transcript
from mediation.sessions import rooms
from mediation.sessions.access import ROOM_KEYS, accessible_rooms, find_room, may_write, room_access
from mediation.sessions.rooms import SessionError
from portal.selectors import get_visible_case


def _room(request: HttpRequest, key: str, room_key: str):
    """(mediation, room, access) for this user, or Http404."""
    case = get_visible_case(request.user, key)
    mediation = Mediation.objects.select_related("case", "mediator").filter(case=case).first()
    access = room_access(mediation, request.user, room_key) if mediation and room_key in ROOM_KEYS else None
    room = find_room(mediation, room_key) if access else None
    if room is None:
        raise Http404("No such room")
    return mediation, room, access


@login_required
@require_GET
def session_page(request: HttpRequest, key: str, room_key: str = "joint") -> HttpResponse:
    mediation, room, access = _room(request, key, room_key)
    available = accessible_rooms(mediation, request.user)
    transcripts = Transcript.objects.filter(room__in=available).select_related("room", "item").order_by("-created_at")
    return render(request, "mediation/session.html", {
        "mediation": mediation, "case": mediation.case, "room": room, "access": access, "rooms": available,
        "transcripts": transcripts,
        "writable": may_write(room=room, access=access, muted=rooms.is_muted(room, request.user)),
    })


@login_required
def session_index(request: HttpRequest, key: str) -> HttpResponse:
    _room(request, key, "joint")  # 404 for anyone without a place in the joint room, like every view here
    return redirect("mediation_session", key=key, room_key="joint")


def _json_error(code: str, message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@login_required
@require_POST
def upload_attachment(request: HttpRequest, key: str, room_key: str) -> HttpResponse:
    """Store a file through the notary's evidence path (hashed, timestamped,
    logged) and post it into the room as an attachment message. Answers JSON:
    {"seq": N, "duplicate": bool} or {"error": {"code", "message"}}."""
    from notary.models import NotaryItem
    from notary.services.items import register_file
    from portal.services.documents import atomic_with_file_cleanup, check_upload, clean_display_name

    mediation, room, access = _room(request, key, room_key)
    if not access.takes_part:
        return _json_error("forbidden", _("Observers may not post."), 403)
    try:
        client_id = rooms.clean_client_id(request.POST.get("client_id"))
    except SessionError as exc:
        return _json_error(exc.code, exc.message)
    existing = RoomMessage.objects.filter(room=room, author=request.user, client_id=client_id).first()
    if existing is not None:
        return JsonResponse({"seq": existing.seq, "duplicate": True})
    if not may_write(room=room, access=access, muted=rooms.is_muted(room, request.user)):
        return _json_error("read_only", _("You cannot post in this room now."), 409)
    upload = request.FILES.get("file")
    if upload is None:
        return _json_error("invalid", _("Choose a file."))
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        return _json_error("invalid", " ".join(exc.messages))
    name = clean_display_name(upload.name)
    label = {"joint": "联席会谈", "claimant": "背对背会谈（申请人方）", "respondent": "背对背会谈（被申请人方）"}[room.key]
    try:
        with atomic_with_file_cleanup():  # a refused message takes its stored file with it
            item = register_file(case=mediation.case, fileobj=upload, original_name=name,
                                 content_type=checked.content_type, submitter=request.user,
                                 kind=NotaryItem.Kind.EVIDENCE, description=f"{label}附件 / session attachment",
                                 sha256=checked.sha256, size=checked.size, ip=request.META.get("REMOTE_ADDR"),
                                 private_to_side=room.side if room.kind == SessionRoom.Kind.CAUCUS else "")
            message, created = rooms.append_message(
                room=room, author=request.user, client_id=client_id, kind=RoomMessage.Kind.ATTACHMENT,
                attachment=item, make_body=lambda r: {"item": str(item.uid), "name": name, "size": checked.size,
                                                      "content_type": checked.content_type,
                                                      "sha256": checked.sha256})
    except SessionError as exc:
        return _json_error(exc.code, exc.message, 409)
    return JsonResponse({"seq": message.seq, "duplicate": not created}, status=201 if created else 200)


@login_required
@require_GET
def download_attachment(request: HttpRequest, key: str, room_key: str, seq: int) -> HttpResponse:
    from notary.models import CustodyEvent
    from notary.services.items import record_custody
    from portal.views.cases import safe_attachment

    mediation, room, access = _room(request, key, room_key)
    message = RoomMessage.objects.select_related("attachment").filter(
        room=room, seq=seq, kind=RoomMessage.Kind.ATTACHMENT).first()
    if message is None or message.attachment is None or (message.hidden and not access.is_mediator):
        raise Http404("No such attachment")
    item = message.attachment
    record_custody(item=item, actor=request.user, action=CustodyEvent.Action.DOWNLOADED,
                   ip=request.META.get("REMOTE_ADDR"), detail=f"session {room.key} #{seq}")
    return safe_attachment(item.file.open("rb"), item.original_name, item.content_type)


@login_required
@require_GET
def transcript(request: HttpRequest, key: str, room_key: str, pk: int) -> HttpResponse:
    """A transcript PDF, for those with a place in its room only (a caucus
    transcript never reaches the other side)."""
    from notary.models import CustodyEvent
    from notary.services.items import record_custody
    from portal.views.cases import safe_attachment

    mediation, room, access = _room(request, key, room_key)
    found = Transcript.objects.select_related("item").filter(pk=pk, room=room).first()
    if found is None:
        raise Http404("No such transcript")
    record_custody(item=found.item, actor=request.user, action=CustodyEvent.Action.DOWNLOADED,
                   ip=request.META.get("REMOTE_ADDR"), detail=f"transcript {room.key}")
    return safe_attachment(found.item.file.open("rb"), found.item.original_name, "application/pdf")
