"""Online hearings in the live session rooms (arbitration.hearing_rooms):
opening and ending the room, who may enter, what they may do there, the
transcript as part of the hearing's record, and the refusals."""

import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from arbitration import hearing_rooms, services
from arbitration.models import Arbitration, Hearing, TribunalMember
from mediation.models import RoomMessage, SessionRoom, Transcript
from mediation.sessions import rooms
from portal.models import Agent, Case, CaseEvent, Party
from tests.arbitration.helpers import in_proceedings, make_world
from tests.conftest import verified_client
from tests.factories import ClerkFactory, MediatorFactory, UserFactory


def hearing_world(capture_on_commit, *, starts_in=timedelta(minutes=30), mode="online") -> dict:
    w = make_world(capture_on_commit, amount=Decimal("6000000"))  # ordinary procedure: three arbitrators
    in_proceedings(w)
    w["co"] = next(m.arbitrator for m in w["members"] if m.role == "co")
    w["outside_arbitrator"] = w["arbitrators"][3]
    w["agent"] = UserFactory(full_name="被申请人代理律师")
    case = w["case"]
    Agent.objects.create(case=case, party=case.parties.get(side=Party.Side.RESPONDENT), name="律师",
                         email=w["agent"].email, user=w["agent"])
    w["outsider"], w["mediator"], w["clerk"] = UserFactory(), MediatorFactory(), ClerkFactory()
    Case.objects.filter(pk=case.pk).update(referring_court=w["clerk"].court)
    with capture_on_commit(execute=True):
        w["hearing"] = services.schedule_hearing(
            arbitration=w["arbitration"], by=w["presiding"], mode=mode, starts_at=timezone.now() + starts_in,
            location="" if mode == "online" else "杭州市西湖区仲裁中心第一庭")
    w["key"] = case.number
    return w


@pytest.fixture
def hw(db, django_capture_on_commit_callbacks):
    return hearing_world(django_capture_on_commit_callbacks)


def reload(hearing) -> Hearing:
    return Hearing.objects.select_related("room", "arbitration__case").get(pk=hearing.pk)


# --- opening the room ---------------------------------------------------------------------------

