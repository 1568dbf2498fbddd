"""Messages of a session room: numbering, dedupe, broadcast after commit,
replay, read markers, presence, moderation, caucuses and the end of a session.

No loss, no duplicates:
- a message gets the room's next sequence number inside a transaction that
  holds the room row locked (select_for_update), so numbers are 1, 2, 3 …
  without gaps, and message N+1 never commits before message N;
- it is broadcast only after the commit (transaction.on_commit → group_send);
  the broadcast is a hint, the database is the truth: a consumer that sees a
  gap reads the missing messages from the database, and a reconnecting client
  says which number it saw last and gets everything after it;
- the sender names each message (client_id); a resend with the same name
  returns the stored message and creates nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.utils import timezone

from mediation import rules
from mediation.models import (
    SESSION_STATES,
    Mediation,
    ReadMarker,
    RoomMessage,
    RoomMute,
    RoomPresence,
    SessionRoom,
)
from mediation.sessions.access import SIDES, find_room, room_lookup
from mediation.sessions.policy import PARTY, policy_for

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 4000
MAX_REASON_CHARS = 500
CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
REPLAY_BATCH = 200
PRESENCE_STALE_AFTER = timedelta(minutes=2)


class SessionError(Exception):
    """A refused frame: `code` is the machine-readable error code of the
    protocol (docs/sessions.md), `message` a short English explanation."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code
        self.message = message or code


# --- groups and broadcast ------------------------------------------------------------------

def room_group(room_id: int) -> str:
    """Channel-layer group of one room (built from its id, never from user input)."""
    return f"session-room-{int(room_id)}"


def case_group(case_id: int) -> str:
    """Group of every session socket of a case (all its rooms, any process):
    access and state changes."""
    return f"session-case-{int(case_id)}"


_pending_sends: set[asyncio.Task] = set()


def broadcast(group: str, event: dict) -> None:
    """Send to a group from synchronous code. A failure is logged, never
    raised: the message is already committed, and clients catch up from the
    database (replay, and on every ping)."""
    layer = get_channel_layer()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    try:
        if loop is None:
            async_to_sync(layer.group_send)(group, event)
        else:  # synchronous code running on an event loop's thread must not block it
            task = loop.create_task(layer.group_send(group, event))
            _pending_sends.add(task)
            task.add_done_callback(_pending_sends.discard)
    except Exception:  # noqa: BLE001 - the database stays the truth; see docstring
        logger.exception("broadcast to %s failed", group)


def broadcast_after_commit(group: str, event: dict) -> None:
    transaction.on_commit(lambda: broadcast(group, event))


def revoke_access(case_id: int) -> None:
    """Ask every session socket of a case to check its access again (after commit)."""
    broadcast_after_commit(case_group(case_id), {"type": "access.revoked"})


def state_changed(case_id: int) -> None:
    """Tell every session socket of a case that room status, state or mutes changed."""
    broadcast_after_commit(case_group(case_id), {"type": "room.state"})


# --- canonical content and frames -------------------------------------------------------------

