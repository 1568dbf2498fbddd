"""The notification service (in-app, email, SMS by preference, in the recipient's
language) and the notification centre pages."""

from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from portal import notifications
from portal.models import CaseState, Notification, NotificationCategory, NotificationPreference
from portal.notifications import Channels, notify, save_preferences
from portal.services import intake
from portal.sms import LocmemBackend
from tests.conftest import verified_client
from tests.factories import PDF_BYTES, CaseFactory, DocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

MOBILE = "13912345678"


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    LocmemBackend.outbox.clear()


def docketed_notice(users, case=None, url="/cases/x/", transition="docket"):
    return notify(users=users, event="case_transition", category=NotificationCategory.CASE, case=case, url=url,
                  context={"transition": transition, "note": ""})


def test_notify_uses_every_channel_the_preferences_allow():
    user = UserFactory(phone=MOBILE)
    save_preferences(user=user, preferences={"case": Channels(in_app=True, email=True, sms=True)})
    docketed_notice([user])
    notification = Notification.objects.get(user=user)
    assert notification.title and notification.category == "case" and notification.event == "case_transition"
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert LocmemBackend.outbox and LocmemBackend.outbox[0][0] == MOBILE


def test_email_has_a_plain_text_and_an_html_part_with_a_link_to_the_portal():
    user = UserFactory()
    docketed_notice([user], url="/cases/ZJIP-M-2026-000001/")
    message = mail.outbox[0]
    assert message.subject == Notification.objects.get(user=user).title
    assert "/cases/ZJIP-M-2026-000001/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "/cases/ZJIP-M-2026-000001/" in html


def test_sms_is_off_by_default_except_for_deadline_reminders_to_a_mobile_number():
    user, landline = UserFactory(phone=MOBILE), UserFactory(phone="0571-88000000")
    assert notifications.channels_for(user, "case").sms is False
    assert notifications.channels_for(user, "deadline").sms is True
    assert notifications.channels_for(landline, "deadline").sms is False


def test_each_message_is_rendered_in_the_recipients_language():
    zh, en = UserFactory(preferred_language="zh-hans"), UserFactory(preferred_language="en")
    seen = []
    real = notifications.render_to_string

    def spy(template, context=None, *args, **kwargs):
        if template.endswith("_title.txt"):
            seen.append((context["recipient"].pk, translation.get_language()))
        return real(template, context, *args, **kwargs)

    with translation.override("en"), mock.patch.object(notifications, "render_to_string", side_effect=spy):
        docketed_notice([zh, en])
    assert sorted(seen) == sorted([(zh.pk, "zh-hans"), (en.pk, "en")])


def test_an_english_recipient_reads_english():
    user = UserFactory(preferred_language="en")
    docketed_notice([user], transition="return_for_correction")
    assert Notification.objects.get(user=user).title == "Your filing was returned for correction"


def test_a_chinese_recipient_reads_chinese():
    user = UserFactory(preferred_language="zh-hans")
    with translation.override("en"):
        docketed_notice([user], transition="return_for_correction")
    title = Notification.objects.get(user=user).title
    assert any("\u4e00" <= ch <= "\u9fff" for ch in title), title


@pytest.mark.parametrize("channel", ["in_app", "email", "sms"])
def test_each_channel_can_be_switched_off(channel):
    user = UserFactory(phone=MOBILE)
    choice = {"in_app": True, "email": True, "sms": True, channel: False}
    save_preferences(user=user, preferences={"case": Channels(**choice)})
    docketed_notice([user])
    assert Notification.objects.filter(user=user).exists() is choice["in_app"]
    assert bool(mail.outbox) is choice["email"]
    assert bool(LocmemBackend.outbox) is choice["sms"]


def test_in_app_deadline_reminders_cannot_be_switched_off():
    user = UserFactory()
    save_preferences(user=user, preferences={"deadline": Channels(in_app=False, email=False, sms=False)})
    assert NotificationPreference.objects.get(user=user, category="deadline").in_app is True
    assert notifications.channels_for(user, "deadline").in_app is True


def test_inactive_users_and_duplicates_are_skipped():
    user, gone = UserFactory(), UserFactory(is_active=False)
    docketed_notice([user, user, gone, None])
    assert Notification.objects.filter(user=user).count() == 1
    assert not Notification.objects.filter(user=gone).exists()
    assert len(mail.outbox) == 1


def test_a_mail_outage_is_logged_and_does_not_raise(settings, caplog):
    settings.EMAIL_BACKEND = "tests.portal.test_notifications.BrokenEmailBackend"
    user = UserFactory()
    docketed_notice([user])
    assert Notification.objects.filter(user=user).exists()
    assert "Could not email" in caplog.text


def test_an_sms_outage_is_logged_and_does_not_raise(settings, caplog):
    settings.SMS_BACKEND = "tests.portal.test_notifications.BrokenSmsBackend"
    user = UserFactory(phone=MOBILE)
    save_preferences(user=user, preferences={"case": Channels(in_app=True, email=True, sms=True)})
    docketed_notice([user])
    assert len(mail.outbox) == 1
    assert "Could not send a text message" in caplog.text


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


class BrokenSmsBackend:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


# --- callers --------------------------------------------------------------------------------

