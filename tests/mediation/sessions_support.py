"""Shared set-up for the live-session tests: a mediation in progress with
everyone who might knock on a room's door, their session cookies, and a small
WebSocket client around channels' WebsocketCommunicator that keeps every raw
frame it received (so tests can assert on exactly what went over the wire).
The fixtures `session_world` and `fresh_channel_layer` are in conftest.py."""

from __future__ import annotations

import asyncio
import json

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from portal.models import Agent, Case, Party
from tests.conftest import verified_client
from tests.factories import ClerkFactory, MediatorFactory, UserFactory
from tests.mediation.helpers import make_world, started


def cookie_for(user) -> str:
    client = verified_client(Client(), user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def build_session_world(capture_on_commit) -> dict:
    """A mediation in progress: claimant, respondent (and the respondent's
    lawyer, an agent with an account), the mediator, a case manager, and
    outsiders — a party of another case, another mediator, the clerk of the
    court that referred the case."""
    w = make_world(capture_on_commit)
    w["mediation"] = started(w)
    case = w["case"]
    w["agent"] = UserFactory(full_name="被申请人代理律师")
    Agent.objects.create(case=case, party=case.parties.get(side=Party.Side.RESPONDENT), name="律师",
                         email=w["agent"].email, user=w["agent"])
    w["outsider"], w["other_mediator"], w["clerk"] = UserFactory(), MediatorFactory(), ClerkFactory()
    # The clerk's court referred the case: the clerk may read the case file, but has no place in its rooms.
    Case.objects.filter(pk=case.pk).update(referring_court=w["clerk"].court)
    case.referring_court = w["clerk"].court
    w["key"] = case.number
    w["cookies"] = {name: cookie_for(w[name]) for name in (
        "claimant", "respondent", "agent", "mediator", "manager", "outsider", "other_mediator", "clerk")}
    return w


class WS:
    """One WebSocket connection of a test user."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator
        self.raw: list[str] = []
        self.close_code: int | None = None

    @classmethod
    async def open(cls, cookie: str | None, key: str, room: str = "joint", query: str = "", path: str = "") -> WS:
        from portal.asgi import application

        headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
        if cookie:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
        path = (path or f"/ws/mediation/{key}/{room}/") + (f"?{query}" if query else "")
        ws = cls(WebsocketCommunicator(application, path, headers=headers))
        connected, _ = await ws.communicator.connect(timeout=5)
        assert connected
        return ws

    async def next(self, timeout: float = 3) -> dict:
        """The next frame; a close becomes {"type": "_close", "code": …}."""
        output = await self.communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            self.close_code = output.get("code")
            return {"type": "_close", "code": self.close_code}
        self.raw.append(output["text"])
        return json.loads(output["text"])

    async def until(self, type_: str, timeout: float = 3, **match) -> dict:
        """Read frames until one of this type (with these fields) arrives."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.next(timeout)
                if frame["type"] == type_ and all(frame.get(k) == v for k, v in match.items()):
                    return frame
                if frame["type"] == "_close" and type_ != "_close":
                    raise AssertionError(f"closed with {frame['code']} while waiting for {type_}")

    async def drain(self, quiet: float = 0.15) -> list[dict]:
        """Every frame that arrives until the socket is quiet for `quiet` seconds."""
        frames = []
        while not await self.communicator.receive_nothing(timeout=quiet):
            frames.append(await self.next())
        return frames

    async def send(self, frame: dict) -> None:
        await self.communicator.send_json_to(frame)

    async def send_raw(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def hello(self, last_seq: int = 0) -> list[dict]:
        """Say hello and return the replayed messages (until "synced")."""
        await self.send({"type": "hello", "last_seq": last_seq})
        messages = []
        while True:
            frame = await self.next()
            if frame["type"] == "message":
                messages.append(frame)
            elif frame["type"] == "synced":
                return messages
            elif frame["type"] == "_close":
                raise AssertionError(f"closed with {frame['code']}")

    async def say(self, text: str, client_id: str) -> dict:
        await self.send({"type": "message", "client_id": client_id, "text": text})
        return await self.until("ack", client_id=client_id)

    async def close(self) -> None:
        await self.communicator.disconnect()


async def joined(cookie: str, key: str, room: str = "joint", last_seq: int = 0, path: str = "") -> WS:
    """Connect, read the welcome and replay up to "synced"."""
    ws = await WS.open(cookie, key, room, path=path)
    welcome = await ws.until("welcome")
    ws.welcome = welcome
    ws.replayed = await ws.hello(last_seq)
    return ws


async def refused(cookie: str | None, key: str, room: str = "joint", path: str = "") -> int:
    """The close code a refused connection gets (accept, then close)."""
    ws = await WS.open(cookie, key, room, path=path)
    frame = await ws.next()
    assert frame["type"] == "_close", frame
    return frame["code"]
