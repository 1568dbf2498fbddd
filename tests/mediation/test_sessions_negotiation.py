"""Offers in the joint room and double-blind bidding over the WebSocket."""

from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async

from mediation.models import BlindBid, Offer
from mediation.sessions.negotiation import accepted_offer_terms
from tests.mediation.sessions_support import joined

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


async def _offer(ws, client_id, amount, terms=""):
    await ws.send({"type": "offer.make", "client_id": client_id, "amount": amount, "terms": terms})
    await ws.until("ack", client_id=client_id)
    return (await ws.until("message", kind="offer", client_id=client_id))["body"]


@pytest.mark.asyncio
async def test_offer_is_accepted_by_the_other_side_and_prefills_the_agreement(session_world):
    w = session_world
    respondent = await joined(w["cookies"]["respondent"], w["key"])
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    offer = await _offer(respondent, "o1", "30000", "30 日内一次性付清，下架全部链接")
    assert offer["action"] == "propose" and offer["side"] == "respondent" and offer["amount"] == "30000.00"
    seen = await claimant.until("message", kind="offer")
    assert seen["body"]["offer"] == offer["offer"]

    await respondent.send({"type": "offer.answer", "client_id": "a0", "offer": offer["offer"], "action": "accept"})
    assert (await respondent.until("error"))["code"] == "forbidden"  # one's own offer is not for oneself to accept
    await claimant.send({"type": "offer.answer", "client_id": "a1", "offer": offer["offer"], "action": "accept"})
    await claimant.until("ack", client_id="a1")
    answer = await respondent.until("message", kind="offer", client_id="a1")
    assert answer["body"]["action"] == "accept" and answer["body"]["status"] == "accepted"
    await claimant.send({"type": "offer.answer", "client_id": "a2", "offer": offer["offer"], "action": "reject"})
    assert (await claimant.until("error"))["code"] == "conflict"

    terms = await sync_to_async(accepted_offer_terms)(w["mediation"])
    assert terms == {"payment_amount": Decimal("30000.00"), "other": "30 日内一次性付清，下架全部链接"}
    await respondent.close()
    await claimant.close()


@pytest.mark.asyncio
async def test_offers_are_rejected_and_countered(session_world):
    w = session_world
    respondent = await joined(w["cookies"]["respondent"], w["key"])
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    first = await _offer(respondent, "o1", "10000")
    await claimant.send({"type": "offer.answer", "client_id": "r1", "offer": first["offer"], "action": "reject"})
    await claimant.until("ack", client_id="r1")
    second = await _offer(respondent, "o2", "20000")
    await claimant.send({"type": "offer.answer", "client_id": "c1", "offer": second["offer"], "action": "counter"})
    assert (await claimant.until("error"))["code"] == "invalid"  # a counter needs an amount
    await claimant.send({"type": "offer.answer", "client_id": "c2", "offer": second["offer"], "action": "counter",
                         "amount": "40000", "terms": "含维权合理开支"})
    await claimant.until("ack", client_id="c2")
    counter = (await respondent.until("message", kind="offer", client_id="c2"))["body"]
    assert counter["action"] == "counter" and counter["parent"] == second["offer"] and counter["side"] == "claimant"

    statuses = await sync_to_async(lambda: dict(Offer.objects.values_list("amount", "status")))()
    assert statuses == {Decimal("10000.00"): "rejected", Decimal("20000.00"): "countered",
                        Decimal("40000.00"): "proposed"}
    assert await sync_to_async(accepted_offer_terms)(w["mediation"]) is None
    await respondent.send({"type": "offer.answer", "client_id": "a1", "offer": counter["offer"], "action": "accept"})
    await respondent.until("ack", client_id="a1")
    assert (await sync_to_async(accepted_offer_terms)(w["mediation"]))["payment_amount"] == Decimal("40000.00")
    await respondent.close()
    await claimant.close()


@pytest.mark.asyncio
async def test_offers_are_made_by_parties_in_the_joint_room_only(session_world):
    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    await mediator.send({"type": "offer.make", "client_id": "m1", "amount": "1"})
    assert (await mediator.until("error"))["code"] == "forbidden"
    await mediator.send({"type": "caucus.open", "side": "claimant"})
    await mediator.until("done")
    caucus = await joined(w["cookies"]["claimant"], w["key"], "claimant")
    await caucus.send({"type": "offer.make", "client_id": "c1", "amount": "1"})
    assert (await caucus.until("error"))["code"] == "wrong_room"
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    for bad in ("-5", "0", "1.234", "abc", "NaN", True, None, "1e30"):
        await claimant.send({"type": "offer.make", "client_id": "c2", "amount": bad})
        assert (await claimant.until("error"))["code"] == "invalid", bad
    assert not await sync_to_async(Offer.objects.exists)()
    for ws in (mediator, caucus, claimant):
        await ws.close()


