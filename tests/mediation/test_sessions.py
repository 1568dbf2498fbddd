"""Live session rooms over WebSockets: who may enter which room, numbering,
dedupe, replay, no loss under reconnects, abuse limits, moderation, revocation."""

import asyncio
import random

import pytest
from asgiref.sync import sync_to_async

from mediation.models import RoomMessage, RoomMute, SessionRoom
from tests.mediation.sessions_support import WS, joined, refused

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


# --- who may enter ------------------------------------------------------------------------------

async def test_parties_agents_and_mediator_enter_the_joint_room(session_world):
    w = session_world
    for name, role, side in [("claimant", "party", "claimant"), ("respondent", "party", "respondent"),
                             ("agent", "party", "respondent"), ("mediator", "mediator", "")]:
        ws = await joined(w["cookies"][name], w["key"])
        assert ws.welcome["you"]["role"] == role and ws.welcome["you"]["side"] == side
        assert ws.welcome["room"]["writable"] is True
        await ws.close()


async def test_case_manager_observes_the_joint_room_but_cannot_post(session_world):
    w = session_world
    ws = await joined(w["cookies"]["manager"], w["key"])
    assert ws.welcome["you"]["role"] == "observer" and ws.welcome["room"]["writable"] is False
    await ws.send({"type": "message", "client_id": "m1", "text": "hello"})
    error = await ws.until("error")
    assert error["code"] == "forbidden" and error["client_id"] == "m1"
    assert not await sync_to_async(RoomMessage.objects.exists)()
    await ws.close()


async def test_outsiders_are_told_the_room_does_not_exist(session_world):
    w = session_world
    for name in ("outsider", "other_mediator", "clerk"):
        assert await refused(w["cookies"][name], w["key"]) == 4404, name
    assert await refused(w["cookies"]["claimant"], "ZJIP-M-2099-999999") == 4404


async def test_anonymous_socket_is_closed_with_4401(session_world):
    assert await refused(None, session_world["key"]) == 4401


async def test_foreign_origin_is_refused_before_the_consumer(session_world):
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from portal.asgi import application

    w = session_world
    communicator = WebsocketCommunicator(application, f"/ws/mediation/{w['key']}/joint/", headers=[
        (b"origin", b"https://evil.example"), (b"host", b"127.0.0.1"),
        (b"cookie", f"{settings.SESSION_COOKIE_NAME}={w['cookies']['claimant']}".encode())])
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


async def test_case_manager_without_two_factor_is_refused(session_world):
    from django.test import Client

    w = session_world

    def unverified_cookie():
        client = Client()
        client.force_login(w["manager"])
        return client.cookies["sessionid"].value

    assert await refused(await sync_to_async(unverified_cookie)(), w["key"]) == 4404


async def test_a_caucus_exists_only_once_the_mediator_opens_it(session_world):
    w = session_world
    assert await refused(w["cookies"]["claimant"], w["key"], "claimant") == 4404
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    await mediator.send({"type": "caucus.open", "side": "claimant"})
    await mediator.until("done", frame="caucus.open")
    caucus = await joined(w["cookies"]["claimant"], w["key"], "claimant")
    assert caucus.welcome["room"]["kind"] == "caucus" and caucus.welcome["room"]["writable"]
    await caucus.close()
    await mediator.close()


async def test_only_the_mediator_opens_caucuses(session_world):
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    await claimant.send({"type": "caucus.open", "side": "claimant", "ref": "r1"})
    error = await claimant.until("error")
    assert error["code"] == "forbidden" and error["ref"] == "r1"
    await claimant.close()


