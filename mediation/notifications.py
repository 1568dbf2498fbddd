"""Who hears about what in a mediation, through portal's notification service
(in-app, email, SMS as each user chose). Respondents invited before they have an
account get plain email, and SMS when we only have their phone."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import NotificationCategory
from portal.notifications import email_address, notify, text_number


def _users(mediation):
    case = mediation.case
    users = {case.created_by}
    users.update(p.user for p in case.parties.filter(user__isnull=False).select_related("user"))
    users.update(a.user for a in case.agents.filter(user__isnull=False).select_related("user"))
    if mediation.mediator_id:
        users.add(mediation.mediator)
    return [u for u in users if u.is_active]


def _notify(users, event: str, mediation, **context) -> None:
    notify(users=users, event=event, category=NotificationCategory.MEDIATION, case=mediation.case,
           url=reverse("mediation_panel", args=[mediation.case.url_key]), context={"mediation": mediation, **context})


def invite_respondents(*, mediation, tokens) -> None:
    from mediation.services import invitation_url

    for email, phone, token in tokens:
        url = invitation_url(token)
        if email:  # not yet a user: address the party by email, in Chinese
            email_address(to=email, event="mediation_invitation", context={"mediation": mediation, "url": url})
        if phone:
            with translation.override(settings.LANGUAGE_CODE):
                text_number(phone=phone, text=translation.gettext(
                    "%(centre)s: you are invited to mediate IP dispute %(number)s. Answer by %(date)s: %(url)s") % {
                    "centre": settings.PORTAL_CENTRE_NAME, "number": mediation.case.number,
                    "date": f"{timezone.localtime(mediation.consent_due):%Y-%m-%d}", "url": url})


def consent_reminder(*, mediation) -> None:
    for invitation in mediation.invitations.filter(used_at__isnull=True):
        if invitation.phone:
            text_number(phone=invitation.phone, text=f"提醒：请于 {timezone.localtime(mediation.consent_due):%Y-%m-%d} "
                                                     f"前答复调解邀请（案号 {mediation.case.number}）。")
    _notify(_users(mediation), "mediation_consent_reminder", mediation)


def transitioned(*, mediation, name, by, note) -> None:
    users = [u for u in _users(mediation) if by is None or u.pk != by.pk]
    _notify(users, "mediation_transition", mediation, transition=name, note=note)


def mediator_proposed(*, appointment) -> None:
    _notify([appointment.mediator], "mediation_mediator_proposed", appointment.mediation)


def confirmation_filed(*, application) -> None:
    """Tell the clerks of the court that a joint application is in their inbox."""
    from portal.models import User

    clerks = User.objects.filter(role=User.Role.CLERK, court=application.court, is_active=True)
    _notify(clerks, "mediation_confirmation_filed", application.mediation)
