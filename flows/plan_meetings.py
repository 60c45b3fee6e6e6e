"""Prefect flow `plan_meetings`: the round's exchange meetings (review.exchange.meeting_run, what
`peerplan meetings plan` does); a coordinator changes a meeting's date or host, or which plans the
agendas take first, in the deployment's form."""

from __future__ import annotations

from datetime import date

from prefect import flow
from prefect.states import State
from pydantic import Field

from flows.artifacts import round_translator, run_name
from flows.coordinator_run import run_control
from flows.forms import Form, optional
from review.config import load_settings
from review.coordinator import artifacts
from review.db import get_engine, session_scope
from review.exchange.meeting_run import run
from review.exchange.meetings import Changes
from review.rounds import get_round


class MeetingDate(Form):
    meeting: str = Field(description="Meeting id, e.g. planning-1 / Kennung des Treffens")
    day: date = Field(description="The new day / Der neue Tag")


class MeetingHost(Form):
    meeting: str = Field(description="Meeting id, e.g. conference / Kennung des Treffens")
    municipality: str = Field(description="The new host / Die neue Gastgebergemeinde")


class MeetingSettings(Form):
    """Plan the round's exchange meetings / Die Austauschtreffen der Runde planen"""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    start: date | None = optional(
        "Day of the first meeting (default: two weeks after the deadline) / Tag des ersten "
        "Treffens (sonst zwei Wochen nach der Frist)"
    )
    spacing_days: int = Field(
        default=7, ge=0, le=90, description="Days between meetings / Tage zwischen den Treffen"
    )
    dates: list[MeetingDate] = Field(
        default_factory=list,
        description="A meeting on another day / Ein Treffen an einem anderen Tag",
    )
    hosts: list[MeetingHost] = Field(
        default_factory=list,
        description="A meeting with another host / Ein Treffen bei einer anderen Gastgebergemeinde",
    )
    agenda_first: list[str] = Field(
        default_factory=list,
        description="Municipalities the agendas take first, in order / Gemeinden, die die "
        "Tagesordnungen zuerst behandeln, in dieser Reihenfolge",
    )
    invite: bool = Field(
        default=True, description="Send the invitations / Die Einladungen verschicken"
    )


@flow(name="plan_meetings", flow_run_name=run_name("meetings"), log_prints=True)
def plan_meetings(parameters: MeetingSettings) -> State:
    """Plan the round's meetings, write their packs, queue the invitations."""
    p = parameters
    changes = Changes(
        start=p.start,
        spacing_days=p.spacing_days,
        dates={d.meeting: d.day for d in p.dates},
        hosts={h.meeting: h.municipality for h in p.hosts},
        agenda_order=p.agenda_first,
    )

    def act() -> list[str]:
        settings = load_settings()
        with session_scope(get_engine(settings)) as session:
            report = run(
                session,
                settings,
                get_round(session, p.round_name),
                changes,
                invite=p.invite,
                actor="plan_meetings",
            )
        return artifacts.meeting_lines(report, round_translator(p.round_name))

    return run_control(p.round_name, "plan-meetings", act)
