"""Benchmark: what inviting a round costs per invitation, in CPU time and SQL statements.

    PYTHONPATH=. /work/main/.venv/bin/python -u bench/invitations.py [--plans 200] [--repeat 3]
        [--database-url postgresql+psycopg://...]  [--profile]

A round of N plans is written straight into a fresh database (no PDFs, no intake, no solver):
two reviewers per municipality, three approved, still proposed assignments per plan, each
reviewer with one or two of them (as in a generated round: 3,000 assignments over about 2,000
reviewers at 1,000 plans), half the reviewers writing German, half English, both rubrics. Then
`invite_round` runs in one transaction, as `run_invitations` calls it, without the delivery
(the outbox's sending is measured by bench/notify.py): the state changes, the links, the Word
forms and the outbox rows. Printed: wall and CPU time (this process: the invitations run in it),
per invitation, and the SQL statements sent. `--repeat` runs it on that many fresh rounds and
prints each, so a figure at high load can be told from noise; the database is PostgreSQL when
`--database-url` names a scratch database (its schema is dropped and created again).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, text
from sqlmodel import func, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.config import Settings, load_settings
from review.db import engine_for, migrate, session_scope
from review.lifecycle import invite_round
from review.models import Assignment, Event, Municipality, Outbox, Plan, Reviewer
from review.rounds import create_round

DUE = date.today() + timedelta(days=30)
RUBRICS = ("technical", "communication")


def populate(settings: Settings, plans: int) -> int:
    """The round's id; see the module docstring for its shape."""
    approved = datetime.now(UTC)
    with session_scope(engine_for(settings.database_url)) as session:
        round_ = create_round(session, name="Bench", due_date=DUE, languages=["de", "en"])
        towns = [Municipality(round_id=round_.id, name=f"Gemeinde {i}") for i in range(plans)]
        session.add_all(towns)
        session.flush()
        reviewers = [
            Reviewer(
                round_id=round_.id,
                municipality_id=town.id,
                name=f"R {town.id}-{k}",
                email=f"r{town.id}-{k}@bench.example",
                expertise=list(RUBRICS),
                languages=["de", "en"],
                language=("de", "en")[k],
            )
            for town in towns
            for k in (0, 1)
        ]
        plan_rows = [
            Plan(round_id=round_.id, municipality_id=t.id, title=f"Klimaplan {t.name}")
            for t in towns
        ]
        session.add_all(reviewers + plan_rows)
        session.flush()
        for i, plan in enumerate(plan_rows):
            for k in (1, 2, 3):
                # reviewer index 3i+k+4 (mod 2N) is never of plan i's municipality for N >= 8
                reviewer = reviewers[(3 * i + k + 4) % len(reviewers)]
                session.add(
                    Assignment(
                        round_id=round_.id,
                        plan_id=plan.id,
                        reviewer_id=reviewer.id,
                        rubric=RUBRICS[k % 2],
                        due_date=DUE,
                        approved_at=approved,
                    )
                )
        assert round_.id is not None
        return round_.id


def fresh_settings(work: Path, database_url: str | None) -> Settings:
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    settings = load_settings(
        data_dir=work, database_url=database_url, portal_base_url="http://portal.bench"
    )
    if database_url:  # a scratch database: start from an empty schema (tables, triggers)
        with engine_for(database_url).begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate(settings)
    return settings


def run_once(
    settings: Settings, plans: int, profile: cProfile.Profile | None
) -> tuple[float, float, int, int, int]:
    """(wall s, CPU s, statements, assignments invited, outbox rows) of one round's invitations."""
    round_id = populate(settings, plans)
    engine = engine_for(settings.database_url)
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        if profile is not None:
            profile.enable()
        with session_scope(engine) as session:
            invited = invite_round(session, settings, round_id, actor="bench")
        if profile is not None:
            profile.disable()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with session_scope(engine) as session:
        messages = session.exec(select(func.count()).select_from(Outbox)).one()
        events = session.exec(select(func.count()).select_from(Event)).one()
        statuses = set(session.exec(select(Assignment.status)).all())
    done = sum(1 for i in invited if i.outcome == "invited")
    assert done == 3 * plans and statuses == {"invited"}, (done, statuses)
    print(f"    ({events} events, {messages} messages queued)")
    return wall, cpu, statements, done, messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="a scratch PostgreSQL database")
    parser.add_argument("--profile", action="store_true", help="cProfile, top 25 by own time")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="peerplan-bench-invitations-"))
    profile = cProfile.Profile() if args.profile else None
    try:
        for run in range(1, args.repeat + 1):
            settings = fresh_settings(work / "data", args.database_url)
            wall, cpu, statements, invited, messages = run_once(settings, args.plans, profile)
            engine_for(settings.database_url).dispose()
            print(
                f"run {run}: {invited} invitations, {messages} messages: "
                f"wall {wall:.2f} s ({1000 * wall / invited:.1f} ms each), "
                f"CPU {cpu:.2f} s ({1000 * cpu / invited:.1f} ms each), "
                f"{statements} SQL statements ({statements / invited:.1f} each); "
                f"load {os.getloadavg()[0]:.1f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if profile is not None:
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
