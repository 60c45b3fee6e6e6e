"""Concurrency through the real portal over HTTP (uvicorn in a thread, one httpx client per
reviewer): many reviewers submitting at once, one assignment saved from two browsers, and the
escalation run changing states while reviewers submit. No lost update, no 500, on SQLite (WAL,
busy timeout) and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, select

from review.config import Settings
from review.db import engine_for
from review.models import Assignment, Review
from tests.reliability.crash_harness import assignment_log_problems
from tests.reliability.portal_server import Reviewer, complete_fields, serve
from tests.support.factories import make_round
from tests.support.reviewing_data import invited_assignment

CLIENTS = 12
FIGURES: dict[str, int] = {}


def _round_with_assignments(settings: Settings, n: int):
    with Session(engine_for(str(settings.database_url)), expire_on_commit=False) as session:
        round_ = make_round(session)
        return [invited_assignment(session, settings, round_=round_) for _ in range(n)], round_


def _reviews(settings: Settings) -> list[Review]:
    with Session(engine_for(str(settings.database_url))) as session:
        return list(session.exec(select(Review).order_by(Review.assignment_id)))


def _statuses(settings: Settings) -> dict[int, str]:
    with Session(engine_for(str(settings.database_url))) as session:
        return {a.id: a.status for a in session.exec(select(Assignment))}


def test_many_reviewers_submit_at_once(settings: Settings) -> None:
    invited, _ = _round_with_assignments(settings, CLIENTS)
    start = threading.Barrier(CLIENTS)

    def one(item) -> int:
        reviewer = Reviewer(base, item.token, item.assignment_id)
        try:
            fields = reviewer.open()
            start.wait(timeout=60)
            return reviewer.post(
                fields | complete_fields(marker=str(item.assignment_id)), "submit"
            ).status_code
        finally:
            reviewer.close()

    with serve(settings) as base, ThreadPoolExecutor(CLIENTS) as pool:
        codes = list(pool.map(one, invited))
    FIGURES["simultaneous submitters"] = CLIENTS
    assert codes == [303] * CLIENTS, codes
    reviews = _reviews(settings)
    assert [(r.assignment_id, r.status) for r in reviews] == [
        (i.assignment_id, "submitted") for i in sorted(invited, key=lambda i: i.assignment_id)
    ]
    for review in reviews:  # each kept its own text: no update landed on another assignment
        assert review.strengths == f"Strengths {review.assignment_id}"
    assert set(_statuses(settings).values()) == {"submitted"}
    assert assignment_log_problems(settings) == []


def test_the_same_assignment_saved_from_two_browsers(settings: Settings) -> None:
    (item,), _ = _round_with_assignments(settings, 1)
    with serve(settings) as base:
        for attempt in range(4):
            browsers = [Reviewer(base, item.token, item.assignment_id) for _ in range(2)]
            seen = [b.open() for b in browsers]
            assert seen[0]["seen"] == seen[1]["seen"]
            start = threading.Barrier(2)

            def save(k: int, start=start, seen=seen, attempt=attempt, browsers=browsers):
                start.wait(timeout=60)
                fields = seen[k] | complete_fields(marker=f"browser{k}-try{attempt}")
                return browsers[k].post(fields, "draft")

            with ThreadPoolExecutor(2) as pool:
                answers = list(pool.map(save, range(2)))
            codes = sorted(a.status_code for a in answers)
            assert codes == [303, 409], codes  # one wins, the other is told its save is stale
            loser = next(a for a in answers if a.status_code == 409)
            winner = answers.index(next(a for a in answers if a.status_code == 303))
            assert "Traceback" not in loser.text
            # The refused browser's text is shown back to it, not lost.
            assert f"browser{1 - winner}-try{attempt}" in loser.text
            (review,) = _reviews(settings)
            assert review.strengths == f"Strengths browser{winner}-try{attempt}"
            for b in browsers:
                b.close()
    FIGURES["two-browser races"] = 4


def test_escalation_running_while_reviewers_submit(mail_settings: Settings) -> None:
    """The escalation (run in-process, as the flow does) marks the same assignments overdue
    while their reviewers submit: a reviewer whose assignment changed under them is told to
    reload (409) and their resubmission succeeds; nothing is lost, nothing fails with 500."""
    from datetime import UTC, datetime

    from review.runs import run_escalation

    settings = mail_settings
    invited, round_ = _round_with_assignments(settings, CLIENTS)
    start = threading.Barrier(CLIENTS + 1)
    stop = threading.Event()
    runs: list[object] = []

    def escalate() -> None:
        start.wait(timeout=60)
        for hour in range(8, 20):  # the day after the due date: overdue + escalation
            if stop.is_set():
                break
            runs.append(
                run_escalation(
                    settings, round_name=round_.name, now=datetime(2026, 12, 16, hour, tzinfo=UTC)
                )
            )

    def one(item) -> list[int]:
        reviewer = Reviewer(base, item.token, item.assignment_id)
        codes = []
        try:
            fields = reviewer.open()
            start.wait(timeout=60)
            for _ in range(5):
                response = reviewer.post(
                    fields | complete_fields(marker=str(item.assignment_id)), "submit"
                )
                codes.append(response.status_code)
                if response.status_code != 409:
                    break
                fields = reviewer.open()  # "reload and try again"
            return codes
        finally:
            reviewer.close()

    with serve(settings) as base, ThreadPoolExecutor(CLIENTS + 1) as pool:
        escalation = pool.submit(escalate)
        results = list(pool.map(one, invited))
        stop.set()
        escalation.result()
    codes = [c for r in results for c in r]
    FIGURES["submitters racing the escalation"] = CLIENTS
    FIGURES["stale-state refusals then resubmitted"] = codes.count(409)
    assert 500 not in codes and all(r[-1] == 303 for r in results), results
    assert set(_statuses(settings).values()) == {"submitted"}
    assert len([r for r in _reviews(settings) if r.status == "submitted"]) == CLIENTS
    assert assignment_log_problems(settings) == []
    assert runs, "the escalation never ran"
    with Session(engine_for(str(settings.database_url))) as session:
        from review.models import Event

        overdue = session.exec(select(Event).where(Event.kind == "assignment.overdue")).all()
    FIGURES["assignments the escalation made overdue before their submission"] = len(overdue)


def teardown_module() -> None:
    print(f"\nconcurrency: {FIGURES}")
