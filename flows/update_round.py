"""Prefect flow `update_round`: change a round's settings (review.rounds.update_round, what
`peerplan round update` does); each change is listed in the run's artifact and the event log."""

from __future__ import annotations

import enum
from datetime import date

from prefect import flow
from prefect.states import State
from pydantic import Field

from flows.artifacts import round_translator, run_name
from flows.coordinator_run import run_control
from flows.forms import Form, optional
from review import rounds
from review.config import load_settings
from review.coordinator import artifacts
from review.db import get_engine, session_scope


# Whether a round hides its reviewers, as a choice that keeps it by default: Prefect's form
# shows a yes/no field as a switch and sends 'no' when nobody touched it, so any change of
# another setting opened a blind round (reviewers named to the municipalities).
class Blindness(enum.StrEnum):
    unchanged = "unchanged"
    blind = "blind"
    open = "open"


class RoundSettings(Form):
    """Change a round's settings; empty fields stay as they are / Einstellungen einer Runde
    ändern; leere Felder bleiben, wie sie sind"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    final_deadline: date | None = optional(
        "When personal links close / Wann die persönlichen Links schließen"
    )
    reviews_per_plan: int | None = optional(
        "Reviews each plan gets / Gutachten je Plan", ge=1, le=20
    )
    blind: Blindness = Field(
        default=Blindness.unchanged,
        description="unchanged: as it is; blind: reviewer names hidden from the plans' "
        "municipalities; open: named / unchanged: wie bisher; blind: Namen der Gutachter:innen "
        "vor den Gemeinden verborgen; open: genannt",
    )
    language: str = Field(
        default="",
        description="Language of the coordinator's messages (de or en) / Sprache der Nachrichten "
        "an die Koordination (de oder en)",
    )
    coordinator_name: str = Field(
        default="",
        description="Name that signs the coordinator's messages / Name unter den Nachrichten der "
        "Koordination",
    )
    coordinator_email: str = Field(
        default="", description="Where escalations go / Wohin Eskalationen gehen"
    )
    confirm_past: bool = Field(
        default=False,
        description="Accept a final deadline in the past / Eine letzte Frist in der Vergangenheit "
        "annehmen",
    )


@flow(name="update_round", flow_run_name=run_name("round settings"), log_prints=True)
def update_round(parameters: RoundSettings) -> State:
    """Change a round's settings and list what changed."""
    p = parameters
    changes = {
        "final_deadline": p.final_deadline,
        "reviews_per_plan": p.reviews_per_plan,
        "blind": None if p.blind == Blindness.unchanged else p.blind == Blindness.blind,
        "language": p.language or None,
        "coordinator_name": p.coordinator_name or None,
        "coordinator_email": p.coordinator_email or None,
    }

    def act() -> list[str]:
        with session_scope(get_engine(load_settings())) as session:
            changed = rounds.update_round(
                session,
                rounds.get_round(session, p.round_name),
                changes={k: v for k, v in changes.items() if v is not None},
                allow_past=p.confirm_past,
                actor="update_round",
            )
        return artifacts.round_change_lines(changed, round_translator(p.round_name))

    return run_control(p.round_name, "update-round", act)