def test_docketing_notifies_the_claimant_in_app_and_by_email(django_capture_on_commit_callbacks, manager):
    case = CaseFactory(complete=True, state=CaseState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        case = intake.docket_case(case=case, by=manager)
    notification = Notification.objects.get(user=case.created_by)
    assert notification.case == case and notification.url == case.get_absolute_url()
    assert case.created_by.email in {m.to[0] for m in mail.outbox}


def test_the_submitter_hears_that_their_evidence_is_notarised(django_capture_on_commit_callbacks, claimant):
    from notary.services.items import register_file

    case = CaseFactory(created_by=claimant, complete=True, state="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        item = register_file(case=case, fileobj=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="a.pdf",
                             content_type="application/pdf", submitter=claimant)
    notification = Notification.objects.get(user=claimant)
    assert notification.category == "notary" and "a.pdf" in notification.title
    assert notification.url == reverse("notary_item", args=[item.uid])
    assert item.sha256 in notification.body


def test_a_filings_documents_notarised_at_submission_send_no_notary_notice(django_capture_on_commit_callbacks,
                                                                          claimant):
    from notary.services.items import register_case_document

    document = DocumentFactory(case=CaseFactory(created_by=claimant, complete=True), uploaded_by=claimant)
    with django_capture_on_commit_callbacks(execute=True):
        register_case_document(document)
    assert not Notification.objects.filter(user=claimant, category="notary").exists()


def test_a_mediation_step_notifies_everyone_on_the_case_but_the_actor(django_capture_on_commit_callbacks):
    from tests.mediation.helpers import claim_and_consent, make_world

    world = make_world(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        claim_and_consent(world)
    assert Notification.objects.filter(user=world["claimant"], event="mediation_transition").count() == 1
    assert not Notification.objects.filter(user=world["respondent"], event="mediation_transition").exists()


# --- pages ----------------------------------------------------------------------------------

def test_header_shows_the_unread_count(client, claimant):
    docketed_notice([claimant])
    docketed_notice([claimant])
    Notification.objects.filter(user=claimant).first().mark_read()
    docketed_notice([UserFactory()])
    response = verified_client(client, claimant).get(reverse("dashboard"))
    assert 'data-unread="1"' in response.content.decode()


def test_header_has_no_badge_when_everything_is_read(client, claimant):
    response = verified_client(client, claimant).get(reverse("dashboard"))
    assert "data-unread" not in response.content.decode()


def test_list_shows_only_ones_own_notifications(client, claimant):
    mine = docketed_notice([claimant])[0]
    other = docketed_notice([UserFactory()])[0]
    other.title = "someone else's"
    other.save()
    content = verified_client(client, claimant).get(reverse("notification_list")).content.decode()
    assert reverse("notification_open", args=[mine.pk]) in content
    assert reverse("notification_open", args=[other.pk]) not in content


def test_opening_marks_read_and_follows_the_link(client, claimant):
    notification = docketed_notice([claimant], url="/cases/abc/")[0]
    response = verified_client(client, claimant).get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/cases/abc/"
    notification.refresh_from_db()
    assert notification.is_read


def test_another_users_notification_is_404_and_stays_unread(client, claimant):
    notification = docketed_notice([UserFactory()])[0]
    response = verified_client(client, claimant).get(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


@pytest.mark.parametrize("url", ["https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)"])
def test_opening_never_redirects_off_site(client, claimant, url):
    notification = docketed_notice([claimant], url=url)[0]
    response = verified_client(client, claimant).get(reverse("notification_open", args=[notification.pk]))
    assert response.url == reverse("notification_list")


def test_mark_all_read_is_post_only_and_touches_only_ones_own(client, claimant):
    docketed_notice([claimant])
    docketed_notice([claimant])
    others = docketed_notice([UserFactory()])
    client = verified_client(client, claimant)
    assert client.get(reverse("notification_mark_all_read")).status_code == 405
    assert Notification.objects.filter(user=claimant).unread().count() == 2
    client.post(reverse("notification_mark_all_read"))
    assert Notification.objects.filter(user=claimant).unread().count() == 0
    assert Notification.objects.filter(pk=others[0].pk).unread().exists()


def test_list_is_paginated_newest_first(client, claimant):
    for _ in range(25):
        docketed_notice([claimant])
    newest = Notification.objects.filter(user=claimant).first()
    client = verified_client(client, claimant)
    first_page = client.get(reverse("notification_list")).content.decode()
    assert reverse("notification_open", args=[newest.pk]) in first_page
    assert first_page.count('class="unread"') == 20
    assert client.get(reverse("notification_list") + "?page=2").content.decode().count('class="unread"') == 5


def test_preferences_page_saves_choices_and_keeps_in_app_deadlines_on(client, claimant):
    client = verified_client(client, claimant)
    assert client.get(reverse("notification_preferences")).status_code == 200
    data = {"case__in_app": "on", "mediation__in_app": "on", "mediation__sms": "on", "deadline__email": "on"}
    response = client.post(reverse("notification_preferences"), data)
    assert response.status_code == 302
    assert notifications.channels_for(claimant, "case") == Channels(in_app=True, email=False, sms=False)
    assert notifications.channels_for(claimant, "mediation") == Channels(in_app=True, email=False, sms=True)
    assert notifications.channels_for(claimant, "deadline") == Channels(in_app=True, email=True, sms=False)
    assert notifications.channels_for(claimant, "notary") == Channels(in_app=False, email=False, sms=False)


def test_pages_need_a_login(client):
    for name in ("notification_list", "notification_preferences"):
        assert client.get(reverse(name)).status_code == 302
