"""Hostile frames on the live session WebSocket (docs/sessions.md).

Valid hostile text (XSS, template, SQL-ish, odd Unicode, control characters)
is a message like any other: stored exactly and delivered exactly (the page
puts it in with textContent: tests/security/test_xss_browser.py). Everything
else gets an `error` frame with a documented code, stores nothing, and leaves
the connection open and usable: malformed JSON, JSON nested too deep, wrong
types, NUL characters and lone surrogates (which no database text column or
JSON document can hold), over-long text, oversized frames, hostile client ids.
"""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from mediation.models import Offer, RoomMessage
from tests.mediation.sessions_support import joined
from tests.security import corpora

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

#: The codes docs/sessions.md lists for `error` frames.
DOCUMENTED_CODES = {"rate_limited", "frame_too_large", "malformed", "unknown_type", "invalid", "forbidden",
                    "read_only", "muted", "not_found", "conflict", "wrong_room"}


@pytest.fixture
def session_world(transactional_db, django_capture_on_commit_callbacks, settings):
    from tests.mediation.sessions_support import build_session_world

    settings.SESSION_RATE_PER_SEC, settings.SESSION_RATE_BURST = 10_000, 10_000  # hundreds of frames per test
    return build_session_world(django_capture_on_commit_callbacks)


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


async def count(model) -> int:
    return await sync_to_async(model.objects.count)()


async def refused_frame(ws, raw: str, codes: set[str], label: str, failures: list[str]) -> None:
    """Send one raw text frame: it must get an error frame with one of `codes`
    (the connection open) and create no message."""
    before = await count(RoomMessage)
    await ws.send_raw(raw)
    frame = await ws.next(timeout=5)
    if frame["type"] != "error":
        failures.append(f"{label}: got {frame}")
        return
    if frame["code"] not in codes or frame["code"] not in DOCUMENTED_CODES or not frame.get("message"):
        failures.append(f"{label}: error {frame}")
    if await count(RoomMessage) != before:
        failures.append(f"{label}: a message was stored")


def escaped_json(frame: dict, key: str, escape: str) -> str:
    """The JSON text of `frame` with a raw JSON escape inside the string at `key`."""
    marker = "@@HOSTILE@@"
    return json.dumps({**frame, key: f"a{marker}b"}).replace(marker, escape)


async def test_hostile_text_is_stored_and_delivered_exactly(session_world):
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    failures = []
    for n, text in enumerate(corpora.TEXTS + [corpora.combined(), "长" * 4000]):
        # As a browser sends it: UTF-8, not \u escapes (4000 CJK characters fit a frame only so).
        await claimant.send_raw(json.dumps({"type": "message", "client_id": f"hostile-{n}", "text": text},
                                           ensure_ascii=False))
        ack = await claimant.until("ack", client_id=f"hostile-{n}")
        heard = await mediator.until("message", client_id=f"hostile-{n}")
        stored = await sync_to_async(RoomMessage.objects.get)(room__mediation=w["mediation"], seq=ack["seq"])
        if stored.body["text"] != text or heard["body"]["text"] != text:
            failures.append(f"{text[:40]!r}: stored {stored.body['text'][:40]!r}, heard {heard['body']['text'][:40]!r}")
    await claimant.close()
    await mediator.close()
    assert not failures, failures


