"""Webhooks: telling connected organisations what happened to their cases.

Events (portal.models.WebhookEvent) come from django-fsm's post_transition
signal: intake transitions (complaint.status_changed, and case.docketed on
docketing), mediation and arbitration transitions (*.state_changed), and the
court's ruling on judicial confirmation (confirmation.ruled). A platform hears
about the complaints it filed; a court about the disputes it referred and the
cases whose confirmation application is addressed to it.

Nothing is sent before the transaction commits (transaction.on_commit), and
the payload is read from the committed rows. Each event for each subscribed
endpoint is a WebhookDelivery row; the POST itself runs on the django-tasks
worker (`send_delivery`).

Signature: `X-Timestamp: <unix seconds>` and `X-Signature: sha256=<hex>`, the
HMAC-SHA256 with the endpoint's secret over "<timestamp>.<body>" (docs/api.md
has a receiver's check in Python).

Retries: a delivery that fails (no answer, or not 2xx) is retried after
WEBHOOK_RETRY_BASE_SECONDS, then twice as long each time, up to
WEBHOOK_MAX_ATTEMPTS attempts; then it is marked failed. The retries are
picked up by `retry_due_deliveries`, registered as a deadline job, so the
periodic `run_deadlines` (already running in every setup) drives them: a task
that re-enqueues itself with a delay would need a backend that can defer
tasks, which the immediate backend used in development and tests cannot.

A delivery being sent is "claimed" by moving its next_attempt_at past the
request timeout (a conditional UPDATE), so two workers never send it at once,
and a delivery whose worker died is picked up again after that lease.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import socket
import ssl
import time
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django_fsm.signals import post_transition
from django_tasks import task

from notary.capture import address_is_public, host_is_allowed
from portal.api.services import one, result_of
from portal.models import Case, CaseCourtAccess, Organisation, WebhookDelivery, WebhookEndpoint, WebhookEvent

log = logging.getLogger(__name__)
E = WebhookEvent


# --- events ------------------------------------------------------------------------------------

def events_for(process: str, name: str) -> list[str]:
    if process == "intake":
        return [E.COMPLAINT_STATUS_CHANGED] + ([E.CASE_DOCKETED] if name == "docket" else [])
    if process == "mediation":
        ruled = name in ("confirm", "reject_confirmation")
        return [E.MEDIATION_STATE_CHANGED] + ([E.CONFIRMATION_RULED] if ruled else [])
    if process == "arbitration":
        return [E.ARBITRATION_STATE_CHANGED]
    return []


@receiver(post_transition, dispatch_uid="portal.api.webhooks")
def on_transition(sender, instance, name, source, target, **kwargs):
    if isinstance(instance, Case):
        case, process = instance, "intake"
    elif hasattr(instance, "timeline_case") and getattr(instance, "timeline_process", "") in ("mediation",
                                                                                               "arbitration"):
        case, process = instance.timeline_case, instance.timeline_process
    else:
        return
    events = events_for(process, name)
    change = {"process": process, "transition": name, "from": str(source), "to": str(target)}
    case_id = case.pk
    transaction.on_commit(lambda: emit(case_id=case_id, events=events, change=change), robust=True)


def endpoints_for_case(case_id: int):
    """Active endpoints of the organisations the case belongs to (one query)."""
    court = Q(organisation__kind=Organisation.Kind.COURT)
    return (WebhookEndpoint.objects.filter(active=True)
            .filter(Q(organisation__complaints__case_id=case_id)
                    | court & Q(organisation__court__in=Case.objects.filter(pk=case_id).values("referring_court"))
                    | court & Q(organisation__court__in=CaseCourtAccess.objects.filter(case_id=case_id)
                                .values("court")))
            .select_related("organisation").distinct())


def build_payload(*, event: str, event_id: uuid.UUID, case: Case, change: dict, organisation: Organisation,
                  at: datetime) -> dict:
    """What `organisation` is told: only its own references and links."""
    mediation, arbitration = one(case, "mediation"), one(case, "arbitration")
    result, final = result_of(case)
    data = {
        "case_id": str(case.ref), "case_number": case.number, "channel": case.channel, "status": case.state,
        "mediation_state": mediation.state if mediation else None,
        "arbitration_state": arbitration.state if arbitration else None,
        "result": result, "final": final, **change,
    }
    complaint = one(case, "platform_complaint")
    if complaint is not None and complaint.organisation_id == organisation.pk:
        data["external_reference"] = complaint.external_reference
        data["url"] = reverse("api:complaint-detail", kwargs={"ref": case.ref})
    elif organisation.kind == Organisation.Kind.COURT and case.referring_court_id == organisation.court_id:
        data["court_reference"] = case.court_reference
        data["url"] = reverse("api:referral-detail", kwargs={"ref": case.ref})
    confirmation = one(mediation, "confirmation") if mediation else None
    if confirmation is not None and event in (E.CONFIRMATION_RULED, E.MEDIATION_STATE_CHANGED):
        data["confirmation"] = {"id": confirmation.pk, "court": confirmation.court.name,
                                "ruling": confirmation.ruling or None, "ruling_number": confirmation.ruling_number,
                                "ruling_date": confirmation.ruling_date.isoformat() if confirmation.ruling_date
                                else None}
        if organisation.kind == Organisation.Kind.COURT and confirmation.court_id == organisation.court_id:
            data["confirmation"]["url"] = reverse("api:packet-detail", kwargs={"pk": confirmation.pk})
    return {"id": str(event_id), "event": event, "created_at": at.isoformat(), "data": data}


def emit(*, case_id: int, events: list[str], change: dict) -> list[WebhookDelivery]:
    """Create the deliveries of these events of one case and send them (after commit)."""
    endpoints = [e for e in endpoints_for_case(case_id) if set(e.events) & set(events)]
    if not endpoints:
        return []
    case = Case.objects.select_related("mediation__confirmation__court", "arbitration", "platform_complaint").get(
        pk=case_id)
    now = timezone.now()
    event_ids = {event: uuid.uuid4() for event in events}
    deliveries = [
        WebhookDelivery(endpoint=endpoint, event=event, event_id=event_ids[event], next_attempt_at=_lease(now),
                        payload=build_payload(event=event, event_id=event_ids[event], case=case, change=change,
                                              organisation=endpoint.organisation, at=now))
        for endpoint in endpoints for event in events if event in endpoint.events
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        _enqueue(delivery.pk)
    return deliveries


def replay(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send an event again (back office): a new delivery of the same event, same event id."""
    copy = WebhookDelivery.objects.create(endpoint=delivery.endpoint, event=delivery.event,
                                          event_id=delivery.event_id, payload=delivery.payload, replay_of=delivery,
                                          next_attempt_at=_lease(timezone.now()))
    transaction.on_commit(lambda: _enqueue(copy.pk), robust=True)
    return copy