async def test_other_side_and_observers_never_enter_or_hear_a_caucus(session_world):
    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    await mediator.send({"type": "caucus.open", "side": "claimant"})
    await mediator.until("done")
    respondent = await joined(w["cookies"]["respondent"], w["key"])
    manager = await joined(w["cookies"]["manager"], w["key"])
    for name in ("respondent", "agent", "manager", "outsider"):
        assert await refused(w["cookies"][name], w["key"], "claimant") == 4404, name

    claimant_caucus = await joined(w["cookies"]["claimant"], w["key"], "claimant")
    mediator_caucus = await joined(w["cookies"]["mediator"], w["key"], "claimant")
    await claimant_caucus.say("我方底线是五万元", "c1")
    heard = await mediator_caucus.until("message", kind="text")
    assert heard["body"]["text"] == "我方底线是五万元"
    await mediator_caucus.say("明白，我去和对方谈", "m1")
    await claimant_caucus.until("message", kind="text", client_id="m1")

    for outsider in (respondent, manager):
        await outsider.drain()
        assert not any("五万元" in raw or "我去和对方谈" in raw for raw in outsider.raw)
        assert not any('"room": "claimant"' in raw for raw in outsider.raw)
    for ws in (mediator, respondent, manager, claimant_caucus, mediator_caucus):
        await ws.close()


# --- numbering, dedupe, replay ----------------------------------------------------------------------

async def test_messages_are_numbered_per_room_from_one(session_world):
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    acks = [await claimant.say(f"msg {i}", f"id-{i}") for i in range(1, 6)]
    assert [a["seq"] for a in acks] == [1, 2, 3, 4, 5]
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    assert [m["seq"] for m in mediator.replayed] == [1, 2, 3, 4, 5]
    assert [m["body"]["text"] for m in mediator.replayed] == [f"msg {i}" for i in range(1, 6)]
    await mediator.send({"type": "caucus.open", "side": "respondent"})
    await mediator.until("done")
    caucus = await joined(w["cookies"]["respondent"], w["key"], "respondent")
    assert [m["seq"] for m in caucus.replayed] == [1]  # the caucus has its own numbers ("room.opened")
    assert (await caucus.say("私下说", "r1"))["seq"] == 2
    for ws in (claimant, mediator, caucus):
        await ws.close()


async def test_resending_a_client_id_returns_the_stored_message(session_world):
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    first = await claimant.say("once", "same-id")
    again = await claimant.say("once", "same-id")
    assert first["duplicate"] is False and again["duplicate"] is True and again["seq"] == first["seq"]
    # After a reconnect too.
    await claimant.close()
    claimant = await joined(w["cookies"]["claimant"], w["key"], last_seq=1)
    assert (await claimant.say("once", "same-id"))["seq"] == first["seq"]
    assert await sync_to_async(RoomMessage.objects.count)() == 1
    await claimant.close()


async def test_reconnecting_client_gets_everything_after_its_last_seq_in_order(session_world):
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    await claimant.say("one", "a1")
    await mediator.until("message", seq=1)
    await mediator.close()
    for i in range(2, 6):
        await claimant.say(f"n{i}", f"a{i}")
    mediator = await joined(w["cookies"]["mediator"], w["key"], last_seq=1)
    assert [m["seq"] for m in mediator.replayed] == [2, 3, 4, 5]
    await claimant.say("live", "a6")
    assert (await mediator.until("message"))["seq"] == 6
    # ?last_seq= on the URL replays without a hello.
    again = await WS.open(w["cookies"]["respondent"], w["key"], query="last_seq=4")
    frames = []
    while (frame := await again.next())["type"] != "synced":
        frames.append(frame)
    assert [f["seq"] for f in frames if f["type"] == "message"] == [5, 6]
    for ws in (claimant, mediator, again):
        await ws.close()


