"""Telling people that something happened on their case.

One entry point per event; each message is rendered in the recipient's own
language as plain text and HTML. (The notification centre issue adds in-app
notifications, SMS and preferences behind this same module.)
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Case, User

log = logging.getLogger(__name__)

# Which intake transitions the claimant side hears about.
CLAIMANT_EVENTS = {"docket", "return_for_correction", "reject"}


def send_templated_email(*, to: User, template: str, context: dict) -> None:
    with translation.override(to.preferred_language or settings.LANGUAGE_CODE):
        ctx = {**context, "recipient": to, "centre_name": settings.PORTAL_CENTRE_NAME,
               "base_url": settings.WAGTAILADMIN_BASE_URL}
        subject = render_to_string(f"email/{template}_subject.txt", ctx).strip().replace("\n", " ")
        text = render_to_string(f"email/{template}.txt", ctx)
        html = render_to_string(f"email/{template}.html", ctx)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to.email])
    message.attach_alternative(html, "text/html")
    message.send()


def claimant_side_users(case: Case) -> list[User]:
    users = {case.created_by}
    users.update(p.user for p in case.parties.filter(side="claimant", user__isnull=False).select_related("user"))
    users.update(a.user for a in case.agents.filter(party__side="claimant", user__isnull=False).select_related("user"))
    return [u for u in users if u.is_active and u.role == User.Role.PARTY]


def case_transitioned(*, case: Case, name: str, by: User, note: str) -> None:
    if name not in CLAIMANT_EVENTS:
        return
    for user in claimant_side_users(case):
        try:
            send_templated_email(to=user, template="case_transition",
                                 context={"case": case, "transition": name, "note": note})
        except Exception:  # a mail outage must not undo a committed decision
            log.exception("Could not email %s about case %s", user.pk, case.pk)
