"""Portal under load: N reviewers at once open their form, save drafts and submit, against SQLite
and PostgreSQL. Beside it, in the same run and against the same server, a trivial endpoint
(`/healthz`) under the same concurrency: the baseline the portal's figures are read against.
At the end every submission must be in the database (none lost, none doubled).

    /work/venv/bin/python bench/portal.py [--reviewers 50 --drafts 3 --backends sqlite,postgres]

The server is `peerplan portal` in its own process (one uvicorn worker), the load comes from
asyncio + httpx in this process. PostgreSQL: a scratch database on --postgres-url, dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from review.config import load_settings  # noqa: E402
from review.db import engine_for, migrate  # noqa: E402
from review.models import Assignment, AssignmentStatus, Municipality, Plan, Review, Reviewer  # noqa: E402
from review.reviewing.links import issue_link  # noqa: E402
from review.rounds import create_round  # noqa: E402
from review.rubric import load_rubrics  # noqa: E402
from review.states import transition  # noqa: E402

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="([^"]+)"')


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds)

    def line(self, kind: str, wall: float) -> str:
        s = sorted(self.samples.get(kind, []))
        if not s:
            return f"{kind:>8}: -"
        p50 = statistics.median(s) * 1000
        p99 = s[min(len(s) - 1, int(len(s) * 0.99))] * 1000
        return f"{kind:>8}: {len(s):5d} req  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"

    def p50(self, kind: str) -> float:
        return statistics.median(self.samples[kind])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(settings, reviewers: int) -> list[tuple[int, str]]:
    """A round with `reviewers` reviewers, each invited to review one plan: (assignment, token)."""
    migrate(settings)
    engine = engine_for(settings.database_url)
    links = []
    with Session(engine, expire_on_commit=False) as session:
        round_ = create_round(
            session,
            name=f"bench {uuid.uuid4().hex[:6]}",
            due_date=date.today() + timedelta(days=30),
        )
        places = []
        for i in range(reviewers):
            m = Municipality(round_id=round_.id, name=f"Gemeinde {i}", language="de")
            session.add(m)
            places.append(m)
        session.flush()
        for i, m in enumerate(places):
            r = Reviewer(
                round_id=round_.id,
                municipality_id=m.id,
                name=f"R{i}",
                email=f"r{i}@bench.example",
                expertise=["technical"],
                language="de",
            )
            plan = Plan(
                round_id=round_.id,
                municipality_id=places[(i + 1) % reviewers].id,
                title=f"Plan {i}",
            )
            session.add_all([r, plan])
            session.flush()
            a = Assignment(
                round_id=round_.id,
                plan_id=plan.id,
                reviewer_id=r.id,
                rubric="technical",
                due_date=round_.due_date,
            )
            session.add(a)
            session.flush()
            transition(session, a, AssignmentStatus.invited, actor="bench")
            links.append((a.id, issue_link(session, a, settings=settings)))
        session.commit()
    return links


def review_fields(criteria: list[str], step: int, final: bool) -> dict[str, str]:
    data = {}
    for i, cid in enumerate(criteria):
        if final or i <= step * 3:
            data[f"score-{cid}"] = str((i + step) % 5)
            data[f"comment-{cid}"] = f"Kommentar {cid} Schritt {step} " + "x" * 200
    data["strengths"] = f"Stärken, Schritt {step}"
    return data


async def reviewer(
    base: str,
    assignment_id: int,
    token: str,
    drafts: int,
    criteria: list[str],
    timings: Timings,
    errors: list[str],
) -> None:
    # Each reviewer is a browser of their own: own connection, own cookies (CSRF).
    async with httpx.AsyncClient(timeout=120, follow_redirects=False) as client:
        await _review(client, base, assignment_id, token, drafts, criteria, timings, errors)


async def _review(
    client: httpx.AsyncClient,
    base: str,
    assignment_id: int,
    token: str,
    drafts: int,
    criteria: list[str],
    timings: Timings,
    errors: list[str],
) -> None:
    url = f"{base}/r/{token}/a/{assignment_id}"

    async def timed(kind: str, coro):
        start = time.perf_counter()
        response = await coro
        timings.add(kind, time.perf_counter() - start)
        return response

    page = await timed("page", client.get(url + "?lang=de"))
    for step in range(drafts + 1):
        final = step == drafts
        body = {
            "csrf": CSRF.search(page.text).group(1),
            "seen": SEEN.search(page.text).group(1),
            "lang": "de",
            "action": "submit" if final else "draft",
            **review_fields(criteria, step, final),
        }
        r = await timed("submit" if final else "save", client.post(url + "/save", data=body))
        if r.status_code != 303:
            errors.append(f"assignment {assignment_id}: {r.status_code} {r.text[:300]!r}")
            return
        page = await timed("page", client.get(base + r.headers["location"]))


async def hammer(client: httpx.AsyncClient, url: str, count: int, timings: Timings) -> None:
    for _ in range(count):
        start = time.perf_counter()
        r = await client.get(url)
        timings.add("healthz", time.perf_counter() - start)
        assert r.status_code == 200


async def run_load(
    base: str, links: list[tuple[int, str]], drafts: int
) -> tuple[Timings, float, float, list[str]]:
    criteria = [c.id for c in load_rubrics()["technical"].criteria]
    limits = httpx.Limits(max_connections=len(links) + 10)
    timings, errors = Timings(), []
    async with httpx.AsyncClient(limits=limits, timeout=120, follow_redirects=False) as client:
        # Warm up (connections, templates, first queries).
        await client.get(f"{base}/healthz")
        # Baseline: the trivial endpoint, same concurrency, as many requests as the review run.
        per_task = 2 * (drafts + 1) + 1
        start = time.perf_counter()
        await asyncio.gather(*(hammer(client, f"{base}/healthz", per_task, timings) for _ in links))
        trivial_wall = time.perf_counter() - start
        # The reviewers, all at once.
        start = time.perf_counter()
        await asyncio.gather(
            *(reviewer(base, a, t, drafts, criteria, timings, errors) for a, t in links)
        )
        review_wall = time.perf_counter() - start
    return timings, trivial_wall, review_wall, errors


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "review.cli.serve:portal_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(Path(tempfile.gettempdir()) / "peerplan-bench-server.log", "wb"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"portal did not start: {process.stderr.read().decode()[-2000:]}")


def bench_backend(name: str, database_url: str | None, reviewers: int, drafts: int) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"peerplan-bench-{name}-"))
    overrides = {"data_dir": data_dir}
    if database_url:
        overrides["database_url"] = database_url
    settings = load_settings(**overrides)
    links = seed(settings, reviewers)
    env = {
        **os.environ,
        "PEERPLAN_DATA_DIR": str(data_dir),
        "PEERPLAN_DATABASE_URL": settings.database_url,
    }
    port = free_port()
    server = start_server(env, port)
    try:
        timings, trivial_wall, review_wall, errors = asyncio.run(
            run_load(f"http://127.0.0.1:{port}", links, drafts)
        )
    finally:
        server.terminate()
        server.wait(10)
    with Session(engine_for(settings.database_url)) as session:
        submitted = session.exec(
            select(func.count()).select_from(Review).where(Review.status == "submitted")
        ).one()
        done = session.exec(
            select(func.count()).select_from(Assignment).where(Assignment.status == "submitted")
        ).one()
        rows = session.exec(select(func.count()).select_from(Review)).one()
    engine_for(settings.database_url).dispose()
    review_requests = sum(len(timings.samples.get(k, [])) for k in ("page", "save", "submit"))
    result = {
        "backend": name,
        "reviewers": reviewers,
        "errors": errors,
        "trivial_rps": len(timings.samples["healthz"]) / trivial_wall,
        "review_rps": review_requests / review_wall,
        "timings": timings,
        "trivial_wall": trivial_wall,
        "review_wall": review_wall,
        "submitted_reviews": submitted,
        "submitted_assignments": done,
        "review_rows": rows,
    }
    print(f"\n== {name}: {reviewers} reviewers at once, {drafts} drafts + 1 submission each ==")
    print(
        timings.line("healthz", trivial_wall) + f"   {result['trivial_rps']:7.0f} req/s  (baseline)"
    )
    for kind in ("page", "save", "submit"):
        print(timings.line(kind, review_wall))
    print(
        f"  reviewing: {review_requests} requests in {review_wall:.2f} s = "
        f"{result['review_rps']:.0f} req/s ({result['review_rps'] / result['trivial_rps']:.2f}x "
        f"the trivial endpoint); save p50 = {timings.p50('save') / timings.p50('healthz'):.1f}x "
        f"healthz p50"
    )
    ok = submitted == reviewers and done == reviewers and rows == reviewers and not errors
    print(
        f"  stored: {submitted}/{reviewers} submitted reviews, {done}/{reviewers} assignments "
        f"submitted, {rows} review rows; errors: {len(errors)} -> "
        f"{'OK' if ok else 'LOST OR FAILED'}"
    )
    result["ok"] = ok
    for error in errors[:3]:
        print("   ", error)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--drafts", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PEERPLAN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    results = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            results.append(bench_backend("sqlite", None, args.reviewers, args.drafts))
        elif backend == "postgres":
            admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
            name = f"peerplan_bench_{os.getpid()}"
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = (
                make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False)
            )
            try:
                results.append(bench_backend("postgres", url, args.reviewers, args.drafts))
            finally:
                engine_for(url).dispose()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
