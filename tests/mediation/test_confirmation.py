"""Judicial confirmation: eligible courts, the 30-day window, both signatures,
the court packet verified file by file offline, and the clerk's ruling."""

import io
import json
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from mediation import agreements, confirmation
from mediation.models import Mediation, MediationState
from portal.models import Court
from tests.conftest import verified_client
from tests.factories import PDF_BYTES, ClerkFactory, CourtFactory, UserFactory
from tests.mediation.helpers import TERMS, set_password, started

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def signed(world, settings):
    settings.PORTAL_CENTRE_REGION_CODE = "330106"
    m = started(world)
    version = agreements.draft_version(mediation=m, by=world["mediator"], terms=TERMS)
    for who in ("claimant", "respondent"):
        agreements.sign(version=version, by=world[who], password=set_password(world[who]))
    world["court"] = CourtFactory(name="杭州市西湖区人民法院", region_code="330106", level=Court.Level.BASIC)
    world["other_court"] = CourtFactory(name="宁波市海曙区人民法院", region_code="330203", level=Court.Level.BASIC)
    world["clerk"] = ClerkFactory(court=world["court"])
    world["mediation"] = Mediation.objects.get(pk=m.pk)
    return world


def apply(w, court=None):
    for who in ("claimant", "respondent"):
        confirmation.sign_application(mediation=w["mediation"], by=w[who], court=court or w["court"],
                                      password="sign-pass-1")
    return Mediation.objects.get(pk=w["mediation"].pk)


def test_only_eligible_courts_are_offered(signed):
    case = signed["case"]
    assert list(confirmation.eligible_courts(case)) == [signed["court"]]  # the centre's district
    party = case.parties.get(side="respondent")
    party.region_code = "330203"
    party.save()
    assert set(confirmation.eligible_courts(case)) == {signed["court"], signed["other_court"]}


def test_a_referred_case_goes_back_to_the_referring_court(signed):
    case = signed["case"]
    referring = CourtFactory(region_code="330108")
    case.referring_court = referring
    case.save()
    assert list(confirmation.eligible_courts(case)) == [referring]


def test_patent_disputes_go_to_the_intermediate_court(signed):
    case = signed["case"]
    case.ip_rights.update(ip_type="patent")
    intermediate = CourtFactory(name="杭州市中级人民法院", region_code="330100", level=Court.Level.INTERMEDIATE)
    assert list(confirmation.eligible_courts(case)) == [intermediate]


def test_an_ineligible_court_is_refused(signed):
    with pytest.raises(confirmation.MediationError) as exc:
        confirmation.sign_application(mediation=signed["mediation"], by=signed["claimant"],
                                      court=signed["other_court"], password="sign-pass-1")
    assert exc.value.code == "court_not_eligible"


def test_both_sides_must_sign_before_filing(signed):
    confirmation.sign_application(mediation=signed["mediation"], by=signed["claimant"], court=signed["court"],
                                  password="sign-pass-1")
    assert Mediation.objects.get(pk=signed["mediation"].pk).state == MediationState.AGREEMENT_SIGNED
    m = apply(signed)
    assert m.state == MediationState.CONFIRMATION_APPLIED
    assert m.confirmation.documents.count() == 4


def test_the_30_day_window_is_enforced(signed):
    deadline = signed["mediation"].confirmation_deadline()
    with freeze_time(deadline + timedelta(minutes=1)), pytest.raises(confirmation.MediationError) as exc:
        confirmation.sign_application(mediation=signed["mediation"], by=signed["claimant"], court=signed["court"],
                                      password="sign-pass-1")
    assert exc.value.code == "window_closed"
    with freeze_time(deadline - timedelta(minutes=5)):
        assert apply(signed).state == MediationState.CONFIRMATION_APPLIED


def test_outsiders_and_the_mediator_cannot_sign_the_application(signed):
    for user in (UserFactory(), signed["mediator"]):
        with pytest.raises(PermissionDenied):
            confirmation.sign_application(mediation=signed["mediation"], by=user, court=signed["court"],
                                          password="x")


def test_wrong_password_signs_nothing(signed):
    with pytest.raises(Exception):  # noqa: B017 - the ValidationError's code is checked in the agreement tests
        confirmation.sign_application(mediation=signed["mediation"], by=signed["claimant"], court=signed["court"],
                                      password="wrong")
    assert not hasattr(Mediation.objects.get(pk=signed["mediation"].pk), "confirmation")


def test_court_packet_verifies_file_by_file_with_the_offline_verifier(signed, tmp_path):
    m = apply(signed)
    data = confirmation.build_packet(m.confirmation, by=signed["clerk"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    names = {Path(f["name"]).name for f in manifest["files"]}
    assert any(n.startswith("调解协议") for n in names)
    assert any(n.startswith("司法确认申请书") for n in names)
    assert any(n.startswith("调解情况说明") for n in names)
    assert any(n.startswith("证据清单") for n in names)
    assert any(n.startswith("案件时间线") for n in names)
    env = {"PATH": "/usr/bin:/bin"}
    for entry in manifest["files"]:
        result = subprocess.run([sys.executable, "-m", "notary.verify", str(tmp_path / entry["name"]),
                                 "--proof", str(tmp_path / entry["proof"]), "--key", str(tmp_path / "log.pub")],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
    # one changed byte is caught
    target = tmp_path / manifest["files"][0]["name"]
    raw = bytearray(target.read_bytes())
    raw[100] ^= 1
    target.write_bytes(bytes(raw))
    result = subprocess.run([sys.executable, "-m", "notary.verify", str(target), "--proof",
                             str(tmp_path / manifest["files"][0]["proof"]), "--key", str(tmp_path / "log.pub")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1


def test_clerk_of_the_court_sees_downloads_and_rules(signed, client):
    m = apply(signed)
    clerk = verified_client(client, signed["clerk"])
    key = signed["case"].url_key
    assert clerk.get(signed["case"].get_absolute_url()).status_code == 200
    response = clerk.get(reverse("mediation_packet", args=[key]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert all(i.custody.filter(action="exported", actor=signed["clerk"]).exists()
               for i in confirmation.packet_items(m.confirmation))
    r = clerk.post(reverse("mediation_ruling", args=[key]), {
        "result": "confirmed", "ruling_number": "（2026）浙0106民特123号", "ruling_date": "2026-12-01",
        "ruling_pdf": SimpleUploadedFile("ruling.pdf", PDF_BYTES)})
    assert r.status_code == 302
    m = Mediation.objects.get(pk=m.pk)
    assert m.state == MediationState.CONFIRMED
    assert m.confirmation.ruling_document.kind == "document"


def test_clerks_of_other_courts_see_nothing(signed, client):
    apply(signed)
    other = verified_client(client, ClerkFactory(court=signed["other_court"]))
    key = signed["case"].url_key
    assert other.get(signed["case"].get_absolute_url()).status_code == 404
    assert other.get(reverse("mediation_packet", args=[key])).status_code == 404
    assert other.post(reverse("mediation_ruling", args=[key]), {"result": "confirmed"}).status_code == 404


def test_parties_cannot_record_a_ruling(signed):
    m = apply(signed)
    with pytest.raises(PermissionDenied):
        confirmation.record_ruling(mediation=m, by=signed["claimant"], confirmed=True, ruling_number="x",
                                   ruling_date=timezone.localdate())
