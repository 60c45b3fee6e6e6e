"""Production shape: a Prefect server on PostgreSQL, a process work pool with two workers, the
deployments from prefect.yaml (`prefect deploy --all`), and a round of 200 synthetic plans driven
through the deployments as a coordinator would, spread over both workers (the intake and the
compile by the flow itself: one run that starts four runs of its deployment, one per part of the
files or of the plans).

Measured 2026-11-24 on the 2-core development machine (load ~5 from other sessions): 227 s for
the module, of which the round took 178 s (intake 58 s in 4 runs, assign + approval + 400
invitations 65 s, compile 42 s)."""

from __future__ import annotations

import json
import os
import time
from datetime import date, timedelta
from email.utils import getaddresses
from pathlib import Path

import docx
import pytest
from sqlalchemy import func
from sqlmodel import select

from flows.deployments import DEPLOYMENTS, WORK_POOL
from review.config import Settings, load_settings
from review.db import engine_for, get_engine, migrate, session_scope
from review.mailsink import start_mailbox
from review.models import Assignment, Document, Event, Municipality, Plan, Reviewer, Round
from review.participants import import_participants
from review.progress import round_progress
from review.rounds import create_round
from review.synthetic.generate import GeneratedFolder
from tests.prod.stack import Stack, production_stack

POSTGRES_ENV = "PEERPLAN_TEST_POSTGRES_URL"
ROUND = "Produktion 2026"
N_PLANS = 200
INTAKE_BATCHES = 4
COMPILE_PARTS = 4
REVIEWS_PER_PLAN = 2  # one technical, one communication: 400 invitations, 400 reviews
# Generous: on a quiet 2-core machine each step takes a fraction of this; on a loaded one
# (other test suites, benchmarks) several times more.
STEP_TIMEOUT = 900
APPROVAL = {"decision": "approve", "note": "production test"}  # assign_reviewers' pause form

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set: the production test runs in CI (.ci/run)")
    directory = tmp_path_factory.mktemp("production")
    with (
        production_stack(directory, admin_url) as stack,
        start_mailbox(directory / "mail") as mailbox,
    ):
        stack.env.update(PEERPLAN_SMTP_HOST=mailbox.host, PEERPLAN_SMTP_PORT=str(mailbox.port))
        stack.mailbox = mailbox  # type: ignore[attr-defined]
        stack.prefect("work-pool", "create", WORK_POOL, "--type", "process")
        stack.start_worker("w1")
        stack.start_worker("w2")
        yield stack
        engine_for(stack.peerplan_database_url).dispose()


def _settings(stack: Stack) -> Settings:
    return load_settings(
        database_url=stack.peerplan_database_url, data_dir=Path(stack.env["PEERPLAN_DATA_DIR"])
    )


def _run(stack: Stack, deployment: str, parameters: dict) -> str:
    output = stack.prefect("deployment", "run", deployment, "--params", json.dumps(parameters))
    return next(line.split("UUID:")[1].strip() for line in output.splitlines() if "UUID:" in line)


def _wait_for_worker_events(stack: Stack, ids: list[str], timeout: float = 30) -> dict[str, str]:
    """The workers' events arrive shortly after the runs end."""
    deadline = time.monotonic() + timeout
    while True:
        executed = {rid: w for rid, w in stack.executed_by().items() if rid in ids}
        if len(executed) == len(ids) or time.monotonic() > deadline:
            return executed
        time.sleep(1)


def _completed(stack: Stack, ids: list[str], timeout: float) -> dict[str, dict]:
    runs = stack.wait_for_runs(ids, timeout=timeout)
    failed = {r["name"]: r["state_name"] for r in runs.values() if r["state_type"] != "COMPLETED"}
    assert not failed, f"flow runs did not complete: {failed}\n" + "\n".join(
        f"--- {c.name}\n{c.log_tail(40)}" for c in stack.children
    )
    return runs


def test_two_workers_share_the_flow_runs_of_a_deployment(stack: Stack):
    """The harness itself, independent of peerplan's flows: a probe deployment's runs are spread
    over both workers."""
    stack.prefect(
        "deploy", "tests/prod/probe_flow.py:probe", "--name", "probe", "--pool", WORK_POOL
    )
    ids = [
        _run(stack, "probe/probe", {"parameters": {"label": f"run {i}", "seconds": 3}})
        for i in range(6)
    ]
    _completed(stack, ids, timeout=120)
    workers = _wait_for_worker_events(stack, ids)
    assert set(workers.values()) == {"w1", "w2"}, workers


