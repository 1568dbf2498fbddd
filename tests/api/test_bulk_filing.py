"""Bulk filing by a platform: complete cases on the platform channel, in the
intake queue, atomic, per-item errors, and a bounded number of queries."""

import sqlite3

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Case, CaseEvent, CaseState, Channel, Party, PlatformComplaint, Track
from portal.selectors import intake_queue
from tests.api.helpers import bulk, complaint, person_claimant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
BULK = "/api/v1/complaints/bulk"


def test_filed_complaints_are_complete_submitted_platform_cases_in_the_intake_queue(platform_api, platform):
    response = platform_api.post(BULK, bulk(3))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["count"] == 3
    assert [c["index"] for c in body["complaints"]] == [0, 1, 2]
    cases = Case.objects.filter(ref__in=[c["id"] for c in body["complaints"]])
    assert cases.count() == 3
    platform.organisation.refresh_from_db()
    for case in cases:
        assert case.state == CaseState.SUBMITTED
        assert case.channel == Channel.PLATFORM
        assert case.track == Track.MEDIATION
        assert case.is_complete(), case.missing_items()
        assert case.created_by == platform.organisation.api_account
        assert case.submitted_at is not None
        assert "shop.example.cn/item" in case.intake_note
    assert set(intake_queue(channel=Channel.PLATFORM)) == set(cases)


def test_each_complaint_records_its_parties_rights_listings_and_the_submission(platform_api, platform):
    data = complaint(7, track="arbitration")
    response = platform_api.post(BULK, {"complaints": [data]})
    assert response.status_code == 201, response.content
    case = Case.objects.get(ref=response.json()["complaints"][0]["id"])
    claimant = case.parties.get(side=Party.Side.CLAIMANT)
    respondent = case.parties.get(side=Party.Side.RESPONDENT)
    assert (claimant.name, claimant.kind, claimant.credit_code) == ("权利人公司7", "entity",
                                                                    data["claimant"]["credit_code"])
    assert respondent.shop_url == "https://shop.example.cn/s/7"
    right = case.ip_rights.get()
    assert (right.ip_type, right.title, right.holder) == ("trademark", "西湖龙井", "权利人公司7")
    assert case.track == Track.ARBITRATION and case.arbitration_agreement == "ask_respondent"
    assert case.claim_amount == 10000 and case.claim_remove_listings and not case.claim_apology
    complaint_row = PlatformComplaint.objects.get(case=case)
    assert complaint_row.organisation == platform.organisation
    assert complaint_row.listing_urls == ["https://shop.example.cn/item/7"]
    assert complaint_row.external_reference == "TM-000007"
    event = CaseEvent.objects.get(case=case)
    assert (event.transition, event.from_state, event.to_state) == ("submit", "draft", "submitted")


def test_a_person_can_be_the_claimant(platform_api):
    response = platform_api.post(BULK, {"complaints": [complaint(1, claimant=person_claimant(1))]})
    assert response.status_code == 201, response.content
    party = Case.objects.get(ref=response.json()["complaints"][0]["id"]).parties.get(side="claimant")
    assert party.kind == Party.Kind.PERSON and party.id_number


def test_claimants_with_an_account_are_linked_to_it_by_email(platform_api):
    rights_holder = UserFactory(email="legal0@rights.example.test")
    response = platform_api.post(BULK, bulk(2))
    case = Case.objects.get(ref=response.json()["complaints"][0]["id"])
    assert case.parties.get(side="claimant").user == rights_holder
    other = Case.objects.get(ref=response.json()["complaints"][1]["id"])
    assert other.parties.get(side="claimant").user is None


def test_one_invalid_complaint_files_nothing_and_every_error_points_at_its_field(platform_api):
    data = bulk(4)
    valid = data["complaints"][1]["claimant"]["credit_code"]
    data["complaints"][1]["claimant"]["credit_code"] = valid[:17] + ("1" if valid[17] != "1" else "2")
    data["complaints"][3]["listing_urls"] = ["not a url"]
    data["complaints"][3]["claims"] = {}
    response = platform_api.post(BULK, data)
    assert response.status_code == 400
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert pointers == {"/complaints/1/claimant/credit_code", "/complaints/3/listing_urls/0", "/complaints/3/claims"}
    assert Case.objects.count() == 0


def test_a_claimant_needs_an_identifier_and_a_contact(platform_api):
    data = complaint(0)
    data["claimant"] = {"name": "无名公司"}
    response = platform_api.post(BULK, {"complaints": [data]})
    assert response.status_code == 400
    assert {e["pointer"] for e in response.json()["errors"]} == {"/complaints/0/claimant/credit_code"}
    data["claimant"] = {"name": "无名公司", "credit_code": complaint(0)["claimant"]["credit_code"]}
    response = platform_api.post(BULK, {"complaints": [data]})
    assert {e["pointer"] for e in response.json()["errors"]} == {"/complaints/0/claimant/email"}


def test_more_than_500_complaints_are_refused(platform_api, settings):
    response = platform_api.post(BULK, bulk(501))
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/complaints"
    assert Case.objects.count() == 0


def _queries_for(platform_api, count: int, start: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = platform_api.post(BULK, bulk(count, start=start))
    assert response.status_code == 201, response.content[:500]
    return len(queries)


@pytest.fixture
def sqlite_real_variable_limit(monkeypatch):
    """Django 5.2 assumes SQLite's old limit of 999 variables per statement and
    splits bulk inserts accordingly (ceil(rows x columns / 999) INSERTs);
    SQLite >= 3.32 allows 32766. Use the real limit, as PostgreSQL (production)
    inserts each table's rows in one statement anyway."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        monkeypatch.setattr(connection.features, "max_query_params", limit)


def test_500_complaints_take_as_many_queries_as_50(platform_api, django_assert_max_num_queries,
                                                   sqlite_real_variable_limit):
    platform_api.get("/api/v1/complaints")  # first use: the API account is created, last use noted
    fifty = _queries_for(platform_api, 50, start=0)
    with django_assert_max_num_queries(fifty):
        response = platform_api.post(BULK, bulk(500, start=50))
    assert response.status_code == 201
    assert Case.objects.count() == 550
    # token, idempotency key (savepoints, insert, stored response), claimant accounts,
    # one INSERT per table (cases, parties, rights, timeline, complaints)
    assert fifty <= 15, fifty
