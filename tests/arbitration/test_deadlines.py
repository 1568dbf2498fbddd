"""Both procedures' deadlines: computed from the rule set, fired by the periodic job, extendable with a reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from arbitration import services
from arbitration.models import Arbitration, DeadlineExtension, RuleSet
from portal.deadlines import run_deadline_jobs
from portal.models import CaseEvent, Notification
from tests.arbitration import helpers

pytestmark = pytest.mark.django_db


def test_expedited_procedure_gives_20_days_to_answer_and_3_months_to_award(world):
    arbitration = helpers.constituted(world)
    assert arbitration.answer_due - arbitration.notice_served_at == timedelta(days=20)
    assert timedelta(days=90) <= arbitration.award_due - arbitration.constituted_at <= timedelta(days=92)


def test_ordinary_procedure_gives_45_days_to_answer_and_6_months_to_award(big_world):
    arbitration = helpers.constituted(big_world)
    assert arbitration.answer_due - arbitration.notice_served_at == timedelta(days=45)
    assert timedelta(days=181) <= arbitration.award_due - arbitration.constituted_at <= timedelta(days=184)


def test_expedited_threshold_is_data_and_inclusive(db):
    expedited = RuleSet.objects.get(code="expedited")
    assert RuleSet.for_claim(Decimal("5000000")).code == "expedited"
    assert RuleSet.for_claim(Decimal("5000000.01")).code == "ordinary"
    assert RuleSet.for_claim(Decimal("9000000"), expedited_by_agreement=True).code == "expedited"
    expedited.max_claim_amount = Decimal("1000000")
    expedited.save()
    assert RuleSet.for_claim(Decimal("2000000")).code == "ordinary"


def test_editing_a_rule_set_changes_the_deadlines_of_new_steps(world):
    rule_set = world["arbitration"].rule_set
    rule_set.answer_days = 25
    rule_set.save()
    arbitration = helpers.served(world)
    assert arbitration.answer_due - arbitration.notice_served_at == timedelta(days=25)


def test_unpaid_fees_deem_the_request_withdrawn_logged_and_notified(world):
    services.assess_fees(arbitration=world["arbitration"], by=world["manager"])
    due = Arbitration.objects.get(pk=world["arbitration"].pk).fees_due
    with freeze_time(due - timedelta(minutes=1)):
        run_deadline_jobs()
    assert Arbitration.objects.get(pk=world["arbitration"].pk).state == "fees_assessed"
    with freeze_time(due + timedelta(minutes=1)):
        counts = run_deadline_jobs()
    assert counts["arbitration_deem_withdrawn"] == 1
    event = CaseEvent.objects.filter(case=world["case"], transition="deem_withdrawn").get()
    assert event.actor is None and event.note
    assert Notification.objects.filter(user=world["claimant"], case=world["case"]).exists()


def test_answer_deadline_moves_to_constitution_without_an_answer(world):
    arbitration = helpers.served(world)
    with freeze_time(arbitration.answer_due + timedelta(seconds=1)):
        run_deadline_jobs()
    arbitration.refresh_from_db()
    assert arbitration.state == "constitution"
    assert arbitration.nomination_due is not None


def test_without_an_arbitration_agreement_the_case_lapses_unless_the_respondent_agrees(db,
                                                                                       django_capture_on_commit_callbacks):
    w = helpers.make_world(django_capture_on_commit_callbacks, agreement="ask_respondent")
    arbitration = helpers.served(w)
    with pytest.raises(services.ArbitrationError):
        services.transition(arbitration=arbitration, name="begin_constitution", by=w["manager"])
    with freeze_time(arbitration.answer_due + timedelta(seconds=1)):
        run_deadline_jobs()
    arbitration.refresh_from_db()
    assert arbitration.state == "terminated"

    w2 = helpers.make_world(django_capture_on_commit_callbacks, agreement="ask_respondent")
    arbitration = helpers.served(w2)
    services.agree_to_arbitrate(arbitration=arbitration, by=w2["respondent"])
    with freeze_time(arbitration.answer_due + timedelta(seconds=1)):
        run_deadline_jobs()
    arbitration.refresh_from_db()
    assert arbitration.state == "constitution"


def test_late_answer_is_refused(world):
    arbitration = helpers.served(world)
    with freeze_time(arbitration.answer_due + timedelta(seconds=1)), pytest.raises(services.ArbitrationError) as exc:
        services.file_answer(arbitration=arbitration, by=world["respondent"], text="迟到的答辩")
    assert exc.value.code == "late"


def test_nomination_deadline_alerts_the_centre_once_and_then_it_appoints(big_world):
    arbitration = helpers.answered(big_world)
    a = big_world["arbitrators"]
    with pytest.raises(services.ArbitrationError) as exc:
        services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[0], role="co",
                         nominated_by="claimant")
    assert exc.value.code == "nomination_open"
    with freeze_time(arbitration.nomination_due + timedelta(minutes=1)):
        assert run_deadline_jobs()["arbitration_nomination_overdue"] == 1
        assert "arbitration_nomination_overdue" not in run_deadline_jobs()
        member = services.appoint(arbitration=arbitration, by=big_world["manager"], arbitrator=a[0], role="co",
                                  nominated_by="claimant")
        with pytest.raises(services.ArbitrationError):
            services.nominate(arbitration=arbitration, by=big_world["respondent"], arbitrator=a[1])
    assert member.nominated_by == "claimant"


def test_award_overdue_alert_and_manager_extension_with_reason(world):
    arbitration = helpers.constituted(world)
    with pytest.raises(services.ArbitrationError):
        services.extend_deadline(arbitration=arbitration, by=world["manager"], field="award_due",
                                 new_value=arbitration.award_due + timedelta(days=30), reason="")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.extend_deadline(arbitration=arbitration, by=world["presiding"], field="award_due",
                                 new_value=arbitration.award_due + timedelta(days=30), reason="案情复杂")
    with freeze_time(arbitration.award_due + timedelta(minutes=1)):
        assert run_deadline_jobs()["arbitration_award_overdue"] == 1
    old = arbitration.award_due
    arbitration = services.extend_deadline(arbitration=arbitration, by=world["manager"], field="award_due",
                                           new_value=old + timedelta(days=30), reason="案情复杂，延长裁决期限")
    ext = DeadlineExtension.objects.get(arbitration=arbitration)
    assert ext.old_value == old and ext.reason and ext.by == world["manager"]
    assert CaseEvent.objects.filter(case=world["case"], transition="extend_deadline").exists()
    with pytest.raises(services.ArbitrationError):
        services.extend_deadline(arbitration=arbitration, by=world["manager"], field="award_due",
                                 new_value=old, reason="缩短")


def test_correction_window_closes_the_case_unless_a_request_is_pending(world):
    arbitration = helpers.issued(world)
    assert arbitration.correction_until - arbitration.award_issued_at == timedelta(days=30)
    from arbitration import awards

    request = awards.request_correction(arbitration=arbitration, by=world["respondent"], text="第二项金额笔误")
    with freeze_time(arbitration.correction_until + timedelta(minutes=1)):
        run_deadline_jobs()
        assert Arbitration.objects.get(pk=arbitration.pk).state == "award_issued"
        with pytest.raises(services.ArbitrationError):
            awards.request_correction(arbitration=arbitration, by=world["claimant"], text="太晚了")
        awards.decide_correction(request=request, by=world["presiding"], granted=True, decision="第二项更正为 30,000 元")
        run_deadline_jobs()
    assert Arbitration.objects.get(pk=arbitration.pk).state == "closed"


def test_reminders_go_to_the_respondent_before_the_answer_deadline(world):
    arbitration = helpers.served(world)
    with freeze_time(arbitration.answer_due - timedelta(days=2, hours=23)):
        run_deadline_jobs()
    assert Notification.objects.filter(user=world["respondent"], category="deadline").count() == 1
    assert not Notification.objects.filter(user=world["claimant"], category="deadline").exists()
    assert timezone.now() < arbitration.answer_due
