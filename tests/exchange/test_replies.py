"""The municipality's reply to its draft review (#16): a reply before the deadline appears in the
final edition (both editions) and in the meeting pack; one after it is refused and changes
nothing; the municipality is reminded once before the deadline while it has not replied."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from docx import Document as Docx
from sqlmodel import Session, select

from review import tokens
from review.config import Settings
from review.consolidation.pipeline import gather_with_exchange
from review.consolidation.plan_document import build_consolidated
from review.errors import InvalidInput
from review.exchange.meeting_pack import write_meeting_pack
from review.exchange.meetings import plan_round
from review.exchange.programme import load_programme
from review.exchange.replies import ReplyClosed, open_window, submit_reply
from review.exchange.reply_reminders import queue_reminders
from review.models import Municipality, Outbox, PlanReply
from review.reviewing import links
from review.runs import run_escalation
from tests.support.review_data import reviewed_plan

DUE = date(2027, 1, 20)


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_reply_before_the_deadline_is_in_the_final_edition(session: Session, tmp_path) -> None:
    reviewed = reviewed_plan(session, municipality="Tulln")
    plan = reviewed.plan
    open_window(session, plan, DUE, today=date(2027, 1, 5))
    submit_reply(
        session,
        plan,
        rubric_id="technical",
        criterion_id="T2",
        kind="correction",
        text="Die Bilanz auf S. 14 enthält den Verkehr sehr wohl.",
        today=DUE,  # the deadline day itself still counts
    )
    [dossier] = gather_with_exchange(session, reviewed.round_)
    for edition in ("municipality", "coordinator"):
        text = _text(build_consolidated(dossier, dossier.score(), edition))
        assert "Die Bilanz auf S. 14 enthält den Verkehr sehr wohl." in text
        assert "T2" in text and "Correction of fact" in text

    meetings, rows = plan_round(session, load_programme(), reviewed.round_)
    followers = next(m for m in meetings.meetings if m.id == "followers-review")
    pack = write_meeting_pack(followers, rows, tmp_path / "pack.docx", "en")
    assert "sehr wohl" in _text(Docx(str(pack)))


def test_reply_after_the_deadline_is_refused(session: Session) -> None:
    reviewed = reviewed_plan(session, municipality="Krems")
    plan = reviewed.plan
    with pytest.raises(ReplyClosed, match="No reply is open"):
        submit_reply(
            session, plan, rubric_id="technical", criterion_id="T2", kind="comment", text="x"
        )
    open_window(session, plan, DUE, today=date(2027, 1, 5))
    with pytest.raises(ReplyClosed, match="2027-01-20"):
        submit_reply(
            session,
            plan,
            rubric_id="technical",
            criterion_id="T2",
            kind="comment",
            text="Zu spät",
            today=date(2027, 1, 21),
        )
    for criterion, kind, text, message in [
        ("T99", "comment", "x", "no criterion T99"),
        ("T2", "praise", "x", "not 'praise'"),
        ("T2", "comment", "   ", "empty"),
    ]:
        with pytest.raises(InvalidInput, match=message):
            submit_reply(
                session,
                plan,
                rubric_id="technical",
                criterion_id=criterion,
                kind=kind,
                text=text,
                today=date(2027, 1, 6),
            )
    assert session.exec(select(PlanReply)).all() == []
    [dossier] = gather_with_exchange(session, reviewed.round_)
    assert "Zu spät" not in _text(build_consolidated(dossier, dossier.score(), "municipality"))
    assert "The municipality's reply" not in _text(
        build_consolidated(dossier, dossier.score(), "municipality")
    )


def test_a_second_reply_of_the_same_kind_replaces_the_first(session: Session) -> None:
    plan = reviewed_plan(session).plan
    open_window(session, plan, DUE, today=date(2027, 1, 5))
    for text in ("erste Fassung", "zweite Fassung"):
        submit_reply(
            session,
            plan,
            rubric_id="communication",
            criterion_id="C4",
            kind="comment",
            text=text,
            today=date(2027, 1, 6),
        )
    assert [r.text for r in session.exec(select(PlanReply)).all()] == ["zweite Fassung"]


def test_the_municipality_is_reminded_once_before_the_deadline(
    session: Session, settings: Settings
) -> None:
    reviewed = reviewed_plan(session, municipality="Melk")
    town = session.get(Municipality, reviewed.plan.municipality_id)
    town.contact_email, town.language = "klima@melk.example", "de"
    session.add(town)
    open_window(session, reviewed.plan, DUE, today=date(2027, 1, 5))
    assert queue_reminders(session, settings, reviewed.round_, today=date(2027, 1, 10)) == 0
    assert queue_reminders(session, settings, reviewed.round_, today=date(2027, 1, 18)) == 1
    assert queue_reminders(session, settings, reviewed.round_, today=date(2027, 1, 19)) == 0
    [row] = session.exec(select(Outbox).where(Outbox.kind == "reply_reminder")).all()
    assert row.recipient == "klima@melk.example" and "Stellungnahme" in row.subject
    assert "20.01.2027" in row.body and "/reply" in row.body
    assert queue_reminders(session, settings, reviewed.round_, today=date(2027, 1, 21)) == 0


def test_opening_the_window_tells_the_municipality_once_with_its_link(
    session: Session, settings: Settings
) -> None:
    reviewed = reviewed_plan(session, municipality="Melk")
    town = session.get(Municipality, reviewed.plan.municipality_id)
    town.contact_email, town.language = "klima@melk.example", "en"
    session.add(town)
    today = date(2027, 1, 5)
    for _ in range(2):  # a second opening with the same deadline queues nothing
        open_window(session, reviewed.plan, DUE, today=today, settings=settings)
    [row] = session.exec(select(Outbox).where(Outbox.kind == "reply_open")).all()
    assert row.recipient == "klima@melk.example" and row.language == "en"
    assert "20 Jan 2027" in row.subject and "ready" in row.subject
    # The link waits in the outbox as a placeholder; sent, it opens the municipality's page.
    [placeholder] = tokens.PLACEHOLDER.findall(row.body)
    written = "{peerplan-link:" + ":".join(placeholder) + "}"
    assert f"/m/{written}/reply" in row.body
    token = tokens.render_links(written, tokens.link_key(settings))
    assert links.municipality_for_token(session, token) == town
    # The reminder carries the same link (the first one keeps working).
    queue_reminders(session, settings, reviewed.round_, today=date(2027, 1, 18))
    [reminder] = session.exec(select(Outbox).where(Outbox.kind == "reply_reminder")).all()
    assert tokens.PLACEHOLDER.findall(reminder.body) == [placeholder]
    # A moved deadline is news: one more message, with the new date.
    open_window(session, reviewed.plan, DUE + timedelta(days=7), today=today, settings=settings)
    rows = session.exec(select(Outbox).where(Outbox.kind == "reply_open")).all()
    assert sorted("27 Jan 2027" in r.body for r in rows) == [False, True]


def test_the_hourly_escalation_reminds_the_municipality(
    session: Session, settings: Settings
) -> None:
    reviewed = reviewed_plan(session, municipality="Ybbs")
    town = session.get(Municipality, reviewed.plan.municipality_id)
    town.contact_email = "klima@ybbs.example"
    session.add(town)
    open_window(session, reviewed.plan, date.today() + timedelta(days=1))
    session.commit()
    run_escalation(settings, round_name=reviewed.round_.name)
    session.expire_all()
    [row] = session.exec(select(Outbox).where(Outbox.kind == "reply_reminder")).all()
    assert row.recipient == "klima@ybbs.example"
