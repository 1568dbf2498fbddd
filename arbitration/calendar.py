"""Hearing invitations as iCalendar (RFC 5545) with the icalendar library.

The UID is stable per hearing and SEQUENCE grows with every change, so calendar
programs update (or, with METHOD:CANCEL, remove) the same event."""

from django.conf import settings
from django.urls import reverse
from icalendar import Calendar, Event, vCalAddress, vText


def hearing_ics(hearing, *, attendees=()) -> bytes:
    arbitration = hearing.arbitration
    case = arbitration.case
    cal = Calendar()
    cal.add("prodid", "-//IP Dispute Resolution Portal//Hearings//ZH")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if hearing.cancelled else "REQUEST")
    event = Event()
    event.add("uid", hearing.uid)
    event.add("sequence", hearing.sequence)
    event.add("dtstamp", hearing.scheduled_at)
    event.add("dtstart", hearing.starts_at)
    event.add("dtend", hearing.ends_at)
    event.add("summary", f"仲裁开庭 / Arbitration hearing {case.number}")
    link = settings.PORTAL_PUBLIC_URL.rstrip("/") + reverse("arbitration_panel", args=[case.url_key])
    if hearing.mode == "online":
        event.add("location", vText(link))
        event.add("description", f"在线开庭 / Online hearing: {link}")
    else:
        event.add("location", vText(hearing.location))
        event.add("description", f"现场开庭 / In-person hearing. {link}")
    event.add("status", "CANCELLED" if hearing.cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(settings.PORTAL_CENTRE_NAME)
    event["organizer"] = organizer
    for user in attendees:
        if user.email:
            attendee = vCalAddress(f"mailto:{user.email}")
            attendee.params["cn"] = vText(user.full_name or user.email)
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
