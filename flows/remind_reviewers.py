"""Prefect flow `remind_reviewers`: remind now everyone who owes a review in a round, a plan or
one reviewer (review.coordinator.controls.remind_now)."""

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


class RemindParameters(Form):
    """Remind reviewers now / Gutachter:innen jetzt erinnern"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    municipality: str = Field(
        default="",
        description="Only the reviewers of this municipality's plan; empty: the whole round / "
        "Nur die Gutachter:innen des Plans dieser Gemeinde; leer: die ganze Runde",
    )
    reviewer: str = Field(
        default="",
        description="Only this reviewer (name or email) / Nur diese:r Gutachter:in (Name oder "
        "E-Mail)",
    )


@flow(name="remind_reviewers", flow_run_name=run_name("remind"), log_prints=True)
def remind_reviewers(parameters: RemindParameters) -> State:
    """Send a reminder now to each reviewer who owes a review."""
    p = parameters
    target = Target(municipality=p.municipality or None, reviewer=p.reviewer or None)
    return run_control(
        p.round_name,
        "remind-reviewers",
        lambda: runs.remind(load_settings(), p.round_name, target).done,
    )
