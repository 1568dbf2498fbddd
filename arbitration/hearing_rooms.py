"""Online hearings (网上开庭) in the live session rooms.

An online hearing uses the same rooms as mediation sessions (mediation.sessions:
numbered messages without loss or duplicates, replay after a reconnect,
presence, read markers, moderation, signed and notarised transcripts). This
module is arbitration's half of the room policy (mediation.sessions.policy):

- who is in a hearing room: the tribunal's accepted members (the presiding or
  sole arbitrator runs the room: opens and ends it, hides messages, mutes
  participants), the parties and their agents on either side, and case
  managers, who observe and cannot post; nobody else (the room "does not exist");
- when it takes messages: while the room is open, the hearing is not
  cancelled, and the arbitration is in its proceedings;
- what it has: chat only. Offers, bidding and caucuses are mediation's;
  documents go in as submissions through the evidence path, with their deadlines.

Ending the hearing closes the room and makes a signed transcript registered in
the notary log (on the task worker). The transcripts are part of the hearing's
record: record_hearing lists them in the record PDF by their SHA-256.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from arbitration import rules
from arbitration.models import Arbitration, ArbitrationState, Hearing
from mediation.models import SessionRoom
from mediation.sessions import policy, rooms
from mediation.sessions.policy import ARBITRATOR, OBSERVER, PARTY, Access

PROCESS = "arbitration"
#: The presiding arbitrator may open the room this long before the scheduled start (for checks and late joiners).
OPENS_BEFORE = timedelta(hours=1)
MEMBER_LABELS = {"sole": "独任仲裁员 / Sole arbitrator", "presiding": "首席仲裁员 / Presiding arbitrator",
                 "co": "边裁 / Co-arbitrator"}


def room_name(hearing: Hearing) -> str:
    return f"hearing-{hearing.pk}"


def hearing_access(hearing: Hearing, user) -> Access | None:
    """The user's place in the hearing's room, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    arbitration = hearing.arbitration
    member = rules.member_of(arbitration, user)
    if member is not None:
        return Access(ARBITRATOR, moderator=member.role in ("presiding", "sole"))
    side = rules.side_of(arbitration, user)
    if side:
        return Access(PARTY, side)
    if user.is_case_manager:
        return Access(OBSERVER)
    return None


def room_is_live(hearing: Hearing) -> bool:
    return (hearing.mode == Hearing.Mode.ONLINE and not hearing.cancelled
            and hearing.arbitration.state == ArbitrationState.PROCEEDINGS)


class HearingRoomPolicy(policy.RoomPolicy):
    process = PROCESS
    features = frozenset()

    @staticmethod
    def _hearing(room) -> Hearing:
        return Hearing.objects.select_related("arbitration__case").get(room=room)

    def access(self, room, user):
        return hearing_access(self._hearing(room), user)

    def find(self, case, user, route):
        hearing_id = str(route.get("hearing", ""))
        if not hearing_id.isdigit():
            return None
        hearing = Hearing.objects.select_related("arbitration__case", "room").filter(
            pk=int(hearing_id), arbitration__case=case, room__isnull=False).first()
        if hearing is None or hearing_access(hearing, user) is None:
            return None
        return hearing.room

    def live(self, room):
        return room_is_live(self._hearing(room))

    def state(self, room):
        return self._hearing(room).arbitration.state

    def start_sitting(self, room, by):
        with _as_session_error():
            open_room(hearing=self._hearing(room), by=by)

    def end_sitting(self, room, by):
        with _as_session_error():
            end_hearing(hearing=self._hearing(room), by=by)

    def transcript_title(self, room):
        return "网上庭审记录 / Online hearing transcript"

    def transcript_url(self, room, transcript_pk):
        # No query: sockets call this on the event loop (the room's case is loaded when they connect).
        hearing_id = int(room.name.removeprefix("hearing-"))
        return reverse("arbitration_hearing_transcript", args=[room.case.url_key, hearing_id, transcript_pk])

    def transcript_people(self, room):
        arbitration = self._hearing(room).arbitration
        return [(MEMBER_LABELS.get(m.role, m.role), m.arbitrator.full_name)
                for m in arbitration.members.filter(status="accepted").select_related("arbitrator").order_by("pk")]


POLICY = policy.register(HearingRoomPolicy())