async def test_no_message_is_lost_or_duplicated_when_connections_die_at_random(session_world, settings):
    """300 messages; both sender and receiver are killed and restored at random
    points (the sender sometimes before its ack, so it must resend)."""
    settings.SESSION_RATE_PER_SEC, settings.SESSION_RATE_BURST = 10_000, 10_000
    w = session_world
    rng = random.Random(20260501)
    total = 300
    sender = await joined(w["cookies"]["claimant"], w["key"])
    receiver = await joined(w["cookies"]["respondent"], w["key"])
    received: list[tuple[int, str]] = []
    last_seen = 0
    unacked: dict[str, str] = {}

    async def restart_receiver(read_some: bool):
        nonlocal receiver, last_seen
        if read_some:  # read part of what is waiting, then die: the rest must come back on replay
            for _ in range(rng.randint(0, 5)):
                if await receiver.communicator.receive_nothing(timeout=0.01):
                    break
                frame = await receiver.next()
                if frame["type"] == "message":
                    received.append((frame["seq"], frame["body"]["text"]))
                    last_seen = frame["seq"]
        await receiver.close()
        receiver = await joined(w["cookies"]["respondent"], w["key"], last_seq=last_seen)
        for frame in receiver.replayed:
            received.append((frame["seq"], frame["body"]["text"]))
            last_seen = frame["seq"]

    for i in range(total):
        client_id, text = f"msg-{i:03d}", f"message {i}"
        await sender.send({"type": "message", "client_id": client_id, "text": text})
        if rng.random() < 0.08:  # the sender dies before reading its ack, then resends everything unacked
            unacked[client_id] = text
            await sender.close()
            sender = await joined(w["cookies"]["claimant"], w["key"])
            for cid, body in list(unacked.items()):
                await sender.send({"type": "message", "client_id": cid, "text": body})
                await sender.until("ack", client_id=cid)
                del unacked[cid]
        else:
            await sender.until("ack", client_id=client_id)
        if rng.random() < 0.08:
            await restart_receiver(read_some=rng.random() < 0.5)
        elif rng.random() < 0.3:
            for frame in await receiver.drain(quiet=0.01):
                if frame["type"] == "message":
                    received.append((frame["seq"], frame["body"]["text"]))
                    last_seen = frame["seq"]
    await restart_receiver(read_some=True)
    for frame in await receiver.drain():
        if frame["type"] == "message":
            received.append((frame["seq"], frame["body"]["text"]))

    assert [seq for seq, _ in received] == list(range(1, total + 1))
    assert [text for _, text in received] == [f"message {i}" for i in range(total)]
    assert await sync_to_async(RoomMessage.objects.count)() == total
    await sender.close()
    await receiver.close()


async def test_a_gap_in_live_delivery_is_filled_from_the_database(session_world):
    """If the channel layer drops a message, the next one makes the socket read the gap."""
    from mediation.sessions import rooms

    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    room = await sync_to_async(SessionRoom.objects.get)(kind="joint")
    original = rooms.broadcast
    rooms.broadcast = lambda group, event: None  # the layer loses message 1
    try:
        await sync_to_async(rooms.post_text)(room=room, author=w["claimant"], client_id="lost", text="lost")
    finally:
        rooms.broadcast = original
    await sync_to_async(rooms.post_text)(room=room, author=w["claimant"], client_id="next", text="next")
    first, second = await mediator.until("message"), await mediator.until("message")
    assert (first["seq"], second["seq"]) == (1, 2)
    await mediator.close()


async def test_ping_catches_up_a_message_the_layer_dropped(session_world):
    from mediation.sessions import rooms

    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    room = await sync_to_async(SessionRoom.objects.get)(kind="joint")
    original = rooms.broadcast
    rooms.broadcast = lambda group, event: None
    try:
        await sync_to_async(rooms.post_text)(room=room, author=w["claimant"], client_id="lost", text="lost")
    finally:
        rooms.broadcast = original
    await mediator.send({"type": "ping", "id": 1})
    assert (await mediator.next())["seq"] == 1
    assert await mediator.next() == {"type": "pong", "head": 1, "id": 1}
    await mediator.close()


# --- abuse and bad input ------------------------------------------------------------------------------

