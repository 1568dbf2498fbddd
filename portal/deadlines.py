"""Deadlines: the periodic job and the reminders before each party deadline.

Portal knows no process. Each app registers, in its AppConfig.ready():

- a deadline job with `register_deadline_job(job)`: `job(now=...)` fires what
  has expired and returns counts (mediation: consent and period expiry);
- a deadline provider with `register_deadline_provider(provider)`:
  `provider(now=..., until=...)` yields a DeadlineInfo for every open deadline
  that concerns parties and falls due in (now, until].

`run_deadline_jobs()` (the `run_deadlines` command) runs the jobs, then
`send_deadline_reminders()`: settings.DEADLINE_REMINDER_DAYS (default 3 and 1)
days before each deadline, every user it concerns is reminded once through
portal.notifications.notify(category="deadline").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import Case, DeadlineReminderSent, NotificationCategory, User
from portal.notifications import notify


@dataclass(frozen=True)
class DeadlineInfo:
    """One open deadline. `key` names it for good (e.g. "mediation:12:consent");
    the due time is added to the reminder key, so a deadline that moves (an
    extension) is reminded again. `label` is a lazy translation (it is
    rendered in each recipient's language)."""

    key: str
    case: Case | None
    users: list[User]
    label: object
    due_at: datetime
    url: str = ""


DeadlineProvider = Callable[..., Iterable[DeadlineInfo]]
DeadlineJob = Callable[..., dict]

_PROVIDERS: list[DeadlineProvider] = []
_JOBS: list[DeadlineJob] = []


def register_deadline_provider(provider: DeadlineProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def register_deadline_job(job: DeadlineJob) -> None:
    if job not in _JOBS:
        _JOBS.append(job)


def reminder_days() -> list[int]:
    return sorted({int(d) for d in getattr(settings, "DEADLINE_REMINDER_DAYS", (3, 1)) if int(d) > 0})


def reminder_key(info: DeadlineInfo, days: int) -> str:
    due = info.due_at.astimezone(UTC).strftime("%Y%m%dT%H%M")
    return f"{info.key}@{due}:{days}d"[:200]


def open_deadlines(*, now: datetime, until: datetime) -> Iterable[DeadlineInfo]:
    for provider in _PROVIDERS:
        yield from provider(now=now, until=until)


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Remind everyone concerned by a deadline due within the largest offset.
    Of the offsets the time left is within, the smallest is the one reminded:
    a deadline first seen with 20 hours left gets the 1-day reminder only.
    Returns the number of reminders sent."""
    days = reminder_days()
    if not days:
        return 0
    now = now or timezone.now()
    sent = 0
    for info in open_deadlines(now=now, until=now + timedelta(days=days[-1])):
        left = info.due_at - now
        if left <= timedelta(0):
            continue
        offset = next((d for d in days if left <= timedelta(days=d)), None)
        if offset is None:
            continue
        key = reminder_key(info, offset)
        recipients = [u for u in info.users if u is not None and u.is_active and _claim(u, key)]
        if recipients:
            notify(users=recipients, event="deadline_reminder", category=NotificationCategory.DEADLINE,
                   case=info.case, url=info.url, context={"deadline": info})
            sent += len(recipients)
    return sent


def _claim(user: User, key: str) -> bool:
    """Record the reminder before sending it: True if nobody sent it yet."""
    try:
        with transaction.atomic():
            DeadlineReminderSent.objects.create(user=user, key=key)
    except IntegrityError:
        return False
    return True


def run_deadline_jobs(now: datetime | None = None) -> dict[str, int]:
    """Every app's deadline job, then the reminders (so nothing is reminded
    that has just expired)."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for job in _JOBS:
        counts.update(job(now=now))
    counts["reminders"] = send_deadline_reminders(now)
    return counts