@contextmanager
def _as_session_error():
    """A refusal from the services, as the error frame the socket sends back."""
    from django.core.exceptions import ValidationError

    try:
        yield
    except ValidationError as exc:
        code = exc.code if exc.code in ("forbidden",) else ("read_only" if exc.code == "wrong_state" else "invalid")
        raise rooms.SessionError(code, " ".join(str(m) for m in exc.messages)) from exc


def _refuse(message: str, code: str):
    from arbitration.services import ArbitrationError

    return ArbitrationError(message, code=code)


def open_room(*, hearing: Hearing, by) -> SessionRoom:
    """The presiding (or sole) arbitrator opens the online hearing's room, or
    opens it again for another sitting. Everyone on the case is told."""
    from arbitration import notifications
    from arbitration.services import _log

    arbitration = hearing.arbitration
    if not rules.is_presiding(arbitration, by):
        raise _refuse(_("Only the presiding arbitrator may open the hearing room."), "forbidden")
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update(of=("self",)).select_related("arbitration__case", "room").get(pk=hearing.pk)
        arbitration = hearing.arbitration
        if hearing.mode != Hearing.Mode.ONLINE:
            raise _refuse(_("Only an online hearing has a hearing room."), "not_online")
        if hearing.cancelled or hearing.record_item_id:
            raise _refuse(_("This hearing is cancelled or its record is already kept."), "wrong_state")
        if arbitration.state != ArbitrationState.PROCEEDINGS:
            raise _refuse(_("Hearings take place only during the proceedings."), "wrong_state")
        if hearing.room_id is None and timezone.now() < hearing.starts_at - OPENS_BEFORE:
            raise _refuse(_("The hearing room opens one hour before the hearing starts."), "too_early")
        room = hearing.room
        if room is None:
            room = SessionRoom.objects.create(case=arbitration.case, process=PROCESS, name=room_name(hearing),
                                              kind=SessionRoom.Kind.HEARING)
            hearing.room = room
            hearing.save(update_fields=["room"])
        elif room.status == SessionRoom.Status.OPEN:
            return room
        else:
            rooms.set_status(room, SessionRoom.Status.OPEN)
        rooms.system_message(room=room, actor=by, event="hearing.opened")
        rooms.state_changed(arbitration.case_id)
        _log(arbitration, "open_hearing_room", by, _("Online hearing room opened."))
        when = timezone.localtime(hearing.starts_at).strftime("%Y-%m-%d %H:%M")
        transaction.on_commit(lambda: notifications.hearing_room_opened(hearing=hearing, when=when))
    return room


def end_hearing(*, hearing: Hearing, by) -> SessionRoom:
    """The presiding arbitrator ends the sitting: the room closes (read-only)
    and its transcript is made, signed and notarised."""
    from arbitration.services import _log
    from mediation.sessions.transcripts import make_transcripts_after_commit

    if not rules.is_presiding(hearing.arbitration, by):
        raise _refuse(_("Only the presiding arbitrator may end the hearing."), "forbidden")
    with transaction.atomic():
        hearing = Hearing.objects.select_for_update(of=("self",)).select_related("arbitration__case", "room").get(pk=hearing.pk)
        room = hearing.room
        if room is None or room.status != SessionRoom.Status.OPEN:
            raise _refuse(_("The hearing room is not open."), "wrong_state")
        _close(room, by)
        _log(hearing.arbitration, "end_online_hearing", by, _("Online hearing ended; the transcript is being made."))
        make_transcripts_after_commit(rooms=[room], by=by)
    return room


def _close(room: SessionRoom, by) -> None:
    rooms.system_message(room=room, actor=by, event="hearing.ended")
    rooms.set_status(room, SessionRoom.Status.CLOSED)
    rooms.state_changed(room.case_id)


def close_rooms_of(arbitration: Arbitration, by=None) -> None:
    """The arbitration left its proceedings: every open hearing room closes and
    its transcript is made (called from the transition receiver)."""
    from mediation.sessions.transcripts import make_transcripts_after_commit

    with transaction.atomic():
        open_rooms = list(SessionRoom.objects.select_for_update().filter(
            hearing__arbitration=arbitration, status=SessionRoom.Status.OPEN))
        for room in open_rooms:
            _close(room, by)
        if open_rooms:
            make_transcripts_after_commit(rooms=open_rooms, by=by)


def transcripts_of(hearing: Hearing):
    """The hearing room's transcripts, oldest first (empty if it had no room)."""
    from mediation.models import Transcript

    if hearing.room_id is None:
        return Transcript.objects.none()
    return Transcript.objects.filter(room_id=hearing.room_id).select_related("item").order_by("from_seq")