def test_a_round_of_200_plans_runs_on_both_workers(stack: Stack, tmp_path: Path):
    from review.synthetic.generate import generate_plans

    started = last = time.monotonic()
    timings: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal last
        now = time.monotonic()
        timings[step], last = now - last, now

    settings = _settings(stack)
    migrate(settings)
    folder = generate_plans(tmp_path / "plans", count=N_PLANS, seed=11, format="both")
    with session_scope(get_engine(settings)) as session:
        round_ = create_round(
            session,
            name=ROUND,
            due_date=date.today() + timedelta(weeks=4),
            language="de",
            languages=["de", "en"],
            reviews_per_plan=REVIEWS_PER_PLAN,
        )
        import_participants(session, round_, folder.participants_csv)
        round_id = round_.id
    lap("generate 200 plans, round, participants")
    output = stack.prefect("deploy", "--all")
    lap("prefect deploy --all")
    assert all(f"{d.flow_name}/{d.name}" in output for d in DEPLOYMENTS), output
    run_ids: list[str] = []

    # One intake run, spread by the flow itself over INTAKE_BATCHES runs of its deployment
    # (every file of a municipality in one part); the workers share them out.
    intake = _run(
        stack,
        "intake_plans/intake-plans",
        {"request": {"round_name": ROUND, "paths": [str(folder.manifest)], "runs": INTAKE_BATCHES}},
    )
    _completed(stack, [intake], timeout=STEP_TIMEOUT)
    parts = [
        run["id"]
        for run in stack.api(  # type: ignore[union-attr]
            "POST", "/flow_runs/filter", {"flow_runs": {"parent_flow_run_id": {"any_": [intake]}}}
        )
    ]
    assert len(parts) == INTAKE_BATCHES, parts
    _completed(stack, parts, timeout=STEP_TIMEOUT)
    part_workers = _wait_for_worker_events(stack, parts)
    # Each worker runs 2 flow runs at once and the parent holds one slot of one of them: one
    # worker alone could only take all four parts by finishing two before the other polled once.
    assert set(part_workers.values()) == {"w1", "w2"}, part_workers
    run_ids += [intake, *parts]
    lap(f"intake ({INTAKE_BATCHES} runs)")
    with session_scope(get_engine(settings)) as session:
        plans = session.exec(
            select(func.count()).select_from(Plan).where(Plan.round_id == round_id)
        ).one()
        documents = session.exec(
            select(func.count()).select_from(Document).where(Document.round_id == round_id)
        ).one()
    assert (plans, documents) == (N_PLANS, N_PLANS)

    # Assignment, approval, invitations, reviews and compilation: see the steps below.
    run_ids += _assign_approve_invite(stack, settings, round_id)
    lap("assign, approve, invite")
    submitted = _submit_reviews(settings, round_id, folder)
    lap("reviews submitted (in the test)")
    assert submitted == REVIEWS_PER_PLAN * N_PLANS
    run_ids += _compile(stack, settings, round_id)
    lap("compile")

    workers = _wait_for_worker_events(stack, run_ids)
    assert set(workers) == set(run_ids), "a flow run without a worker event"
    assert set(workers.values()) == {"w1", "w2"}, workers
    print(
        f"round of {N_PLANS} plans on two workers: {time.monotonic() - started:.0f} s; "
        + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in timings.items())
    )


def _wait_for_pause(stack: Stack, run_id: str, timeout: float = STEP_TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = stack.api("GET", f"/flow_runs/{run_id}")
        if run["state_type"] == "PAUSED":
            return run
        assert run["state_type"] not in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}, run
        assert time.monotonic() < deadline, f"assign_reviewers not paused: {run['state_name']}"
        time.sleep(1)


def _assign_approve_invite(stack: Stack, settings: Settings, round_id: int) -> list[str]:
    """The coordinator starts the assignment, approves the proposal in the pause form (here
    through the API the form posts to), then starts the invitations."""
    assign = _run(
        stack,
        "assign_reviewers/assign-reviewers",
        {"request": {"round_name": ROUND, "poll_seconds": 2}},
    )
    _wait_for_pause(stack, assign)
    stack.api("POST", f"/flow_runs/{assign}/resume", {"run_input": APPROVAL})
    _completed(stack, [assign], timeout=STEP_TIMEOUT)
    with session_scope(get_engine(settings)) as session:
        round_ = session.get(Round, round_id)
        assignments = session.exec(select(Assignment).where(Assignment.round_id == round_id)).all()
        per_plan = {a.plan_id for a in assignments}
        assert len(per_plan) == N_PLANS
        assert len(assignments) == N_PLANS * round_.reviews_per_plan
        assert all(a.approved_at is not None for a in assignments)

    invite = _run(stack, "send_invitations/send-invitations", {"parameters": {"round_name": ROUND}})
    _completed(stack, [invite], timeout=STEP_TIMEOUT)
    with session_scope(get_engine(settings)) as session:
        invited = session.exec(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.round_id == round_id, Assignment.status == "invited")
        ).one()
        reviewers = set(
            session.exec(
                select(Reviewer.email)
                .join(Assignment, Assignment.reviewer_id == Reviewer.id)
                .where(Assignment.round_id == round_id)
            ).all()
        )
    assert invited == len(assignments)
    messages = stack.mailbox.messages()  # type: ignore[attr-defined]
    recipients = {address for m in messages for _, address in getaddresses([m["To"]])}
    assert reviewers <= recipients, f"not invited by email: {sorted(reviewers - recipients)[:5]}"
    return [assign, invite]


