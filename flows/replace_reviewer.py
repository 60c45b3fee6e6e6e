"""Prefect flow `replace_reviewer`: give one review to a named backup or the best eligible
reviewer, invited at once (review.coordinator.controls.replace_reviewer)."""

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


class ReplaceParameters(Form):
    """Replace a reviewer / Eine:n Gutachter:in ersetzen"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    municipality: str = Field(
        description="The plan, by its municipality / Der Plan, nach seiner Gemeinde"
    )
    reviewer: str = Field(
        description="The reviewer to replace (name or email) / Die zu ersetzende Person (Name "
        "oder E-Mail)"
    )
    backup: str = Field(
        default="",
        description="The backup (name or email); empty: the best eligible reviewer / Die "
        "Vertretung (Name oder E-Mail); leer: die am besten geeignete Person",
    )
    reason: str = Field(
        default="",
        description="Why, for the event log / Warum, für das Protokoll",
    )


@flow(name="replace_reviewer", flow_run_name=run_name("replace reviewer"), log_prints=True)
def replace_reviewer(parameters: ReplaceParameters) -> State:
    """Give one review to a backup reviewer, invited at once."""
    p = parameters
    target = Target(municipality=p.municipality, reviewer=p.reviewer)
    return run_control(
        p.round_name,
        "replace-reviewer",
        lambda: (
            runs.replace(
                load_settings(), p.round_name, target, backup=p.backup or None, reason=p.reason
            ).done
        ),
    )
