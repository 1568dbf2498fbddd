"""The online hearing room page and its transcripts (arbitration.hearing_rooms).

Everyone without a place in the hearing's room gets 404, the answer for a
room that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from arbitration.hearing_rooms import OPENS_BEFORE, hearing_access, room_is_live, transcripts_of
from arbitration.models import ArbitrationState, Hearing
from mediation.models import SessionRoom
from mediation.sessions import rooms
from mediation.sessions.access import may_write
from portal.selectors import get_visible_case


def hearing_room_row(hearing: Hearing, user, *, is_presiding: bool) -> dict:
    """What the proceedings section shows about one hearing's room to this user."""
    room = hearing.room
    online = hearing.mode == Hearing.Mode.ONLINE and not hearing.cancelled
    room_open = room is not None and room.status == SessionRoom.Status.OPEN
    may_open = (is_presiding and online and not hearing.record_item_id and not room_open
                and hearing.arbitration.state == ArbitrationState.PROCEEDINGS)
    return {
        "online": online,
        "room_open": room_open,
        "may_enter": room is not None and hearing_access(hearing, user) is not None,
        "may_open_room": may_open,
        "opens_at": hearing.starts_at - OPENS_BEFORE if may_open and room is None else None,
        "may_end_room": is_presiding and room_open,
        "transcripts": list(transcripts_of(hearing)) if room is not None else [],
    }


def _hearing(request: HttpRequest, key: str, pk: int):
    """(hearing, access) for a user with a place in the hearing's room, else 404."""
    case = get_visible_case(request.user, key)
    hearing = Hearing.objects.select_related("arbitration__case", "room").filter(
        pk=pk, arbitration__case=case, room__isnull=False).first()
    access = hearing_access(hearing, request.user) if hearing else None
    if access is None:
        raise Http404("No such hearing room")
    return hearing, access


@login_required
@require_GET
def hearing_room(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    hearing, access = _hearing(request, key, pk)
    room = hearing.room
    return render(request, "arbitration/hearing_room.html", {
        "arbitration": hearing.arbitration, "case": hearing.arbitration.case, "hearing": hearing, "room": room,
        "access": access, "transcripts": transcripts_of(hearing), "live": room_is_live(hearing),
        "writable": may_write(room=room, access=access, muted=rooms.is_muted(room, request.user)),
    })


@login_required
@require_GET
def hearing_transcript(request: HttpRequest, key: str, pk: int, transcript: int) -> HttpResponse:
    """A hearing transcript PDF, for those with a place in the hearing's room."""
    from notary.models import CustodyEvent
    from notary.services.items import record_custody
    from portal.views.cases import safe_attachment

    hearing, access = _hearing(request, key, pk)
    found = transcripts_of(hearing).filter(pk=transcript).first()
    if found is None:
        raise Http404("No such transcript")
    record_custody(item=found.item, actor=request.user, action=CustodyEvent.Action.DOWNLOADED,
                   ip=request.META.get("REMOTE_ADDR"), detail=f"hearing transcript {hearing.pk}")
    return safe_attachment(found.item.file.open("rb"), found.item.original_name, "application/pdf")
