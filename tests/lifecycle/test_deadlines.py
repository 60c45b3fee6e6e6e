"""lifecycle.extend_due_date (and what the deadline run does afterwards): the reviewer gets the new
date, an overdue review goes back to work, the link keeps working, and the new date's reminders
are sent although the old date's went out already."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import Session, select

from review import lifecycle
from review.config import Settings
from review.deadlines.escalate import escalate
from review.errors import InvalidInput
from review.models import Assignment, Event, Outbox
from review.reviewing.links import assignment_for_token, issue_link
from tests.support.notify import approved_assignment, make_reviewer, small_round

DUE = date(2026, 12, 15)


def _at(day: date, hour: int = 8) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _invited(session: Session, settings: Settings, *, language: str = "en") -> Assignment:
    round_, towns, plans = small_round(session, due=DUE)
    reviewer = make_reviewer(
        session, round_, towns["Bergdorf"], email="eva@b.example", language=language
    )
    assignment = approved_assignment(session, round_, plans["Altstadt"], reviewer)
    lifecycle.invite(session, settings, [assignment], actor="coordinator", now=_at(DUE, 0))
    return assignment


def _messages(session: Session, assignment: Assignment, kind: str) -> list[Outbox]:
    return list(
        session.exec(
            select(Outbox)
            .where(Outbox.assignment_id == assignment.id, Outbox.kind == kind)
            .order_by(Outbox.id)  # type: ignore[arg-type]
        )
    )


def test_an_overdue_review_gets_a_new_date_and_goes_back_to_work(
    session: Session, settings: Settings
) -> None:
    assignment = _invited(session, settings)
    lifecycle.accept(session, settings, assignment, actor="reviewer")
    escalate(session, settings, now=_at(DUE + timedelta(days=1)), round_id=assignment.round_id)
    assert assignment.status == "overdue"
    token = issue_link(session, assignment, settings=settings)
    new_due = DUE + timedelta(days=40)  # past the round's deadline and the links' grace period

    lifecycle.extend_due_date(
        session, settings, assignment, new_due, actor="coordinator", now=_at(DUE + timedelta(2))
    )

    assert (assignment.status, assignment.due_date) == ("accepted", new_due)
    changed = session.exec(
        select(Event).where(
            Event.entity_id == assignment.id, Event.kind == "assignment.due_date_changed"
        )
    ).one()
    assert changed.payload["from"] == DUE.isoformat() and changed.payload["to"] == "2027-01-24"
    (notice,) = _messages(session, assignment, "due_date_changed")
    assert notice.recipient == "eva@b.example" and notice.language == "en"
    assert "24 Jan 2027" in notice.subject and "15 Dec 2026" in notice.body
    # The link works until the new date (plus the grace period), not only the round's.
    assert assignment_for_token(session, token, settings, now=_at(new_due)) is not None
    # The deadline run no longer treats it as late.
    report = escalate(
        session, settings, now=_at(DUE + timedelta(days=10)), round_id=assignment.round_id
    )
    assert assignment.status == "accepted" and report.transitions == []


def test_the_new_dates_reminders_are_sent_though_the_old_ones_went_out(
    session: Session, settings: Settings
) -> None:
    assignment = _invited(session, settings)
    escalate(session, settings, now=_at(DUE - timedelta(days=2)), round_id=assignment.round_id)
    assert [m.key for m in _messages(session, assignment, "reminder")] == [
        f"reminder:a{assignment.id}:d-2"
    ]
    new_due = DUE + timedelta(days=7)
    lifecycle.extend_due_date(
        session, settings, assignment, new_due, actor="coordinator", now=_at(DUE - timedelta(1))
    )

    escalate(session, settings, now=_at(new_due - timedelta(days=2)), round_id=assignment.round_id)
    escalate(session, settings, now=_at(new_due - timedelta(days=2)), round_id=assignment.round_id)

    keys = [m.key for m in _messages(session, assignment, "reminder")]
    assert keys == [f"reminder:a{assignment.id}:d-2", f"reminder:a{assignment.id}:d-2@2026-12-22"]
    assert assignment.status == "invited"


def test_a_past_date_needs_confirmation_and_a_finished_review_gets_none(
    session: Session, settings: Settings
) -> None:
    assignment = _invited(session, settings)
    now = _at(DUE)
    yesterday = DUE - timedelta(days=1)
    with pytest.raises(InvalidInput, match="in the past"):
        lifecycle.extend_due_date(session, settings, assignment, yesterday, actor="c", now=now)
    assert assignment.due_date == DUE and _messages(session, assignment, "due_date_changed") == []
    lifecycle.extend_due_date(
        session, settings, assignment, yesterday, actor="c", now=now, allow_past=True
    )
    assert assignment.due_date == yesterday
    # The same date again changes nothing and tells nobody twice.
    version = assignment.version
    lifecycle.extend_due_date(
        session, settings, assignment, yesterday, actor="c", now=now, allow_past=True
    )
    assert assignment.version == version
    assert len(_messages(session, assignment, "due_date_changed")) == 1

    lifecycle.decline(session, settings, assignment, "On leave", actor="reviewer")
    with pytest.raises(InvalidInput, match="is declined: only an open review"):
        lifecycle.extend_due_date(session, settings, assignment, DUE, actor="c", now=now)
