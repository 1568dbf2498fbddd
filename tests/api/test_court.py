"""A court's system refers disputes, fetches judicial confirmation packets
addressed to its court, and posts the ruling."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mediation.models import JudicialConfirmation, Mediation, MediationState
from notary.models import CustodyEvent
from portal.models import Case, CaseState, Channel, Organisation
from portal.selectors import intake_queue
from tests.api.helpers import ApiClient, connect, referral
from tests.factories import PDF_BYTES, CourtFactory

pytestmark = pytest.mark.django_db
PACKETS = "/api/v1/confirmation-packets"


def test_a_referral_is_a_submitted_court_channel_case_of_the_tokens_court(court_api, court_org, court):
    response = court_api.post("/api/v1/referrals", referral(3))
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(ref=body["id"])
    assert (case.channel, case.state, case.track) == (Channel.COURT, CaseState.SUBMITTED, "mediation")
    assert case.referring_court == court
    assert case.court_reference == "(2026)浙0106民诉前调3号"
    assert case.is_complete(), case.missing_items()
    assert case in intake_queue(channel=Channel.COURT)
    assert body["court_reference"] == case.court_reference and body["referring_court"] == court.name
    court_org.organisation.refresh_from_db()
    assert case.created_by == court_org.organisation.api_account
    assert case.created_by.is_clerk and case.created_by.court == court
    assert court_api.get(body["url"]).json()["status"] == "submitted"
    assert [r["id"] for r in court_api.get("/api/v1/referrals").json()["results"]] == [body["id"]]


def test_a_referral_needs_the_courts_reference(court_api):
    data = referral()
    del data["court_reference"]
    response = court_api.post("/api/v1/referrals", data)
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/court_reference"


def test_the_court_lists_the_applications_addressed_to_it(court_api, applied):
    body = court_api.get(PACKETS).json()
    assert body["count"] == 1
    [packet] = body["results"]
    assert packet["id"] == applied["application"].pk
    assert packet["state"] == MediationState.CONFIRMATION_APPLIED
    assert packet["case_number"] == applied["case"].number
    assert packet["ruling"] == ""
    assert court_api.get(PACKETS, state="confirmation_applied").json()["count"] == 1
    assert court_api.get(PACKETS, state="confirmed").json()["count"] == 0


def test_another_court_sees_no_packet(client, applied):
    other = connect(kind=Organisation.Kind.COURT, court=CourtFactory())
    api = ApiClient(client, other.secret)
    assert api.get(PACKETS).json()["count"] == 0
    assert api.get(f"{PACKETS}/{applied['application'].pk}/download").status_code == 404
    assert api.post(f"{PACKETS}/{applied['application'].pk}/ruling",
                    {"confirmed": True, "ruling_number": "x", "ruling_date": "2026-12-01"}).status_code == 404


def test_the_packet_download_is_the_zip_and_is_custody_logged_as_the_courts_api_account(court_api, court_org,
                                                                                          applied):
    response = court_api.get(f"{PACKETS}/{applied['application'].pk}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["court"] == applied["court"].name
    assert len(manifest["files"]) >= 5
    court_org.organisation.refresh_from_db()
    exported = CustodyEvent.objects.filter(action=CustodyEvent.Action.EXPORTED,
                                           actor=court_org.organisation.api_account)
    assert exported.count() == len(manifest["files"])


def test_the_court_records_a_confirmation_with_the_ruling_pdf(court_api, applied):
    path = f"{PACKETS}/{applied['application'].pk}/ruling"
    pdf = SimpleUploadedFile("ruling.pdf", PDF_BYTES, content_type="application/pdf")
    response = court_api.upload(path, {"confirmed": "true", "ruling_number": "(2026)浙0106民特12号",
                                       "ruling_date": "2026-12-01", "ruling_pdf": pdf})
    assert response.status_code == 200, response.content
    assert response.json()["ruling"] == "confirmed"
    assert response.json()["state"] == MediationState.CONFIRMED
    application = JudicialConfirmation.objects.get(pk=applied["application"].pk)
    assert application.ruling_number == "(2026)浙0106民特12号"
    assert application.ruling_document is not None
    assert application.ruled_by.organisation.kind == Organisation.Kind.COURT
    again = court_api.post(path, {"confirmed": True, "ruling_number": "x", "ruling_date": "2026-12-02"})
    assert again.status_code == 409
    assert again.json()["type"].endswith("/api/problems/wrong-state")


def test_a_ruling_not_to_confirm_can_be_sent_as_json(court_api, applied):
    response = court_api.post(f"{PACKETS}/{applied['application'].pk}/ruling",
                              {"confirmed": False, "ruling_number": "(2026)浙0106民特13号",
                               "ruling_date": "2026-12-01"})
    assert response.status_code == 200, response.content
    assert Mediation.objects.get(pk=applied["mediation"].pk).state == MediationState.NOT_CONFIRMED


def test_the_decision_must_be_given_explicitly(court_api, applied):
    response = court_api.upload(f"{PACKETS}/{applied['application'].pk}/ruling",
                                {"ruling_number": "(2026)浙0106民特14号", "ruling_date": "2026-12-01"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/confirmed"
