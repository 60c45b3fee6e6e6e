"""A tiny flow with a pydantic parameter, used to exercise the production harness (work pool,
workers, deployments) independently of peerplan's domain flows."""

from __future__ import annotations

import os
import time

from prefect import flow
from pydantic import BaseModel, Field


class ProbeParameters(BaseModel):
    label: str = Field(description="Any text; returned with the worker's process ids.")
    seconds: float = Field(default=0.0, ge=0, description="How long to sleep.")


@flow(name="probe", persist_result=True)
def probe(parameters: ProbeParameters) -> dict:
    time.sleep(parameters.seconds)
    return {"label": parameters.label, "pid": os.getpid(), "ppid": os.getppid()}
