"""The session page, attachments and transcripts over HTTP: 404 for anyone
without a place in the room; caucus transcripts for that side and the mediator only."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mediation import services
from mediation.models import RoomMessage, SessionRoom, Transcript
from mediation.sessions import rooms
from notary.models import NotaryItem
from tests.conftest import verified_client
from tests.factories import PDF_BYTES

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")]


def as_(w, name) -> Client:
    return verified_client(Client(), w[name])


def _caucus(w, side="claimant") -> SessionRoom:
    return rooms.set_caucus(mediation=w["mediation"], by=w["mediator"], side=side, open_=True)


def _upload(client, w, room="joint", client_id="file-1", name="evidence.pdf", data=PDF_BYTES):
    return client.post(f"/mediation/{w['key']}/sessions/{room}/attachments/",
                       {"client_id": client_id, "file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_session_page_is_for_room_members_only(session_world):
    w = session_world
    _caucus(w)
    assert as_(w, "claimant").get(f"/mediation/{w['key']}/sessions/").url.endswith("/sessions/joint/")
    page = as_(w, "claimant").get(f"/mediation/{w['key']}/sessions/joint/")
    html = page.content.decode()
    assert page.status_code == 200 and f'data-ws-path="/ws/mediation/{w["key"]}/joint/"' in html
    assert 'data-room-link="claimant"' in html and 'data-room-link="respondent"' not in html
    assert "<script>" not in html and "onclick" not in html  # CSP: no inline script or handlers
    assert as_(w, "claimant").get(f"/mediation/{w['key']}/sessions/claimant/").status_code == 200
    for name in ("respondent", "agent", "manager"):
        assert as_(w, name).get(f"/mediation/{w['key']}/sessions/claimant/").status_code == 404, name
    for name in ("outsider", "other_mediator", "clerk"):
        assert as_(w, name).get(f"/mediation/{w['key']}/sessions/joint/").status_code == 404, name
    assert as_(w, "claimant").get(f"/mediation/{w['key']}/sessions/lobby/").status_code == 404
    panel = as_(w, "respondent").get(f"/mediation/{w['key']}/").content.decode()
    assert f'href="/mediation/{w["key"]}/sessions/"' in panel


def test_attachment_is_notarised_posted_and_downloadable_by_room_members(session_world):
    w = session_world
    response = _upload(as_(w, "claimant"), w)
    assert response.status_code == 201 and response.json() == {"seq": 1, "duplicate": False}
    message = RoomMessage.objects.get(seq=1)
    item = message.attachment
    assert message.kind == "attachment" and item.kind == NotaryItem.Kind.EVIDENCE and item.sha256 == message.body["sha256"]
    assert item.leaf is not None  # in the transparency log
    url = f"/mediation/{w['key']}/sessions/joint/attachments/1/"
    download = as_(w, "respondent").get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert as_(w, "outsider").get(url).status_code == 404
    # The same client_id again: the stored message, no second file.
    again = _upload(as_(w, "claimant"), w)
    assert again.json() == {"seq": 1, "duplicate": True}
    assert NotaryItem.objects.filter(kind=NotaryItem.Kind.EVIDENCE).count() == 1


def test_attachment_checks_and_refusals(session_world):
    w = session_world
    bad = _upload(as_(w, "claimant"), w, name="evil.exe", data=b"MZ\x90\x00 not allowed")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert _upload(as_(w, "manager"), w).status_code == 403  # observers do not post
    assert _upload(as_(w, "outsider"), w).status_code == 404
    assert _upload(as_(w, "respondent"), w, room="claimant").status_code == 404
    assert not RoomMessage.objects.exists()


def test_hidden_attachment_is_downloadable_by_the_mediator_only(session_world):
    w = session_world
    _upload(as_(w, "claimant"), w)
    rooms.hide_message(room=SessionRoom.objects.get(kind="joint"), by=w["mediator"], seq=1, reason="隐私")
    url = f"/mediation/{w['key']}/sessions/joint/attachments/1/"
    assert as_(w, "respondent").get(url).status_code == 404
    assert as_(w, "claimant").get(url).status_code == 404
    assert as_(w, "mediator").get(url).status_code == 200


def test_caucus_attachment_is_not_downloadable_by_the_other_side(session_world):
    w = session_world
    _caucus(w)
    assert _upload(as_(w, "claimant"), w, room="claimant").status_code == 201
    url = f"/mediation/{w['key']}/sessions/claimant/attachments/2/"
    assert as_(w, "mediator").get(url).status_code == 200
    assert as_(w, "respondent").get(url).status_code == 404
    assert as_(w, "respondent").get(url.replace("/claimant/", "/respondent/")).status_code == 404


def _pdffonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "transcript.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_ending_the_session_makes_notarised_transcripts_and_keeps_caucus_ones_private(session_world, tmp_path):
    w = session_world
    joint = rooms.joint_room(w["mediation"])
    rooms.post_text(room=joint, author=w["claimant"], client_id="j1", text="联席会谈：我方要求赔偿十万元")
    caucus = _caucus(w)
    rooms.post_text(room=caucus, author=w["claimant"], client_id="c1", text="背对背：五万元也可以接受")
    rooms.end_session(mediation=w["mediation"], by=w["mediator"])

    transcripts = {t.room.key: t for t in Transcript.objects.select_related("room", "item")}
    assert set(transcripts) == {"joint", "claimant"}
    for transcript in transcripts.values():
        assert transcript.item.kind == NotaryItem.Kind.DOCUMENT and transcript.item.leaf is not None
        assert transcript.from_seq == 1 and transcript.to_seq == transcript.room.next_seq - 1
    assert SessionRoom.objects.filter(status="open").count() == 0

    joint_url = f"/mediation/{w['key']}/sessions/joint/transcripts/{transcripts['joint'].pk}/"
    caucus_url = f"/mediation/{w['key']}/sessions/claimant/transcripts/{transcripts['claimant'].pk}/"
    pdf = b"".join(as_(w, "claimant").get(caucus_url).streaming_content)
    assert pdf.startswith(b"%PDF")
    fonts = _pdffonts(pdf, tmp_path)
    assert any("WenQuanYi" in line and " yes " in line for line in fonts.splitlines()), fonts
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "五万元也可以接受" in text and "十万元" not in text

    assert as_(w, "mediator").get(caucus_url).status_code == 200
    assert as_(w, "respondent").get(joint_url).status_code == 200
    for name in ("respondent", "agent", "manager", "outsider"):
        assert as_(w, name).get(caucus_url).status_code == 404, name
    # Addressing the caucus transcript through the respondent's room does not help either.
    assert as_(w, "respondent").get(caucus_url.replace("/claimant/", "/respondent/")).status_code == 404
    session_page = as_(w, "respondent").get(f"/mediation/{w['key']}/sessions/joint/").content.decode()
    assert joint_url in session_page and caucus_url not in session_page


def test_caucus_transcript_is_not_downloadable_through_the_notary_pages(session_world):
    w = session_world
    caucus = _caucus(w)
    rooms.post_text(room=caucus, author=w["claimant"], client_id="c1", text="背对背")
    rooms.end_session(mediation=w["mediation"], by=w["mediator"])
    item = Transcript.objects.get(room=caucus).item
    assert item.private_to_side == "claimant"
    assert as_(w, "respondent").get(f"/notary/items/{item.uid}/download/").status_code == 404
    assert as_(w, "respondent").get(f"/notary/items/{item.uid}/").status_code == 404
    assert str(item.uid) not in as_(w, "respondent").get(f"/notary/cases/{w['key']}/items/").content.decode()
    assert as_(w, "claimant").get(f"/notary/items/{item.uid}/download/").status_code == 200
    assert as_(w, "mediator").get(f"/notary/items/{item.uid}/download/").status_code == 200


def test_leaving_the_session_states_makes_the_transcripts(session_world):
    w = session_world
    joint = rooms.joint_room(w["mediation"])
    rooms.post_text(room=joint, author=w["respondent"], client_id="j1", text="我们不同意")
    services.terminate(mediation=w["mediation"], by=w["respondent"], reason="无法达成一致")
    transcript = Transcript.objects.get()
    assert transcript.room == joint and (transcript.from_seq, transcript.to_seq) == (1, 1)
    page = as_(w, "claimant").get(f"/mediation/{w['key']}/sessions/joint/")
    assert page.status_code == 200 and page.context["writable"] is False
