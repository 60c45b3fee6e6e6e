"""Prefect flow `extend_deadline`: give the reviews of a round, a plan or one reviewer until a
new date (review.coordinator.controls.extend_deadline)."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.states import State
from pydantic import Field

from flows.artifacts import run_name
from flows.coordinator_run import run_control
from flows.forms import Form
from review.config import load_settings
from review.coordinator import runs
from review.coordinator.controls import Target


class ExtendParameters(Form):
    """Extend a deadline / Eine Frist verlängern"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    due_date: date = Field(description="The new due date / Die neue Frist")
    municipality: str = Field(
        default="",
        description="Only the plan of this municipality; empty: the whole round / Nur der Plan "
        "dieser Gemeinde; leer: die ganze Runde",
    )
    reviewer: str = Field(
        default="",
        description="Only this reviewer (name or email); empty: everyone / Nur diese:r "
        "Gutachter:in (Name oder E-Mail); leer: alle",
    )
    confirm_past: bool = Field(
        default=False,
        description="Set a date in the past anyway / Auch ein Datum in der Vergangenheit setzen",
    )


@flow(name="extend_deadline", flow_run_name=run_name("extend deadline"), log_prints=True)
def extend_deadline(parameters: ExtendParameters) -> State:
    """Extend the due date of a round's, a plan's or a reviewer's open reviews."""
    p = parameters
    target = Target(municipality=p.municipality or None, reviewer=p.reviewer or None)
    return run_control(
        p.round_name,
        "extend-deadline",
        lambda: (
            runs.extend(
                load_settings(), p.round_name, p.due_date, target, allow_past=p.confirm_past
            ).done
        ),
    )