async def test_rate_limit_answers_with_an_error_and_the_connection_stays_usable(session_world, settings):
    settings.SESSION_RATE_PER_SEC, settings.SESSION_RATE_BURST = 2, 3
    w = session_world
    claimant = await WS.open(w["cookies"]["claimant"], w["key"])
    await claimant.until("welcome")
    for i in range(6):
        await claimant.send({"type": "message", "client_id": f"f{i}", "text": "flood"})
    frames = await claimant.drain()
    errors = [f for f in frames if f["type"] == "error"]
    assert errors and all(e["code"] == "rate_limited" and e["retry_after"] > 0 for e in errors)
    assert len([f for f in frames if f["type"] == "ack"]) == 3
    await asyncio.sleep(0.6)
    assert (await claimant.say("after the pause", "later"))["duplicate"] is False
    await claimant.close()


async def test_oversize_frame_gets_an_error_and_the_connection_stays_usable(session_world, settings):
    settings.SESSION_MAX_FRAME_BYTES = 1000
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    await claimant.send({"type": "message", "client_id": "big", "text": "长" * 400})  # 1200 bytes of UTF-8
    assert (await claimant.until("error"))["code"] == "frame_too_large"
    assert (await claimant.say("small", "small"))["seq"] == 1
    await claimant.close()


async def test_malformed_frames_get_errors_and_the_connection_stays_usable(session_world):
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    for bad in ("not json", "[1, 2]", '{"no": "type"}', '{"type": 7}'):
        await claimant.send_raw(bad)
        assert (await claimant.until("error"))["code"] == "malformed"
    await claimant.send({"type": "launch.missiles"})
    assert (await claimant.until("error"))["code"] == "unknown_type"
    await claimant.send({"type": "message", "client_id": "bad id with spaces", "text": "x"})
    assert (await claimant.until("error"))["code"] == "invalid"
    await claimant.send({"type": "message", "client_id": "ok", "text": ""})
    assert (await claimant.until("error"))["code"] == "invalid"
    await claimant.send({"type": "hello", "last_seq": -1})
    assert (await claimant.until("error"))["code"] == "invalid"
    assert (await claimant.say("still here", "ok"))["seq"] == 1
    await claimant.close()


# --- presence, typing, read markers -------------------------------------------------------------------

async def test_presence_typing_and_read_markers_are_shared(session_world):
    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    presence = await mediator.until("presence")
    assert {u["id"] for u in presence["users"]} == {w["mediator"].pk, w["claimant"].pk}
    await claimant.send({"type": "typing"})
    assert (await mediator.until("typing"))["user"]["id"] == w["claimant"].pk
    await claimant.say("hi", "h1")
    await mediator.until("message")
    await mediator.send({"type": "read", "seq": 99})  # never past the head
    assert await claimant.until("read") == {"type": "read", "user": w["mediator"].pk, "seq": 1}
    await claimant.close()
    presence = await mediator.until("presence")
    assert [u["id"] for u in presence["users"]] == [w["mediator"].pk]
    again = await joined(w["cookies"]["claimant"], w["key"])
    assert again.welcome["read"] == {str(w["mediator"].pk): 1}
    await again.close()
    await mediator.close()


# --- moderation ----------------------------------------------------------------------------------------------

async def test_muted_participant_cannot_post_until_unmuted(session_world):
    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    respondent = await joined(w["cookies"]["respondent"], w["key"])
    await mediator.send({"type": "moderate.mute", "user": w["respondent"].pk, "reason": "insults"})
    await mediator.until("done", frame="moderate.mute")
    room_state = await respondent.until("room")
    assert room_state["muted"] is True and room_state["writable"] is False
    await respondent.send({"type": "message", "client_id": "m1", "text": "let me speak"})
    assert (await respondent.until("error"))["code"] == "muted"
    record = await sync_to_async(RoomMute.objects.get)()
    assert record.reason == "insults" and record.muted_by_id == w["mediator"].pk
    await mediator.send({"type": "moderate.unmute", "user": w["respondent"].pk})
    await mediator.until("done", frame="moderate.unmute")
    await respondent.until("room", muted=False)
    assert (await respondent.say("thank you", "m2"))["duplicate"] is False
    await mediator.send({"type": "moderate.mute", "user": w["mediator"].pk})
    assert (await mediator.until("error"))["code"] == "not_found"  # only participants are muted
    await mediator.close()
    await respondent.close()