def _submit_reviews(settings: Settings, round_id: int, folder: GeneratedFolder) -> int:
    """Every invited reviewer accepts and submits a simulated review (what the portal does)."""
    from review.lifecycle import accept, submit
    from review.rubric import load_rubrics
    from review.synthetic.reviews import simulate_review

    rubrics = load_rubrics()
    specs = {written.spec.municipality: written.spec for written in folder.plans}
    with session_scope(get_engine(settings)) as session:
        rows = session.exec(
            select(Assignment, Municipality.name)
            .join(Plan, Plan.id == Assignment.plan_id)
            .join(Municipality, Municipality.id == Plan.municipality_id)
            .where(Assignment.round_id == round_id, Assignment.status == "invited")
        ).all()
        for assignment, municipality in rows:
            spec = specs[municipality]
            accept(session, settings, assignment, actor="reviewer")
            answers = simulate_review(
                rubrics[assignment.rubric],
                spec,
                language=spec.language,
                seed=assignment.reviewer_id,
            )
            submit(
                session,
                assignment,
                answers.as_input(),
                settings=settings,
                seen_revision="0.0",
                actor="reviewer",
                rubrics=rubrics,
            )
    return len(rows)


def _part_runs(stack: Stack, parent: str) -> list[str]:
    return [
        run["id"]
        for run in stack.api(  # type: ignore[union-attr]
            "POST", "/flow_runs/filter", {"flow_runs": {"parent_flow_run_id": {"any_": [parent]}}}
        )
    ]


def _compile(stack: Stack, settings: Settings, round_id: int) -> list[str]:
    """One compile run for the whole round (its summary covers every plan), its plans' documents
    rendered in four runs of its deployment that both workers share; no PDF copies."""
    compile_run = _run(
        stack,
        "compile_reviews/compile-reviews",
        {"parameters": {"round_name": ROUND, "pdf": False, "runs": COMPILE_PARTS}},
    )
    _completed(stack, [compile_run], timeout=STEP_TIMEOUT)
    parts = _part_runs(stack, compile_run)
    assert len(parts) == COMPILE_PARTS, parts
    _completed(stack, parts, timeout=STEP_TIMEOUT)
    # As for the intake: the parent holds one slot of one worker, the other has two free.
    part_workers = _wait_for_worker_events(stack, parts)
    assert set(part_workers.values()) == {"w1", "w2"}, part_workers
    with session_scope(get_engine(settings)) as session:
        progress = round_progress(session, session.get(Round, round_id))
        plan_ids = {plan.id for plan in session.exec(select(Plan).where(Plan.round_id == round_id))}
    incomplete = [p.municipality for p in progress.plans if not p.complete]
    assert not incomplete, f"plans still missing reviews: {incomplete[:10]}"
    out = settings.output_dir / "produktion-2026"
    editions = {
        edition: sorted((out / edition).glob("*.docx"))
        for edition in ("municipality", "coordinator")
    }
    for edition, paths in editions.items():  # one document per plan, named by its plan id
        assert {int(p.name.split("-")[0]) for p in paths} == plan_ids, edition
    summary = docx.Document(str(out / "summary" / "round-summary.docx"))
    summary_text = "\n".join(
        cell.text for table in summary.tables for row in table.rows for cell in row.cells
    )
    assert all(p.municipality in summary_text for p in progress.plans[:20]), "summary rows"
    for path in editions["municipality"][::40]:  # a few open and have content
        assert docx.Document(str(path)).paragraphs, path
    with session_scope(get_engine(settings)) as session:  # each plan recorded once
        compiled = session.exec(
            select(Event.entity_id, func.count())
            .where(Event.kind == "plan.compiled", Event.round_id == round_id)
            .group_by(Event.entity_id)
        ).all()
    assert dict(compiled) == dict.fromkeys(plan_ids, 1)
    assert not (settings.data_dir / "compile-parts" / "produktion-2026").exists()
    return [compile_run, *parts]
