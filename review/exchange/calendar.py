"""A meeting as a calendar file (.ics, RFC 5545, the `icalendar` package): one event with the
meeting's title, place (the host municipality), agenda and organiser, in the reader's language.
The event's UID is the round and the meeting, so a changed date or host updates the entry a
participant already has instead of adding a second one (SEQUENCE grows with each change)."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from review.exchange.meetings import Meeting
from review.i18n import translator


def meeting_uid(meeting: Meeting) -> str:
    return f"round{meeting.round_id}-{meeting.id}@peerplan"


def agenda_lines(meeting: Meeting) -> list[str]:
    """'10:30 Tulln: Klimaschutzkonzept (30 min)' per plan, times in the meeting's zone (24-hour
    clock in every language the programme's countries write)."""
    return [
        f"{item.starts:%H:%M} {item.municipality}"
        + (f": {item.plan_title}" if item.plan_title else "")
        + f" ({item.minutes} min)"
        for item in meeting.agenda
    ]


def meeting_calendar(
    meeting: Meeting,
    language: str,
    *,
    organizer_name: str,
    organizer_email: str,
    sequence: int = 0,
    stamp: datetime | None = None,
) -> bytes:
    t = translator(language)
    calendar = Calendar()
    calendar.add("prodid", "-//peerplan//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp or datetime.now(UTC))
    event.add("dtstart", meeting.starts)
    event.add("dtend", meeting.ends)
    event.add("sequence", sequence)
    event.add("summary", f"{meeting.kind.title(language)} ({meeting.round_name})")
    event.add("location", meeting.host)
    topics = [f"- {topic(language)}" for topic in meeting.kind.topics]
    description = [t.gettext("Topics:"), *topics, "", t.gettext("Agenda:")]
    description += agenda_lines(meeting) or ["-"]
    event.add("description", "\n".join(description))
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = vText(organizer_name)
    event.add("organizer", organizer)
    for person in meeting.participants:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()
