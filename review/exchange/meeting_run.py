"""Planning a round's meetings and what that causes (the CLI and the flow both call `run`):

1. the plan (`review.exchange.meetings`), with the coordinator's changes;
2. per meeting a meeting pack in each language of its participants (`<meeting>-<language>-
   pack.docx`, and a PDF copy when LibreOffice is installed) under the files folder's
   `meetings/<round>/`; a language peerplan cannot write gets the round's language's pack;
3. per meeting and participant a calendar file in the participant's language, and an invitation
   through the outbox (`meeting_invitation`) with the calendar file and the pack in the
   participant's language attached;
4. the audit event `meetings.planned`.

An invitation's outbox key holds the meeting's day, time and host: planning again unchanged
sends nothing; a changed date or host invites everyone again, and the calendar file (same UID, a
higher SEQUENCE) moves the entry participants already have.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, Field, SkipValidation
from sqlmodel import Session, select

from review import events
from review.config import Settings
from review.consolidation.gather import PlanRow
from review.documents.pdf import convert_to_pdf
from review.documents.text import slug
from review.exchange.calendar import agenda_lines, meeting_calendar
from review.exchange.meeting_pack import write_meeting_pack
from review.exchange.meetings import Changes, Meeting, MeetingPlan, plan_round
from review.exchange.programme import DEFAULT_PROGRAMME, load_programme
from review.i18n import pick_language, translator
from review.models import Event, Round
from review.notify.queueing import queue

MEETINGS_DIR = "meetings"


class MeetingsReport(BaseModel):
    plan: MeetingPlan
    packs: list[Path] = Field(default_factory=list)
    calendars: list[Path] = Field(default_factory=list)
    invitations: int = 0  # queued by this run (an unchanged meeting queues none)
    notes: list[SkipValidation[str]] = Field(default_factory=list)  # Phrases among them


def _version(meeting: Meeting) -> str:
    """What makes an invitation new: the meeting's time and host."""
    return hashlib.sha256(f"{meeting.starts.isoformat()}|{meeting.host}".encode()).hexdigest()[:12]


def _sequence(session: Session, meeting: Meeting) -> int:
    """How many times this meeting was planned with another day or host before (SEQUENCE)."""
    earlier = session.exec(
        select(Event).where(Event.round_id == meeting.round_id, Event.kind == "meeting.planned")
    ).all()
    versions = {e.payload.get("version") for e in earlier if e.payload.get("meeting") == meeting.id}
    versions.discard(_version(meeting))
    return len(versions)


def _write_calendars(
    settings: Settings, round_: Round, meeting: Meeting, languages: set[str], sequence: int
) -> dict[str, Path]:
    folder = settings.files_dir / MEETINGS_DIR / slug(round_.name, "round")
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for language in sorted(languages):
        path = folder / f"{meeting.id}-{language}.ics"
        path.write_bytes(
            meeting_calendar(
                meeting,
                language,
                organizer_name=round_.coordinator_name,
                organizer_email=round_.coordinator_email,
                sequence=sequence,
            )
        )
        written[language] = path
    return written


def _invite(
    session: Session,
    settings: Settings,
    round_: Round,
    meeting: Meeting,
    calendars: dict[str, Path],
    packs: dict[str, Path],
) -> int:
    queued = 0
    version = _version(meeting)
    for person in meeting.participants:
        t = translator(person.language)
        pack = packs[pack_language(person.language, round_)]
        row = queue(
            session,
            settings,
            key=f"meeting:r{round_.id}:{meeting.id}:{version}:{person.email.casefold()}",
            kind="meeting_invitation",
            recipient=person.email,
            language=person.language,
            round_id=round_.id,
            assignment_id=None,
            reason=f"meeting {meeting.id} planned",
            attachments=[
                {
                    "filename": f"{meeting.id}.ics",
                    "path": str(calendars[person.language].relative_to(settings.files_dir)),
                    "media_type": "text/calendar",
                },
                {
                    "filename": pack.name,
                    "path": str(pack.relative_to(settings.files_dir)),
                    "media_type": _media_type(pack),
                },
            ],
            recipient_name=person.name,
            meeting_title=meeting.kind.title(person.language),
            round_name=round_.name,
            host=meeting.host,
            day=t.format_date(meeting.starts),
            start_time=f"{meeting.starts:%H:%M}",
            end_time=f"{meeting.ends:%H:%M}",
            topics=[topic(person.language) for topic in meeting.kind.topics],
            agenda=agenda_lines(meeting),
            pack_name=pack.name,
            coordinator_name=round_.coordinator_name,
        )
        queued += row is not None
    return queued


def run(
    session: Session,
    settings: Settings,
    round_: Round,
    changes: Changes | None = None,
    *,
    programme: str = DEFAULT_PROGRAMME,
    pdf: bool = True,
    invite: bool = True,
    actor: str = "system",
) -> MeetingsReport:
    """Plan the round's meetings, write their packs and calendars, queue the invitations."""
    plan, rows = plan_round(session, load_programme(programme), round_, changes)
    report = MeetingsReport(plan=plan, notes=list(plan.notes))
    # The packs go with the invitations: they are written where attachments are read from.
    out = settings.files_dir / MEETINGS_DIR / slug(round_.name, "round")
    docx = {
        (meeting.id, language): _pack(meeting, rows, out, language)
        for meeting in plan.meetings
        for language in pack_languages(meeting, round_)
    }
    sent = {path: path for path in docx.values()}  # what goes out: the PDF where there is one
    if pdf and docx:
        converted = convert_to_pdf(list(docx.values()))
        if converted.note:
            report.notes.append(converted.note)
        for path in converted.converted:
            sent[path.with_suffix(".docx")] = path
    report.packs = list(docx.values()) + [p for p in sent.values() if p.suffix == ".pdf"]
    for meeting in plan.meetings:
        packs = {lang: sent[path] for (mid, lang), path in docx.items() if mid == meeting.id}
        sequence = _sequence(session, meeting)
        languages = {person.language for person in meeting.participants}
        calendars = _write_calendars(settings, round_, meeting, languages, sequence)
        report.calendars += list(calendars.values())
        if invite:
            report.invitations += _invite(session, settings, round_, meeting, calendars, packs)
        events.record(
            session,
            kind="meeting.planned",
            actor=actor,
            entity="meeting",
            entity_id=None,
            round_id=round_.id,
            payload={
                "meeting": meeting.id,
                "version": _version(meeting),
                "host": meeting.host,
                "starts": meeting.starts.isoformat(),
                "agenda": [item.municipality for item in meeting.agenda],
                "participants": len(meeting.participants),
            },
        )
    session.flush()
    return report


def pack_language(language: str, round_: Round) -> str:
    """The language of the pack a participant reads: theirs where peerplan writes it."""
    return pick_language(language, round_.language)


def pack_languages(meeting: Meeting, round_: Round) -> list[str]:
    """One pack per language of the meeting's participants (the round's when it has none)."""
    found = {pack_language(person.language, round_) for person in meeting.participants}
    return sorted(found or {pack_language(round_.language, round_)})


def _media_type(pack: Path) -> str:
    if pack.suffix == ".pdf":
        return "application/pdf"
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _pack(meeting: Meeting, rows: list[PlanRow], out: Path, language: str) -> Path:
    return write_meeting_pack(meeting, rows, out / f"{meeting.id}-{language}-pack.docx", language)
