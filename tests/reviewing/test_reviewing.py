"""Reviewing rules: links, validation by the rubric, drafts, submission, versions, stale saves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from review.config import Settings
from review.errors import InvalidInput
from review.lifecycle import accept, decline, submit
from review.models import Assignment, Event, Outbox, Review
from review.reviewing.drafts import form_state, reviews, save_draft
from review.reviewing.errors import InvalidReview, NotEditable, StaleSave
from review.reviewing.form import ReviewInput, Seen, validate
from review.reviewing.links import assignment_for_token, issue_link
from review.rubric import load_rubrics
from tests.support.reviewing_data import complete_review, invited_assignment

RUBRICS = load_rubrics()


def test_validate_names_every_problem_by_field() -> None:
    rubric = RUBRICS["technical"]
    data = complete_review()
    data.scores.update(T1="n/a", T2="7", T3="", T5="0")
    data.comments.update(T4="", T5="")
    errors = validate(rubric, data)
    assert set(errors) == {"score-T1", "score-T2", "score-T3", "comment-T4", "comment-T5"}
    assert "not allowed" in errors["score-T1"] and "0-4" in errors["score-T2"]
    assert "Kommentar" in validate(rubric, data, language="de")["comment-T4"]
    # A draft may be incomplete, but not wrong.
    assert set(validate(rubric, data, complete=False)) == {"score-T1", "score-T2"}
    # n/a is fine where the rubric allows it, and needs no comment.
    ok = complete_review()
    ok.scores["T3"], ok.comments["T3"] = "n/a", ""
    assert validate(rubric, ok) == {}


def test_link_opens_its_assignment_until_expiry_and_not_after_decline(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    assert assignment_for_token(session, inv.token, settings).id == inv.assignment_id
    assert assignment_for_token(session, inv.token + "x", settings) is None
    assignment = session.get(Assignment, inv.assignment_id)
    assert assignment.token_hash and inv.token not in assignment.token_hash
    late = assignment.token_expires_at + timedelta(seconds=1)
    assert assignment_for_token(session, inv.token, settings, now=late.replace(tzinfo=UTC)) is None
    decline(session, settings, assignment, "On leave", actor="reviewer")
    session.commit()
    assert assignment_for_token(session, inv.token, settings) is None


def test_reissued_link_revokes_the_old_one(
    session_sqlite: Session, sqlite_settings: Settings
) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    new = issue_link(session_sqlite, session_sqlite.get(Assignment, inv.assignment_id))
    session_sqlite.commit()
    assert assignment_for_token(session_sqlite, inv.token, sqlite_settings) is None
    assert assignment_for_token(session_sqlite, new, sqlite_settings) is not None


def test_draft_then_submit_then_new_version(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    a = session.get(Assignment, inv.assignment_id)
    draft = ReviewInput(scores={"T1": "3"}, comments={"T1": "Good target"})
    r = save_draft(session, a, draft, seen_revision="0.0", actor="reviewer")
    session.commit()
    assert (r.version, r.revision) == (1, 1)
    state = form_state(session, a)
    assert state.seen == Seen(1, 1) and state.data.scores["T1"] == "3"
    assert state.status == "draft"
    save_draft(session, a, draft, seen_revision=state.seen, actor="reviewer")
    session.commit()
    assert form_state(session, a).seen == Seen(1, 2)
    with pytest.raises(InvalidReview) as err:
        submit(session, a, draft, settings=settings, seen_revision="1.2", actor="reviewer")
    assert "score-T2" in err.value.errors
    session.rollback()
    r = submit(
        session, a, complete_review(), settings=settings, seen_revision="1.2", actor="reviewer"
    )
    session.commit()
    assert (r.version, r.status) == (1, "submitted") and a.status == "submitted"
    # Editing after submission makes version 2; version 1 stays as it was.
    changed = complete_review()
    changed.scores["T1"] = "4"
    changed.comments["T1"] = "Exemplary after all"
    save_draft(session, a, changed, seen_revision="1.3", actor="reviewer")
    r2 = submit(session, a, changed, settings=settings, seen_revision="2.1", actor="reviewer")
    session.commit()
    versions = reviews(session, a)
    assert [(v.version, v.status) for v in versions] == [(1, "submitted"), (2, "submitted")]
    assert versions[0].scores["T1"] == 2 and versions[1].scores["T1"] == 4 and r2.version == 2
    kinds = [e.kind for e in session.exec(select(Event).where(Event.entity_id == a.id))]
    assert "assignment.submitted" in kinds and "review.resubmitted" in kinds
    # One receipt per submitted version, queued in the same transaction; none for drafts.
    receipts = sorted(
        o.key for o in session.exec(select(Outbox).where(Outbox.kind == "submission_receipt"))
    )
    assert receipts == [f"submission_receipt:a{a.id}:v1", f"submission_receipt:a{a.id}:v2"]


def test_stale_save_is_refused_with_the_differences(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    a = session.get(Assignment, inv.assignment_id)
    save_draft(
        session,
        a,
        ReviewInput(scores={"T1": "1"}, comments={"T1": "tab A"}),
        seen_revision="0.0",
        actor="reviewer",
    )
    session.commit()
    with pytest.raises(StaleSave) as err:
        save_draft(
            session, a, ReviewInput(scores={"T1": "3"}), seen_revision="0.0", actor="reviewer"
        )
    session.rollback()
    diffs = {d.field: (d.yours, d.stored) for d in err.value.differences}
    assert diffs == {"score-T1": ("3", "1"), "comment-T1": ("", "tab A")}
    assert err.value.stored == Seen(1, 1)
    stored = session.exec(select(Review)).one()
    assert stored.scores == {"T1": 1} and stored.revision == 1


def test_no_edits_after_submission_when_the_round_forbids_it_or_the_deadline_passed(
    session_sqlite: Session, sqlite_settings: Settings
) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    a = session_sqlite.get(Assignment, inv.assignment_id)
    submit(
        session_sqlite,
        a,
        complete_review(),
        settings=sqlite_settings,
        seen_revision="0.0",
        actor="r",
    )
    session_sqlite.commit()
    round_deadline = datetime(2026, 12, 29, 23, 59, 59, tzinfo=UTC)  # due 15 Dec + 14 days
    with pytest.raises(NotEditable):
        save_draft(
            session_sqlite,
            a,
            complete_review(),
            seen_revision="1.1",
            actor="r",
            now=round_deadline + timedelta(seconds=2),
        )
    session_sqlite.rollback()
    assert form_state(session_sqlite, a, now=round_deadline - timedelta(days=1)).editable


def test_accept_and_decline(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    a = session.get(Assignment, inv.assignment_id)
    accept(session, settings, a, actor="reviewer")
    accept(session, settings, a, actor="reviewer")
    assert a.status == "accepted"
    with pytest.raises(InvalidInput):
        decline(session, settings, a, "  ", actor="reviewer")
    decline(session, settings, a, "Conflict of interest", actor="reviewer")
    session.commit()
    assert a.status == "declined" and a.decline_reason == "Conflict of interest"
    kinds = {o.kind: o for o in session.exec(select(Outbox))}
    assert "acceptance_receipt" in kinds and "decline_notice" in kinds
    assert "Conflict of interest" in kinds["decline_notice"].body
    assert kinds["decline_notice"].recipient == "coordinator@example.org"


def test_a_refused_submission_queues_no_message(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    a = session.get(Assignment, inv.assignment_id)
    with pytest.raises(InvalidReview):
        submit(session, a, ReviewInput(), settings=settings, seen_revision="0.0", actor="r")
    session.rollback()
    assert session.exec(select(Outbox).where(Outbox.kind == "submission_receipt")).all() == []


def test_time_machine_moves_link_expiry(session_sqlite: Session, sqlite_settings: Settings) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    with time_machine.travel(datetime(2027, 3, 1, tzinfo=UTC)):
        assert assignment_for_token(session_sqlite, inv.token, sqlite_settings) is None


def test_simultaneous_saves_of_one_draft_keep_exactly_one(
    session: Session, settings: Settings
) -> None:
    """Eight devices save the same draft at the same moment: one wins, seven are told."""
    import threading

    from review.db import engine_for

    inv = invited_assignment(session, settings)
    a = session.get(Assignment, inv.assignment_id)
    save_draft(session, a, ReviewInput(scores={"T1": "1"}), seen_revision="0.0", actor="r")
    session.commit()
    barrier, outcomes = threading.Barrier(8), []

    def device(n: int) -> None:
        with Session(engine_for(settings.database_url)) as own:
            mine = own.get(Assignment, inv.assignment_id)
            barrier.wait()
            try:
                save_draft(
                    own,
                    mine,
                    ReviewInput(scores={"T1": str(n % 5)}, comments={"T1": f"device {n}"}),
                    seen_revision="1.1",
                    actor="r",
                )
                own.commit()
                outcomes.append("saved")
            except StaleSave:
                own.rollback()
                outcomes.append("stale")
            except Exception as exc:  # anything else is a bug (e.g. "database is locked")
                outcomes.append(repr(exc))

    threads = [threading.Thread(target=device, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["saved"] + ["stale"] * 7, outcomes
    session.expire_all()
    assert form_state(session, a).seen == Seen(1, 2)
