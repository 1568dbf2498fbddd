"""The notification service: telling people that something happened.

Every process (intake, mediation, arbitration, notary, deadline reminders) calls
`notify()`, after its transaction has committed. For each recipient, in the
recipient's own language, it renders

    notifications/<event>_title.txt   the in-app title and the email subject
    notifications/<event>.txt         the in-app text; the plain-text email wraps it
                                      in notifications/base_email.txt (greeting, link)
    notifications/<event>.html        the HTML email (optional: without it the text
                                      is wrapped in notifications/base_email.html)
    notifications/<event>_sms.txt     the text message (optional: title and link)

and stores an in-app Notification, sends the email and the text message, as the
recipient's NotificationPreference for the category allows. A mail or SMS
outage is logged and never undoes what the caller committed.

People without an account yet (a respondent invited by email or phone) are
reached through `email_address()`, rendered from the same templates, and
`text_number()`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Case, Notification, NotificationCategory, NotificationPreference, User
from portal.sms import send_sms
from portal.validators import is_mainland_mobile

log = logging.getLogger(__name__)

# Which intake transitions the claimant side hears about.
CLAIMANT_EVENTS = {"docket", "return_for_correction", "reject"}


@dataclass(frozen=True)
class Channels:
    in_app: bool
    email: bool
    sms: bool


@dataclass(frozen=True)
class Message:
    title: str
    text: str
    email_text: str
    html: str
    sms: str


def preferences_for(user: User) -> dict[str, Channels]:
    """Per category, the channels the user chose, or the defaults. In-app
    deadline reminders are always on."""
    stored = {p.category: p for p in NotificationPreference.objects.filter(user=user)}
    result = {}
    for category in NotificationCategory.values:
        p = stored.get(category)
        choice = ({"in_app": p.in_app, "email": p.email, "sms": p.sms} if p
                  else NotificationPreference.defaults(user, category))
        if category == NotificationCategory.DEADLINE:
            choice["in_app"] = True
        result[category] = Channels(**choice)
    return result


def channels_for(user: User, category: str) -> Channels:
    return preferences_for(user)[category]


def save_preferences(*, user: User, preferences: dict[str, Channels]) -> None:
    with transaction.atomic():
        for category, channels in preferences.items():
            NotificationPreference.objects.update_or_create(
                user=user, category=category,
                defaults={"in_app": channels.in_app or category == NotificationCategory.DEADLINE,
                          "email": channels.email, "sms": channels.sms})


def _absolute(url: str) -> str:
    if not url or "://" in url:
        return url
    return settings.PORTAL_PUBLIC_URL.rstrip("/") + url


def render_message(*, event: str, context: dict, language: str, url: str = "") -> Message:
    """Render an event's title, text, HTML and SMS in `language`."""
    link = _absolute(url)
    with translation.override(language):
        ctx = {**context, "centre_name": settings.PORTAL_CENTRE_NAME, "base_url": settings.PORTAL_PUBLIC_URL,
               "link": link}
        title = " ".join(render_to_string(f"notifications/{event}_title.txt", ctx).split())
        text = render_to_string(f"notifications/{event}.txt", ctx).strip()
        ctx.update(title=title, text=text)
        email_text = render_to_string("notifications/base_email.txt", ctx).strip() + "\n"
        try:
            html = render_to_string(f"notifications/{event}.html", ctx)
        except TemplateDoesNotExist:
            html = render_to_string("notifications/base_email.html", ctx)
        try:
            sms = " ".join(render_to_string(f"notifications/{event}_sms.txt", ctx).split())
        except TemplateDoesNotExist:
            sms = f"【{settings.PORTAL_CENTRE_NAME}】{title} {link}".strip()
    return Message(title=title, text=text, email_text=email_text, html=html, sms=sms)


def _send_email(address: str, message: Message) -> None:
    try:
        email = EmailMultiAlternatives(message.title, message.email_text, settings.DEFAULT_FROM_EMAIL, [address])
        email.attach_alternative(message.html, "text/html")
        email.send()
    except Exception:  # a mail outage must not undo a committed step
        log.exception("Could not email %s", address)


def text_number(*, phone: str, text: str) -> None:
    """A text message to a phone number (a user's, or a party's without an account)."""
    try:
        send_sms(phone, text)
    except Exception:  # nor an SMS gateway outage
        log.exception("Could not send a text message to %s", phone)


def _language(user) -> str:
    return getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE


def notify(*, users: Iterable[User | None], event: str, category: str, context: dict, case: Case | None = None,
           url: str = "") -> list[Notification]:
    """Tell each active user about `event`, on the channels they chose for
    `category`. `url` is a path on this site; the context gets `recipient`,
    `case`, `link` (absolute), `centre_name` and `base_url`. Call it after the
    commit (transaction.on_commit). Returns the in-app notifications created."""
    created = []
    seen = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        channels = channels_for(user, category)
        message = render_message(event=event, language=_language(user), url=url,
                                 context={"case": case, **context, "recipient": user})
        if channels.in_app:
            created.append(Notification.objects.create(
                user=user, category=category, event=event, title=message.title[:300], body=message.text, url=url,
                case=case))
        if channels.email and user.email:
            _send_email(user.email, message)
        if channels.sms and is_mainland_mobile(user.phone):
            text_number(phone=user.phone, text=message.sms)
    return created


def email_address(*, to: str, event: str, context: dict, language: str = "", url: str = "") -> None:
    """Plain email to someone without an account yet (in Chinese unless told)."""
    message = render_message(event=event, context={**context, "recipient": None}, url=url,
                             language=language or settings.LANGUAGE_CODE)
    _send_email(to, message)


# --- intake events --------------------------------------------------------------------------

def side_users(case: Case, side: str) -> list[User]:
    """Users acting for one side of a case: its parties' accounts and their
    agents' accounts; the filer counts as a claimant when they are a party user."""
    users = set()
    if side == "claimant" and case.created_by.role == User.Role.PARTY:
        users.add(case.created_by)
    users.update(p.user for p in case.parties.filter(side=side, user__isnull=False).select_related("user"))
    users.update(a.user for a in case.agents.filter(party__side=side, user__isnull=False).select_related("user"))
    return [u for u in users if u.is_active]


def claimant_side_users(case: Case) -> list[User]:
    return [u for u in side_users(case, "claimant") if u.role == User.Role.PARTY]


def case_transitioned(*, case: Case, name: str, by: User, note: str) -> None:
    if name not in CLAIMANT_EVENTS:
        return
    notify(users=claimant_side_users(case), event="case_transition", category=NotificationCategory.CASE, case=case,
           url=case.get_absolute_url(), context={"transition": name, "note": note})