def test_agreement_form_is_prefilled_from_the_accepted_offer(session_world, client):
    from mediation.sessions import negotiation, rooms
    from mediation.sessions.access import room_access
    from tests.conftest import verified_client

    w = session_world
    room = rooms.joint_room(w["mediation"])
    message, _ = negotiation.make_offer(room=room, by=w["respondent"], client_id="o1", amount="25000", terms="分两期",
                                        access=room_access(w["mediation"], w["respondent"], "joint"))
    negotiation.answer_offer(room=room, by=w["claimant"], client_id="a1", offer_id=message.body["offer"],
                             action="accept", access=room_access(w["mediation"], w["claimant"], "joint"))
    page = verified_client(client, w["mediator"]).get(f"/mediation/{w['key']}/")
    form = page.context["terms_form"]
    assert form.initial["payment_amount"] == Decimal("25000.00") and form.initial["other"] == "分两期"
    assert 'value="25000.00"' in page.content.decode()


# --- double-blind bidding -------------------------------------------------------------------------------------

async def _blind_round(w, *, gap, ask, offer):
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    await mediator.send({"type": "caucus.open", "side": "claimant"})
    await mediator.send({"type": "caucus.open", "side": "respondent"})
    await mediator.until("done", side="claimant")
    await mediator.until("done", side="respondent")
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    claimant_caucus = await joined(w["cookies"]["claimant"], w["key"], "claimant")
    respondent = await joined(w["cookies"]["respondent"], w["key"])
    respondent_caucus = await joined(w["cookies"]["respondent"], w["key"], "respondent")
    agent = await joined(w["cookies"]["agent"], w["key"])
    await mediator.send({"type": "blind_bid.configure", "gap": gap})
    assert (await mediator.until("done", frame="blind_bid.configure"))["round"] == 1
    await claimant_caucus.send({"type": "blind_bid.submit", "amount": ask})  # from the caucus…
    assert (await claimant_caucus.until("done"))["round"] == 1
    await respondent.send({"type": "blind_bid.submit", "amount": offer})      # …or from the joint room
    assert (await respondent.until("done"))["round"] == 1
    result = await claimant.until("message", kind="system")
    while result["body"]["event"] != "blind_bid.result":
        result = await claimant.until("message", kind="system")
    sockets = {"mediator": mediator, "claimant": claimant, "claimant_caucus": claimant_caucus,
               "respondent": respondent, "respondent_caucus": respondent_caucus, "agent": agent}
    for ws in sockets.values():
        await ws.drain()
    return result["body"], sockets


async def _close_all(sockets):
    for ws in sockets.values():
        await ws.close()


@pytest.mark.asyncio
async def test_overlapping_blind_figures_propose_the_midpoint(session_world):
    result, sockets = await _blind_round(session_world, gap="0", ask="80000", offer="120000")
    assert result == {"event": "blind_bid.result", "round": 1, "outcome": "midpoint", "amount": "100000.00"}
    bid = await sync_to_async(BlindBid.objects.get)()
    assert bid.status == "settled" and bid.midpoint == Decimal("100000.00")
    await _close_all(sockets)


@pytest.mark.asyncio
async def test_blind_figures_within_the_gap_propose_the_midpoint(session_world):
    result, sockets = await _blind_round(session_world, gap="5000", ask="103000", offer="100000")
    assert result["outcome"] == "midpoint" and result["amount"] == "101500.00"
    await _close_all(sockets)


@pytest.mark.asyncio
async def test_blind_figures_apart_say_only_no_deal_and_never_reveal_the_other_figure(session_world):
    ask, offer = "987654.32", "123456.78"
    result, sockets = await _blind_round(session_world, gap="1000", ask=ask, offer=offer)
    assert result == {"event": "blind_bid.result", "round": 1, "outcome": "no_deal"}
    respondent_side = "".join(sockets["respondent"].raw + sockets["respondent_caucus"].raw + sockets["agent"].raw)
    claimant_side = "".join(sockets["claimant"].raw + sockets["claimant_caucus"].raw)
    assert "987654" not in respondent_side  # the claimant's ask never reaches the respondent's side
    assert "123456" not in claimant_side    # the respondent's offer never reaches the claimant's side
    # Nobody's frames carry a figure, not even the mediator's or one's own.
    everything = "".join(raw for ws in sockets.values() for raw in ws.raw)
    assert "987654" not in everything and "123456" not in everything
    bid = await sync_to_async(BlindBid.objects.get)()
    assert (bid.claimant_figure, bid.respondent_figure, bid.status) == (Decimal(ask), Decimal(offer), "no_deal")
    await _close_all(sockets)


@pytest.mark.asyncio
async def test_each_side_submits_once_per_round_and_only_parties_submit(session_world):
    w = session_world
    mediator = await joined(w["cookies"]["mediator"], w["key"])
    claimant = await joined(w["cookies"]["claimant"], w["key"])
    await claimant.send({"type": "blind_bid.submit", "amount": "100"})
    assert (await claimant.until("error"))["code"] == "not_found"  # no round open yet
    await mediator.send({"type": "blind_bid.configure", "gap": "10"})
    await mediator.until("done")
    await mediator.send({"type": "blind_bid.submit", "amount": "100"})
    assert (await mediator.until("error"))["code"] == "forbidden"
    await claimant.send({"type": "blind_bid.submit", "amount": "100"})
    await claimant.until("done")
    await claimant.send({"type": "blind_bid.submit", "amount": "90"})
    error = await claimant.until("error")
    assert error["code"] == "conflict" and "100" not in error["message"]
    await mediator.close()
    await claimant.close()
