"""`peerplan demo` (what `make demo` runs) on a fresh Prefect home: it finishes, says where the
documents are, the documents open, the simulated clock caused every kind of message, and the
exchange (#16) is in the documents: learning from peers, the action list, two municipalities'
replies, the meeting packs with their invitations and calendar files, the next round's progress."""

from __future__ import annotations

import email
import email.policy
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import docx
import icalendar
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect")]
PROJECT = Path(__file__).resolve().parents[2]


def test_demo_runs_a_whole_round(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "COLUMNS": "200"}
    for key in [k for k in env if k.startswith(("PEERPLAN_", "PREFECT_API"))]:
        env.pop(key)
    result = subprocess.run(
        [sys.executable, "-m", "review", "demo", "--out", str(out)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # no locale, no PEERPLAN_LANGUAGE: the demo says its steps in German
    assert f"zusammengeführte Dokumente: {out / 'documents'}" in result.stdout

    editions = sorted((out / "documents").rglob("*.docx"))
    assert len(editions) >= 16, [p.name for p in editions]  # two editions of each of 8 plans
    for path in editions:
        body = "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)
        assert body.strip(), f"{path.name} is empty"

    kinds = set()
    reply_links = []
    for path in (out / "mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        kinds.add(message["X-Peerplan-Kind"])
        if message["X-Peerplan-Kind"] == "reply_open":
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            reply_links += re.findall(r"https?://\S+/m/\S+/reply", body.get_content())
    assert kinds & {"invitation", "invitation_list"}  # one per reviewer and batch (#13)
    assert {
        "reminder",
        "overdue_notice",
        "escalation",
        "replacement_invitation",
        "released_notice",
        "submission_receipt",
        "meeting_invitation",
        "reply_open",
    } <= kinds
    assert len(reply_links) == 2, reply_links  # the two replying municipalities, told on their link
    assert_exchange_sections(out)
    replied = result.stdout.split("Antworten auf die Entwürfe:", 1)[1].split("\n", 1)[0]
    assert_replies(out, [name.strip() for name in replied.split(",")])
    assert_meetings(out)


#: What the exchange (#16) adds to each document, by the document's language.
MUNICIPALITY_SECTIONS = {
    "de": ("Maßnahmenliste", "Von anderen lernen"),
    "en": ("Action list", "Learn from peers"),
}
HISTORY_SECTIONS = {"de": "Seit der letzten Runde", "en": "Since the last round"}
REPLY_SECTION = {"de": "Stellungnahme der Gemeinde", "en": "The municipality's reply"}


def _language_and_text(path: Path) -> tuple[str, str]:
    document = docx.Document(io.BytesIO(path.read_bytes()))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document.core_properties.language, "\n".join(parts)


def assert_exchange_sections(out: Path) -> None:
    """Every municipality's document has the action list and learning from peers in its own
    language (and an action spreadsheet beside it); the coordinator's edition the calibration;
    the round summary the learning matrix; the next round's documents the progress."""
    languages = set()
    for folder, history in (("documents", False), ("documents-next-round", True)):
        editions = sorted((out / folder / "municipality").glob("*.docx"))
        assert editions, folder
        for path in editions:
            language, text = _language_and_text(path)
            languages.add(language)
            for heading in MUNICIPALITY_SECTIONS[language]:
                assert heading in text, (path.name, heading)
            if history:
                assert HISTORY_SECTIONS[language] in text, path.name
            assert path.with_name(f"{path.stem}-actions.xlsx").is_file()
        for path in (out / folder / "coordinator").glob("*.docx"):
            assert "Reviewer calibration" in _language_and_text(path)[1], path.name
    assert languages == {"de", "en"}
    summary = _language_and_text(out / "documents" / "summary" / "round-summary.docx")[1]
    assert "Learning from peers" in summary and "learns ↓ from →" in summary
    next_summary = out / "documents-next-round" / "summary" / "round-summary.docx"
    assert "Progress since the last round" in _language_and_text(next_summary)[1]


def assert_replies(out: Path, municipalities: list[str]) -> None:
    """The two municipalities that replied find their reply in their final edition, in their
    language; the others have no reply section."""
    assert len(municipalities) == 2, municipalities
    with_reply = set()
    for path in sorted((out / "documents" / "municipality").glob("*.docx")):
        language, text = _language_and_text(path)
        if REPLY_SECTION[language] in text:
            with_reply.add(path.name)
            assert ("Wir teilen die Einschätzung" in text) or ("We share this view" in text)
    assert len(with_reply) == 2, with_reply


def assert_meetings(out: Path) -> None:
    """The meeting packs (DOCX, and PDF where LibreOffice is installed) hold the agenda and the
    consolidated reviews; each calendar file is a valid event with a start and attendees."""
    packs = sorted((out / "meetings").rglob("*-pack.docx"))
    assert packs, list((out / "meetings").rglob("*"))
    for path in packs:
        text = _language_and_text(path)[1]
        assert ("Agenda" in text or "Tagesordnung" in text) and text.count("\n") > 20, path.name
    calendars = sorted((out / "meetings").rglob("*.ics"))
    assert calendars
    for path in calendars:
        [event] = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
        assert event.get("DTSTART") and event.get("SUMMARY") and event.get("ATTENDEE"), path.name