async def test_hidden_message_keeps_its_hash_and_record_and_shows_as_hidden(session_world):
    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    await claimant.say("something out of line", "bad")
    original = await mediator.until("message", seq=1)
    await claimant.send({"type": "moderate.hide", "seq": 1})
    assert (await claimant.until("error"))["code"] == "forbidden"
    await mediator.send({"type": "moderate.hide", "seq": 1, "reason": "personal insult"})
    await mediator.until("done", frame="moderate.hide")
    notice = await claimant.until("message", kind="system")
    assert notice["body"] == {"event": "message.hidden", "seq": 1}

    message = await sync_to_async(RoomMessage.objects.get)(seq=1)
    assert message.hidden and message.sha256 == original["sha256"]
    assert message.body == {"text": "something out of line"}
    assert message.hidden_by_id == w["mediator"].pk and message.hidden_reason == "personal insult"
    assert message.hidden_at is not None

    respondent = await joined(w["cookies"]["respondent"], w["key"])
    replayed = respondent.replayed[0]
    assert replayed["hidden"] is True and replayed["body"] is None and "moderation" not in replayed
    assert "out of line" not in "".join(respondent.raw)
    mediator_again = await joined(w["cookies"]["mediator"], w["key"])
    seen = mediator_again.replayed[0]
    assert seen["body"]["text"] == "something out of line" and seen["moderation"]["reason"] == "personal insult"
    for ws in (mediator, claimant, respondent, mediator_again):
        await ws.close()


# --- revocation and read-only states -------------------------------------------------------------------------

async def test_removing_an_agent_closes_their_socket(session_world):
    from portal.models import Agent

    w = session_world
    agent = await joined(w["cookies"]["agent"], w["key"])
    await sync_to_async(Agent.objects.filter(user=w["agent"]).delete)()
    assert (await agent.until("_close"))["code"] == 4403


async def test_access_is_rechecked_on_every_frame(session_world):
    from portal.models import Party

    w = session_world
    respondent = await joined(w["cookies"]["respondent"], w["key"])
    # A change that sends no signal (queryset update): the next frame finds it.
    await sync_to_async(Party.objects.filter(user=w["respondent"]).update)(user=None)
    await respondent.send({"type": "message", "client_id": "x", "text": "still here?"})
    assert (await respondent.until("_close"))["code"] == 4403
    assert not await sync_to_async(RoomMessage.objects.exists)()


async def test_logging_out_closes_the_socket_on_its_next_frame(session_world):
    from django.contrib.sessions.models import Session

    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    await sync_to_async(Session.objects.filter(session_key=w["cookies"]["claimant"]).delete)()
    await claimant.send({"type": "ping"})
    assert (await claimant.until("_close"))["code"] == 4403


async def test_rooms_are_read_only_history_outside_the_session_states(session_world):
    from mediation import services

    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    await claimant.say("before", "b1")
    await sync_to_async(services.suspend)(mediation=w["mediation"], by=w["mediator"], reason="休会")
    state = await claimant.until("room")
    assert state["writable"] is False and state["state"] == "suspended"
    await claimant.send({"type": "message", "client_id": "b2", "text": "after"})
    assert (await claimant.until("error"))["code"] == "read_only"
    history = await joined(w["cookies"]["respondent"], w["key"])
    assert [m["body"]["text"] for m in history.replayed] == ["before"]
    await sync_to_async(services.resume)(mediation=w["mediation"], by=w["mediator"])
    await claimant.until("room", writable=True)
    assert (await claimant.say("after", "b2"))["seq"] == 2
    await claimant.close()
    await history.close()


async def test_the_referring_courts_clerk_sees_the_case_but_no_room(session_world):
    from portal.rules import can_view_case

    w = session_world
    assert await sync_to_async(can_view_case)(w["clerk"], w["case"])
    assert await refused(w["cookies"]["clerk"], w["key"]) == 4404
