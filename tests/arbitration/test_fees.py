"""The fee schedule as data: tier edges, the calculator and assessments use the same numbers."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arbitration import services
from arbitration.models import FeeAssessment, FeeSchedule
from tests.arbitration import helpers

pytestmark = pytest.mark.django_db

# (amount claimed, administration fee) at and just past every tier edge of the seeded schedule.
EDGES = [
    ("0", "100.00"), ("1", "100.00"), ("1000", "100.00"), ("1000.01", "100.00"), ("1001", "100.05"),
    ("50000", "2550.00"), ("50000.01", "2550.00"), ("50001", "2550.04"),
    ("100000", "4550.00"), ("100001", "4550.03"), ("200000", "7550.00"), ("200001", "7550.02"),
    ("500000", "13550.00"), ("500001", "13550.01"), ("1000000", "18550.00"), ("1000001", "18550.01"),
    ("5000000", "38550.00"), ("100000000", "513550.00"),
]


@pytest.mark.parametrize(("amount", "fee"), EDGES)
def test_admin_fee_at_tier_edges(amount, fee):
    schedule = FeeSchedule.current()
    assert schedule.admin_fee(Decimal(amount)) == Decimal(fee)
    q = services.quote(Decimal(amount))
    assert q["total"] == Decimal(fee) + schedule.registration_fee


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=10**10, places=2))
def test_admin_fee_never_decreases_as_the_claim_grows(amount):
    schedule = FeeSchedule.current()
    assert schedule.admin_fee(amount + Decimal("0.01")) >= schedule.admin_fee(amount)


def test_edited_schedule_is_used_by_new_assessments_only(world):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    old = world["arbitration"].assessments.get()
    schedule = FeeSchedule.current()
    schedule.registration_fee = Decimal("800")
    schedule.save()
    old.refresh_from_db()
    assert old.registration_fee == Decimal("500.00")  # recorded, not recomputed
    assert services.quote(Decimal(10000))["registration_fee"] == Decimal("800")


def test_negative_amount_is_refused():
    with pytest.raises(services.ArbitrationError):
        services.quote(Decimal("-1"))


def test_only_the_payer_side_can_start_a_payment(world):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = world["arbitration"].assessments.get()
    from django.core.exceptions import PermissionDenied

    for user in (world["respondent"], world["manager"], world["arbitrators"][0]):
        with pytest.raises(PermissionDenied):
            services.start_payment(assessment=assessment, by=user)


def test_payment_moves_the_case_on_once_and_is_idempotent(world):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    payment = helpers.pay(world)
    again = services.payment_succeeded(payment=payment)
    assert again.status == "succeeded"
    world["arbitration"].refresh_from_db()
    assert world["arbitration"].state == "fees_paid"
    assert world["arbitration"].case.events.filter(transition="fees_received").count() == 1


def test_bank_receipts_add_up_before_the_fees_count_as_paid(world):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    assessment = world["arbitration"].assessments.get()
    services.record_bank_receipt(assessment=assessment, by=world["manager"], reference="BANK-1", amount=Decimal(500))
    world["arbitration"].refresh_from_db()
    assert world["arbitration"].state == "fees_assessed"
    with pytest.raises(services.ArbitrationError):
        services.record_bank_receipt(assessment=assessment, by=world["manager"], reference="BANK-1",
                                     amount=Decimal(550))
    services.record_bank_receipt(assessment=assessment, by=world["manager"], reference="BANK-2", amount=Decimal(550))
    world["arbitration"].refresh_from_db()
    assert world["arbitration"].state == "fees_paid"


def test_a_counterclaim_is_charged_to_the_respondent(world):
    helpers.served(world)
    services.file_answer(arbitration=world["arbitration"], by=world["respondent"], text="答辩",
                         counterclaim_text="申请人恶意投诉，赔偿损失", counterclaim_amount=Decimal(60000))
    counter = world["arbitration"].assessments.get(kind=FeeAssessment.Kind.COUNTERCLAIM)
    assert counter.payer_side == "respondent"
    assert counter.admin_fee == Decimal("2950.00")  # 2550 + 4% of 10,000
    payment = helpers.pay(world, counter)
    assert payment.assessment.paid_at is not None


def test_dev_provider_token_binds_reference_and_amount(world):
    from arbitration.payments import DevelopmentProvider

    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    provider = DevelopmentProvider()
    payment = services.start_payment(assessment=world["arbitration"].assessments.get(), by=world["claimant"])
    token = provider.confirmation_token(payment)
    assert provider.verify(payment, token)
    payment.amount = Decimal(1)
    assert not provider.verify(payment, token)
    assert not provider.verify(payment, token[:-2] + "xx")


def test_filing_wizard_shows_the_fee_estimate_for_arbitration_only(client):
    from portal.models import Case
    from tests.conftest import verified_client
    from tests.factories import CaseFactory, UserFactory

    user = UserFactory()
    case = CaseFactory(created_by=user, complete=True, track="arbitration", arbitration_agreement="ask_respondent")
    Case.objects.filter(pk=case.pk).update(claim_amount=Decimal("60000"), wizard_step=7)
    verified_client(client, user)
    page = client.get(f"/cases/file/{case.ref}/review/").content.decode()
    assert "3,450" in page or "3450" in page  # 500 registration + 2,550 + 4% of 10,000
    mediation = CaseFactory(created_by=user, complete=True)
    Case.objects.filter(pk=mediation.pk).update(wizard_step=7)
    page = client.get(f"/cases/file/{mediation.ref}/review/").content.decode()
    assert "fee-estimate" not in page
