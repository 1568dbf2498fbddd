"""Deadline reminders: 3 days and 1 day before every party deadline, once each,
through the notification service (mediation is the first registered provider)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from mediation import services
from mediation.models import Mediation, MediationState
from portal.deadlines import send_deadline_reminders
from portal.models import Notification
from tests.mediation.helpers import claim_and_consent, make_world, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, django_capture_on_commit_callbacks):
    return make_world(django_capture_on_commit_callbacks)


def reminders_to(user):
    return Notification.objects.filter(user=user, category="deadline")


def test_period_end_is_reminded_3_days_and_1_day_before_once_each(world):
    m = started(world)
    with freeze_time(m.period_ends - timedelta(days=4)):
        assert send_deadline_reminders() == 0
    with freeze_time(m.period_ends - timedelta(days=3) + timedelta(hours=1)):
        assert send_deadline_reminders() == 2  # claimant and respondent
        assert send_deadline_reminders() == 0
    with freeze_time(m.period_ends - timedelta(days=2)):
        assert send_deadline_reminders() == 0
    with freeze_time(m.period_ends - timedelta(hours=23)):
        assert send_deadline_reminders() == 2
        assert send_deadline_reminders() == 0
    for side in ("claimant", "respondent"):
        assert reminders_to(world[side]).count() == 2
    assert not reminders_to(world["mediator"]).exists()


def test_a_reminder_says_what_is_due_and_links_to_the_mediation(world):
    m = started(world)
    with freeze_time(m.period_ends - timedelta(hours=12)):
        send_deadline_reminders()
    reminder = reminders_to(world["claimant"]).get()
    assert reminder.case == world["case"]
    assert reminder.url.endswith(f"/mediation/{world['case'].number}/")
    assert timezone.localtime(m.period_ends).strftime("%Y-%m-%d") in reminder.title


def test_a_late_job_sends_only_the_nearest_reminder(world):
    m = started(world)
    with freeze_time(m.period_ends - timedelta(hours=20)):
        assert send_deadline_reminders() == 2
    assert reminders_to(world["claimant"]).count() == 1


def test_an_extended_period_is_reminded_again(world):
    m = started(world)
    with freeze_time(m.period_ends - timedelta(hours=20)):
        send_deadline_reminders()
    Mediation.objects.filter(pk=m.pk).update(period_ends=m.period_ends + timedelta(days=30))
    with freeze_time(m.period_ends + timedelta(days=30) - timedelta(hours=20)):
        assert send_deadline_reminders() == 2


def test_no_reminders_for_a_terminated_mediation(world):
    m = started(world)
    services.terminate(mediation=m, by=world["claimant"], reason="和解不成")
    with freeze_time(m.period_ends - timedelta(hours=20)):
        assert send_deadline_reminders() == 0


def test_no_reminders_while_suspended(world):
    m = started(world)
    services.suspend(mediation=m, by=world["mediator"], reason="暂停")
    with freeze_time(m.period_ends - timedelta(hours=20)):
        assert send_deadline_reminders() == 0


def test_consent_deadline_is_reminded_to_the_respondent_side_only(world):
    m = world["mediation"]
    services.claim_invitation(token=world["token"], user=world["respondent"])
    with freeze_time(m.consent_due - timedelta(days=2)):
        assert send_deadline_reminders() == 1
    assert reminders_to(world["respondent"]).count() == 1
    assert not reminders_to(world["claimant"]).exists()


def test_confirmation_deadline_is_reminded_to_both_sides(world, settings):
    m = claim_and_consent(world)
    signed_at = timezone.now()
    Mediation.objects.filter(pk=m.pk).update(state=MediationState.AGREEMENT_SIGNED, agreement_effective_at=signed_at)
    deadline = signed_at + timedelta(days=settings.JUDICIAL_CONFIRMATION_DAYS)
    with freeze_time(deadline - timedelta(days=3) + timedelta(minutes=5)):
        assert send_deadline_reminders() == 2
    with freeze_time(deadline + timedelta(minutes=5)):
        assert send_deadline_reminders() == 0


def test_reminder_days_come_from_settings(world, settings):
    settings.DEADLINE_REMINDER_DAYS = (7,)
    m = started(world)
    with freeze_time(m.period_ends - timedelta(days=6)):
        assert send_deadline_reminders() == 2
    with freeze_time(m.period_ends - timedelta(hours=20)):
        assert send_deadline_reminders() == 0


def test_reminders_use_sms_by_default_for_a_mobile_number(world):
    from portal.sms import LocmemBackend

    world["respondent"].phone = "13700000000"
    world["respondent"].save()
    m = started(world)
    LocmemBackend.outbox.clear()
    with freeze_time(m.period_ends - timedelta(hours=20)):
        send_deadline_reminders()
    assert [phone for phone, _text in LocmemBackend.outbox] == ["13700000000"]


def test_run_deadlines_command_runs_the_mediation_job_and_the_reminders(world):
    m = started(world)
    out = StringIO()
    with freeze_time(m.period_ends - timedelta(hours=20)):
        call_command("run_deadlines", stdout=out)
    assert "'reminders': 2" in out.getvalue() and "'period_expired': 0" in out.getvalue()
    with freeze_time(m.period_ends + timedelta(minutes=1)):
        call_command("run_deadlines", stdout=out)
    m.refresh_from_db()
    assert m.state == MediationState.TERMINATED
