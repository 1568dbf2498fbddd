"""Webhooks, received by a real HTTP server on loopback: signed, sent after
commit to the organisation's own endpoints, retried with backoff, replayed
from the back office; private addresses refused outside development."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from portal.api import webhooks
from portal.deadlines import run_deadline_jobs
from portal.models import Case, WebhookDelivery, WebhookEndpoint, WebhookEvent
from portal.services import intake
from tests.api.helpers import bulk
from tests.conftest import verified_client
from tests.factories import ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db
ALL_EVENTS = list(WebhookEvent.values)


class Receiver:
    """An HTTP server on 127.0.0.1 answering POSTs with the given status codes (then 200)."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/ipdr"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> list[str]:
        return [json.loads(body)["event"] for _, body in self.received]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def verify_signature(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """What a receiver does (docs/api.md)."""
    timestamp = headers["X-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["X-Signature"]) and abs(time.time() - int(timestamp)) <= tolerance


def subscribe(organisation, url, events=None) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(organisation=organisation, url=url, events=events or ALL_EVENTS)


def file_complaint(platform_api) -> Case:
    response = platform_api.post("/api/v1/complaints/bulk", bulk(1))
    assert response.status_code == 201, response.content
    return Case.objects.get(ref=response.json()["complaints"][0]["id"])


def docket(case, capture):
    with capture(execute=True):
        intake.docket_case(case=case, by=ManagerFactory())


def test_docketing_a_complaint_posts_signed_events_to_the_platform(platform_api, platform, receiver,
                                                                     django_capture_on_commit_callbacks):
    endpoint = subscribe(platform.organisation, receiver.url,
                         [WebhookEvent.COMPLAINT_STATUS_CHANGED, WebhookEvent.CASE_DOCKETED])
    case = file_complaint(platform_api)
    docket(case, django_capture_on_commit_callbacks)
    assert sorted(receiver.events()) == ["case.docketed", "complaint.status_changed"]
    for headers, body in receiver.received:
        assert verify_signature(endpoint.secret, headers, body)
        assert headers["Content-Type"].startswith("application/json")
        payload = json.loads(body)
        assert payload["data"]["case_id"] == str(case.ref)
        assert payload["data"]["external_reference"] == "TM-000000"
        assert payload["data"]["to"] == "docketed" and payload["data"]["case_number"]
        assert payload["data"]["mediation_state"] == "awaiting_consent"  # read after the commit
        assert headers["X-Event"] == payload["event"]
    assert not verify_signature("whsec_wrong", *receiver.received[0])
    assert set(WebhookDelivery.objects.values_list("status", "attempts", "response_code")) == {("delivered", 1, 200)}


def test_only_subscribed_events_are_sent(platform_api, platform, receiver, django_capture_on_commit_callbacks):
    subscribe(platform.organisation, receiver.url, [WebhookEvent.MEDIATION_STATE_CHANGED])
    docket(file_complaint(platform_api), django_capture_on_commit_callbacks)
    assert receiver.received == []


def test_other_organisations_hear_nothing_of_a_complaint(platform_api, other_platform, receiver,
                                                         django_capture_on_commit_callbacks):
    subscribe(other_platform.organisation, receiver.url)
    docket(file_complaint(platform_api), django_capture_on_commit_callbacks)
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_nothing_is_sent_for_a_transition_that_is_rolled_back(platform_api, platform, receiver,
                                                              django_capture_on_commit_callbacks):
    subscribe(platform.organisation, receiver.url)
    case = file_complaint(platform_api)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            intake.docket_case(case=case, by=ManagerFactory())
            raise RuntimeError("the docketing fails after the transition")
    assert receiver.received == []


def test_a_failed_delivery_is_retried_with_exponential_backoff_until_it_succeeds(
        platform_api, platform, receiver, django_capture_on_commit_callbacks, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    subscribe(platform.organisation, receiver.url, [WebhookEvent.CASE_DOCKETED])
    receiver.statuses = [500, 503]
    before = timezone.now()
    docket(file_complaint(platform_api), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    first_wait = delivery.next_attempt_at - before
    assert timedelta(seconds=60) <= first_wait < timedelta(seconds=70)

    # Not yet due: the periodic job leaves it.
    run_deadline_jobs(now=delivery.next_attempt_at - timedelta(seconds=1))
    assert len(receiver.received) == 1

    # Due: retried, fails again, waits twice as long.
    second_try_at = timezone.now()
    run_deadline_jobs(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 2, 503)
    assert timedelta(seconds=120) <= delivery.next_attempt_at - second_try_at < timedelta(seconds=130)

    run_deadline_jobs(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert delivery.delivered_at is not None and delivery.next_attempt_at is None
    # The same delivery each time: one id, one body.
    assert len({h["X-Webhook-Id"] for h, _ in receiver.received}) == 1
    assert len({body for _, body in receiver.received}) == 1


def test_a_delivery_is_given_up_after_the_last_attempt(platform_api, platform, receiver,
                                                       django_capture_on_commit_callbacks, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    subscribe(platform.organisation, receiver.url, [WebhookEvent.CASE_DOCKETED])
    receiver.statuses = [500, 500, 500]
    docket(file_complaint(platform_api), django_capture_on_commit_callbacks)
    run_deadline_jobs(now=WebhookDelivery.objects.get().next_attempt_at)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert delivery.last_error == "HTTP 500"


def test_backoff_doubles():
    assert [webhooks.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]


def test_a_delivery_can_be_replayed_from_the_back_office(client, platform_api, platform, receiver,
                                                         django_capture_on_commit_callbacks):
    subscribe(platform.organisation, receiver.url, [WebhookEvent.CASE_DOCKETED])
    docket(file_complaint(platform_api), django_capture_on_commit_callbacks)
    original = WebhookDelivery.objects.get()
    admin = verified_client(client, UserFactory(is_staff=True, is_superuser=True, role="admin"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/django-admin/portal/webhookdelivery/",
                              {"action": "replay", "_selected_action": [original.pk]})
    assert response.status_code == 302
    replay = WebhookDelivery.objects.get(replay_of=original)
    assert (replay.status, replay.attempts, replay.event_id) == ("delivered", 1, original.event_id)
    assert len(receiver.received) == 2
    first, second = (json.loads(body) for _, body in receiver.received)
    assert first == second  # the same event, same id: receivers can drop the duplicate
    assert receiver.received[0][0]["X-Webhook-Id"] != receiver.received[1][0]["X-Webhook-Id"]
    listing = admin.get("/django-admin/portal/webhookdelivery/")
    assert listing.status_code == 200 and b"case.docketed" in listing.content


def test_private_addresses_are_refused_outside_development(platform_api, platform, receiver,
                                                           django_capture_on_commit_callbacks, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    subscribe(platform.organisation, receiver.url, [WebhookEvent.CASE_DOCKETED])
    docket(file_complaint(platform_api), django_capture_on_commit_callbacks)
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "not public" in delivery.last_error
    with pytest.raises(webhooks.OutboundError):
        webhooks.post("http://localhost:9/", b"{}", {})
    with pytest.raises(webhooks.OutboundError):
        webhooks.post("file:///etc/passwd", b"{}", {})


def test_the_court_hears_of_applications_addressed_to_it_and_of_its_ruling(court_api, court_org, applied, receiver,
                                                                           django_capture_on_commit_callbacks):
    endpoint = subscribe(court_org.organisation, receiver.url, [WebhookEvent.CONFIRMATION_RULED])
    with django_capture_on_commit_callbacks(execute=True):
        response = court_api.post(f"/api/v1/confirmation-packets/{applied['application'].pk}/ruling",
                                  {"confirmed": True, "ruling_number": "(2026)浙0106民特15号",
                                   "ruling_date": "2026-12-01"})
    assert response.status_code == 200, response.content
    [(headers, body)] = receiver.received
    assert verify_signature(endpoint.secret, headers, body)
    data = json.loads(body)["data"]
    assert data["confirmation"]["ruling"] == "confirmed"
    assert data["confirmation"]["ruling_number"] == "(2026)浙0106民特15号"
    assert data["confirmation"]["url"] == f"/api/v1/confirmation-packets/{applied['application'].pk}"
    assert data["mediation_state"] == "confirmed"