# --- sending -----------------------------------------------------------------------------------

def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _lease(now: datetime) -> datetime:
    """Until when a claimed delivery is left to the worker sending it."""
    return now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS + 60)


def _enqueue(delivery_id: int) -> None:
    send_delivery.enqueue(delivery_id)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(0, attempts - 1))


@task()
def send_delivery(delivery_id: int) -> str:
    """POST one claimed delivery and record the outcome (runs on the task worker)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING).first()
    if delivery is None:
        return "not pending"
    endpoint = delivery.endpoint
    body = body_of(delivery)
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "ipdr-webhooks/1",
               "X-Timestamp": timestamp, "X-Signature": sign(endpoint.secret, timestamp, body),
               "X-Webhook-Id": str(delivery.uid), "X-Event": delivery.event}
    code, error = None, ""
    if not endpoint.active:
        error = "endpoint deactivated"
    else:
        try:
            code = post(endpoint.url, body, headers)
        except OutboundError as exc:
            error = str(exc)
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_code = code
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at, delivery.last_error = (
            WebhookDelivery.Status.DELIVERED, now, None, "")
    else:
        delivery.last_error = error or f"HTTP {code}"
        if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS or not endpoint.active:
            delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save(update_fields=["attempts", "response_code", "status", "delivered_at", "next_attempt_at",
                                 "last_error"])
    return delivery.status


def retry_due_deliveries(*, now: datetime) -> dict[str, int]:
    """Deadline job: claim every delivery due for another attempt and enqueue it."""
    due = list(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
               .order_by("next_attempt_at").values_list("pk", flat=True)[:1000])
    sent = 0
    for pk in due:
        claimed = WebhookDelivery.objects.filter(pk=pk, status=WebhookDelivery.Status.PENDING,
                                                 next_attempt_at__lte=now).update(next_attempt_at=_lease(now))
        if claimed:
            _enqueue(pk)
            sent += 1
    return {"webhook_retries": sent}


# --- the outbound HTTP client ------------------------------------------------------------------

class OutboundError(Exception):
    pass


def _guarded_connect(allow_private: bool):
    """socket.create_connection that refuses a non-public peer, checked on the
    connected socket (so a DNS answer that changes after the first check does
    not get through)."""
    def create_connection(address, *args, **kwargs):
        sock = socket.create_connection(address, *args, **kwargs)
        if not allow_private and not address_is_public(sock.getpeername()[0]):
            sock.close()
            raise OutboundError("the address is not public")
        return sock
    return create_connection


def post(url: str, body: bytes, headers: dict, *, timeout: float | None = None) -> int:
    """POST and return the status code. Refuses private, loopback and
    link-local addresses unless WEBHOOK_ALLOW_PRIVATE (the notary capture
    guard); follows no redirects; verifies TLS certificates."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError("not an http(s) URL")
    if not host_is_allowed(parts.hostname, allow_private=allow_private):
        raise OutboundError("the address is not public")
    timeout = timeout or settings.WEBHOOK_TIMEOUT_SECONDS
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    conn._create_connection = _guarded_connect(allow_private)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", target, body=body, headers=headers)
        response = conn.getresponse()
        response.read(64 * 1024)
        return response.status
    except (OSError, http.client.HTTPException) as exc:
        raise OutboundError(f"{type(exc).__name__}: {exc}"[:500]) from exc
    finally:
        conn.close()
