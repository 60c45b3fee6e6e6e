"""The parent flow `review_round` on a Prefect test server: from plan files to consolidated
documents, re-runs that add nothing, and a run killed mid-way that a re-run completes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlmodel import Session, col, func, select

from review.config import Settings
from review.db import get_engine, session_scope
from review.lifecycle import submit
from review.mailsink import start_mailbox
from review.models import Assignment, Document, Event, Municipality, Outbox, Plan
from review.participants import import_participants
from review.reviewing.drafts import form_state
from review.rounds import create_round
from review.rubric import load_rubrics
from review.synthetic.generate import generate_plans
from review.synthetic.reviews import simulate_review

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect")]
ROUND = "Runde Fluss"
INVITATIONS = ("invitation", "invitation_list")
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def round_env(sqlite_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A round with 4 generated plans and their participants; flows see the same settings."""
    mailbox = start_mailbox(tmp_path / "mail")
    env = {
        "PEERPLAN_DATA_DIR": str(sqlite_settings.data_dir),
        "PEERPLAN_DATABASE_URL": sqlite_settings.database_url,
        "PEERPLAN_SMTP_HOST": mailbox.host,
        "PEERPLAN_SMTP_PORT": str(mailbox.port),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    folder = generate_plans(tmp_path / "plans", count=4, seed=11)
    with session_scope(get_engine(sqlite_settings)) as session:
        round_ = create_round(
            session, name=ROUND, due_date=date(2026, 12, 15), language="de", languages=["de", "en"]
        )
        import_participants(session, round_, folder.participants_csv)
    yield sqlite_settings, folder, mailbox, env
    mailbox.stop()


def _count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _submit_everything(settings: Settings, specs: dict) -> int:
    rubrics = load_rubrics()
    count = 0
    with session_scope(get_engine(settings)) as session:
        for assignment in session.exec(select(Assignment).where(Assignment.status == "invited")):
            plan = session.get(Plan, assignment.plan_id)
            town = session.get(Municipality, plan.municipality_id).name
            answers = simulate_review(rubrics[assignment.rubric], specs[town], seed=assignment.id)
            submit(
                session,
                assignment,
                answers.as_input(),
                settings=settings,
                seen_revision=form_state(session, assignment).seen,
                actor="test",
            )
            count += 1
    return count


def test_review_round_from_plan_files_to_documents(prefect_harness, round_env) -> None:
    from flows.review_round import RoundParameters, review_round

    settings, folder, mailbox, _ = round_env
    out = settings.data_dir / "documents"
    first = review_round(
        RoundParameters(
            round_name=ROUND, plan_paths=[str(folder.manifest)], auto_approve=True, out_dir=str(out)
        )
    )
    assert first["steps"] == ["intake", "assign", "invite", "escalate"]
    with Session(get_engine(settings)) as session:
        assert _count(session, Plan) == 4 and _count(session, Assignment) == 12
    invitations = [m for m in mailbox.messages() if m["X-Peerplan-Kind"] in INVITATIONS]
    # One message per reviewer, a Word form per assignment (#13).
    assert sum(len(list(m.iter_attachments())) for m in invitations) == 12

    assert _submit_everything(settings, {w.spec.municipality: w.spec for w in folder.plans}) == 12
    second = review_round(RoundParameters(round_name=ROUND, out_dir=str(out)))
    assert "compile" in second["steps"] and second["next"] == ["done"]
    assert {row["state"] for row in second["plans"]} == {"compiled"}
    editions = sorted(out.rglob("*.docx"))
    assert editions, "no documents written"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(editions[0].read_bytes())).paragraphs)
    assert text.strip()

    before = _messages_and_events(settings)
    third = review_round(RoundParameters(round_name=ROUND, out_dir=str(out)))
    assert third["steps"] == [] and third["next"] == ["done"]
    assert _messages_and_events(settings)[0] == before[0], "a re-run must not send anything"


def test_approved_with_peerplan_approve_the_paused_round_run_goes_on_to_invite(
    prefect_harness, round_env
) -> None:
    # walk10: approved outside the Prefect UI, the round run waited a day for invitations.
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from typer.testing import CliRunner

    from flows.review_round import RoundParameters, review_round
    from review.cli import app

    settings, folder, mailbox, _ = round_env
    said: list[str] = []

    def coordinator_on_the_command_line() -> None:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            with get_client(sync_client=True) as client:
                paused = client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(
                        state=FlowRunFilterState(
                            type=FlowRunFilterStateType(any_=[StateType.PAUSED])
                        )
                    )
                )
            if paused:
                said.append(CliRunner().invoke(app, ["approve", "--round", ROUND]).output)
                return
            time.sleep(0.5)

    thread = threading.Thread(target=coordinator_on_the_command_line, daemon=True)
    thread.start()
    started = time.monotonic()
    result = review_round(
        RoundParameters(
            round_name=ROUND, plan_paths=[str(folder.manifest)], approval_timeout_hours=0.1
        )
    )
    thread.join(5)
    assert said and "freigegeben" in said[0]  # approved with peerplan approve, no form answered
    assert time.monotonic() - started < 300  # not the pause's timeout (6 minutes)
    assert result["steps"] == ["intake", "assign", "invite", "escalate"]
    invitations = [m for m in mailbox.messages() if m["X-Peerplan-Kind"] in INVITATIONS]
    assert sum(len(list(m.iter_attachments())) for m in invitations) == 12
    with Session(get_engine(settings)) as session:
        approvals = session.exec(select(Event).where(Event.kind == "assignment.approved")).all()
        assert [e.actor for e in approvals] == ["cli"]  # approved once, not again by the run


def _messages_and_events(settings: Settings) -> tuple[int, int]:
    with Session(get_engine(settings)) as session:
        return _count(session, Outbox), _count(session, Event)


def test_a_run_killed_mid_way_is_completed_by_the_next_run(prefect_harness, round_env) -> None:
    from prefect.settings import PREFECT_API_URL

    from flows.review_round import RoundParameters, review_round

    settings, folder, mailbox, env = round_env
    script = (
        "from flows.review_round import RoundParameters, review_round\n"
        f"review_round(RoundParameters(round_name={ROUND!r}, plan_paths=[{str(folder.manifest)!r}],"
        " auto_approve=True))\n"
    )
    child_env = {
        **os.environ,
        **env,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PYTHONPATH": str(PROJECT),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", script], env=child_env, cwd=PROJECT, start_new_session=True
    )
    engine = get_engine(settings)
    deadline = time.monotonic() + 180
    try:  # kill it as soon as the first plan is registered, mid-intake or just after
        while time.monotonic() < deadline and child.poll() is None:
            with Session(engine) as session:
                if _count(session, Document) >= 1:
                    break
            time.sleep(0.1)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()

    result = review_round(
        RoundParameters(round_name=ROUND, plan_paths=[str(folder.manifest)], auto_approve=True)
    )
    assert "invite" in result["steps"]
    with Session(engine) as session:
        assert _count(session, Plan) == 4 and _count(session, Document) == 4
        assert _count(session, Assignment) == 12
        rows = session.exec(select(Outbox).where(col(Outbox.kind).in_(INVITATIONS))).all()
        keys = [row.key for row in rows]
        assert sum(len(row.attachments) for row in rows) == 12  # a Word form per assignment
    assert len(keys) == len(set(keys))
    received = [m["Message-ID"] for m in mailbox.messages() if m["X-Peerplan-Kind"] in INVITATIONS]
    assert len(received) == len(set(received)) == len(keys)
