"""Prefect flow `withdraw_plan`: take a plan out of the round (review.coordinator.controls)."""

from __future__ import annotations

from prefect import flow
from prefect.states import State
from pydantic import Field

from flows.artifacts import run_name
from flows.coordinator_run import run_control
from flows.forms import Form
from review.config import load_settings
from review.coordinator import runs


class WithdrawPlanParameters(Form):
    """Withdraw a plan / Einen Plan zurückziehen"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    municipality: str = Field(
        description="The plan, by its municipality / Der Plan, nach seiner Gemeinde"
    )
    reason: str = Field(
        min_length=1,
        description="Why; the invited reviewers are told / Warum; eingeladene Gutachter:innen "
        "erfahren es",
    )


@flow(name="withdraw_plan", flow_run_name=run_name("withdraw plan"), log_prints=True)
def withdraw_plan(parameters: WithdrawPlanParameters) -> State:
    """Withdraw a plan's open reviews and take it out of the round."""
    p = parameters
    return run_control(
        p.round_name,
        "withdraw-plan",
        lambda: runs.withdraw_plan(load_settings(), p.round_name, p.municipality, p.reason).done,
    )
