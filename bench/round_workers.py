"""Benchmark: a whole review round on the production shape: a Prefect server on PostgreSQL, a
process work pool with two workers, the deployments of prefect.yaml, and the `review-round`
deployment run as a coordinator would (automatic approval), its intake and its compile spread
over the workers (`intake_runs` = the workers, `compile_runs` = twice the workers: a worker runs
two flow runs at once and the round's own run holds a slot of one, so two parts could both go to
the other worker).

    PYTHONPATH=. /work/main/.venv/bin/python -u bench/round_workers.py \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres [--plans 1000]

Scratch databases are created on that server and dropped at the end (tests/prod/stack.py).
Prints the round's wall time (server start and deployment excluded; reviewers' submissions
between the two runs not timed), which worker ran which flow run, and which worker rendered
which part of the compile, when and in how long.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from round import BEFORE_DUE, DUE, ROUND, submit_reviews  # bench/round.py

from flows.deployments import WORK_POOL
from review.config import load_settings
from review.db import engine_for, get_engine, migrate, session_scope
from review.mailsink import start_mailbox
from review.participants import import_participants
from review.rounds import create_round
from review.synthetic.generate import generate_plans
from tests.prod.stack import Stack, production_stack


def run_round(stack: Stack, parameters: dict, timeout: float) -> str:
    output = stack.prefect(
        "deployment", "run", "review_round/review-round", "--params", json.dumps(parameters)
    )
    run_id = next(line.split("UUID:")[1].strip() for line in output.splitlines() if "UUID:" in line)
    run = stack.wait_for_runs([run_id], timeout=timeout)[run_id]
    if run["state_type"] != "COMPLETED":
        tails = "\n".join(f"--- {c.name}\n{c.log_tail(30)}" for c in stack.children)
        raise SystemExit(f"review-round ended {run['state_name']}\n{tails}")
    return run_id


def workers_of(stack: Stack, runs: tuple[str, ...], patience: float = 120.0) -> dict[str, str]:
    """Which worker ran which flow run. A worker's "executed" event reaches the server after the
    run ends, later still on a loaded machine (a fixed 5 s wait printed "w1, ?" at load 20):
    wait until every run of `runs` is attributed, at most `patience` seconds."""
    deadline = time.monotonic() + patience
    executed = stack.executed_by()
    while any(run not in executed for run in runs) and time.monotonic() < deadline:
        time.sleep(2)
        executed = stack.executed_by()
    return executed


def compile_parts(stack: Stack) -> list[dict]:
    """The compile's part runs (runs of `compile_reviews` with a `part`), in their start order."""
    runs = stack.api(
        "POST", "/flow_runs/filter", {"flows": {"name": {"any_": ["compile_reviews"]}}}
    )
    parts = [r for r in runs if (r["parameters"].get("parameters") or {}).get("part")]
    return sorted(parts, key=lambda r: r["start_time"] or "")


def part_line(stack: Stack, run: dict, worker: str) -> str:
    """'part 01-of-04 on w1: 250 plan(s) rendered, 07:50:02-08:01:13 UTC, 671 s'."""
    logs = stack.api("POST", "/logs/filter", {"logs": {"flow_run_id": {"any_": [run["id"]]}}})
    said = [log["message"] for log in logs if "plan(s)" in log["message"]]
    start, end = (
        datetime.fromisoformat(run[k]) if run[k] else None for k in ("start_time", "end_time")
    )
    span = (
        f"{start:%H:%M:%S}-{end:%H:%M:%S} UTC, {(end - start).total_seconds():.0f} s"
        if start and end
        else run["state_name"]
    )
    label = Path(run["parameters"]["parameters"]["part"]).name[:8]
    what = said[0].split(": ", 1)[-1] if said else "?"
    return f"part {label} on {worker}: {what}, {span}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", required=True, help="admin URL of a PostgreSQL server")
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--compile-runs", type=int, default=None, help="parts of the compile (default: 2 x workers)"
    )
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=7200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="peerplan-bench-workers-"))
    try:
        measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(args: argparse.Namespace, work: Path) -> None:
    compile_runs = args.compile_runs or 2 * args.workers
    folder = generate_plans(work / "plans", count=args.plans, seed=args.seed)
    with (
        production_stack(work / "stack", args.postgres) as stack,
        start_mailbox(work / "mail") as mailbox,
    ):
        stack.env.update(PEERPLAN_SMTP_HOST=mailbox.host, PEERPLAN_SMTP_PORT=str(mailbox.port))
        stack.prefect("work-pool", "create", WORK_POOL, "--type", "process")
        for number in range(1, args.workers + 1):
            stack.start_worker(f"w{number}")
        stack.prefect("deploy", "--all")
        settings = load_settings(
            database_url=stack.peerplan_database_url,
            data_dir=Path(stack.env["PEERPLAN_DATA_DIR"]),
        )
        migrate(settings)
        with session_scope(get_engine(settings)) as session:
            round_ = create_round(session, name=ROUND, due_date=DUE, languages=["de", "en"])
            import_participants(session, round_, folder.participants_csv)
        now = BEFORE_DUE.isoformat()
        started = time.perf_counter()
        first = run_round(
            stack,
            {
                "parameters": {
                    "round_name": ROUND,
                    "plan_paths": [str(folder.manifest)],
                    "intake_runs": args.workers,
                    "compile_runs": compile_runs,
                    "auto_approve": True,
                    "now": now,
                    "pdf": False,
                }
            },
            args.timeout,
        )
        before_reviews = time.perf_counter() - started
        reviews = submit_reviews(settings, folder)
        started = time.perf_counter()
        second = run_round(
            stack,
            {
                "parameters": {
                    "round_name": ROUND,
                    "now": now,
                    "pdf": False,
                    "compile_runs": compile_runs,
                }
            },
            args.timeout,
        )
        total = before_reviews + time.perf_counter() - started
        parts = compile_parts(stack)
        executed = workers_of(stack, (first, second, *(r["id"] for r in parts)))
        print(f"round of {args.plans} plans on {args.workers} workers: {total:.1f} s")
        print(f"  ({reviews} reviews submitted between the two review-round runs, not timed)")
        print(f"  review-round runs: {executed.get(first, '?')}, {executed.get(second, '?')}")
        print(f"  flow runs per worker: {dict(Counter(executed.values()))}")
        print(f"  compile in {len(parts)} part runs:")
        for run in parts:
            print(f"    {part_line(stack, run, executed.get(run['id'], '?'))}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        engine_for(stack.peerplan_database_url).dispose()


if __name__ == "__main__":
    main()
