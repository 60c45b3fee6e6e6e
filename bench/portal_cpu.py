"""What a portal request costs the server in CPU: `/healthz`, a reviewer's form page (GET) and a
draft save (POST), one request at a time, in this process, on SQLite and PostgreSQL.

    PYTHONPATH=. .venv/bin/python bench/portal_cpu.py [--requests 80 --backends sqlite,postgres]

Wall time on this shared machine swings with the other work on it; the CPU time of the thread
that serves a request does much less. The portal's app is called through httpx's ASGI transport
with the thread pool run inline (in the event loop's thread), and `time.thread_time` is read
around the app's call only (not the client's work of building and reading the request); the
median of `--requests` requests is printed, and a save's cost as a multiple of `/healthz`'s.
PostgreSQL's own work (another process) is not in it; the driver's is. The data directory and
the scratch PostgreSQL database are removed afterwards. `save wall` is a save's wall time in the
same calls: its CPU and its waits for the database (on PostgreSQL, a round trip each statement).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import anyio.to_thread
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import CSRF, SEEN, postgres_scratch, review_fields, seed

from review.config import load_settings
from review.db import engine_for
from review.portal import create_app
from review.rubric import load_rubrics


async def _inline(func: Callable, *args, **_options):
    """`anyio.to_thread.run_sync` without a thread: the request's CPU stays in this thread."""
    return func(*args)


class Metered:
    """The app, with the CPU time of this thread spent in its last call, and its wall time
    (which adds the waits for the database: PostgreSQL's round trips)."""

    def __init__(self, app) -> None:
        self.app, self.last, self.last_wall = app, 0.0, 0.0

    async def __call__(self, scope, receive, send) -> None:
        start, wall = time.thread_time(), time.perf_counter()
        await self.app(scope, receive, send)
        self.last = time.thread_time() - start
        self.last_wall = time.perf_counter() - wall


async def measure(settings, requests: int) -> dict[str, list[float]]:
    links = seed(settings, 1)
    engine_for(settings.database_url).dispose()
    app = create_app(settings)
    app.state.send_now = lambda _settings: None
    metered = Metered(app)
    assignment_id, token = links[0]
    criteria = [c.id for c in load_rubrics()["technical"].criteria]
    costs: dict[str, list[float]] = {"healthz": [], "page": [], "save": [], "save wall": []}
    transport = httpx.ASGITransport(app=metered)
    async with httpx.AsyncClient(transport=transport, base_url="http://portal.test") as client:
        url = f"/r/{token}/a/{assignment_id}"
        page = await client.get(url + "?lang=de")
        for step in range(requests + 5):  # the first 5 warm up (caches, connections)
            assert (await client.get("/healthz")).status_code == 200
            healthz = metered.last
            body = {
                "csrf": CSRF.search(page.text).group(1),
                "seen": SEEN.search(page.text).group(1),
                "lang": "de",
                "action": "draft",
                **review_fields(criteria, step % 3, False),
            }
            saved = await client.post(url + "/save", data=body)
            assert saved.status_code == 303, saved.text[:500]
            save, save_wall = metered.last, metered.last_wall
            page = await client.get(saved.headers["location"])
            assert page.status_code == 200
            if step >= 5:
                costs["healthz"].append(healthz)
                costs["save"].append(save)
                costs["save wall"].append(save_wall)
                costs["page"].append(metered.last)
    app.state.engine.dispose()
    return costs


def report(name: str, costs: dict[str, list[float]]) -> None:
    load = os.getloadavg()
    print(
        f"\n== {name}: server CPU per request; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
    )
    medians = {kind: statistics.median(values) for kind, values in costs.items()}
    for kind, values in costs.items():
        q = statistics.quantiles(values, n=4)
        print(
            f"  {kind:>9}: median {medians[kind] * 1000:6.2f} ms  "
            f"(quartiles {q[0] * 1000:.2f}-{q[2] * 1000:.2f} ms, {len(values)} requests)"
        )
    print(
        f"  save = {medians['save'] / medians['healthz']:.1f}x healthz, "
        f"page = {medians['page'] / medians['healthz']:.1f}x healthz"
    )


def run(name: str, database_url: str | None, requests: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix=f"peerplan-bench-cpu-{name}-"))
    try:
        overrides: dict = {"data_dir": data_dir}
        if database_url:
            overrides["database_url"] = database_url
        settings = load_settings(**overrides)
        report(name, asyncio.run(measure(settings, requests)))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=80)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "PEERPLAN_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    for backend in args.backends.split(","):
        if backend == "sqlite":
            run("sqlite", None, args.requests)
        elif backend == "postgres":
            url, drop = postgres_scratch(args.postgres_url)
            try:
                run("postgres", url, args.requests)
            finally:
                drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
