"""The WebSocket of a live session room (docs/sessions.md is the protocol).

    ws/mediation/<case number or ref>/<room>/            room: joint | claimant | respondent
    ws/arbitration/<case number or ref>/hearing/<id>/    the room of an online hearing

Authorisation: the session user (AuthMiddlewareStack) must have a place in the
room, as its process's policy decides (mediation.sessions.policy: mediation in
mediation.sessions.access, hearings in arbitration.hearing_rooms); Origin is checked by
AllowedHostsOriginValidator in portal/asgi.py. Refusals are indistinguishable
from a room that does not exist (close 4404). Access is read again from the
database before every frame's effect, and whenever the mediation group says
it changed ("access.revoked"); a socket that lost it is closed with 4403.

Delivery: each socket remembers the last sequence number it delivered. Live
messages arrive through the channel layer after their commit; if one is
missing (a gap) the socket reads the gap from the database, so the client sees
every message once, in order. After a reconnect the client says which number
it saw last (hello / ?last_seq=) and gets the rest from the database first.
"""

from __future__ import annotations

import json
import re
import uuid
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.db.models import Q

from mediation.sessions import negotiation, rooms
from mediation.sessions.access import may_write
from mediation.sessions.policy import CAUCUS, NEGOTIATION, policy_for
from mediation.sessions.ratelimit import TokenBucket
from mediation.sessions.rooms import SessionError

PROTOCOL_VERSION = 1
CLOSE_UNAUTHENTICATED = 4401
CLOSE_REVOKED = 4403
CLOSE_NOT_FOUND = 4404


def _resolve(user, process: str, route: dict, session_key: str | None, channel_name: str):
    """Find the room for a connecting user and register their presence;
    None for anything they may not see (the same answer as "no such room")."""
    from portal.selectors import cases_visible_to

    key = route["key"]
    lookup = Q(number=key)
    try:
        lookup |= Q(ref=uuid.UUID(key))
    except ValueError:
        pass
    case = cases_visible_to(user).filter(lookup).first()
    room = policy_for(process).find(case, user, route) if case else None
    if room is None:
        return None
    ctx = rooms.access_for_frame(room_id=room.pk, user_id=user.pk, session_key=session_key)
    if ctx is None:
        return None
    rooms.join(room=room, user=user, channel_name=channel_name)
    return ctx


def _state(ctx) -> dict:
    room, user, access, muted = ctx
    return {"key": room.key, "kind": room.kind, "side": room.side, "status": room.status,
            "process": room.process, "state": policy_for(room).state(room), "head": room.head,
            "writable": may_write(room=room, access=access, muted=muted)}


def _welcome(ctx) -> dict:
    room, user, access, muted = ctx
    return {
        "type": "welcome", "protocol": PROTOCOL_VERSION, "room": _state(ctx),
        "case": room.case.number or str(room.case.ref),
        "you": {"id": user.pk, "name": user.full_name, "role": access.role, "side": access.side, "muted": muted},
        "read": rooms.read_markers(room), "presence": rooms.present(room),
        "limits": {"max_frame_bytes": settings.SESSION_MAX_FRAME_BYTES, "rate_per_sec": settings.SESSION_RATE_PER_SEC,
                   "burst": settings.SESSION_RATE_BURST, "max_text_chars": rooms.MAX_TEXT_CHARS},
    }


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _holds_unstorable_text(content) -> bool:
    """Whether any string of a frame holds what no text column or JSON document
    can store (NUL, which PostgreSQL refuses) or encode (a lone surrogate, which
    "\\ud800" in JSON decodes to). Walked without recursion: frames nest."""
    stack = [content]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _UNSTORABLE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _head(room_id: int) -> int:
    from mediation.models import SessionRoom

    return SessionRoom.objects.values_list("next_seq", flat=True).get(pk=room_id) - 1


