"""The outbox and the notices: one row per key, sent once, cancelled when pointless, and a failing
SMTP server loses nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from review.db import session_scope
from review.lifecycle import invite
from review.models import Event, Outbox
from review.notify import background, municipality_notices, outbox, queueing
from review.notify.context import AssignmentFacts
from review.notify.delivery import deliver
from review.notify.outbox import DeliveryFailed
from review.states import transition
from tests.support.notify import (
    Mailbox,
    approved_assignment,
    free_port,
    make_reviewer,
    small_round,
    start_smtp,
)


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = start_smtp(box)
    yield box, controller.port
    controller.stop()


def _with_smtp(settings, port):
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})


def test_enqueue_twice_keeps_one_row_and_the_transaction(settings, engine):
    with session_scope(engine) as session:
        first = outbox.enqueue(
            session,
            key="k:1",
            kind="digest",
            recipient="a@example.org",
            language="de",
            subject="s",
            body="b",
            round_id=None,
            settings=settings,
        )
        again = outbox.enqueue(
            session,
            key="k:1",
            kind="digest",
            recipient="a@example.org",
            language="de",
            subject="other",
            body="other",
            round_id=None,
        )
        # The caller's transaction is still usable after the duplicate.
        session.add(Event(actor="t", kind="t", entity="t", entity_id=None, round_id=None))
    assert first is not None and again is None
    with session_scope(engine) as session:
        rows = list(session.exec(select(Outbox)))
        assert [(r.key, r.subject) for r in rows] == [("k:1", "s")]
        assert rows[0].message_id == outbox.message_id_for("k:1", settings)


def test_invitation_is_sent_once_with_the_word_form_and_a_stable_message_id(
    settings, engine, mailbox
):
    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session)
        reviewer = make_reviewer(session, round_, towns["Bergdorf"], language="en")
        a = approved_assignment(session, round_, plans["Altstadt"], reviewer)
        results = invite(session, settings, [a], actor="coordinator")
        again = invite(session, settings, [a], actor="coordinator")
    assert [r.outcome for r in results] == ["invited"]
    assert [r.outcome for r in again] == ["skipped"]
    report = deliver(engine, settings)
    assert len(report.sent) == 1
    deliver(engine, settings)  # nothing left to send
    assert len(box.messages) == 1
    message = box.messages[0]
    assert message["To"] == reviewer.email
    assert message["Content-Language"] == "en"
    with session_scope(engine) as session:
        salt = outbox.round_salt(session, round_.id)
    assert message["Message-ID"] == outbox.message_id_for(f"invitation:a{a.id}", settings, salt)
    assert message["Message-ID"] != outbox.message_id_for(f"invitation:a{a.id}", settings)
    body = message.get_body(("plain",)).get_content()
    assert "http://portal.test/r/" in body and "Klimaschutzkonzept Altstadt" in body
    attachments = [part.get_filename() for part in message.iter_attachments()]
    assert len(attachments) == 1 and attachments[0].endswith(".docx")
    with session_scope(engine) as session:
        sent_events = session.exec(select(Event).where(Event.kind == "outbox.sent")).all()
        assert len(sent_events) == 1 and sent_events[0].payload["to"] == reviewer.email


def test_reminder_to_someone_who_submitted_meanwhile_is_cancelled(settings, engine, mailbox):
    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session)
        reviewer = make_reviewer(session, round_, towns["Bergdorf"])
        a = approved_assignment(session, round_, plans["Altstadt"], reviewer)
        invite(session, settings, [a], actor="coordinator")
        queueing.queue(
            session,
            settings,
            key=f"reminder:a{a.id}:d-2",
            kind="reminder",
            recipient=reviewer.email,
            language="de",
            round_id=round_.id,
            assignment_id=a.id,
            reason="test",
            **AssignmentFacts.load(session, a).context("de", days_left=2),
        )
        transition(session, a, "submitted", actor="reviewer")
    report = deliver(engine, settings)
    assert report.sent == [] and len(report.cancelled) == 2  # invitation and reminder
    assert box.messages == []


def test_refusing_smtp_fails_loudly_and_a_later_run_sends_everything(settings, engine, mailbox):
    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session)
        for town in ("Altstadt", "Bergdorf"):
            municipality_notices.plan_receipt(
                session, settings, towns[town], _document(session, plans[town])
            )
    box.refuse = True
    with pytest.raises(DeliveryFailed, match="2 messages could not be sent"):
        deliver(engine, settings)
    with session_scope(engine) as session:
        rows = session.exec(select(Outbox)).all()
        assert {r.status for r in rows} == {"pending"}
        assert all(r.attempts == 1 and "554" in r.last_error for r in rows)
    box.refuse = False
    assert len(deliver(engine, settings).sent) == 2
    assert sorted(m["To"] for m in box.messages) == [
        "plan@altstadt.example",
        "plan@bergdorf.example",
    ]


def test_smtp_down_fails_loudly_and_a_later_run_sends(settings, engine, mailbox):
    box, port = mailbox
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session)
        municipality_notices.plan_receipt(
            session, settings, towns["Altstadt"], _document(session, plans["Altstadt"])
        )
    closed = _closed_port()
    down = _with_smtp(settings, closed)
    with pytest.raises(DeliveryFailed) as raised:
        deliver(engine, down)
    # What to do is said once, first: a new installation has no SMTP server. Each message is
    # named by its kind, recipient and subject, not by the outbox's key nor smtplib's exception.
    said = str(raised.value)
    assert "Plan receipt to plan@altstadt.example (“Plan eingegangen: plan.pdf" in said
    assert "was not sent: no mail server answered" in said and "ConnectionRefusedError" not in said
    assert said.startswith(f"No SMTP server answers at 127.0.0.1:{closed}. Set PEERPLAN_SMTP_HOST")
    assert "peerplan serve" in said
    assert len(deliver(engine, _with_smtp(settings, port)).sent) == 1
    assert len(box.messages) == 1


def test_plan_receipt_in_a_blind_round_names_no_reviewer(settings, engine, mailbox):
    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session, blind=True)
        reviewer = make_reviewer(
            session,
            round_,
            towns["Bergdorf"],
            name="Erika Mustermann",
            email="erika@bergdorf.example",
        )
        approved_assignment(session, round_, plans["Altstadt"], reviewer)
        municipality_notices.plan_receipt(
            session, settings, towns["Altstadt"], _document(session, plans["Altstadt"])
        )
    deliver(engine, settings)
    (message,) = box.messages
    text = message.as_string()
    assert "Erika" not in text and "erika@" not in text
    assert message["Content-Language"] == "de" and "Plan eingegangen" in message["Subject"]


def _document(session, plan):
    from review.models import Document

    document = Document(
        round_id=plan.round_id,
        plan_id=plan.id,
        file_name="plan.pdf",
        sha256=f"{plan.id:064d}",
        media_type="application/pdf",
        size=20480,
        pages=12,
        stored_path="x",
    )
    session.add(document)
    session.flush()
    return document


def _closed_port() -> int:
    return free_port()


def test_decline_without_a_backup_tells_the_coordinator_to_act(settings, engine, mailbox):
    from review import lifecycle

    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session, language="en")
        reviewer = make_reviewer(
            session, round_, towns["Bergdorf"], email="only@b.example", expertise=["technical"]
        )
        a = approved_assignment(session, round_, plans["Altstadt"], reviewer)
        invite(session, settings, [a], actor="coordinator")
    deliver(engine, settings)
    with session_scope(engine) as session:
        a = session.get(type(a), a.id)
        lifecycle.decline(session, settings, a, "On leave", actor="reviewer")
    deliver(engine, settings)
    notice = box.messages[-1]
    assert notice["To"] == "coord@example.org" and notice["X-Peerplan-Kind"] == "decline_notice"
    body = notice.get_body(("plain",)).get_content()
    assert "On leave" in body and "No eligible backup reviewer was found" in body
    assert len(box.messages) == 2  # the invitation, then only the coordinator's notice


def test_two_deliverers_at_once_send_each_message_once(settings, engine, mailbox):
    import threading

    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        for i in range(30):
            outbox.enqueue(
                session,
                key=f"digest:t{i}",
                kind="digest",
                recipient=f"c{i}@x.example",
                language="en",
                subject="s",
                body="b",
                round_id=None,
                settings=settings,
            )
    reports = []
    threads = [
        threading.Thread(target=lambda: reports.append(deliver(engine, settings))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(len(r.sent) for r in reports) == 30
    ids = [m["Message-ID"] for m in box.messages]
    assert len(ids) == len(set(ids)) == 30


def test_a_deliverer_leaves_the_outbox_to_one_of_an_older_version_holding_it(
    settings, engine, mailbox, monkeypatch
):
    """The lock a deliverer of an older version takes (its own advisory key, or the flock beside
    the SQLite file) still keeps this version's deliverers out: during an upgrade both may run,
    and both sending would send a message twice."""
    import fcntl

    from sqlalchemy import text

    from review.notify import delivery

    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        outbox.enqueue(
            session,
            key="digest:old",
            kind="digest",
            recipient="c@x.example",
            language="en",
            subject="s",
            body="b",
            round_id=None,
            settings=settings,
        )
    monkeypatch.setattr(delivery, "LOCK_WAIT_SECONDS", 0.3)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": 0x7065_6572_6F62})
            conn.commit()
            assert deliver(engine, settings).busy
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": 0x7065_6572_6F62})
            conn.commit()
    else:
        with open(f"{engine.url.database}.outbox-lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            assert deliver(engine, settings).busy
            fcntl.flock(handle, fcntl.LOCK_UN)
    assert not box.messages
    assert deliver(engine, settings).sent == ["digest:old"]


def test_background_delivery_sends_without_making_the_caller_wait(settings, engine, mailbox):
    import time

    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        outbox.enqueue(
            session,
            key="digest:bg",
            kind="digest",
            recipient="c@x.example",
            language="en",
            subject="s",
            body="b",
            round_id=None,
            settings=settings,
        )
    background.deliver_in_background(settings)
    background.deliver_in_background(settings)  # while it runs: one more look, no second sender
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and (not box.messages or background._background_running):
        time.sleep(0.05)
    assert [m["Message-ID"] for m in box.messages] == [outbox.message_id_for("digest:bg", settings)]


def test_one_invitation_to_two_plans_goes_out_while_either_is_open(settings, engine, mailbox):
    """#13 follow-up: the invitation to several plans was cancelled when its first plan closed
    before it was sent, though it carried the other plans' links too."""
    box, port = mailbox
    settings = _with_smtp(settings, port)
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session)
        reviewer = make_reviewer(session, round_, towns["Bergdorf"], email="eva@b.example")
        first, second = (approved_assignment(session, round_, p, reviewer) for p in plans.values())
        invite(session, settings, [first, second], actor="coordinator")
        transition(session, first, "declined", actor="reviewer")
    report = deliver(engine, settings)
    assert report.cancelled == [] and len(box.messages) == 1
    assert box.messages[0]["X-Peerplan-Kind"] == "invitation_list"

    with session_scope(engine) as session:
        round_, towns, plans = small_round(session, name="Zweite Runde")
        reviewer = make_reviewer(session, round_, towns["Bergdorf"], email="jo@b.example")
        both = [approved_assignment(session, round_, p, reviewer) for p in plans.values()]
        invite(session, settings, both, actor="coordinator")
        for assignment in both:
            transition(session, assignment, "declined", actor="reviewer")
    report = deliver(engine, settings)
    assert len(report.cancelled) == 1 and len(box.messages) == 1  # both closed: not sent
