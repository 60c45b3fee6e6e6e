"""A production-shaped installation for tests: a Prefect server on PostgreSQL, peerplan on its own
PostgreSQL database, a process work pool and workers; every process in its own process group and
stopped (with its children) at the end, both scratch databases dropped.

Subprocesses get PYTHONPATH=<project root> so that they run this checkout's code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from flows.deployments import PROJECT_ROOT, WORK_POOL
from review.cli.children import Child, free_port

PREFECT = [sys.executable, "-m", "prefect"]


@dataclass
class Stack:
    directory: Path
    api_url: str
    peerplan_database_url: str
    env: dict[str, str]
    children: list[Child] = field(default_factory=list)

    def prefect(self, *args: str, timeout: float = 180) -> str:
        """Run the `prefect` CLI against this server from the project root; its output."""
        done = subprocess.run(
            [*PREFECT, "--no-prompt", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            timeout=timeout,
            capture_output=True,
            text=True,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"prefect {' '.join(args)} failed:\n{output}"
        return output

    def start_worker(self, name: str, *, limit: int = 2) -> Child:
        worker = Child(
            f"worker {name}",
            [
                *PREFECT,
                "worker",
                "start",
                "--pool",
                WORK_POOL,
                "--type",
                "process",
                "--name",
                name,
                "--limit",
                str(limit),
            ],
            self.directory / "logs" / f"worker-{name}.log",
            env=self.env,
            cwd=PROJECT_ROOT,
        ).start()
        self.children.append(worker)
        return worker

    def api(self, method: str, path: str, json: object | None = None) -> object:
        response = httpx.request(method, f"{self.api_url}{path}", json=json, timeout=30)
        response.raise_for_status()
        return response.json() if response.content else None

    def executed_by(self) -> dict[str, str]:
        """{flow run id: name of the worker that executed it}, from the workers' events."""
        result: dict[str, str] = {}
        page = self.api(
            "POST",
            "/events/filter",
            {
                "filter": {
                    "event": {"name": ["prefect.worker.executed-flow-run"]},
                    "occurred": {"since": "2000-01-01T00:00:00Z"},
                },
                "limit": 50,
            },
        )
        while True:
            for event in page["events"]:
                for related in event["related"]:
                    rid = related["prefect.resource.id"]
                    if rid.startswith("prefect.flow-run."):
                        result[rid.removeprefix("prefect.flow-run.")] = event["resource"][
                            "prefect.resource.name"
                        ]
            if not page.get("next_page"):
                return result
            page = httpx.get(page["next_page"], timeout=30).json()

    def wait_for_runs(self, ids: list[str], *, timeout: float) -> dict[str, dict]:
        """Wait until every flow run is final; {id: flow run}."""
        deadline = time.monotonic() + timeout
        while True:
            runs = self.api("POST", "/flow_runs/filter", {"flow_runs": {"id": {"any_": ids}}})
            by_id = {r["id"]: r for r in runs}
            if len(by_id) == len(ids) and all(
                r["state_type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
                for r in by_id.values()
            ):
                return by_id
            assert time.monotonic() < deadline, (
                f"flow runs not finished within {timeout} s: "
                f"{sorted((r['name'], r['state_type']) for r in by_id.values())}\n"
                + "\n".join(f"--- {c.name}\n{c.log_tail(30)}" for c in self.children)
            )
            time.sleep(1)


def _create_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def production_stack(directory: Path, admin_url: str) -> Iterator[Stack]:
    suffix = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    prefect_db, peerplan_db = f"prefect_test_{suffix}", f"peerplan_test_{suffix}"
    admin_psycopg = (
        make_url(admin_url)
        .set(drivername="postgresql+psycopg")
        .render_as_string(hide_password=False)
    )
    created: list[str] = []
    children: list[Child] = []
    try:
        prefect_url = make_url(_create_database(admin_psycopg, prefect_db))
        created.append(prefect_db)
        peerplan_url = _create_database(admin_psycopg, peerplan_db)
        created.append(peerplan_db)
        port = free_port()
        api_url = f"http://127.0.0.1:{port}/api"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PEERPLAN_"))},
            "PYTHONPATH": str(PROJECT_ROOT),
            "PREFECT_HOME": str(directory / "prefect-home"),
            "PREFECT_API_DATABASE_CONNECTION_URL": prefect_url.set(
                drivername="postgresql+asyncpg"
            ).render_as_string(hide_password=False),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            # Workers poll every 10 s by default; a test waits for every hand-over.
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PEERPLAN_DATABASE_URL": peerplan_url,
            "PEERPLAN_DATA_DIR": str(directory / "data"),
            "PREFECT_UI_API_URL": api_url,  # default: port 4200 whatever --port says
        }
        server = Child(
            "Prefect server",
            [*PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            directory / "logs" / "prefect-server.log",
            env=env,
        ).start()
        children.append(server)
        env["PREFECT_API_URL"] = api_url
        server.wait_http(f"{api_url}/health", timeout=180, what="the Prefect server")
        stack = Stack(directory, api_url, peerplan_url, env, children)
        yield stack
    finally:
        for child in reversed(children):
            child.stop()
        for name in created:
            _drop_database(admin_psycopg, name)