class SessionConsumer(AsyncJsonWebsocketConsumer):
    """One socket in one room. `process` (set by the route with as_asgi) names
    the policy that finds the room and decides who may be in it."""

    process = "mediation"
    room_id: int | None = None

    def __init__(self, *args, process: str = "mediation", **kwargs):
        super().__init__(*args, **kwargs)  # channels' consumers keep no init kwargs themselves
        self.process = process

    # --- connection ---------------------------------------------------------------------------
    async def connect(self):
        self.closed = False
        user = self.scope.get("user")
        await self.accept()  # then close with a code the client can read (a refused handshake has none)
        if user is None or not user.is_authenticated:
            await self._close(CLOSE_UNAUTHENTICATED)
            return
        kwargs = self.scope["url_route"]["kwargs"]
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        self.user_id = user.pk
        ctx = await database_sync_to_async(_resolve)(user, self.process, kwargs, self.session_key,
                                                     self.channel_name)
        if ctx is None:
            await self._close(CLOSE_NOT_FOUND)
            return
        room = ctx[0]
        self.room, self.room_id, self.case_id = room, room.pk, room.case_id
        self.policy = policy_for(room)
        self.is_mediator = ctx[2].moderator
        self.bucket = TokenBucket(rate=settings.SESSION_RATE_PER_SEC, burst=settings.SESSION_RATE_BURST)
        self.last_sent, self.synced = 0, False
        self.joined = [rooms.room_group(self.room_id), rooms.case_group(self.case_id)]
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.send_json(await database_sync_to_async(_welcome)(ctx))
        await self._presence_changed()
        last_seq = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get("last_seq", [None])[0]
        if last_seq is not None and last_seq.isdigit():
            await self._replay(int(last_seq))

    async def disconnect(self, code):
        if self.room_id is None:
            return
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        await database_sync_to_async(rooms.leave)(channel_name=self.channel_name)
        await self._presence_changed()

    async def _close(self, code: int) -> None:
        if not self.closed:
            self.closed = True
            await self.close(code=code)

    async def _presence_changed(self) -> None:
        def users():
            from mediation.models import SessionRoom

            return rooms.present(SessionRoom.objects.select_related("case", "mediation").get(pk=self.room_id))

        await self.channel_layer.group_send(rooms.room_group(self.room_id),
                                            {"type": "room.presence", "users": await database_sync_to_async(users)()})

    # --- frames from the client ---------------------------------------------------------------------
    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if self.closed or self.room_id is None:
            return
        if not self.bucket.take():
            await self._error("rate_limited", "Too many frames; slow down.", None,
                              retry_after=self.bucket.retry_after())
            return
        if text_data is None:
            await self._error("malformed", "Frames are JSON text.", None)
            return
        if len(text_data) > settings.SESSION_MAX_FRAME_BYTES or \
                len(text_data.encode("utf-8")) > settings.SESSION_MAX_FRAME_BYTES:
            await self._error("frame_too_large", f"Frames are limited to {settings.SESSION_MAX_FRAME_BYTES} bytes.",
                              None)
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
            await self._error("malformed", "The frame is not valid JSON.", None)
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._error("malformed", "A frame is a JSON object with a \"type\".", None)
            return
        if _holds_unstorable_text(content):
            await self._error("invalid", "Text may not contain NUL characters or lone surrogates.", content)
            return
        handler = getattr(self, "frame_" + content["type"].replace(".", "_"), None) \
            if content["type"] in FRAME_TYPES and FRAME_TYPES[content["type"]] <= self.policy.features else None
        if handler is None:
            await self._error("unknown_type", "Unknown frame type.", content)
            return
        ctx = await database_sync_to_async(rooms.access_for_frame)(
            room_id=self.room_id, user_id=self.user_id, session_key=self.session_key)
        if ctx is None:
            await self._close(CLOSE_REVOKED)
            return
        try:
            await handler(content, ctx)
        except SessionError as exc:
            await self._error(exc.code, exc.message, content)

    async def _error(self, code: str, message: str, content: dict | None, **extra) -> None:
        frame = {"type": "error", "code": code, "message": message, **extra}
        if isinstance(content, dict):
            frame["frame"] = content.get("type")
            for key in ("client_id", "ref"):
                if isinstance(content.get(key), str):
                    frame[key] = content[key][:64]
        await self.send_json(frame)

    async def _done(self, content: dict, **extra) -> None:
        frame = {"type": "done", "frame": content["type"], **extra}
        if isinstance(content.get("ref"), str):
            frame["ref"] = content["ref"][:64]
        await self.send_json(frame)

    async def _ack(self, result) -> None:
        message, created = result
        await self.send_json({"type": "ack", "client_id": message.client_id, "seq": message.seq,
                              "duplicate": not created})

    @staticmethod
    def _takes_part(ctx) -> None:
        if not ctx[2].takes_part:
            raise SessionError("forbidden", "Observers may not post.")

    async def frame_hello(self, content, ctx):
        last_seq = content.get("last_seq", 0)
        if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
            raise SessionError("invalid", "last_seq must be a non-negative integer.")
        await self._replay(last_seq)

    async def frame_ping(self, content, ctx):
        await database_sync_to_async(rooms.seen)(channel_name=self.channel_name)
        if self.synced:
            await self._catch_up()
        frame = {"type": "pong", "head": ctx[0].head}
        if isinstance(content.get("id"), str | int) and not isinstance(content.get("id"), bool):
            frame["id"] = content["id"]
        await self.send_json(frame)

    async def frame_message(self, content, ctx):
        self._takes_part(ctx)
        await self._ack(await database_sync_to_async(rooms.post_text)(
            room=ctx[0], author=ctx[1], client_id=content.get("client_id"), text=content.get("text")))

    async def frame_typing(self, content, ctx):
        room, user, access, muted = ctx
        if not may_write(room=room, access=access, muted=muted):
            raise SessionError("read_only", "You cannot post in this room now.")
        await self.channel_layer.group_send(rooms.room_group(self.room_id), {
            "type": "room.typing", "user": {"id": user.pk, "name": user.full_name}, "channel": self.channel_name})

    async def frame_read(self, content, ctx):
        seq = await database_sync_to_async(rooms.mark_read)(room=ctx[0], user=ctx[1], seq=content.get("seq"))
        await self.channel_layer.group_send(rooms.room_group(self.room_id),
                                            {"type": "room.read", "user": ctx[1].pk, "seq": seq})

    async def frame_offer_make(self, content, ctx):
        self._takes_part(ctx)
        await self._ack(await database_sync_to_async(negotiation.make_offer)(
            room=ctx[0], by=ctx[1], access=ctx[2], client_id=content.get("client_id"), amount=content.get("amount"),
            terms=content.get("terms")))

    async def frame_offer_answer(self, content, ctx):
        self._takes_part(ctx)
        await self._ack(await database_sync_to_async(negotiation.answer_offer)(
            room=ctx[0], by=ctx[1], access=ctx[2], client_id=content.get("client_id"), offer_id=content.get("offer"),
            action=content.get("action"), amount=content.get("amount"), terms=content.get("terms")))

    async def frame_blind_bid_configure(self, content, ctx):
        bid = await database_sync_to_async(negotiation.configure_blind_bid)(
            mediation=ctx[0].mediation, by=ctx[1], gap=content.get("gap"))
        await self._done(content, round=bid.round)

    async def frame_blind_bid_submit(self, content, ctx):
        number = await database_sync_to_async(negotiation.submit_blind_figure)(
            mediation=ctx[0].mediation, by=ctx[1], access=ctx[2], amount=content.get("amount"))
        await self._done(content, round=number)

    async def frame_moderate_hide(self, content, ctx):
        await database_sync_to_async(rooms.hide_message)(room=ctx[0], by=ctx[1], seq=content.get("seq"),
                                                         reason=content.get("reason"))
        await self._done(content, seq=content.get("seq"))

    async def frame_moderate_mute(self, content, ctx):
        await database_sync_to_async(rooms.mute)(room=ctx[0], by=ctx[1], user_id=content.get("user"),
                                                 reason=content.get("reason"))
        await self._done(content, user=content.get("user"))

    async def frame_moderate_unmute(self, content, ctx):
        await database_sync_to_async(rooms.unmute)(room=ctx[0], by=ctx[1], user_id=content.get("user"))
        await self._done(content, user=content.get("user"))

    async def frame_caucus_open(self, content, ctx):
        await database_sync_to_async(rooms.set_caucus)(mediation=ctx[0].mediation, by=ctx[1],
                                                       side=content.get("side"), open_=True)
        await self._done(content, side=content.get("side"))

    async def frame_caucus_close(self, content, ctx):
        await database_sync_to_async(rooms.set_caucus)(mediation=ctx[0].mediation, by=ctx[1],
                                                       side=content.get("side"), open_=False)
        await self._done(content, side=content.get("side"))

    async def frame_session_end(self, content, ctx):
        await database_sync_to_async(self.policy.end_sitting)(ctx[0], ctx[1])
        await self._done(content)

    async def frame_session_start(self, content, ctx):
        await database_sync_to_async(self.policy.start_sitting)(ctx[0], ctx[1])
        await self._done(content)

    # --- delivery -------------------------------------------------------------------------------------
    async def _replay(self, after: int) -> None:
        head = await database_sync_to_async(_head)(self.room_id)
        self.last_sent = min(after, head)
        self.synced = True
        await self._catch_up()
        await self.send_json({"type": "synced", "last_seq": self.last_sent})

    async def _catch_up(self) -> None:
        """Send every stored message after the last one delivered, in order."""
        while True:
            frames = await database_sync_to_async(rooms.messages_after)(
                room_id=self.room_id, after=self.last_sent, for_mediator=self.is_mediator)
            for frame in frames:
                await self.send_json(frame)
                self.last_sent = frame["seq"]
            if len(frames) < rooms.REPLAY_BATCH:
                return

    # --- events from the channel layer -------------------------------------------------------------------
    async def room_message(self, event):
        if self.closed or not self.synced:
            return  # the replay a client asks for reads the database
        seq = event["message"]["seq"]
        if seq <= self.last_sent:
            return
        if seq == self.last_sent + 1:
            await self.send_json(event["message"])
            self.last_sent = seq
        else:
            await self._catch_up()

    async def room_typing(self, event):
        if not self.closed and event["channel"] != self.channel_name:
            await self.send_json({"type": "typing", "user": event["user"]})

    async def room_read(self, event):
        if not self.closed:
            await self.send_json({"type": "read", "user": event["user"], "seq": event["seq"]})

    async def room_presence(self, event):
        if not self.closed:
            await self.send_json({"type": "presence", "users": event["users"]})

    async def room_transcript(self, event):
        if not self.closed:
            await self.send_json({"type": "transcript", "transcript": event["transcript"],
                                  "from_seq": event["from_seq"], "to_seq": event["to_seq"],
                                  "url": self.policy.transcript_url(self.room, event["transcript"])})

    async def room_state(self, event):
        await self._recheck()

    async def access_revoked(self, event):
        await self._recheck()

    async def _recheck(self) -> None:
        if self.closed:
            return
        def check():
            ctx = rooms.access_for_frame(room_id=self.room_id, user_id=self.user_id, session_key=self.session_key)
            return None if ctx is None else {"type": "room", **_state(ctx), "muted": ctx[3]}

        frame = await database_sync_to_async(check)()
        if frame is None:
            await self._close(CLOSE_REVOKED)
            return
        await self.send_json(frame)


#: Every frame type, with the policy features a room needs to accept it (mediation.sessions.policy):
#: a hearing room, for one, has no offers, bidding or caucuses, and answers those with "unknown_type".
FRAME_TYPES = {
    "hello": frozenset(), "ping": frozenset(), "message": frozenset(), "typing": frozenset(), "read": frozenset(),
    "offer.make": frozenset({NEGOTIATION}), "offer.answer": frozenset({NEGOTIATION}),
    "blind_bid.configure": frozenset({NEGOTIATION}), "blind_bid.submit": frozenset({NEGOTIATION}),
    "moderate.hide": frozenset(), "moderate.mute": frozenset(), "moderate.unmute": frozenset(),
    "caucus.open": frozenset({CAUCUS}), "caucus.close": frozenset({CAUCUS}),
    "session.end": frozenset(), "session.start": frozenset(),
}
