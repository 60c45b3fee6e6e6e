"""Prefect flow `new_personal_link`: send a reviewer the invitation again with a new personal
link; the old link stops working (review.coordinator.controls.new_link)."""

from __future__ import annotations

from prefect import flow
from prefect.states import State
from pydantic import Field

from flows.artifacts import run_name
from flows.coordinator_run import run_control
from flows.forms import Form
from review.config import load_settings
from review.coordinator import runs
from review.coordinator.controls import Target


class NewLinkParameters(Form):
    """A new personal link for a reviewer / Ein neuer persönlicher Link für eine:n Gutachter:in"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    reviewer: str = Field(
        description="The reviewer (name or email) / Die Gutachterin oder der Gutachter (Name "
        "oder E-Mail)"
    )
    municipality: str = Field(
        default="",
        description="Only for this municipality's plan; empty: every open review of theirs / "
        "Nur für den Plan dieser Gemeinde; leer: alle offenen Gutachten",
    )


@flow(name="new_personal_link", flow_run_name=run_name("new link"), log_prints=True)
def new_personal_link(parameters: NewLinkParameters) -> State:
    """Resend the invitation with a new personal link; the earlier link stops working."""
    p = parameters
    target = Target(municipality=p.municipality or None, reviewer=p.reviewer)
    return run_control(
        p.round_name,
        "new-personal-link",
        lambda: runs.new_link(load_settings(), p.round_name, target).done,
    )