def utc_iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_content(*, case_ref: str, room_key: str, seq: int, author_id: int | None, kind: str, body: dict,
                      at: str) -> bytes:
    """The bytes a message's SHA-256 is computed over (docs/sessions.md):
    compact JSON, keys sorted, UTF-8, of case ref, room, seq, author id, kind,
    body and UTC time with microseconds."""
    return json.dumps({"case": case_ref, "room": room_key, "seq": seq, "author": author_id, "kind": kind,
                       "body": body, "at": at}, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def message_sha256(message: RoomMessage) -> str:
    room = message.room
    return hashlib.sha256(canonical_content(
        case_ref=str(room.case.ref), room_key=room.key, seq=message.seq, author_id=message.author_id,
        kind=message.kind, body=message.body, at=utc_iso(message.created_at))).hexdigest()


class AuthorInfo:
    """Names, roles and sides of a room's message authors, looked up once per user."""

    def __init__(self, room: SessionRoom):
        self.room = room
        self.policy = policy_for(room)
        self.cache: dict[int, dict] = {}

    def __call__(self, user) -> dict | None:
        if user is None:
            return None
        if user.pk not in self.cache:
            role, side = self.policy.author(self.room, user)
            self.cache[user.pk] = {"id": user.pk, "name": user.full_name or user.email.split("@")[0],
                                   "role": role, "side": side}
        return self.cache[user.pk]


def message_frame(message: RoomMessage, *, authors: AuthorInfo, for_mediator: bool) -> dict:
    """The `message` frame of one stored message as one viewer sees it: a
    hidden message shows no content except to the mediator."""
    room = message.room
    frame = {
        "type": "message", "room": room.key, "seq": message.seq, "kind": message.kind,
        "client_id": message.client_id, "author": authors(message.author), "at": utc_iso(message.created_at),
        "sha256": message.sha256, "hidden": message.hidden, "body": message.body,
    }
    if message.kind == RoomMessage.Kind.ATTACHMENT:
        url = policy_for(room).attachment_url(room, message.seq)
        if url:
            frame["url"] = url
    if message.hidden:
        if for_mediator:
            frame["moderation"] = {"by": message.hidden_by_id, "at": utc_iso(message.hidden_at),
                                   "reason": message.hidden_reason}
        else:
            frame["body"] = None
            frame.pop("url", None)
    return frame


def messages_after(*, room_id: int, after: int, for_mediator: bool, limit: int = REPLAY_BATCH) -> list[dict]:
    """Frames of the messages numbered after `after`, in order (one batch)."""
    rows = list(RoomMessage.objects.filter(room_id=room_id, seq__gt=after).select_related(
        "author", "room__case", "room__mediation").order_by("seq")[:limit])
    if not rows:
        return []
    authors = AuthorInfo(rows[0].room)
    return [message_frame(m, authors=authors, for_mediator=for_mediator) for m in rows]


# --- appending ------------------------------------------------------------------------------

def clean_client_id(value) -> str:
    if not isinstance(value, str) or not CLIENT_ID.match(value):
        raise SessionError("invalid", "client_id must be 1-64 characters: letters, digits, _ . : -")
    return value


def is_muted(room: SessionRoom, user) -> bool:
    return RoomMute.objects.filter(room=room, user=user, lifted_at=None).exists()


def append_message(*, room: SessionRoom, author, client_id: str, kind: str,
                   make_body: Callable[[SessionRoom], dict], attachment=None,
                   require_open: bool = True) -> tuple[RoomMessage, bool]:
    """Store one message with the room's next number and broadcast it after
    the commit. Returns (message, created); a known (author, client_id)
    returns the stored message and does nothing else — `make_body` (which may
    write, e.g. an Offer) runs only for a new message, under the room lock."""
    with transaction.atomic():
        locked = SessionRoom.objects.select_for_update().get(pk=room.pk)
        locked.case, locked.mediation = room.case, room.mediation  # already loaded by the caller
        existing = RoomMessage.objects.filter(room=locked, author=author, client_id=client_id).first()
        if existing is not None:
            return existing, False
        if require_open:
            if locked.status != SessionRoom.Status.OPEN or not policy_for(locked).live(locked):
                raise SessionError("read_only", "This room does not take messages now.")
            if author is not None and is_muted(locked, author):
                raise SessionError("muted", "You have been muted in this room.")
        body = make_body(locked)
        seq = locked.next_seq
        now = timezone.now()
        message = RoomMessage(room=locked, seq=seq, author=author, client_id=client_id, kind=kind, body=body,
                              created_at=now, attachment=attachment)
        message.sha256 = message_sha256(message)
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:  # the same client_id raced in on another connection
            existing = RoomMessage.objects.filter(room=locked, author=author, client_id=client_id).first()
            if existing is None:
                raise
            return existing, False
        locked.next_seq = seq + 1
        locked.save(update_fields=["next_seq"])
        frame = message_frame(message, authors=AuthorInfo(locked), for_mediator=False)
        broadcast_after_commit(room_group(locked.pk), {"type": "room.message", "message": frame})
    return message, True


def system_message(*, room: SessionRoom, actor, event: str, client_id: str = "", **data) -> RoomMessage:
    """A sequenced event (caucus opened, message hidden, …): kept in the
    history so that a client replaying after a reconnect learns it too."""
    message, _ = append_message(room=room, author=actor, client_id=client_id or f"sys-{uuid.uuid4().hex}",
                                kind=RoomMessage.Kind.SYSTEM, make_body=lambda r: {"event": event, **data},
                                require_open=False)
    return message


def post_text(*, room: SessionRoom, author, client_id: str, text) -> tuple[RoomMessage, bool]:
    client_id = clean_client_id(client_id)
    if not isinstance(text, str) or not text.strip():
        raise SessionError("invalid", "text must be a non-empty string.")
    if len(text) > MAX_TEXT_CHARS:
        raise SessionError("invalid", f"text is longer than {MAX_TEXT_CHARS} characters.")
    return append_message(room=room, author=author, client_id=client_id, kind=RoomMessage.Kind.TEXT,
                          make_body=lambda r: {"text": text})


# --- read markers and presence -------------------------------------------------------------------

def mark_read(*, room: SessionRoom, user, seq) -> int:
    """Move the user's read marker forward to `seq` (never back, never past the head)."""
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
        raise SessionError("invalid", "seq must be a non-negative integer.")
    head = SessionRoom.objects.values_list("next_seq", flat=True).get(pk=room.pk) - 1
    seq = min(seq, head)
    marker, _ = ReadMarker.objects.get_or_create(room=room, user=user)
    if seq > marker.last_read_seq:
        ReadMarker.objects.filter(pk=marker.pk, last_read_seq__lt=seq).update(last_read_seq=seq,
                                                                           updated_at=timezone.now())
    return max(seq, marker.last_read_seq)


def read_markers(room: SessionRoom) -> dict[str, int]:
    return {str(user_id): seq for user_id, seq in room.read_markers.values_list("user_id", "last_read_seq")}


def join(*, room: SessionRoom, user, channel_name: str) -> None:
    RoomPresence.objects.update_or_create(channel_name=channel_name, defaults={
        "room": room, "user": user, "seen_at": timezone.now()})


def leave(*, channel_name: str) -> None:
    RoomPresence.objects.filter(channel_name=channel_name).delete()


def seen(*, channel_name: str) -> None:
    RoomPresence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def present(room: SessionRoom) -> list[dict]:
    """Who is connected to the room now (each user once)."""
    since = timezone.now() - PRESENCE_STALE_AFTER
    rows = RoomPresence.objects.filter(room=room, seen_at__gte=since).select_related("user").order_by("connected_at")
    authors, users = AuthorInfo(room), {}
    for row in rows:
        users.setdefault(row.user_id, authors(row.user))
    return list(users.values())


# --- the moderator's controls (the mediator; the presiding arbitrator) ------------------------------

def require_mediator(mediation: Mediation, user) -> None:
    if not rules.is_mediator(mediation, user):
        raise SessionError("forbidden", "Only the mediator may do this.")


def require_moderator(room: SessionRoom, user) -> None:
    access = policy_for(room).access(room, user)
    if access is None or not access.moderator:
        raise SessionError("forbidden", "Only whoever runs the session may do this.")


def require_live(mediation: Mediation) -> None:
    if mediation.state not in SESSION_STATES:
        raise SessionError("read_only", "Sessions take place only while the mediation is in progress.")


def _reason(value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > MAX_REASON_CHARS:
        raise SessionError("invalid", f"reason must be a string of at most {MAX_REASON_CHARS} characters.")
    return value.strip()


def hide_message(*, room: SessionRoom, by, seq, reason=None) -> RoomMessage:
    """The moderator hides a message from the participants. The row, its
    content and its SHA-256 stay; who hid it, when and why is recorded on it,
    and a system message tells every client (live or replaying) to hide it."""
    require_moderator(room, by)
    reason = _reason(reason)
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise SessionError("invalid", "seq must be an integer.")
    with transaction.atomic():
        message = RoomMessage.objects.select_for_update().filter(room=room, seq=seq).first()
        if message is None or message.kind == RoomMessage.Kind.SYSTEM:
            raise SessionError("not_found", "No such message.")
        if message.hidden:
            return message
        message.hidden, message.hidden_by, message.hidden_at, message.hidden_reason = True, by, timezone.now(), reason
        message.save(update_fields=["hidden", "hidden_by", "hidden_at", "hidden_reason"])
        system_message(room=room, actor=by, event="message.hidden", seq=seq)
    return message


def _participant(room: SessionRoom, user_id) -> object:
    from portal.models import User

    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise SessionError("invalid", "user must be a user id.")
    user = User.objects.filter(pk=user_id).first()
    access = policy_for(room).access(room, user) if user else None
    if access is None or access.role != PARTY:
        raise SessionError("not_found", "No such participant in this room.")
    return user


def mute(*, room: SessionRoom, by, user_id, reason=None) -> RoomMute:
    require_moderator(room, by)
    reason = _reason(reason)
    with transaction.atomic():
        SessionRoom.objects.select_for_update().get(pk=room.pk)
        user = _participant(room, user_id)
        current = RoomMute.objects.filter(room=room, user=user, lifted_at=None).first()
        if current is not None:
            return current
        record = RoomMute.objects.create(room=room, user=user, muted_by=by, reason=reason)
        system_message(room=room, actor=by, event="participant.muted", user=user.pk)
        state_changed(room.case_id)
    return record


def unmute(*, room: SessionRoom, by, user_id) -> None:
    require_moderator(room, by)
    with transaction.atomic():
        SessionRoom.objects.select_for_update().get(pk=room.pk)
        user = _participant(room, user_id)
        if RoomMute.objects.filter(room=room, user=user, lifted_at=None).update(lifted_at=timezone.now(),
                                                                                lifted_by=by):
            system_message(room=room, actor=by, event="participant.unmuted", user=user.pk)
            state_changed(room.case_id)


def joint_room(mediation: Mediation) -> SessionRoom:
    return find_room(mediation, "joint")


def set_status(room: SessionRoom, status: str) -> None:
    room.status, room.status_changed_at = status, timezone.now()
    room.save(update_fields=["status", "status_changed_at"])


def set_caucus(*, mediation: Mediation, by, side, open_: bool) -> SessionRoom:
    """The mediator opens (or closes) one side's private caucus. The joint room
    is told that a caucus with that side began or ended — never what is said in it."""
    require_mediator(mediation, by)
    require_live(mediation)
    if side not in SIDES:
        raise SessionError("invalid", "side must be claimant or respondent.")
    status = SessionRoom.Status.OPEN if open_ else SessionRoom.Status.CLOSED
    lookup = room_lookup(side)
    with transaction.atomic():
        room, created = SessionRoom.objects.get_or_create(
            case_id=mediation.case_id, name=lookup["name"],
            defaults={"mediation": mediation, "process": "mediation", "kind": lookup["kind"], "side": side,
                      "status": status})
        if created or room.status != status:
            if not created:
                set_status(room, status)
            system_message(room=room, actor=by, event="room.opened" if open_ else "room.closed")
            system_message(room=joint_room(mediation), actor=by, event="caucus.opened" if open_ else "caucus.closed",
                           side=side)
            state_changed(mediation.case_id)
    return room


def end_session(*, mediation: Mediation, by) -> None:
    """The mediator ends the sitting: every room closes (read-only) and the
    transcripts of what was said since the last transcript are made."""
    from mediation.sessions.transcripts import make_transcripts_after_commit

    require_mediator(mediation, by)
    require_live(mediation)
    with transaction.atomic():
        for room in SessionRoom.objects.select_for_update().filter(mediation=mediation,
                                                                  status=SessionRoom.Status.OPEN):
            system_message(room=room, actor=by, event="session.ended")
            set_status(room, SessionRoom.Status.CLOSED)
        state_changed(mediation.case_id)
        make_transcripts_after_commit(mediation=mediation, by=by)


def start_session(*, mediation: Mediation, by) -> None:
    """The mediator opens the joint room again for a new sitting."""
    require_mediator(mediation, by)
    require_live(mediation)
    with transaction.atomic():
        room = joint_room(mediation)
        if room.status != SessionRoom.Status.OPEN:
            set_status(room, SessionRoom.Status.OPEN)
            system_message(room=room, actor=by, event="session.started")
            state_changed(mediation.case_id)


def access_for_frame(*, room_id: int, user_id: int, session_key: str | None):
    """Re-read everything a frame's effect depends on: the user (still active),
    their session (still logged in as them; staff still past two-factor), their
    place in the room (its process's policy), the room and the process.
    Returns (room, user, access, muted), or None if they have lost the room."""
    from importlib import import_module

    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not session_key:
        return None
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if str(session.get("_auth_user_id")) != str(user.pk):
        return None
    if settings.PORTAL_REQUIRE_STAFF_2FA and user.needs_two_factor and not session.get(DEVICE_ID_SESSION_KEY):
        return None
    room = SessionRoom.objects.select_related("case", "mediation__case", "mediation__mediator").filter(
        pk=room_id).first()
    if room is None:
        return None
    access = policy_for(room).access(room, user)
    if access is None:
        return None
    return room, user, access, is_muted(room, user)