def test_presiding_arbitrator_opens_the_room_once(hw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        room = hearing_rooms.open_room(hearing=hw["hearing"], by=hw["presiding"])
    assert room.process == "arbitration" and room.kind == "hearing" and room.status == "open"
    assert room.case_id == hw["case"].pk and room.name == f"hearing-{hw['hearing'].pk}" and room.mediation is None
    assert reload(hw["hearing"]).room == room
    assert hearing_rooms.open_room(hearing=hw["hearing"], by=hw["presiding"]) == room  # already open: nothing new
    assert list(room.messages.values_list("body__event", flat=True)) == ["hearing.opened"]
    assert CaseEvent.objects.filter(case=hw["case"], transition="open_hearing_room").count() == 1
    # Everyone on the case is told, with a link into the room.
    from portal.models import Notification

    url = reverse("arbitration_hearing_room", args=[hw["key"], hw["hearing"].pk])
    told = set(Notification.objects.filter(url=url).values_list("user_id", flat=True))
    assert {hw["claimant"].pk, hw["respondent"].pk, hw["co"].pk, hw["manager"].pk} <= told
    assert hw["outsider"].pk not in told


@pytest.mark.parametrize("who", ["co", "claimant", "respondent", "manager", "outside_arbitrator"])
def test_only_the_presiding_arbitrator_opens_the_room(hw, who):
    with pytest.raises(ValidationError) as refused:
        hearing_rooms.open_room(hearing=hw["hearing"], by=hw[who])
    assert refused.value.code == "forbidden"
    assert not SessionRoom.objects.filter(case=hw["case"]).exists()


def test_room_opens_at_most_an_hour_before_the_start(db, django_capture_on_commit_callbacks):
    w = hearing_world(django_capture_on_commit_callbacks, starts_in=timedelta(hours=3))
    with pytest.raises(ValidationError) as refused:
        hearing_rooms.open_room(hearing=w["hearing"], by=w["presiding"])
    assert refused.value.code == "too_early"
    Hearing.objects.filter(pk=w["hearing"].pk).update(starts_at=timezone.now() + timedelta(minutes=59))
    assert hearing_rooms.open_room(hearing=reload(w["hearing"]), by=w["presiding"]).status == "open"


def test_an_in_person_hearing_has_no_room(db, django_capture_on_commit_callbacks):
    w = hearing_world(django_capture_on_commit_callbacks, mode="in_person")
    with pytest.raises(ValidationError) as refused:
        hearing_rooms.open_room(hearing=w["hearing"], by=w["presiding"])
    assert refused.value.code == "not_online"


def test_a_cancelled_hearing_has_no_room_and_an_opened_one_cannot_be_cancelled(hw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_hearing(hearing=hw["hearing"], by=hw["presiding"])
    with pytest.raises(ValidationError) as refused:
        hearing_rooms.open_room(hearing=reload(hw["hearing"]), by=hw["presiding"])
    assert refused.value.code == "wrong_state"

    with django_capture_on_commit_callbacks(execute=True):
        other = services.schedule_hearing(arbitration=hw["arbitration"], by=hw["presiding"], mode="online",
                                          starts_at=timezone.now() + timedelta(minutes=20))
    hearing_rooms.open_room(hearing=other, by=hw["presiding"])
    with pytest.raises(ValidationError):
        services.cancel_hearing(hearing=reload(other), by=hw["presiding"])
    assert not reload(other).cancelled


def test_no_room_outside_the_proceedings(hw, django_capture_on_commit_callbacks):
    services.transition(arbitration=hw["arbitration"], name="close_proceedings", by=hw["presiding"])
    with pytest.raises(ValidationError) as refused:
        hearing_rooms.open_room(hearing=reload(hw["hearing"]), by=hw["presiding"])
    assert refused.value.code == "wrong_state"


# --- ending it: the transcript and the record ------------------------------------------------------

def _say(room, user, text, n):
    return rooms.post_text(room=SessionRoom.objects.select_related("case").get(pk=room.pk), author=user,
                           client_id=f"c{n}", text=text)


def test_ending_the_hearing_makes_a_signed_transcript_and_the_record_lists_it(hw, django_capture_on_commit_callbacks,
                                                                               tmp_path):
    room = hearing_rooms.open_room(hearing=hw["hearing"], by=hw["presiding"])
    _say(room, hw["presiding"], "请申请人陈述仲裁请求。", 1)
    _say(room, hw["claimant"], "请求被申请人停止侵权并赔偿损失。", 2)
    _say(room, hw["agent"], "被申请人不同意。", 3)

    # The record cannot be kept while the room is open.
    Hearing.objects.filter(pk=hw["hearing"].pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError) as refused:
        services.record_hearing(hearing=reload(hw["hearing"]), by=hw["presiding"], record="庭审笔录正文")
    assert refused.value.code == "room_open"

    with pytest.raises(ValidationError) as refused:
        hearing_rooms.end_hearing(hearing=hw["hearing"], by=hw["co"])
    assert refused.value.code == "forbidden"
    with django_capture_on_commit_callbacks(execute=True):
        hearing_rooms.end_hearing(hearing=hw["hearing"], by=hw["presiding"])
    room.refresh_from_db()
    assert room.status == "closed"
    transcript = Transcript.objects.get(room=room)
    assert (transcript.from_seq, transcript.to_seq) == (1, 5)  # opened, three messages, ended
    assert transcript.item.case_id == hw["case"].pk and transcript.item.private_to_side == ""
    pdf = tmp_path / "transcript.pdf"
    pdf.write_bytes(transcript.item.file.open("rb").read())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "网上庭审记录" in text and "请求被申请人停止侵权并赔偿损失" in text and "首席仲裁员" in text
    with pytest.raises(ValidationError):  # ending twice
        hearing_rooms.end_hearing(hearing=hw["hearing"], by=hw["presiding"])

    hearing = services.record_hearing(hearing=reload(hw["hearing"]), by=hw["presiding"], record="庭审笔录正文")
    record = tmp_path / "record.pdf"
    record.write_bytes(hearing.record_item.file.open("rb").read())
    text = subprocess.run(["pdftotext", str(record), "-"], capture_output=True, text=True, check=True).stdout
    assert transcript.item.sha256[:32] in text.replace("\n", "")
    # Once the record is kept, the room does not open again.
    with pytest.raises(ValidationError):
        hearing_rooms.open_room(hearing=reload(hw["hearing"]), by=hw["presiding"])


def test_record_waits_for_the_transcript(hw):
    room = hearing_rooms.open_room(hearing=hw["hearing"], by=hw["presiding"])
    _say(room, hw["claimant"], "陈述。", 1)
    rooms.set_status(room, SessionRoom.Status.CLOSED)  # closed, but no transcript made yet
    Hearing.objects.filter(pk=hw["hearing"].pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError) as refused:
        services.record_hearing(hearing=reload(hw["hearing"]), by=hw["presiding"], record="笔录")
    assert refused.value.code == "transcript_pending"


def test_leaving_the_proceedings_closes_the_room_and_transcribes_it(hw, django_capture_on_commit_callbacks):
    room = hearing_rooms.open_room(hearing=hw["hearing"], by=hw["presiding"])
    _say(room, hw["respondent"], "最后陈述。", 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(arbitration=hw["arbitration"], name="close_proceedings", by=hw["presiding"])
    room.refresh_from_db()
    assert room.status == "closed"
    assert Transcript.objects.filter(room=room, to_seq=room.head).exists()
    assert not hearing_rooms.room_is_live(reload(hw["hearing"]))


# --- pages -----------------------------------------------------------------------------------------

def test_room_page_and_transcripts_only_for_people_of_the_hearing(hw, client, django_capture_on_commit_callbacks):
    page = reverse("arbitration_hearing_room", args=[hw["key"], hw["hearing"].pk])
    assert verified_client(client, hw["claimant"]).get(page).status_code == 404  # no room yet
    client.logout()
    room = hearing_rooms.open_room(hearing=hw["hearing"], by=hw["presiding"])
    _say(room, hw["claimant"], "陈述。", 1)
    with django_capture_on_commit_callbacks(execute=True):
        hearing_rooms.end_hearing(hearing=hw["hearing"], by=hw["presiding"])
    transcript = Transcript.objects.get(room=room)
    download = reverse("arbitration_hearing_transcript", args=[hw["key"], hw["hearing"].pk, transcript.pk])
    for who in ("claimant", "respondent", "agent", "presiding", "co", "manager"):
        c = verified_client(client, hw[who])
        response = c.get(page)
        assert response.status_code == 200, who
        assert f'data-ws-path="/ws/arbitration/{hw["key"]}/hearing/{hw["hearing"].pk}/"' in response.content.decode()
        assert (b'data-moderator="1"' in response.content) == (who == "presiding"), who
        assert c.get(download).status_code == 200, who
        client.logout()
    for who in ("outsider", "outside_arbitrator", "mediator", "clerk"):
        c = verified_client(client, hw[who])
        assert c.get(page).status_code == 404, who
        assert c.get(download).status_code == 404, who
        client.logout()
    other = reverse("arbitration_hearing_transcript", args=[hw["key"], hw["hearing"].pk, transcript.pk + 1000])
    assert verified_client(client, hw["claimant"]).get(other).status_code == 404


def test_panel_offers_the_room_to_the_presiding_arbitrator_and_the_link_to_everyone(hw, client):
    panel = reverse("arbitration_panel", args=[hw["key"]])
    open_action = reverse("arbitration_action", args=[hw["key"], "open_hearing_room"])
    presiding = verified_client(client, hw["presiding"])
    assert open_action in presiding.get(panel).content.decode()
    response = presiding.post(open_action, {"hearing": hw["hearing"].pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("arbitration_hearing_room", args=[hw["key"], hw["hearing"].pk])
    client.logout()
    party = verified_client(client, hw["claimant"])
    body = party.get(panel).content.decode()
    assert reverse("arbitration_hearing_room", args=[hw["key"], hw["hearing"].pk]) in body
    assert open_action not in body
    # A party posting the action anyway is refused and nothing changes.
    assert party.post(reverse("arbitration_action", args=[hw["key"], "end_online_hearing"]),
                      {"hearing": hw["hearing"].pk}).status_code in (302, 403)
    assert reload(hw["hearing"]).room.status == "open"


# --- the socket --------------------------------------------------------------------------------------

@pytest.fixture
def live_hw(transactional_db, django_capture_on_commit_callbacks):
    from tests.mediation.sessions_support import cookie_for

    w = hearing_world(django_capture_on_commit_callbacks)
    hearing_rooms.open_room(hearing=w["hearing"], by=w["presiding"])
    w["path"] = f"/ws/arbitration/{w['key']}/hearing/{w['hearing'].pk}/"
    w["cookies"] = {name: cookie_for(w[name]) for name in (
        "claimant", "respondent", "agent", "presiding", "co", "manager", "outsider", "outside_arbitrator", "mediator",
        "clerk")}
    return w


live = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


@pytest.mark.parametrize("who, role, side, moderator, writable", [
    ("claimant", "party", "claimant", False, True), ("respondent", "party", "respondent", False, True),
    ("agent", "party", "respondent", False, True), ("presiding", "arbitrator", "", True, True),
    ("co", "arbitrator", "", False, True), ("manager", "observer", "", False, False)])
@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_people_of_the_hearing_enter_in_their_role(live_hw, who, role, side, moderator, writable):
    from tests.mediation.sessions_support import joined

    ws = await joined(live_hw["cookies"][who], live_hw["key"], path=live_hw["path"])
    assert ws.welcome["you"]["role"] == role and ws.welcome["you"]["side"] == side
    assert ws.welcome["room"]["process"] == "arbitration" and ws.welcome["room"]["kind"] == "hearing"
    assert ws.welcome["room"]["writable"] is writable and ws.welcome["room"]["state"] == "proceedings"
    assert [m["body"]["event"] for m in ws.replayed] == ["hearing.opened"]
    await ws.close()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_everyone_else_is_told_the_room_does_not_exist(live_hw):
    from tests.mediation.sessions_support import refused

    w = live_hw
    for who in ("outsider", "outside_arbitrator", "mediator", "clerk"):
        assert await refused(w["cookies"][who], w["key"], path=w["path"]) == 4404, who
    assert await refused(None, w["key"], path=w["path"]) == 4401
    other = await sync_to_async(lambda: Hearing.objects.create(
        arbitration=w["arbitration"], uid="x@ipdr", mode="online", starts_at=timezone.now(),
        scheduled_by=w["presiding"]))()
    # A hearing with no room yet, and a hearing of another case, do not exist either.
    assert await refused(w["cookies"]["claimant"], w["key"], path=f"/ws/arbitration/{w['key']}/hearing/{other.pk}/") \
        == 4404
    assert await refused(w["cookies"]["claimant"], "ZJIP-A-2099-999999",
                         path=f"/ws/arbitration/ZJIP-A-2099-999999/hearing/{w['hearing'].pk}/") == 4404


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_a_hearing_in_the_room(live_hw):
    from tests.mediation.sessions_support import joined

    w = live_hw
    presiding = await joined(w["cookies"]["presiding"], w["key"], path=w["path"])
    claimant = await joined(w["cookies"]["claimant"], w["key"], path=w["path"])
    co = await joined(w["cookies"]["co"], w["key"], path=w["path"])
    manager = await joined(w["cookies"]["manager"], w["key"], path=w["path"])

    ack = await presiding.say("现在开庭。", "p1")
    heard = await claimant.until("message", seq=ack["seq"])
    assert heard["body"] == {"text": "现在开庭。"} and heard["author"]["role"] == "arbitrator"
    ack = await claimant.say("申请人到庭。", "c1")
    heard = await co.until("message", seq=ack["seq"])
    assert heard["author"]["side"] == "claimant"
    assert (await manager.until("message", seq=ack["seq"]))["body"]["text"] == "申请人到庭。"

    # Mediation's offers, bidding and caucuses do not exist here.
    for frame in ({"type": "offer.make", "client_id": "o1", "amount": "100"}, {"type": "caucus.open", "side": "claimant"},
                  {"type": "blind_bid.submit", "amount": "5"}):
        await claimant.send(frame)
        assert (await claimant.until("error"))["code"] == "unknown_type"
    # The observer may not post; a co-arbitrator may not moderate; the presiding arbitrator may.
    await manager.send({"type": "message", "client_id": "m1", "text": "旁听"})
    assert (await manager.until("error"))["code"] == "forbidden"
    await co.send({"type": "moderate.hide", "seq": ack["seq"], "reason": "x"})
    assert (await co.until("error"))["code"] == "forbidden"
    await claimant.send({"type": "session.end"})
    assert (await claimant.until("error"))["code"] == "forbidden"
    await presiding.send({"type": "moderate.hide", "seq": ack["seq"], "reason": "与本案无关"})
    await presiding.until("done", frame="moderate.hide")
    assert (await claimant.until("message", kind="system"))["body"]["event"] == "message.hidden"

    # The presiding arbitrator ends the hearing: read-only for everyone, and a transcript.
    await presiding.send({"type": "session.end"})
    await presiding.until("done", frame="session.end")
    state = await claimant.until("room")
    assert state["status"] == "closed" and state["writable"] is False
    await claimant.send({"type": "message", "client_id": "c2", "text": "还有一点。"})
    assert (await claimant.until("error"))["code"] == "read_only"
    transcript = await claimant.until("transcript")
    assert transcript["url"] == reverse("arbitration_hearing_transcript",
                                        args=[w["key"], w["hearing"].pk, transcript["transcript"]])
    assert await sync_to_async(lambda: RoomMessage.objects.filter(room__case=w["case"], kind="text").count())() == 2
    # ... and may open it again for a further sitting.
    await presiding.send({"type": "session.start"})
    await presiding.until("done", frame="session.start")
    assert (await claimant.until("room"))["writable"] is True
    for ws in (presiding, claimant, co, manager):
        await ws.close()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_an_arbitrator_removed_after_a_challenge_loses_the_room_at_once(live_hw):
    from tests.mediation.sessions_support import joined

    w = live_hw
    co = await joined(w["cookies"]["co"], w["key"], path=w["path"])

    def remove():
        member = TribunalMember.objects.get(arbitration=w["arbitration"], arbitrator=w["co"])
        member.status = TribunalMember.Status.REMOVED
        member.save()

    await sync_to_async(remove)()
    assert (await co.until("_close"))["code"] == 4403


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fresh_channel_layer")
async def test_closing_the_proceedings_makes_the_room_read_only(live_hw):
    from tests.mediation.sessions_support import joined

    w = live_hw
    claimant = await joined(w["cookies"]["claimant"], w["key"], path=w["path"])

    def close():
        services.transition(arbitration=Arbitration.objects.get(pk=w["arbitration"].pk), name="close_proceedings",
                            by=w["presiding"])

    await sync_to_async(close)()
    state = await claimant.until("room")
    assert state["writable"] is False and state["state"] == "proceedings_closed"
    await claimant.send({"type": "message", "client_id": "late", "text": "迟到的陈述"})
    assert (await claimant.until("error"))["code"] == "read_only"
    await claimant.close()
