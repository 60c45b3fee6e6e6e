"""The assign_reviewers flow under Prefect's test harness: it pauses for the coordinator, who
approves, or rejects with a pin and then approves the new proposal; or approves on the round
page (or with `peerplan approve`) instead, and the paused run goes on by itself."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable

import pytest
from prefect import flow
from sqlmodel import select

from review import lifecycle
from review.db import get_engine, session_scope
from review.models import Assignment, Event
from review.rounds import get_round
from tests.assignment.test_service import _round


def _environment(monkeypatch, settings):
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", settings.database_url)


def _answer_when_paused(answers: list[dict], seen: list[str]) -> threading.Thread:
    """A coordinator in another thread: each time the run pauses, resume with the next answer."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.flow_runs import resume_flow_run

    def run() -> None:
        pending = list(answers)
        deadline = time.monotonic() + 120
        while pending and time.monotonic() < deadline:
            with get_client(sync_client=True) as client:
                paused = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(
                            type=FlowRunFilterStateType(any_=[StateType.PAUSED])
                        )
                    )
                )
            paused = [
                r
                for r in paused
                if r.state
                and r.state.state_details.pause_key
                and f"{r.id}:{r.state.state_details.pause_key}" not in seen
            ]
            if paused:
                run_ = paused[0]
                seen.append(f"{run_.id}:{run_.state.state_details.pause_key}")
                resume_flow_run(run_.id, run_input=pending.pop(0))
            time.sleep(0.5)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _when_paused(act: Callable[[str], None]) -> threading.Thread:
    """Someone elsewhere (the round page, the command line), once the run pauses: `act` with
    the pause key, no answer in the form."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    def run() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with get_client(sync_client=True) as client:
                paused = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(
                            type=FlowRunFilterStateType(any_=[StateType.PAUSED])
                        )
                    )
                )
            keys = [r.state.state_details.pause_key for r in paused if r.state]
            if keys and keys[0]:
                act(keys[0])
                return
            time.sleep(0.5)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class _Lines(logging.Handler):
    """What the flow runs log (Prefect's run loggers do not reach pytest's caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@flow
def _first_flow() -> None:
    """Nothing: run once so that Prefect has configured its loggers (its first flow run in a
    process sets up logging again, dropping a handler added before)."""


@pytest.fixture
def logged(prefect_harness):
    _first_flow()
    handler = _Lines()
    logger = logging.getLogger("prefect.flow_runs")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def _rows(settings):
    with session_scope(get_engine(settings)) as session:
        return list(session.exec(select(Assignment).order_by(Assignment.id)))


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_flow_pauses_and_coordinator_approves(prefect_harness, sqlite_settings, monkeypatch):
    from prefect.artifacts import Artifact

    from flows.assign_reviewers import AssignRequest, assign_reviewers, assignment_artifact_key

    _environment(monkeypatch, sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        _round(session, name="Zuteilung A")
    seen: list[str] = []
    thread = _answer_when_paused([{"decision": "approve", "note": "passt"}], seen)
    result = assign_reviewers(
        AssignRequest(round_name="Zuteilung A", poll_seconds=1, approval_timeout_hours=0.05)
    )
    thread.join(5)
    assert len(seen) == 1
    assert result["approved"] == 18 and result["revisions"] == 0
    assert all(a.approved_at is not None for a in _rows(sqlite_settings))
    artifact = Artifact.get(assignment_artifact_key("Zuteilung A"))
    assert artifact is not None
    rows = json.loads(artifact.data)  # Prefect stores a table as JSON (ü as \u00fc)
    assert {"Plan", "Gutachter:in", "Passung", "Gründe", "plan_id"} <= rows[0].keys()
    assert "Gutachten für 6 Pläne (je 3)" in (artifact.description or "")


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_approved_on_the_round_page_the_paused_run_goes_on_without_its_form(
    prefect_harness, sqlite_settings, monkeypatch, logged
):
    # walk10: approved on the round page, the paused run (and its round run, which invites
    # after it) waited 24 hours for an answer in its form.
    from flows.assign_reviewers import AssignRequest, assign_reviewers

    _environment(monkeypatch, sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        _round(session, name="Zuteilung E")
    pauses: list[str] = []

    def approve_on_the_page(key: str) -> None:
        pauses.append(key)
        with session_scope(get_engine(sqlite_settings)) as session:
            lifecycle.approve_proposal(
                session, get_round(session, "Zuteilung E"), actor="coordinator"
            )

    thread = _when_paused(approve_on_the_page)
    started = time.monotonic()
    result = assign_reviewers(
        AssignRequest(round_name="Zuteilung E", poll_seconds=1, approval_timeout_hours=0.05)
    )
    thread.join(5)
    assert pauses == ["approval-0"]  # it did pause, and nobody answered its form
    assert time.monotonic() - started < 120  # not its timeout (3 minutes)
    assert result["approved"] == 18 and result["approved_by"] == "coordinator"
    assert all(a.approved_at is not None for a in _rows(sqlite_settings))
    with session_scope(get_engine(sqlite_settings)) as session:
        approvals = session.exec(select(Event).where(Event.kind == "assignment.approved")).all()
        assert [e.actor for e in approvals] == ["coordinator"]  # not approved twice
    said = "\n".join(logged)
    assert "18 Zuteilungen auf der Rundenseite freigegeben (" in said
    assert "erfasst als „coordinator“); dieser Lauf geht ohne Antwort im Formular weiter" in said


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_solved_again_on_the_round_page_the_paused_run_waits_and_stop_still_stops(
    prefect_harness, sqlite_settings, monkeypatch
):
    # A proposal that no longer waits because it was solved again is not an approved one.
    from flows.assign_reviewers import AssignRequest, assign_reviewers

    _environment(monkeypatch, sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        _round(session, name="Zuteilung F")
    seen: list[str] = []

    def leave_one_out_then_stop(key: str) -> None:
        with session_scope(get_engine(sqlite_settings)) as session:
            round_ = get_round(session, "Zuteilung F")
            first = _rows(sqlite_settings)[0]
            lifecycle.leave_out(session, round_, first.id, actor="coordinator")
        time.sleep(4)  # the run looks every second: four looks at a proposal not approved
        _answer_when_paused([{"decision": "stop"}], seen).join(30)

    thread = _when_paused(leave_one_out_then_stop)
    result = assign_reviewers(
        AssignRequest(round_name="Zuteilung F", poll_seconds=1, approval_timeout_hours=0.05)
    )
    thread.join(5)
    assert seen and seen[0].endswith(":approval-0")  # still paused at its first question
    assert result["stopped"] and result["approved"] == 0
    assert all(a.approved_at is None for a in _rows(sqlite_settings))


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_approve_in_the_form_after_solved_again_on_the_page_asks_about_the_new_proposal(
    prefect_harness, sqlite_settings, monkeypatch, logged
):
    # The form's approve approved whatever waited then, also a proposal solved again on the
    # round page after the run showed its table: one the coordinator never saw in this run.
    from prefect.artifacts import Artifact

    from flows.assign_reviewers import AssignRequest, assign_reviewers, assignment_artifact_key

    _environment(monkeypatch, sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        _round(session, name="Zuteilung G")
    seen: list[str] = []
    left_out: list[tuple[int, int]] = []
    approved_first: list[int] = []

    def leave_one_out_then_approve_in_the_form(key: str) -> None:
        first = _rows(sqlite_settings)[0]
        left_out.append((first.reviewer_id, first.plan_id))
        with session_scope(get_engine(sqlite_settings)) as session:
            lifecycle.leave_out(
                session, get_round(session, "Zuteilung G"), first.id, actor="coordinator"
            )
        answering = _answer_when_paused([{"decision": "approve"}], seen)
        answering.join(30)
        time.sleep(3)  # the run's answer to it, and its next question
        approved_first.append(sum(a.approved_at is not None for a in _rows(sqlite_settings)))
        _answer_when_paused([{"decision": "approve", "note": "jetzt"}], seen).join(30)

    thread = _when_paused(leave_one_out_then_approve_in_the_form)
    result = assign_reviewers(
        AssignRequest(round_name="Zuteilung G", poll_seconds=1, approval_timeout_hours=0.05)
    )
    thread.join(5)
    assert approved_first == [0]  # the first approve approved nothing
    assert [key.split(":")[1] for key in seen] == ["approval-0", "approval-0-changed-1"]
    assert result["approved"] == 18 and result["revisions"] == 0
    rows = _rows(sqlite_settings)
    assert left_out[0] not in {(a.reviewer_id, a.plan_id) for a in rows}  # the page's proposal
    assert all(a.approved_at is not None for a in rows)
    with session_scope(get_engine(sqlite_settings)) as session:
        approvals = session.exec(select(Event).where(Event.kind == "assignment.approved")).all()
        assert len(approvals) == 1 and approvals[0].actor == "flow:assign_reviewers: jetzt"
    said = "\n".join(logged)
    assert "der Vorschlag wurde auf der Rundenseite geändert, seit dieser Lauf ihn zeigte" in said
    assert "erfasst als „coordinator“); nichts freigegeben" in said
    artifact = Artifact.get(assignment_artifact_key("Zuteilung G"))
    assert artifact is not None
    shown = {(r["reviewer_id"], r["plan_id"]) for r in json.loads(artifact.data)}
    assert shown == {(a.reviewer_id, a.plan_id) for a in rows}  # the table shows the new one


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_flow_reject_with_pin_solves_again_then_approves(
    prefect_harness, sqlite_settings, monkeypatch
):
    from flows.assign_reviewers import AssignRequest, assign_reviewers
    from review.models import Plan, Reviewer

    _environment(monkeypatch, sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        round_ = _round(session, name="Zuteilung B")
        from review.assignment import service

        proposal = service.propose(session, round_, actor="test", dry_run=True)
        chosen = {(r, p) for p, r, *_ in proposal.rows}
        plans = {p.id: p.municipality_id for p in session.exec(select(Plan))}
        pin = next(
            (r.id, pid)
            for r in session.exec(select(Reviewer).order_by(Reviewer.id))
            for pid in sorted(plans)
            if plans[pid] != r.municipality_id
            and (r.id, pid) not in chosen
            and "communication" in r.expertise
        )
        forbid = next(iter(sorted(chosen)))
    seen: list[str] = []
    answers = [
        {
            "decision": "solve again",
            "pin": [{"reviewer_id": pin[0], "plan_id": pin[1]}],
            "forbid": [{"reviewer_id": forbid[0], "plan_id": forbid[1]}],
        },
        {"decision": "approve"},
    ]
    thread = _answer_when_paused(answers, seen)
    result = assign_reviewers(
        AssignRequest(round_name="Zuteilung B", poll_seconds=1, approval_timeout_hours=0.05)
    )
    thread.join(5)
    assert len(seen) == 2 and result["revisions"] == 1
    pairs = {(a.reviewer_id, a.plan_id) for a in _rows(sqlite_settings)}
    assert pin in pairs and forbid not in pairs
    assert all(a.approved_at is not None for a in _rows(sqlite_settings))


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_solve_again_without_a_change_asks_again_and_stop_approves_nothing(
    prefect_harness, sqlite_settings, monkeypatch
):
    from flows.assign_reviewers import AssignRequest, assign_reviewers

    _environment(monkeypatch, sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        _round(session, name="Zuteilung D")
    seen: list[str] = []
    thread = _answer_when_paused([{"decision": "solve again"}, {"decision": "stop"}], seen)
    result = assign_reviewers(
        AssignRequest(round_name="Zuteilung D", poll_seconds=1, approval_timeout_hours=0.05)
    )
    thread.join(5)
    assert len(seen) == 2 and result["stopped"] and result["approved"] == 0
    assert seen[1].endswith(":approval-0-1")  # asked again, not solved again
    assert all(a.approved_at is None for a in _rows(sqlite_settings))


def test_the_approval_form_has_no_preselected_decision():
    from pydantic import ValidationError

    from flows.assign_reviewers import ApprovalInput

    with pytest.raises(ValidationError, match="decision"):
        ApprovalInput.model_validate({"note": "ok"})
    schema = ApprovalInput.model_json_schema()
    assert "decision" in schema["required"]


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_flow_auto_approve(prefect_harness, sqlite_settings, monkeypatch):
    from flows.assign_reviewers import AssignRequest, assign_reviewers

    _environment(monkeypatch, sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        _round(session, name="Zuteilung C")
    result = assign_reviewers(AssignRequest(round_name="Zuteilung C", auto_approve=True))
    assert result["approved"] == 18
