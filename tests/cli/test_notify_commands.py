"""`peerplan invite`, `escalate` and `outbox` as a coordinator uses them, against a real SMTP
server; an unreachable server makes the command fail with a clear message, and nothing is lost."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from review.cli import app
from review.db import get_engine, session_scope
from tests.support.notify import (
    Mailbox,
    approved_assignment,
    free_port,
    make_reviewer,
    small_round,
    start_smtp,
)

runner = CliRunner()
D = date(2026, 12, 15)


@pytest.fixture
def cli(sqlite_settings, monkeypatch):
    box = Mailbox()
    controller = start_smtp(box)
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", str(controller.port))
    with session_scope(get_engine(sqlite_settings)) as session:
        round_, towns, plans = small_round(session, due=D, name="CLI Runde")
        reviewer = make_reviewer(
            session,
            round_,
            towns["Bergdorf"],
            email="r@example.org",
            language="en",
            languages=["de", "en"],
        )
        approved_assignment(session, round_, plans["Altstadt"], reviewer)
    yield (lambda *args: runner.invoke(app, list(args))), box, monkeypatch, controller.port
    controller.stop()


def test_invite_escalate_and_outbox(cli):
    invoke, box, monkeypatch, port = cli
    result = invoke("invite", "--round", "CLI Runde")
    assert result.exit_code == 0, result.output
    # A German round: its coordinator reads German.
    assert (
        "eingeladen: Reviewer" in result.output
        and "für Altstadt (Technische Begutachtung)" in result.output
    )
    assert "1 gesendet" in result.output
    assert invoke("invite", "--round", "CLI Runde").output.startswith("0 eingeladen")

    result = invoke("escalate", "--round", "CLI Runde", "--now", "2026-12-13T08:00")
    assert result.exit_code == 0, result.output
    assert "erzeugt: Erinnerung (d-2)" in result.output, result.output
    # the plan named: two reminders to one reviewer read as one sent twice without it
    assert "an r@example.org für Altstadt: 2 Tage vor der Frist" in result.output
    assert [m["X-Peerplan-Kind"] for m in box.messages] == ["invitation", "reminder", "digest"]

    # The SMTP server goes away: the next day's messages wait, the command fails loudly.
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", str(free_port()))
    result = invoke("escalate", "--now", "2026-12-15T08:00")
    assert result.exit_code == 2
    # a German round and a German installation (no locale): its coordinator reads German
    assert "konnten nicht verschickt werden" in result.output
    assert "der nächste Lauf versucht es erneut" in result.output
    listing = invoke("outbox", "--round", "CLI Runde").output
    assert "wartend" in listing and "Versuche=1" in listing and "„Reminder: " in listing

    monkeypatch.setenv("PEERPLAN_SMTP_PORT", str(port))  # back
    result = invoke("escalate", "--now", "2026-12-15T09:00")
    assert result.exit_code == 0, result.output
    assert [m["X-Peerplan-Kind"] for m in box.messages][3:] == ["reminder", "digest"]
    assert "wartend" not in invoke("outbox").output


def test_bad_now_and_unknown_round_are_clear_errors(cli):
    invoke, *_ = cli
    result = invoke("escalate", "--now", "tomorrow")
    # an installation without a locale speaks German
    assert result.exit_code == 2 and "Fehler: --now muss ein ISO-Datum" in result.output
    result = invoke("invite", "--round", "Nope")
    assert result.exit_code == 2 and "keine Runde namens „Nope“" in result.output


class _RefusingOne(Mailbox):
    """A server that refuses one address for good (550), as for a mailbox that does not
    exist, and takes every other."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == "gone@example.org":
            return "550 5.1.1 <gone@example.org>: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_failed_invite_names_who_was_not_invited_why_and_what_to_do(
    sqlite_settings, monkeypatch
) -> None:
    """Found running a German round with no SMTP server: 'eingeladen:' for all twelve reviewers,
    then the failures by outbox key ('invitation_list:r3:a3: ConnectionRefusedError: ...')."""
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    monkeypatch.setenv("COLUMNS", "80")
    with session_scope(get_engine(sqlite_settings)) as session:
        round_, towns, plans = small_round(session, due=D, name="Runde Süd")
        ada = make_reviewer(session, round_, towns["Bergdorf"], email="ada@example.org")
        gone = make_reviewer(session, round_, towns["Bergdorf"], email="gone@example.org")
        approved_assignment(session, round_, plans["Altstadt"], ada)
        approved_assignment(session, round_, plans["Altstadt"], gone, rubric="communication")
        ada_name, gone_name = ada.name, gone.name
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", str(free_port()))  # nobody answers

    result = runner.invoke(app, ["invite", "--round", "Runde Süd"])
    said = _flat(result.output)
    assert result.exit_code == 2
    assert "eingeladen:" not in said and "invitation" not in said  # no internal key
    assert (
        f"nicht verschickt: {ada_name} <ada@example.org> für Altstadt (Technische "
        "Begutachtung) – kein Mailserver antwortete" in said
    )
    assert "0 eingeladen, 2 nicht verschickt" in said
    assert "antwortet kein SMTP-Server" in said
    assert (
        "2 Einladungen wurden nicht verschickt (oben: „nicht verschickt“)" in said
        and "führen Sie `peerplan invite --round 'Runde Süd'` erneut aus" in said
        and "keine Einladung doppelt" in said
    )

    # The outbox names each message by its subject, its error under it; no key, no folded address
    listing = runner.invoke(app, ["outbox", "--round", "Runde Süd"]).output
    lines = [line.strip() for line in listing.splitlines()]
    assert "invitation:a" not in listing and "gone@example.org" in listing
    mail = next(i for i, line in enumerate(lines) if "ada@example.org" in line)
    assert lines[mail].startswith("wartend") and lines[mail + 1].startswith("„")
    assert any(line.startswith("Versuche=1 Fehler: ") for line in lines[mail + 2 : mail + 4])

    box = _RefusingOne()
    controller = start_smtp(box)
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", str(controller.port))
    try:
        again = runner.invoke(app, ["invite", "--round", "Runde Süd"])
        said = _flat(again.output)
        assert again.exit_code == 2
        assert (
            f"eingeladen: {ada_name} <ada@example.org> für Altstadt (Technische Begutachtung) "
            "(früher eingeladen)" in said
        )
        assert f"nicht zustellbar: {gone_name} <gone@example.org> für Altstadt" in said
        assert "der Mailserver lehnte sie ab: 550 5.1.1 <gone@example.org>: no such mailbox" in said
        assert "1 Einladung ist nicht zustellbar" in said and "coordinator new-link" in said
        assert [m["To"] for m in box.messages] == ["ada@example.org"]

        third = runner.invoke(app, ["invite", "--round", "Runde Süd"])  # sends nothing twice
        assert third.exit_code == 0, third.output
        assert [m["To"] for m in box.messages] == ["ada@example.org"]
    finally:
        controller.stop()
