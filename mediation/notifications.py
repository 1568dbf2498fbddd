"""Who hears about what in a mediation (email in the recipient's language, plus
SMS to respondents we can only reach by phone)."""

import logging

from django.utils import translation

from portal.notifications import send_templated_email
from portal.sms import send_sms

log = logging.getLogger(__name__)


def _users(mediation):
    case = mediation.case
    users = {case.created_by}
    users.update(p.user for p in case.parties.filter(user__isnull=False).select_related("user"))
    users.update(a.user for a in case.agents.filter(user__isnull=False).select_related("user"))
    if mediation.mediator_id:
        users.add(mediation.mediator)
    return [u for u in users if u.is_active]


def _mail(user, template, context):
    try:
        send_templated_email(to=user, template=template, context=context)
    except Exception:  # a mail outage must not undo a committed step
        log.exception("Could not email %s", user.pk)


def invite_respondents(*, mediation, tokens) -> None:
    from mediation.services import invitation_url

    for email, phone, token in tokens:
        url = invitation_url(token)
        if email:
            class Recipient:  # not yet a user: address the party by email, in Chinese
                full_name = ""
                preferred_language = "zh-hans"

            recipient = Recipient()
            recipient.email = email
            _mail(recipient, "mediation_invitation", {"mediation": mediation, "url": url})
        if phone:
            with translation.override("zh-hans"):
                send_sms(phone, translation.gettext(
                    "%(centre)s: you are invited to mediate IP dispute %(number)s. Answer by %(date)s: %(url)s") % {
                    "centre": "知识产权纠纷调解仲裁中心", "number": mediation.case.number,
                    "date": mediation.consent_due.strftime("%Y-%m-%d"), "url": url})


def consent_reminder(*, mediation) -> None:
    for invitation in mediation.invitations.filter(used_at__isnull=True):
        if invitation.phone:
            send_sms(invitation.phone,
                     f"提醒：请于 {mediation.consent_due:%Y-%m-%d} 前答复调解邀请（案号 {mediation.case.number}）。")
    for user in _users(mediation):
        _mail(user, "mediation_event", {"mediation": mediation, "event": "consent_reminder"})


def transitioned(*, mediation, name, by, note) -> None:
    for user in _users(mediation):
        if by is not None and user.pk == by.pk:
            continue
        _mail(user, "mediation_event", {"mediation": mediation, "event": name, "note": note})


def mediator_proposed(*, appointment) -> None:
    _mail(appointment.mediator, "mediation_event", {"mediation": appointment.mediation, "event": "proposed"})


def confirmation_filed(*, application) -> None:
    """Tell the clerks of the court that a joint application is in their inbox."""
    from portal.models import User

    for clerk in User.objects.filter(role=User.Role.CLERK, court=application.court, is_active=True):
        _mail(clerk, "mediation_event", {"mediation": application.mediation, "event": "confirmation_filed"})
