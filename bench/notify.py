"""Deadline escalation and outbox delivery for a national-size round, against SQLite and
PostgreSQL, with a real SMTP server (aiosmtpd) in this process.

    /work/venv/bin/python bench/notify.py [--plans 300 --backends sqlite,postgres]

A round of N plans with 3 open assignments each, two days before the due date:
- escalate: one run queues one reminder per assignment (+ the digest), in one transaction;
- re-run: the same run again, which must queue nothing (the exactly-once check);
- deliver: the outbox sends them, each claimed, sent and marked in its own transactions;
- baseline, same run, same server: the same messages sent with plain smtplib over one connection
  (what a sender without the outbox's bookkeeping would do). The ratio deliver/baseline is the
  cost of exactly-once.
Every message must arrive exactly once.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review.config import load_settings  # noqa: E402
from review.db import engine_for, migrate, session_scope  # noqa: E402
from review.deadlines.escalate import escalate  # noqa: E402
from review.models import Assignment, Municipality, Outbox, Plan, Reviewer  # noqa: E402
from review.notify.delivery import deliver  # noqa: E402
from review.notify.envelope import build_email  # noqa: E402
from review.rounds import create_round  # noqa: E402
from tests.support.notify import Mailbox, start_smtp  # noqa: E402

DUE = date(2026, 12, 15)


def populate(settings, plans: int) -> None:
    with session_scope(engine_for(settings.database_url)) as session:
        round_ = create_round(session, name="Bench", due_date=DUE)
        towns = [Municipality(round_id=round_.id, name=f"Gemeinde {i}") for i in range(plans)]
        session.add_all(towns)
        session.flush()
        reviewers = [
            Reviewer(
                round_id=round_.id,
                municipality_id=t.id,
                name=f"R {t.id}",
                email=f"r{t.id}@bench.example",
                expertise=["technical"],
            )
            for t in towns
        ]
        plan_rows = [
            Plan(round_id=round_.id, municipality_id=t.id, title=f"Plan {t.id}") for t in towns
        ]
        session.add_all(reviewers + plan_rows)
        session.flush()
        invited = datetime(2026, 11, 20, tzinfo=UTC)
        for i, plan in enumerate(plan_rows):
            for k in (1, 2, 3):  # reviewers of the next three municipalities
                session.add(
                    Assignment(
                        round_id=round_.id,
                        plan_id=plan.id,
                        reviewer_id=reviewers[(i + k) % plans].id,
                        rubric="technical",
                        due_date=DUE,
                        status="invited",
                        approved_at=invited,
                        created_at=invited,
                    )
                )


def bench(backend: str, settings, plans: int) -> None:
    box = Mailbox()
    controller = start_smtp(box)
    settings = settings.model_copy(update={"smtp_port": controller.port})
    engine = engine_for(settings.database_url)
    try:
        populate(settings, plans)
        now = datetime.combine(DUE - timedelta(days=2), datetime.min.time(), tzinfo=UTC)
        t0 = time.perf_counter()
        with session_scope(engine) as session:
            report = escalate(session, settings, now=now)
        t_escalate = time.perf_counter() - t0
        t0 = time.perf_counter()
        with session_scope(engine) as session:
            again = escalate(session, settings, now=now)
        t_rerun = time.perf_counter() - t0
        queued = len(report.queued)
        assert not again.queued, "a re-run queued messages again"

        with session_scope(engine) as session:
            messages = [build_email(row, settings) for row in session.exec(select(Outbox))]
        import smtplib

        t0 = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", controller.port) as server:
            for message in messages:
                server.send_message(message)
        t_raw = time.perf_counter() - t0
        box.clear()

        t0 = time.perf_counter()
        delivery = deliver(engine, settings, now=now)
        t_deliver = time.perf_counter() - t0
        ids = Counter(m["Message-ID"] for m in box.messages)
        ok = len(delivery.sent) == queued and len(ids) == queued and set(ids.values()) == {1}
    finally:
        controller.stop()
    n = queued
    print(f"== {backend}: {plans} plans, {plans * 3} open assignments, 2 days before the due date")
    each = t_escalate / n * 1000
    print(f"  escalate: {t_escalate:6.2f} s  queued {n} messages ({each:.2f} ms each)")
    print(f"  re-run:   {t_rerun:6.2f} s  queued 0 (exactly once)")
    print(f"  deliver:  {t_deliver:6.2f} s  {n / t_deliver:6.0f} msg/s")
    print(f"  baseline: {t_raw:6.2f} s  {n / t_raw:6.0f} msg/s (plain smtplib, one connection)")
    print(
        f"  ratio deliver/baseline: {t_deliver / t_raw:.1f}x; "
        f"arrived exactly once: {'OK' if ok else 'FAILED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                settings = load_settings(data_dir=Path(tmp))
                migrate(settings)
                bench(backend, settings, args.plans)
                continue
            name = f"peerplan_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = (
                make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False)
            )
            try:
                settings = load_settings(data_dir=Path(tmp), database_url=url)
                migrate(settings)
                bench(backend, settings, args.plans)
            finally:
                engine_for(url).dispose()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
