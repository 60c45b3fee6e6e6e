"""Planning a round's meetings in the database (#16): packs written in each participant's
language, each participant invited once in their language with the calendar file and the pack in
their language attached; a changed date invites again."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document as Docx
from icalendar import Calendar
from pypdf import PdfReader
from sqlmodel import Session, select

from review.config import Settings
from review.coordinator.artifacts import meeting_lines
from review.documents.pdf import soffice
from review.exchange.meeting_run import run
from review.exchange.meetings import Changes
from review.i18n import translator
from review.models import Outbox
from tests.support.factories import make_municipality
from tests.support.review_data import reviewed_plan


def _round(session: Session):
    first = reviewed_plan(session, municipality="Tulln an der Donau", values=(3, 1, 4))
    reviewed_plan(session, municipality="Krems", round_=first.round_, values=(2, 2, 2))
    make_municipality(
        session, first.round_, "Vorreith", role="frontrunner", contact_email="v@town.example"
    )
    return first.round_


def test_meetings_are_planned_packed_and_invited(session: Session, settings: Settings) -> None:
    round_ = _round(session)
    report = run(session, settings, round_, Changes(start=date(2027, 3, 1)), pdf=False)
    ids = [m.id for m in report.plan.meetings]
    assert "planning-1" in ids and "followers-review" in ids
    assert any("special-award" in note for note in report.notes)
    # The coordinator's lines (artifact, CLI) name each meeting by its title and its id (walk10:
    # "followers-review: ..." in a German artifact), and the notes in the same language.
    lines = meeting_lines(report, translator("de"))
    assert any(
        x.startswith(
            "Gegenseitige Begutachtung der Energieaktionspläne der Nachahmer-Gemeinden "
            "(followers-review): "
        )
        for x in lines
    )
    assert any("nicht geplant: Die Runde hat keine Gemeinde mit Sonderpreis" in x for x in lines)
    pack = next(p for p in report.packs if p.name == "followers-review-en-pack.docx")
    text = "\n".join(p.text for p in Docx(str(pack)).paragraphs)
    assert "Tulln an der Donau" in text and "Krems" in text
    tables = "\n".join(c.text for t in Docx(str(pack)).tables for r in t.rows for c in r.cells)
    assert "Tulln an der Donau" in tables
    rows = session.exec(select(Outbox).where(Outbox.kind == "meeting_invitation")).all()
    assert len(rows) == report.invitations > 0
    invited = [r for r in rows if ":followers-review:" in r.key]
    participants = next(m for m in report.plan.meetings if m.id == "followers-review").participants
    assert sorted(r.recipient for r in invited) == sorted(p.email for p in participants)
    for row in invited:
        calendar_file = next(a for a in row.attachments if a["media_type"] == "text/calendar")
        raw = (settings.files_dir / calendar_file["path"]).read_bytes()
        event = Calendar.from_ical(raw).walk("VEVENT")[0]
        assert event.decoded("dtstart").date() >= date(2027, 3, 1)
        assert str(event["location"]) == "Krems"  # the first follower by name hosts
        # Each participant gets the pack in their own language.
        [attached] = [a for a in row.attachments if a["filename"].endswith("-pack.docx")]
        assert attached["filename"] == f"followers-review-{row.language}-pack.docx"
        assert attached["filename"] in row.body  # the invitation names it
        assert "Krems" in row.body
    languages = {p.language for p in participants}
    assert languages == {"de", "en"}  # the reviewers write German, the coordinator English
    german = next(p for p in report.packs if p.name == "followers-review-de-pack.docx")
    german_text = "\n".join(p.text for p in Docx(str(german)).paragraphs)
    assert "Tagesordnung" in german_text and "Agenda" not in german_text
    assert "Agenda" in text

    # Unchanged: nothing new. A new date for one meeting: its participants are invited again.
    assert (
        run(session, settings, round_, Changes(start=date(2027, 3, 1)), pdf=False).invitations == 0
    )
    moved = run(
        session,
        settings,
        round_,
        Changes(start=date(2027, 3, 1), dates={"followers-review": date(2027, 4, 20)}),
        pdf=False,
    )
    assert moved.invitations == len(participants)
    again = [
        r
        for r in session.exec(select(Outbox).where(Outbox.kind == "meeting_invitation")).all()
        if ":followers-review:" in r.key and r not in invited
    ]
    calendar_file = next(a for a in again[0].attachments if a["media_type"] == "text/calendar")
    event = Calendar.from_ical((settings.files_dir / calendar_file["path"]).read_bytes())
    assert event.walk("VEVENT")[0].decoded("dtstart").date() == date(2027, 4, 20)
    assert int(event.walk("VEVENT")[0]["sequence"]) == 1


@pytest.mark.slow
def test_the_pack_goes_out_as_pdf(session: Session, settings: Settings) -> None:
    if soffice() is None:
        pytest.skip("LibreOffice is not installed")
    round_ = _round(session)
    report = run(session, settings, round_, Changes(start=date(2027, 3, 1)))
    pdfs = [p for p in report.packs if p.suffix == ".pdf"]
    assert len(pdfs) == len([p for p in report.packs if p.suffix == ".docx"])
    assert "Krems" in "".join(page.extract_text() for page in PdfReader(pdfs[0]).pages)
    row = session.exec(select(Outbox).where(Outbox.kind == "meeting_invitation")).first()
    assert any(a["media_type"] == "application/pdf" for a in row.attachments)


def test_each_pack_says_why_in_its_own_language(session: Session, settings: Settings) -> None:
    """The outcome's reasons (a critical criterion scored low) are written in the pack's
    language, not in the round's."""
    weak = reviewed_plan(session, municipality="Tulln an der Donau", values=(1, 1, 1))
    reviewed_plan(session, municipality="Krems", round_=weak.round_, values=(3, 3, 3))
    report = run(session, settings, weak.round_, Changes(start=date(2027, 3, 1)), pdf=False)
    texts = {
        p.name: "\n".join(x.text for x in Docx(str(p)).paragraphs)
        for p in report.packs
        if p.name.startswith("followers-review-")
    }
    assert "is critical and scored 1" in texts["followers-review-en-pack.docx"]
    german = texts["followers-review-de-pack.docx"]
    assert "ist kritisch und mit 1 bewertet" in german and "is critical" not in german
