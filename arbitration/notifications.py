"""Who hears about what in an arbitration, through portal's notification service
(in-app, email, SMS as each user chose). Respondents served before they have an
account get plain email and SMS with their personal link.

Messages are lazy translations formatted with `format_lazy`, so each recipient
reads them in their own language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.models import CaseAssignment, NotificationCategory, User
from portal.notifications import email_address, notify, side_users, text_number


def panel_url(arbitration) -> str:
    return reverse("arbitration_panel", args=[arbitration.case.url_key])


def parties(arbitration) -> list[User]:
    case = arbitration.case
    return side_users(case, "claimant") + side_users(case, "respondent")


def tribunal(arbitration) -> list[User]:
    return [m.arbitrator for m in arbitration.members.filter(status__in=["proposed", "accepted"])
            .select_related("arbitrator")]


def managers(arbitration) -> list[User]:
    assigned = [a.user for a in arbitration.case.assignments.filter(
        role=CaseAssignment.Role.CASE_MANAGER, active=True).select_related("user")]
    return assigned or list(User.objects.filter(role=User.Role.CASE_MANAGER, is_active=True))


def everyone(arbitration) -> list[User]:
    return parties(arbitration) + tribunal(arbitration)


def tell(users, arbitration, message, detail="") -> None:
    notify(users=users, event="arbitration_event", category=NotificationCategory.ARBITRATION, case=arbitration.case,
           url=panel_url(arbitration), context={"arbitration": arbitration, "message": message, "detail": detail})


def transitioned(*, arbitration, name, by, note) -> None:
    users = everyone(arbitration)
    if name in ("fees_received", "deem_withdrawn", "begin_constitution", "lapse_without_agreement", "close"):
        users += managers(arbitration)
    users = [u for u in users if by is None or u.pk != by.pk]
    tell(users, arbitration, format_lazy(_("The arbitration is now: {state}."), state=arbitration.get_state_display()),
         note)


def notice_served(*, arbitration, sent) -> None:
    from arbitration.services import notice_url

    for recipient, token in sent:
        url = notice_url(token)
        context = {"arbitration": arbitration, "url": url}
        if recipient.email:
            email_address(to=recipient.email, event="arbitration_notice", context=context)
        if recipient.phone:
            with translation.override(settings.LANGUAGE_CODE):
                text_number(phone=recipient.phone, text=translation.gettext(
                    "%(centre)s: a request for arbitration %(number)s names you as respondent. "
                    "Answer by %(date)s: %(url)s") % {
                    "centre": settings.PORTAL_CENTRE_NAME, "number": arbitration.case.number,
                    "date": f"{timezone.localtime(arbitration.answer_due):%Y-%m-%d}", "url": url})


def submission_filed(*, submission) -> None:
    arbitration = submission.arbitration
    users = [u for u in everyone(arbitration) if u.pk != submission.by_id]
    tell(users, arbitration, format_lazy(_("New filing: {kind}."), kind=submission.get_kind_display()))


def arbitrator_appointed(*, member) -> None:
    tell([member.arbitrator], member.arbitration,
         format_lazy(_("You are appointed as {role}. Please disclose any conflict and accept or decline."),
                     role=member.get_role_display()))


def arbitrator_accepted(*, member) -> None:
    arbitration = member.arbitration
    tell(parties(arbitration) + managers(arbitration), arbitration,
         format_lazy(_("{name} accepted the appointment as {role}. You may challenge within {days} days."),
                     name=member.arbitrator.full_name, role=member.get_role_display(),
                     days=arbitration.rule_set.challenge_days), member.disclosure)


def challenge_filed(*, challenge) -> None:
    arbitration = challenge.member.arbitration
    tell(managers(arbitration) + [challenge.member.arbitrator], arbitration,
         format_lazy(_("A party challenged {name}."), name=challenge.member.arbitrator.full_name), challenge.reason)


def challenge_decided(*, challenge) -> None:
    arbitration = challenge.member.arbitration
    message = _("The challenge of {name} was upheld.") if challenge.upheld else _("The challenge of {name} was dismissed.")
    tell(everyone(arbitration) + [challenge.member.arbitrator], arbitration,
         format_lazy(message, name=challenge.member.arbitrator.full_name), challenge.decision_note)


def order_issued(*, order) -> None:
    tell(everyone(order.arbitration), order.arbitration,
         format_lazy(_("Procedural order {n}: {title}"), n=order.number, title=order.title))


def hearing_scheduled(*, hearing) -> None:
    """In-app and email notice, plus an email carrying the .ics invitation (or cancellation)."""
    from arbitration.calendar import hearing_ics

    arbitration = hearing.arbitration
    users = everyone(arbitration)
    when = timezone.localtime(hearing.starts_at).strftime("%Y-%m-%d %H:%M")
    message = (format_lazy(_("The hearing of {when} is cancelled."), when=when) if hearing.cancelled
               else format_lazy(_("A hearing is scheduled for {when} ({mode})."), when=when,
                                mode=hearing.get_mode_display()))
    tell(users, arbitration, message, hearing.location)
    ics = hearing_ics(hearing, attendees=users)
    for user in users:
        if not user.email:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = f"{arbitration.case.number}: {message}"
        email = EmailMultiAlternatives(subject, str(subject), settings.DEFAULT_FROM_EMAIL, [user.email])
        method = "CANCEL" if hearing.cancelled else "REQUEST"
        email.attach("hearing.ics", ics, f"text/calendar; charset=utf-8; method={method}")
        try:
            email.send()
        except Exception:  # noqa: BLE001  (a mail outage must not undo a committed step)
            import logging

            logging.getLogger(__name__).exception("Could not send the hearing invitation to %s", user.pk)


def hearing_room_opened(*, hearing, when: str) -> None:
    """The presiding arbitrator opened the online hearing's room: everyone on
    the case (parties, tribunal, case managers) gets a link into it."""
    arbitration = hearing.arbitration
    users = everyone(arbitration) + managers(arbitration)
    url = reverse("arbitration_hearing_room", args=[arbitration.case.url_key, hearing.pk])
    notify(users=users, event="arbitration_event", category=NotificationCategory.ARBITRATION, case=arbitration.case,
           url=url, context={"arbitration": arbitration,
                             "message": format_lazy(_("The online hearing of {when} is open: join the hearing room."),
                                                    when=when), "detail": ""})


def deadline_extended(*, arbitration, field) -> None:
    from arbitration.models import DeadlineExtension

    when = timezone.localtime(getattr(arbitration, field)).strftime("%Y-%m-%d %H:%M")
    tell(everyone(arbitration), arbitration,
         format_lazy(_("Deadline extended: {what} — now {when}."), what=DeadlineExtension.FIELDS[field], when=when))


def nomination_overdue(*, arbitration) -> None:
    tell(managers(arbitration), arbitration, _("The time for nominations has passed; appoint to the open seats."))


def award_overdue(*, arbitration) -> None:
    tell(managers(arbitration) + tribunal(arbitration), arbitration, _("The time limit for the award has passed."))


def award_drafted(*, award) -> None:
    arbitration = award.arbitration
    tell([u for u in tribunal(arbitration) if u.pk != award.drafted_by_id], arbitration,
         format_lazy(_("Draft {n} of the award is ready for your signature."), n=award.number))


def award_issued(*, award) -> None:
    arbitration = award.arbitration
    tell(everyone(arbitration) + managers(arbitration), arbitration,
         _("The award has been issued. You can download it from the arbitration page."))


def correction_requested(*, request) -> None:
    arbitration = request.arbitration
    tell(tribunal(arbitration) + managers(arbitration), arbitration, _("A party asked for a correction of the award."),
         request.text)


def correction_decided(*, request) -> None:
    arbitration = request.arbitration
    tell(parties(arbitration), arbitration,
         _("The tribunal granted the correction.") if request.granted else _("The tribunal refused the correction."),
         request.decision)
