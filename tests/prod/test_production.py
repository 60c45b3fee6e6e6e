"""Production shape: a Prefect server on PostgreSQL, a process work pool with two workers, the
deployments from prefect.yaml, and a round of 200 synthetic plans spread over both workers."""

from __future__ import annotations

import json
import os

import pytest

from tests.prod.stack import Stack, production_stack

POSTGRES_ENV = "PEERPLAN_TEST_POSTGRES_URL"

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set: the production test runs in CI (.ci/run)")
    with production_stack(tmp_path_factory.mktemp("production"), admin_url) as stack:
        stack.prefect("work-pool", "create", "peerplan", "--type", "process")
        stack.start_worker("w1")
        stack.start_worker("w2")
        yield stack


def _run(stack: Stack, deployment: str, parameters: dict) -> str:
    output = stack.prefect("deployment", "run", deployment, "--params", json.dumps(parameters))
    return next(
        line.split("UUID:")[1].strip() for line in output.splitlines() if "UUID:" in line
    )


def test_two_workers_share_the_flow_runs_of_a_deployment(stack: Stack):
    stack.prefect("deploy", "tests/prod/probe_flow.py:probe", "--name", "probe",
                  "--pool", "peerplan")
    ids = [_run(stack, "probe/probe", {"parameters": {"label": f"run {i}", "seconds": 3}})
           for i in range(6)]
    runs = stack.wait_for_runs(ids, timeout=120)
    assert {r["state_type"] for r in runs.values()} == {"COMPLETED"}, runs
    workers = _wait_for_worker_events(stack, ids)
    assert set(workers.values()) == {"w1", "w2"}, workers


def _wait_for_worker_events(stack: Stack, ids: list[str], timeout: float = 30) -> dict[str, str]:
    import time

    deadline = time.monotonic() + timeout
    while True:
        executed = {rid: w for rid, w in stack.executed_by().items() if rid in ids}
        if len(executed) == len(ids) or time.monotonic() > deadline:
            return executed
        time.sleep(1)


