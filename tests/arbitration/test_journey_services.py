"""The whole arbitration path through the services, on both procedures."""

import io
import subprocess
import sys
import zipfile
from decimal import Decimal

import pytest
from django.core import mail

from arbitration import awards
from arbitration.models import Arbitration, ArbitrationState
from tests.arbitration import helpers

pytestmark = pytest.mark.django_db


def test_small_claim_runs_on_the_expedited_procedure_to_an_issued_award(world, django_capture_on_commit_callbacks):
    assert world["arbitration"].rule_set.code == "expedited"
    assert world["arbitration"].tribunal_size == 1
    with django_capture_on_commit_callbacks(execute=True):
        arbitration = helpers.issued(world)
    assert arbitration.state == ArbitrationState.AWARD_ISSUED
    award = arbitration.current_award()
    assert award.document.original_name.startswith("裁决书")
    assert any("award has been issued" in m.body or "裁决" in m.subject for m in mail.outbox)


def test_large_claim_runs_on_the_ordinary_procedure_with_three_arbitrators(big_world):
    assert big_world["arbitration"].rule_set.code == "ordinary"
    arbitration = helpers.constituted(big_world)
    assert arbitration.state == ArbitrationState.CONSTITUTED
    assert arbitration.members.filter(status="accepted").count() == 3


def test_enforcement_packet_verifies_file_by_file_offline(world, tmp_path):
    helpers.issued(world)
    arbitration = Arbitration.objects.get(pk=world["arbitration"].pk)
    data = awards.enforcement_packet(arbitration=arbitration, by=world["claimant"])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
        names = archive.namelist()
    manifest = __import__("json").loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == "ipdr-court-packet/1"
    assert any(f["name"].startswith("files/裁决书") for f in manifest["files"])
    assert any("arbitration" in f["description"] or f["name"].endswith(".pdf") for f in manifest["files"])
    for entry in manifest["files"]:
        result = subprocess.run([sys.executable, "-m", "notary.verify", str(tmp_path / entry["name"]),
                                 "--proof", str(tmp_path / entry["proof"]), "--key", str(tmp_path / "log.pub")],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    assert "log.pub" in names


def test_fee_assessment_uses_the_schedule(world):
    from arbitration import services

    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = world["arbitration"].assessments.get()
    # 10,000 CNY: 100 + 5% of 9,000 = 550 admin fee, plus 500 registration.
    assert assessment.admin_fee == Decimal("550.00")
    assert assessment.total == Decimal("1050.00")
