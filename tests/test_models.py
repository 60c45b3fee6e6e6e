"""The data model's rules hold in the database itself, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from review import events
from review.models import Assignment, Document, Event
from review.states import IllegalTransition, StaleVersion, transition
from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round


def _document(round_, plan, sha: str, version: int = 1) -> Document:
    return Document(
        round_id=round_.id,
        plan_id=plan.id,
        version=version,
        file_name="plan.pdf",
        sha256=sha,
        media_type="application/pdf",
        size=10,
        stored_path=f"{sha[:2]}/{sha}",
    )


def _assignment(session: Session):
    round_ = make_round(session)
    home, other = make_municipality(session, round_), make_municipality(session, round_)
    plan = make_plan(session, round_, home)
    reviewer = make_reviewer(session, round_, other)
    assignment = Assignment(
        round_id=round_.id,
        plan_id=plan.id,
        reviewer_id=reviewer.id,
        rubric="technical",
        due_date=round_.due_date,
    )
    session.add(assignment)
    session.commit()
    return assignment


def test_same_file_twice_in_a_round_is_refused_by_the_database(session: Session) -> None:
    round_ = make_round(session)
    plan = make_plan(session, round_, make_municipality(session, round_))
    session.add(_document(round_, plan, "a" * 64))
    session.commit()
    session.add(_document(round_, plan, "a" * 64, version=2))
    with pytest.raises(IntegrityError):
        session.commit()


def test_same_file_in_two_rounds_is_two_documents(session: Session) -> None:
    for _ in range(2):
        round_ = make_round(session)
        plan = make_plan(session, round_, make_municipality(session, round_))
        session.add(_document(round_, plan, "b" * 64))
    session.commit()
    assert len(session.exec(select(Document)).all()) == 2


def test_stale_assignment_update_is_refused(engine) -> None:
    with Session(engine) as session:
        assignment = _assignment(session)
        assignment_id = assignment.id
    with Session(engine) as first, Session(engine) as second:
        mine = first.get(Assignment, assignment_id)
        theirs = second.get(Assignment, assignment_id)
        transition(first, mine, "invited", actor="coordinator")
        first.commit()
        with pytest.raises(StaleVersion, match="changed by someone else"):
            transition(second, theirs, "withdrawn", actor="coordinator")
        second.rollback()
    with Session(engine) as session:
        assert session.get(Assignment, assignment_id).status == "invited"


def test_each_state_change_writes_an_event(session: Session) -> None:
    assignment = _assignment(session)
    for target in ("invited", "accepted", "submitted"):
        transition(session, assignment, target, actor="reviewer")
    session.commit()
    history = events.history(session, "assignment", assignment.id)
    assert [(e.payload["from"], e.payload["to"]) for e in history] == [
        ("proposed", "invited"),
        ("invited", "accepted"),
        ("accepted", "submitted"),
    ]
    assert assignment.version == 4


def test_illegal_transition_is_refused_with_a_clear_error(session: Session) -> None:
    assignment = _assignment(session)
    with pytest.raises(IllegalTransition, match="cannot go from 'proposed' to 'submitted'"):
        transition(session, assignment, "submitted", actor="reviewer")
    assert events.history(session, "assignment", assignment.id) == []


def test_status_outside_the_state_machine_is_refused_by_the_database(session: Session) -> None:
    assignment = _assignment(session)
    with pytest.raises(IntegrityError):
        session.execute(text(f"UPDATE assignment SET status = 'lost' WHERE id = {assignment.id}"))
        session.commit()


def test_event_log_is_append_only(session: Session) -> None:
    round_ = make_round(session)
    session.commit()
    event = session.exec(select(Event).where(Event.round_id == round_.id)).one()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text(f"DELETE FROM event WHERE id = {event.id}"))
        session.commit()
    session.rollback()
    with pytest.raises(Exception, match="append-only"):
        session.execute(text(f"UPDATE event SET actor = 'x' WHERE id = {event.id}"))
        session.commit()


def test_a_reviewer_reviews_a_plan_at_most_once(session: Session) -> None:
    assignment = _assignment(session)
    session.add(
        Assignment(
            round_id=assignment.round_id,
            plan_id=assignment.plan_id,
            reviewer_id=assignment.reviewer_id,
            rubric="communication",
            due_date=assignment.due_date,
        )
    )
    with pytest.raises(IntegrityError):
        session.commit()