async def test_malformed_and_refused_frames_get_an_error_and_the_socket_stays_usable(session_world, settings):
    w = session_world
    ws = await joined(w["cookies"]["claimant"], w["key"])
    failures: list[str] = []
    message = {"type": "message", "client_id": "c-1", "text": "你好"}
    cases = [
        # not a frame
        ("not JSON", "{not json", {"malformed"}),
        ("truncated", '{"type": "message", "text": "', {"malformed"}),
        ("a list", '["message"]', {"malformed"}),
        ("a string", '"message"', {"malformed"}),
        ("null", "null", {"malformed"}),
        ("no type", '{"text": "hi"}', {"malformed"}),
        ("type not a string", '{"type": 1}', {"malformed"}),
        ("type an object", '{"type": {"$ne": null}}', {"malformed"}),
        ("nested too deep", "[" * 5000 + "]" * 5000, {"malformed"}),
        ("object nested too deep", '{"type": "message", "text": ' + "[" * 5000 + "]" * 5000 + "}", {"malformed"}),
        ("unknown type", '{"type": "__proto__"}', {"unknown_type"}),
        ("type with NUL", '{"type": "message\\u0000"}', {"unknown_type", "invalid"}),
        ("type with markup", '{"type": "<script>window.__xss=1</script>"}', {"unknown_type"}),
        # message text
        ("text NUL", escaped_json(message, "text", corpora.NUL_JSON), {"invalid"}),
        ("text lone surrogate", escaped_json(message, "text", corpora.LONE_SURROGATE_JSON), {"invalid"}),
        ("text reversed surrogates", escaped_json(message, "text", "\\udc00\\ud800"), {"invalid"}),
        ("text too long", json.dumps({**message, "text": "x" * 4001}), {"invalid"}),
        ("text empty", json.dumps({**message, "text": " \n\t "}), {"invalid"}),
        ("text a number", json.dumps({**message, "text": 12}), {"invalid"}),
        ("text a list", json.dumps({**message, "text": ["a"]}), {"invalid"}),
        ("text null", json.dumps({**message, "text": None}), {"invalid"}),
        ("text an object", json.dumps({**message, "text": {"$gt": ""}}), {"invalid"}),
        ("frame too large", json.dumps({**message, "text": "长" * 6000}), {"frame_too_large"}),
        # client ids
        *[(f"client_id {cid!r}", json.dumps({**message, "client_id": cid}), {"invalid"})
          for cid in ("<script>", "../../x", "' OR 1=1--", "x" * 65, "", "a b", "键")],
        ("client_id NUL", escaped_json(message, "client_id", corpora.NUL_JSON), {"invalid"}),
        ("client_id a number", json.dumps({**message, "client_id": 7}), {"invalid"}),
        # offers
        *[(f"offer amount {amount!r}", json.dumps({"type": "offer.make", "client_id": "o-1", "amount": amount}),
           {"invalid"}) for amount in ("1 OR 1=1", "NaN", "-1", "1e400", "1.001", True, None, [1], "０")],
        ("offer amount NaN literal", '{"type": "offer.make", "client_id": "o-2", "amount": NaN}', {"invalid"}),
        ("offer amount Infinity", '{"type": "offer.make", "client_id": "o-3", "amount": Infinity}', {"invalid"}),
        ("offer amount huge", '{"type": "offer.make", "client_id": "o-4", "amount": 1' + "0" * 400 + "}",
         {"invalid"}),
        ("offer terms NUL", escaped_json({"type": "offer.make", "client_id": "o-5", "amount": "100"}, "terms",
                                         corpora.NUL_JSON), {"invalid"}),
        ("offer terms surrogate", escaped_json({"type": "offer.make", "client_id": "o-6", "amount": "100"}, "terms",
                                               corpora.LONE_SURROGATE_JSON), {"invalid"}),
        ("offer terms too long", json.dumps({"type": "offer.make", "client_id": "o-7", "amount": "100",
                                             "terms": "x" * 2001}), {"invalid"}),
        ("answer a hostile offer id", json.dumps({"type": "offer.answer", "client_id": "o-8", "offer": "1 OR 1=1",
                                                  "action": "accept"}), {"invalid"}),
        ("answer with a hostile action", json.dumps({"type": "offer.answer", "client_id": "o-9", "offer": 1,
                                                     "action": "<script>"}), {"invalid"}),
        # other frames
        ("read a string", json.dumps({"type": "read", "seq": "1 OR 1=1"}), {"invalid"}),
        ("hello a negative", json.dumps({"type": "hello", "last_seq": -1}), {"invalid"}),
        ("hello a float", json.dumps({"type": "hello", "last_seq": 1.5}), {"invalid"}),
        ("moderate as a party", json.dumps({"type": "moderate.hide", "seq": 1, "reason": "x"}), {"forbidden"}),
        ("caucus for a hostile side", json.dumps({"type": "caucus.open", "side": "' OR 1=1--"}), {"forbidden"}),
    ]
    for label, raw, codes in cases:
        await refused_frame(ws, raw, codes, label, failures)
    await ws.communicator.send_to(bytes_data=b"\x00{}")
    frame = await ws.next()
    if frame.get("code") != "malformed":
        failures.append(f"binary frame: {frame}")
    offers = await count(Offer)
    ack = await ws.say("仍然可以发言", "after-all-that")  # the connection is still open and usable
    if ack["duplicate"] or offers != 0:
        failures.append(f"after the refusals: {ack}, {offers} offers")
    await ws.close()
    assert not failures, "\n".join(failures)


async def test_the_mediator_s_reasons_are_checked_too(session_world):
    w = session_world
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    ack = await claimant.say("一条会被隐藏的消息", "to-hide")
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    failures: list[str] = []
    for label, escape in (("NUL", corpora.NUL_JSON), ("surrogate", corpora.LONE_SURROGATE_JSON)):
        await refused_frame(mediator, escaped_json({"type": "moderate.hide", "seq": ack["seq"]}, "reason", escape),
                            {"invalid"}, f"hide reason {label}", failures)
        await refused_frame(mediator, escaped_json({"type": "moderate.mute", "user": w["claimant"].pk}, "reason",
                                                   escape), {"invalid"}, f"mute reason {label}", failures)
    await refused_frame(mediator, json.dumps({"type": "moderate.hide", "seq": ack["seq"], "reason": "x" * 501}),
                        {"invalid"}, "hide reason too long", failures)
    hidden = await sync_to_async(RoomMessage.objects.get)(room__mediation=w["mediation"], seq=ack["seq"])
    if hidden.hidden:
        failures.append("hidden on a refused reason")
    await mediator.send({"type": "moderate.hide", "seq": ack["seq"], "reason": corpora.XSS[0]})
    await mediator.until("done", frame="moderate.hide")
    hidden = await sync_to_async(RoomMessage.objects.get)(room__mediation=w["mediation"], seq=ack["seq"])
    if hidden.hidden_reason != corpora.XSS[0]:
        failures.append(f"hide reason stored as {hidden.hidden_reason!r}")
    await claimant.close()
    await mediator.close()
    assert not failures, "\n".join(failures)
