"""One bad message never stops the others (#17): a file name with a line separator reaches a
subject and is sent on one line; a message that cannot be built or that the server refuses for
good is marked failed with its reason, shown to the coordinator, never retried, and every other
message goes out; the commands say so in one clear line, never with a traceback."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from review.cli import app
from review.db import get_engine, session_scope
from review.deadlines.escalate import escalate
from review.lifecycle import invite
from review.models import Document, Event, Outbox
from review.notify import municipality_notices, outbox
from review.notify.delivery import deliver
from review.notify.outbox import DeliveryFailed
from review.status import round_status
from tests.support.notify import (
    Mailbox,
    approved_assignment,
    make_reviewer,
    small_round,
    start_smtp,
)

SEPARATORS = {"LS": "\u2028", "NEL": "\x85", "VT": "\x0b", "PS": "\u2029", "FF": "\x0c"}


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = start_smtp(box)
    yield box, controller.port
    controller.stop()


def _with_smtp(settings, port):
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})


def _document(session, plan, file_name: str) -> Document:
    document = Document(
        round_id=plan.round_id,
        plan_id=plan.id,
        file_name=file_name,
        sha256=f"{plan.id:064d}",
        media_type="application/pdf",
        size=20480,
        pages=12,
        stored_path="x",
    )
    session.add(document)
    session.flush()
    return document


@pytest.mark.parametrize("separator", list(SEPARATORS))
def test_a_file_name_with_a_line_separator_is_sent_on_one_line_and_nothing_waits(
    settings, engine, mailbox, separator: str
) -> None:
    box, port = mailbox
    settings = _with_smtp(settings, port)
    evil = f"Plan{SEPARATORS[separator]}Bcc: victim@example.org.pdf"
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session)
        municipality_notices.plan_receipt(
            session, settings, towns["Altstadt"], _document(session, plans["Altstadt"], evil)
        )
        municipality_notices.plan_receipt(
            session, settings, towns["Bergdorf"], _document(session, plans["Bergdorf"], "b.pdf")
        )
    report = deliver(engine, settings)
    assert len(report.sent) == 2 and not report.failed and not report.undeliverable
    subjects = sorted(m["Subject"] for m in box.messages)
    assert "Plan eingegangen: Plan Bcc: victim@example.org.pdf" in subjects[0]
    assert all(m["Bcc"] is None for m in box.messages)


def _queue(session, settings, key: str, **changes) -> Outbox:
    values = dict(
        key=key,
        kind="digest",
        recipient="coord@example.org",
        language="en",
        subject="s",
        body="b",
        round_id=changes.pop("round_id", None),
        settings=settings,
    )
    values.update(changes)
    row = outbox.enqueue(session, **values)
    assert row is not None
    return row


def test_a_message_that_cannot_be_built_is_marked_failed_and_the_others_go(
    settings, engine, mailbox
) -> None:
    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session)
        _queue(session, settings, "digest:t1", round_id=round_.id)
        _queue(
            session,
            settings,
            "digest:t2",
            round_id=round_.id,
            attachments=[{"filename": "form.docx", "path": "gone/form.docx"}],
        )
        _queue(session, settings, "digest:t3", round_id=round_.id, subject="a\u2028b")
        round_name = round_.name
    with pytest.raises(DeliveryFailed) as raised:
        deliver(engine, settings)
    assert "1 message cannot be delivered and is marked failed" in str(raised.value)
    assert "could not be sent" not in str(raised.value)
    # the one message that failed, and its reason in words
    assert "its attachment " in str(raised.value) and "gone/form.docx is missing" in str(
        raised.value
    )
    assert sorted(m["Subject"] for m in box.messages) == ["a b", "s"]
    with session_scope(engine) as session:
        rows = {r.key: r for r in session.exec(select(Outbox))}
        assert rows["digest:t2"].status == "failed"
        assert "FileNotFoundError" in rows["digest:t2"].last_error
        assert {rows[k].status for k in ("digest:t1", "digest:t3")} == {"sent"}
        (event,) = session.exec(select(Event).where(Event.kind == "outbox.failed")).all()
        assert event.payload["key"] == "digest:t2"
        # The coordinator sees it in `peerplan status --json` ...
        from review.rounds import get_round

        status = round_status(session, get_round(session, round_name))
        assert status["messages"]["failed"] == 1 and status["messages"]["sent"] == 2
        (item,) = status["undeliverable"]
        assert item["key"] == "digest:t2" and "FileNotFoundError" in item["why"]
    # ... and the next run neither retries it nor fails again because of it.
    assert deliver(engine, settings).summary() == "0 sent, 0 cancelled, 0 failed"
    assert len(box.messages) == 2


class RefusingOne(Mailbox):
    """Refuses one recipient for good (550), as a relay does for an address that does not exist."""

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == "gone@example.org":
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_recipient_refused_for_good_is_marked_failed_the_others_go(settings, engine) -> None:
    box = RefusingOne()
    controller = start_smtp(box)
    settings = _with_smtp(settings, controller.port)
    try:
        with session_scope(engine) as session:
            _queue(session, settings, "digest:r1", recipient="gone@example.org")
            _queue(session, settings, "digest:r2")
        report = deliver(engine, settings, raise_on_failure=False)
    finally:
        controller.stop()
    assert report.sent == ["digest:r2"] and not report.failed
    assert [key for key, _ in report.undeliverable] == ["digest:r1"]
    assert "550" in report.undeliverable[0][1]
    with session_scope(engine) as session:
        row = session.exec(select(Outbox).where(Outbox.key == "digest:r1")).one()
        assert row.status == "failed" and row.last_error.startswith("refused: ")


def test_the_digest_says_which_message_to_whom_about_which_plan_was_not_sent(
    settings, engine, mailbox
) -> None:
    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session, due=date(2026, 12, 15))
        reviewer = make_reviewer(
            session, round_, towns["Bergdorf"], name="Rita Roth", email="r@example.org"
        )
        assignment = approved_assignment(session, round_, plans["Altstadt"], reviewer)
        invite(session, settings, [assignment], actor="coordinator")
        _queue(
            session,
            settings,
            "reminder:a1:broken",
            kind="reminder",
            recipient="r@example.org",
            round_id=round_.id,
            assignment_id=assignment.id,
            attachments=[{"filename": "f.docx", "path": "missing.docx"}],
        )
        _queue(  # about no assignment: said by its subject
            session,
            settings,
            "digest:broken",
            subject="Tagesübersicht",
            round_id=round_.id,
            attachments=[{"filename": "f.docx", "path": "missing.docx"}],
        )
    deliver(engine, settings, raise_on_failure=False)
    with session_scope(engine) as session:
        escalate(session, settings, now=datetime.now(UTC))
    deliver(engine, settings, raise_on_failure=False)
    (digest,) = [m for m in box.messages if m["X-Peerplan-Kind"] == "digest"]
    body = digest.get_body(("plain",)).get_content()
    # The round is German, and so is its digest; a coordinator knows the message by the kind,
    # the person and the plan and rubric, not by the outbox's key
    assert (
        "Erinnerung an Rita Roth <r@example.org> für Altstadt (Technische Begutachtung) wurde "
        "nicht verschickt: der Anhang "
    ) in " ".join(body.split())
    assert "missing.docx fehlt" in body and "FileNotFoundError" not in body
    assert (
        "Tagesübersicht an coord@example.org („Tagesübersicht“) wurde nicht verschickt"
        in " ".join(body.split())
    )
    assert "reminder:a1:broken" not in body and "digest:broken" not in body


runner = CliRunner()


def test_escalate_and_status_report_an_undeliverable_message_without_a_traceback(
    sqlite_settings, monkeypatch, mailbox
) -> None:
    box, port = mailbox
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", str(port))
    with session_scope(get_engine(sqlite_settings)) as session:
        round_, towns, plans = small_round(session, name="Runde [x]")
        _queue(
            session,
            sqlite_settings,
            "digest:[/bad]",
            round_id=round_.id,
            attachments=[{"filename": "f.docx", "path": "[/missing].docx"}],
        )
        municipality_notices.plan_receipt(
            session,
            sqlite_settings,
            towns["Altstadt"],
            _document(session, plans["Altstadt"], "Plan\u2028[/b].pdf"),
        )
    result = runner.invoke(app, ["escalate", "--now", "2026-12-01T08:00"])
    assert result.exit_code == 2, result.output
    assert (
        "Traceback" not in result.output
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )
    # about every round: the installation's language, German without a locale
    said = " ".join(result.output.split())  # the error wrapped at the terminal's width
    assert "als fehlgeschlagen markiert" in said and "[/missing].docx" in said
    assert [m["X-Peerplan-Kind"] for m in box.messages] == ["plan_receipt"]
    status = runner.invoke(app, ["status", "--round", "Runde [x]"])
    assert status.exit_code == 0, status.output
    # a German round: its coordinator reads German, the message by its kind and subject
    said = " ".join(status.output.split())
    assert "Tagesübersicht an coord@example.org („s“) wurde nicht verschickt:" in said
    assert "[/missing].docx" in said and "digest:[/bad]" not in said
    english = runner.invoke(app, ["status", "--round", "Runde [x]", "--json"])
    (item,) = json.loads(english.output)["undeliverable"]
    assert item["key"] == "digest:[/bad]"  # for scripts
    assert item["said"].startswith("Daily digest to coord@example.org (“s”) was not sent: ")
    assert "fehlgeschlagen 1" in status.output and "verschickt 1" in status.output


class RefusingTwo(Mailbox):
    """Refuses one address for good (550) and another for now (451: greylisting, a full box)."""

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == "gone@example.org":
            return "550 5.1.1 no such user"
        if address == "busy@example.org":
            return "451 4.2.2 mailbox full"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_run_names_each_message_not_sent_as_status_does_in_the_coordinators_language(
    settings, engine
) -> None:
    box = RefusingTwo()
    controller = start_smtp(box)
    settings = _with_smtp(settings, controller.port)
    try:
        with session_scope(engine) as session:
            round_, towns, plans = small_round(session)
            gone = make_reviewer(
                session, round_, towns["Bergdorf"], name="Rita Roth", email="gone@example.org"
            )
            gone.language = "en"  # her invitation's subject is English, whoever reads the run
            busy = make_reviewer(
                session, round_, towns["Altstadt"], name="Bea Berg", email="busy@example.org"
            )
            invite(
                session,
                settings,
                [
                    approved_assignment(session, round_, plans["Altstadt"], gone),
                    approved_assignment(session, round_, plans["Bergdorf"], busy),
                ],
                actor="coordinator",
            )
        report = deliver(engine, settings, raise_on_failure=False)
        with pytest.raises(DeliveryFailed) as raised:
            report.raise_if_failed()
    finally:
        controller.stop()
    assert len(report.failed) == 1 and len(report.undeliverable) == 1
    # The artifact's Delivery list (review.coordinator.artifacts) and the failed run's message:
    # the kind, the person, the plan and rubric, why, and what becomes of it; no outbox key.
    from review.coordinator.artifacts import delivery_markdown
    from review.i18n import translator

    german = " ".join(delivery_markdown(report, translator("de")).split())
    assert (
        "- Einladung an Rita Roth <gone@example.org> für Altstadt (Technische Begutachtung) "
        "wurde nicht verschickt: der Mailserver lehnte sie ab: 550 5.1.1 no such user – als "
        "fehlgeschlagen markiert und nicht wiederholt (`peerplan outbox` listet sie)"
    ) in german
    assert (
        "- Einladung an Bea Berg <busy@example.org> für Bergdorf (Technische Begutachtung) "
        "wurde nicht verschickt: der Mailserver lehnte sie ab: 451 4.2.2 mailbox full – sie "
        "wartet im Postausgang; der nächste Lauf versucht es erneut"
    ) in german
    english = " ".join(delivery_markdown(report, translator("en")).split())
    assert (
        "- Invitation to Rita Roth <gone@example.org> for Altstadt (Technical assessment) was not "
        "sent: the mail server refused it: 550 5.1.1 no such user – marked failed and not "
        "retried (`peerplan outbox` lists it)"
    ) in english
    assert (
        "- Invitation to Bea Berg <busy@example.org> for Bergdorf (Technical assessment) was not "
        "sent: the mail server refused it: 451 4.2.2 mailbox full – it waits in the outbox; "
        "the next run retries it"
    ) in english
    keys = [key for key, _ in [*report.failed, *report.undeliverable]]
    failure = raised.value
    for language, said in [("de", "wurde nicht verschickt"), ("en", "was not sent")]:
        text = failure.text(language)
        assert not any(key in text for key in keys) and "SMTPRecipientsRefused" not in text
        assert text.count(said) == 2
    assert (
        "Einladung an Rita Roth <gone@example.org> für Altstadt (Technische Begutachtung) "
        "wurde nicht verschickt: der Mailserver lehnte sie ab: 550"
    ) in failure.text("de")
    assert "der nächste Lauf versucht es erneut" in failure.text("de")
    assert (
        "Invitation to Bea Berg <busy@example.org> for Bergdorf (Technical assessment) was not "
        "sent: the mail server refused it: 451"
    ) in failure.text("en")
    assert "the next run retries it" in failure.text("en") and "`peerplan outbox`" in str(failure)
