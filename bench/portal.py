"""Portal under load: N reviewers at once open their form, save drafts and submit, against SQLite
and PostgreSQL. The baseline is the trivial endpoint (`/healthz`) of the same server in the same
run, measured two ways: beside the reviewers (probe clients, one request at a time each, while
the reviewers work: what any request waits under that load) and alone, half before and half after
them (as many concurrent clients as reviewers, only `/healthz`). At the end the database is counted: every
draft save (its event and the review's revision) and every submission must be there once.

    PYTHONPATH=. .venv/bin/python bench/portal.py [--reviewers 50 --drafts 3
        --backends sqlite,postgres --probes 2 --workers 1 --think 0]

The server is the portal's app under uvicorn in its own process group (`--workers` processes),
the load comes from asyncio + httpx in this process, and the portal's mail goes to a local SMTP
server in this process (as `peerplan serve` does without SMTP settings). Everything is removed
afterwards: the data directory (SQLite file, server log, mailbox), the server's processes and,
on PostgreSQL, the scratch database created on --postgres-url.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
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
from review.mailsink import start_mailbox  # noqa: E402
from review.models import (  # noqa: E402
    Assignment,
    AssignmentStatus,
    Event,
    Municipality,
    Plan,
    Review,
    Reviewer,
)
from review.portal.serving import KEEP_ALIVE_SECONDS, uvicorn_arguments  # noqa: E402
from review.reviewing.links import issue_link  # noqa: E402
from review.rounds import create_round  # noqa: E402
from review.rubric import load_rubrics  # noqa: E402
from review.states import transition  # noqa: E402

#: One TLS context for every client of the load: httpx makes a new one per client otherwise
#: (~10-20 ms of CPU each, loading the CA bundle), and 50 reviewers starting at once then held
#: up the load's event loop for ~1 s while the first requests' clocks ran: that, not the
#: server, was most of the first form pages' time (their p95) before 2026-12-01 (#14). The
#: server is plain HTTP; the context is never used.
TLS = ssl.create_default_context()

#: How long a reviewer's client keeps an idle connection (`reviewer`): under the portal's
#: `KEEP_ALIVE_SECONDS`. Until 2026-12-01 (#14) 2 s, under the portal's then 5 s: every save
#: after a pause opened a new connection, which the trivial request beside it never did.
BROWSER_KEEP_ALIVE = 60.0
assert BROWSER_KEEP_ALIVE < KEEP_ALIVE_SECONDS

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="([^"]+)"')


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds)

    def quantile(self, kind: str, q: float) -> float:
        s = sorted(self.samples[kind])
        return s[min(len(s) - 1, int(len(s) * q))]

    def p50(self, kind: str) -> float:
        return statistics.median(self.samples[kind])

    def line(self, kind: str, label: str = "") -> str:
        if not self.samples.get(kind):
            return f"{kind:>16}: -"
        n = len(self.samples[kind])
        p50, p95, p99 = (
            self.p50(kind) * 1000,
            self.quantile(kind, 0.95) * 1000,
            self.quantile(kind, 0.99) * 1000,
        )
        return (
            f"{kind:>16}: {n:5d} req  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  p99 {p99:7.1f} ms"
            f"  {label}"
        )


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
    think: float = 0.0,
) -> None:
    # Each reviewer is a browser of their own: own connection, own cookies (CSRF). A browser
    # keeps an idle connection for minutes (Chrome 5, Firefox about 2); this one keeps it a
    # minute, less than the portal does (review.portal.serving), so it never sends a request
    # into a connection the portal is closing. A reviewer who thinks longer opens a new one.
    limits = httpx.Limits(keepalive_expiry=BROWSER_KEEP_ALIVE)
    client = httpx.AsyncClient(limits=limits, timeout=120, follow_redirects=False, verify=TLS)
    async with client:
        await _review(client, base, assignment_id, token, drafts, criteria, timings, errors, think)


async def _review(
    client: httpx.AsyncClient,
    base: str,
    assignment_id: int,
    token: str,
    drafts: int,
    criteria: list[str],
    timings: Timings,
    errors: list[str],
    think: float,
) -> None:
    url = f"{base}/r/{token}/a/{assignment_id}"
    pause = random.Random(assignment_id)  # the same pauses in every run

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
        if think:  # the reviewer reads and types before saving: 0.5 to 1.5 times `think`
            await asyncio.sleep(think * pause.uniform(0.5, 1.5))
        r = await timed("submit" if final else "save", client.post(url + "/save", data=body))
        if r.status_code != 303:
            errors.append(f"assignment {assignment_id}: {r.status_code} {r.text[:300]!r}")
            return
        page = await timed("page", client.get(base + r.headers["location"]))


async def hammer(client: httpx.AsyncClient, url: str, count: int, timings: Timings) -> None:
    for _ in range(count):
        start = time.perf_counter()
        r = await client.get(url)
        timings.add("healthz alone", time.perf_counter() - start)
        assert r.status_code == 200


async def probe(url: str, timings: Timings, stop: asyncio.Event) -> None:
    """The trivial request while the reviewers work: one at a time, on its own connection, until
    they are done. Its latency is what any request of that server waits under that load."""
    async with httpx.AsyncClient(timeout=120, verify=TLS) as client:
        while not stop.is_set():
            start = time.perf_counter()
            r = await client.get(url)
            timings.add("healthz", time.perf_counter() - start)
            assert r.status_code == 200
            await asyncio.sleep(0.01)


async def run_load(
    base: str, links: list[tuple[int, str]], drafts: int, probes: int, think: float
) -> tuple[Timings, float, float, list[str]]:
    criteria = [c.id for c in load_rubrics()["technical"].criteria]
    timings, errors = Timings(), []
    url = f"{base}/healthz"
    # The trivial endpoint alone, same concurrency, as many requests as the review run: half
    # before the reviewers and half after them, so that a change in the machine's load from
    # other work during the run weighs on both sides alike.
    per_client = 2 * (drafts + 1) + 1  # a reviewer's requests: form, drafts and submission
    before = per_client // 2
    trivial_wall = await _alone(url, len(links), before, timings, warm_up=True)
    # The reviewers, all at once, and beside them the probes of the trivial request.
    stop = asyncio.Event()
    probing = [asyncio.create_task(probe(url, timings, stop)) for _ in range(probes)]
    start = time.perf_counter()
    try:
        await asyncio.gather(
            *(reviewer(base, a, t, drafts, criteria, timings, errors, think) for a, t in links)
        )
    finally:
        review_wall = time.perf_counter() - start
        stop.set()
        await asyncio.gather(*probing)
    trivial_wall += await _alone(url, len(links), per_client - before, timings)
    return timings, trivial_wall, review_wall, errors


async def _alone(url: str, clients: int, each: int, timings: Timings, warm_up=False) -> float:
    # A client of its own each time: the server closes connections idle for 5 s.
    limits = httpx.Limits(max_connections=clients + 10)
    async with httpx.AsyncClient(limits=limits, timeout=120, verify=TLS) as client:
        if warm_up:  # connections, and the server's first request
            await client.get(url)
        start = time.perf_counter()
        await asyncio.gather(*(hammer(client, url, each, timings) for _ in range(clients)))
        return time.perf_counter() - start


def start_server(env: dict[str, str], port: int, log: Path, workers: int) -> subprocess.Popen:
    # Served as `peerplan serve` serves it (review.portal.serving).
    command = [sys.executable, "-m", "uvicorn", "--factory", "review.cli.serve:portal_app"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    command += ["--log-level", "warning", "--no-access-log", *uvicorn_arguments()]
    with log.open("wb") as errors:
        # A session of its own, so that stopping it stops its worker processes too.
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"portal did not start: {log.read_text(errors='replace')[-2000:]}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


@dataclass
class Stored:
    """What the database holds after the run."""

    submitted_reviews: int
    submitted_assignments: int
    review_rows: int
    draft_saves: int  # `review.draft_saved` events: one per draft save that was written
    short_revisions: int  # reviews whose revision is below the saves made (a lost save)

    def ok(self, reviewers: int, drafts: int) -> bool:
        return (
            self.submitted_reviews == reviewers
            and self.submitted_assignments == reviewers
            and self.review_rows == reviewers
            and self.draft_saves == reviewers * drafts
            and self.short_revisions == 0
        )


def count_stored(database_url: str, drafts: int) -> Stored:
    engine = engine_for(database_url)
    with Session(engine) as session:

        def count(*where) -> int:
            return session.exec(select(func.count()).select_from(where[0]).where(*where[1:])).one()

        stored = Stored(
            submitted_reviews=count(Review, Review.status == "submitted"),
            submitted_assignments=count(Assignment, Assignment.status == "submitted"),
            review_rows=count(Review),
            draft_saves=count(Event, Event.kind == "review.draft_saved"),
            # Each draft save raises the revision by one and the submission once more.
            short_revisions=count(Review, Review.revision < drafts + 1),
        )
    engine.dispose()
    return stored


def bench_backend(
    name: str,
    database_url: str | None,
    reviewers: int,
    drafts: int,
    probes: int,
    workers: int,
    think: float,
) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"peerplan-bench-{name}-"))
    try:
        return _bench_in(data_dir, name, database_url, reviewers, drafts, probes, workers, think)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def _bench_in(
    data_dir: Path,
    name: str,
    database_url: str | None,
    reviewers: int,
    drafts: int,
    probes: int,
    workers: int,
    think: float,
) -> dict:
    overrides: dict = {"data_dir": data_dir}
    if database_url:
        overrides["database_url"] = database_url
    settings = load_settings(**overrides)
    links = seed(settings, reviewers)
    engine_for(settings.database_url).dispose()  # the server is the only user from here on
    # The portal's mail goes to a local SMTP server, as with `peerplan serve` by default: without
    # one, every submission made the portal's background sender try every queued message again
    # and count the failure (some 1,000 extra transactions a run, each a WAL flush on PostgreSQL).
    mailbox = start_mailbox(data_dir / "mailbox")
    env = {
        **os.environ,
        "PEERPLAN_DATA_DIR": str(data_dir),
        "PEERPLAN_DATABASE_URL": settings.database_url,
        "PEERPLAN_SMTP_HOST": mailbox.host,
        "PEERPLAN_SMTP_PORT": str(mailbox.port),
        "PEERPLAN_SMTP_SECURITY": "none",
    }
    port = free_port()
    log = data_dir / "server.log"
    try:
        server = start_server(env, port, log, workers)
        try:
            timings, trivial_wall, review_wall, errors = asyncio.run(
                run_load(f"http://127.0.0.1:{port}", links, drafts, probes, think)
            )
        finally:
            stop_server(server)
    finally:
        mailbox.stop()
    mails = len(list(mailbox.folder.glob("*.eml")))
    stored = count_stored(settings.database_url, drafts)
    load = os.getloadavg()
    review_requests = sum(len(timings.samples.get(k, [])) for k in ("page", "save", "submit"))
    trivial_rps = len(timings.samples["healthz alone"]) / trivial_wall
    ratio = timings.p50("save") / timings.p50("healthz")
    ratio_alone = timings.p50("save") / timings.p50("healthz alone")
    print(
        f"\n== {name}: {reviewers} reviewers at once, {drafts} drafts + 1 submission each; "
        f"{workers} server worker(s); {think:g} s thinking before each post; "
        f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} =="
    )
    print(timings.line("healthz alone", f"{trivial_rps:5.0f} req/s, before and after them"))
    print(timings.line("healthz", "beside the reviewers (the baseline)"))
    for kind in ("page", "save", "submit"):
        print(timings.line(kind))
    print(
        f"  reviewing: {review_requests} requests in {review_wall:.2f} s = "
        f"{review_requests / review_wall:.0f} req/s"
    )
    print(
        f"  save p50 = {ratio:.1f}x the trivial request's p50 beside the reviewers "
        f"(goal <= 3x: {'met' if ratio <= 3 else 'MISSED'}); "
        f"{ratio_alone:.1f}x healthz alone"
    )
    ok = stored.ok(reviewers, drafts) and not errors
    print(
        f"  stored: {stored.submitted_reviews}/{reviewers} submitted reviews, "
        f"{stored.submitted_assignments}/{reviewers} assignments submitted, "
        f"{stored.review_rows} review rows, {stored.draft_saves}/{reviewers * drafts} draft saves, "
        f"{stored.short_revisions} reviews missing a revision; errors: {len(errors)} -> "
        f"{'OK' if ok else 'LOST OR FAILED'}"
    )
    print(f"  mail: {mails} messages delivered to the local SMTP server")
    for error in errors[:3]:
        print("   ", error)
    if errors:
        print(log.read_text(errors="replace")[-3000:])
    return {"backend": name, "ok": ok, "ratio": ratio}


def postgres_scratch(admin_url: str) -> tuple[str, Callable[[], None]]:
    """A scratch database on the server of `admin_url` and the function that drops it."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"peerplan_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    # Stopped by SIGTERM or SIGHUP (a timeout, a closed terminal) as by Ctrl-C: the `finally`
    # blocks still stop the server (its own process group, which would outlive this one), drop
    # the scratch database and remove the data directory.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--drafts", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--probes", type=int, default=2, help="clients of the trivial request")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds a reviewer reads and types before each post (0: none, the server saturated)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PEERPLAN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    shape = (args.reviewers, args.drafts, args.probes, args.workers, args.think)
    results = []
    for backend in args.backends.split(","):
        if backend == "sqlite":
            results.append(bench_backend("sqlite", None, *shape))
        elif backend == "postgres":
            url, drop = postgres_scratch(args.postgres_url)
            try:
                results.append(bench_backend("postgres", url, *shape))
            finally:
                drop()
    print("\n" + ", ".join(f"{r['backend']}: save p50 = {r['ratio']:.1f}x" for r in results))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
