"""Benchmark: a whole review round of N synthetic plans, and the share of its wall time that
Prefect's orchestration costs.

    /work/venv/bin/python bench/round.py [--plans 1000] [--seed 5] [--plain-only]

The same round runs twice on the embedded default (SQLite, the ephemeral Prefect server), each
time in a fresh database, with the same generated plans, participants and simulated reviews:

1. plain: the `review/` functions the flows call, called directly in order (intake with its
   reading process pool, propose + approve, invitations with Word forms over SMTP, escalation,
   compilation with its rendering process pool);
2. prefect: `review_round` twice (intake, assignment with automatic approval, invitations,
   escalation; then, after the reviews are in, escalation and compilation), every step a flow
   or task on the Prefect server.

Reviewers' submissions happen between the two halves and are timed in neither. The orchestration
share is (prefect - plain) / prefect: time the round spent outside peerplan's own functions.
The Prefect server's start is measured apart (a first, empty flow) and not charged to the round.

Each step of the plain half is timed on its own (generate, intake, assign, invite through the
outbox to the local SMTP server, escalate, compile), so that runs at 100, 1,000 and 10,000 plans
show how each step grows; `--plain-only` skips the Prefect half (for the largest sizes). The
peak memory is `ru_maxrss` of this process and of its children (reading and rendering pools).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

from sqlmodel import select

from review.assignment.service import approve, propose
from review.config import Settings, load_settings
from review.consolidation.pipeline import compile_round
from review.db import get_engine, migrate, session_scope
from review.intake import collect_sources
from review.intake.batch import take_in_sources
from review.lifecycle import submit
from review.mailsink import Mailbox, start_mailbox
from review.models import Assignment, Municipality, Plan
from review.participants import import_participants
from review.reviewing.drafts import form_state
from review.rounds import create_round, get_round
from review.rubric import load_rubrics
from review.runs import run_escalation, run_invitations
from review.synthetic.generate import GeneratedFolder, generate_plans
from review.synthetic.reviews import simulate_review

ROUND = "Bench round"
DUE = date.today() + timedelta(days=30)
BEFORE_DUE = datetime.combine(DUE - timedelta(days=10), datetime.min.time(), tzinfo=UTC)


def prepare(work: Path, folder: GeneratedFolder, mailbox: Mailbox, name: str) -> Settings:
    data = work / name
    os.environ.update(
        {
            "PEERPLAN_DATA_DIR": str(data),
            "PEERPLAN_SMTP_HOST": mailbox.host,
            "PEERPLAN_SMTP_PORT": str(mailbox.port),
            "PEERPLAN_PORTAL_BASE_URL": "http://portal.bench",
        }
    )
    os.environ.pop("PEERPLAN_DATABASE_URL", None)
    settings = load_settings()
    migrate(settings)
    with session_scope(get_engine(settings)) as session:
        round_ = create_round(session, name=ROUND, due_date=DUE, languages=["de", "en"])
        import_participants(session, round_, folder.participants_csv)
    return settings


def submit_reviews(settings: Settings, folder: GeneratedFolder) -> int:
    """Every invited reviewer submits (the reviewers' time: not part of either measurement)."""
    rubrics = load_rubrics()
    specs = {w.spec.municipality: w.spec for w in folder.plans}
    with session_scope(get_engine(settings)) as session:
        rows = session.exec(
            select(Assignment, Municipality.name)
            .join(Plan, Plan.id == Assignment.plan_id)  # type: ignore[arg-type]
            .join(Municipality, Municipality.id == Plan.municipality_id)  # type: ignore[arg-type]
            .where(Assignment.status == "invited")
        ).all()
        for assignment, town in rows:
            answers = simulate_review(rubrics[assignment.rubric], specs[town], seed=assignment.id)
            submit(
                session,
                assignment,
                answers.as_input(),
                settings=settings,
                actor="bench",
                seen_revision=form_state(session, assignment).seen,
            )
    return len(rows)


class Steps:
    """Wall time and CPU time of each step of the plain half, in order. The CPU time hardly
    depends on what else runs on the machine; it is this process's and its reaped children's
    (the generation and reading pools), not the compile's rendering pool's: those workers are
    the forkserver's children, so compile's CPU time is only its own share."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.restart()

    def done(self, step: str) -> None:
        now, cpu = time.perf_counter(), _cpu_seconds()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self._started
        self.cpu[step] = self.cpu.get(step, 0.0) + cpu - self._cpu
        # as it happens, for the long runs (1,000 and 10,000 plans)
        print(
            f"  ... {step} done in {now - self._started:.1f} s, {cpu - self._cpu:.1f} s CPU "
            f"(load {os.getloadavg()[0]:.1f})"
        )
        self._started, self._cpu = now, cpu

    def restart(self) -> None:
        self._started, self._cpu = time.perf_counter(), _cpu_seconds()


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def peak_memory_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def plain_round(settings: Settings, folder: GeneratedFolder, steps: Steps) -> tuple[float, int]:
    engine = get_engine(settings)
    started = time.perf_counter()
    steps.restart()
    with session_scope(engine) as session:
        round_ = get_round(session, ROUND)
        take_in_sources(
            session,
            settings,
            round_=round_,
            sources=collect_sources([folder.manifest]),
            actor="bench",
        )
    steps.done("intake")
    with session_scope(engine) as session:
        round_ = get_round(session, ROUND)
        propose(session, round_, actor="bench")
        approve(session, round_, actor="bench")
    steps.done("assign")
    run_invitations(settings, round_name=ROUND, actor="bench")
    steps.done("invite")
    run_escalation(settings, round_name=ROUND, now=BEFORE_DUE)
    steps.done("escalate")
    first = time.perf_counter() - started
    reviews = submit_reviews(settings, folder)
    started = time.perf_counter()
    steps.restart()
    run_escalation(settings, round_name=ROUND, now=BEFORE_DUE)
    steps.done("escalate")
    with session_scope(engine) as session:
        compile_round(session, settings, get_round(session, ROUND), pdf=False)
    steps.done("compile")
    return first + time.perf_counter() - started, reviews


def prefect_round(settings: Settings, folder: GeneratedFolder) -> tuple[float, int]:
    from flows.review_round import RoundParameters, review_round

    started = time.perf_counter()
    review_round(
        RoundParameters(
            round_name=ROUND,
            plan_paths=[str(folder.manifest)],
            auto_approve=True,
            now=BEFORE_DUE,
            pdf=False,
        )
    )
    first = time.perf_counter() - started
    print(
        f"  ... prefect first run (intake to escalation) {first:.1f} s (load {os.getloadavg()[0]:.1f})"
    )
    reviews = submit_reviews(settings, folder)
    started = time.perf_counter()
    review_round(RoundParameters(round_name=ROUND, now=BEFORE_DUE, pdf=False))
    second = time.perf_counter() - started
    print(
        f"  ... prefect second run (escalation, compile) {second:.1f} s (load {os.getloadavg()[0]:.1f})"
    )
    return first + time.perf_counter() - started, reviews


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    halves = parser.add_mutually_exclusive_group()
    halves.add_argument("--plain-only", action="store_true", help="skip the Prefect half")
    halves.add_argument(
        "--prefect-only",
        action="store_true",
        help="skip the plain half (run it beside this one with --plain-only: same load, half the"
        " wall time; the share is then computed from the two outputs)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="peerplan-bench-round-"))
    try:
        steps = Steps()
        folder = generate_plans(work / "plans", count=args.plans, seed=args.seed)
        steps.done("generate")
        print(f"generated {args.plans} plans in {steps.seconds['generate']:.1f} s")
        with start_mailbox(work / "mail") as mailbox:
            plain = None
            if not args.prefect_only:
                plain, reviews = plain_round(prepare(work, folder, mailbox, "plain"), folder, steps)
                print(f"plain:   {plain:7.1f} s  ({reviews} reviews submitted in between)")
                for step, seconds in steps.seconds.items():
                    cpu = steps.cpu[step]
                    print(
                        f"  {step:<9} {seconds:8.1f} s  {1000 * seconds / args.plans:8.1f} ms/plan"
                        f"  CPU {cpu:8.1f} s  {1000 * cpu / args.plans:8.1f} ms/plan"
                    )
                print(
                    "peak memory so far: {:.0f} MB this process, {:.0f} MB a child".format(
                        *peak_memory_mb()
                    )
                )
            if not args.plain_only:
                from prefect import flow

                t = time.perf_counter()
                flow(name="bench-warm-up")(lambda: None)()
                print(
                    f"Prefect server start and a first flow run: {time.perf_counter() - t:.1f} s "
                    "(not charged to the round)"
                )
                orchestrated, reviews_p = prefect_round(
                    prepare(work, folder, mailbox, "prefect"), folder
                )
                print(f"prefect: {orchestrated:7.1f} s  ({reviews_p} reviews submitted in between)")
                if plain is not None:
                    share = (orchestrated - plain) / orchestrated
                    print(
                        f"orchestration share of the round's wall time: {share:.1%} (goal: ≤ 15 %)"
                    )
        own, children = peak_memory_mb()
        print(f"peak memory: {own:.0f} MB this process, {children:.0f} MB its largest child")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
