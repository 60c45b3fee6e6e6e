"""Spreading a flow's work over the work pool's workers: the flow starts runs of its own
deployment, one per part, which whichever worker is free takes (the intake's files, the
compile's plans)."""

from __future__ import annotations

from typing import Any

from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.runtime import deployment, flow_run


def on_workers() -> bool:
    """Started from a deployment (or by a flow that was, like `review_round`): the work pool's
    workers can take further runs. Run by hand, there is nobody to spread the work to."""
    return bool(deployment.get_id() or flow_run.get_parent_deployment_id())


def run_part(target: str, parameters: dict[str, Any], what: str, key: str) -> str:
    """A run of the deployment `target` for one part, on whichever worker takes it; waits for
    it and returns its id. The idempotency key makes a caller that is run again with the same
    key wait for the run it started instead of starting another."""
    run = run_deployment(target, parameters=parameters, idempotency_key=key, poll_interval=2)
    assert isinstance(run, FlowRun)  # a sync task in a thread: the sync call, no coroutine
    if run.state is None or not run.state.is_completed():
        raise RuntimeError(f"{what}: {run.state.name if run.state else 'no state'}")
    return str(run.id)
