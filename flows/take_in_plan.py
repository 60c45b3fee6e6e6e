"""Prefect flow `take_in_plan`: take a withdrawn or late plan (back) into the round; the next
`review_round` run proposes its reviewers (review.coordinator.controls.take_in_plan)."""

from __future__ import annotations

from prefect import flow
from prefect.states import State
from pydantic import Field

from flows.artifacts import run_name
from flows.coordinator_run import run_control
from flows.forms import Form
from review.config import load_settings
from review.coordinator import runs


class TakeInParameters(Form):
    """Take a plan (back) into the round / Einen Plan (wieder) in die Runde aufnehmen"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    municipality: str = Field(
        description="The plan, by its municipality / Der Plan, nach seiner Gemeinde"
    )


@flow(name="take_in_plan", flow_run_name=run_name("take in plan"), log_prints=True)
def take_in_plan(parameters: TakeInParameters) -> State:
    """Take a withdrawn or late plan (back) into the round."""
    p = parameters
    return run_control(
        p.round_name,
        "take-in-plan",
        lambda: runs.take_in_plan(load_settings(), p.round_name, p.municipality).done,
    )
