"""Prefect flow `review_round`: advance a review round as far as it can go now, then return.

A round waits days or weeks for its reviewers. Rather than a flow that sleeps or stays paused
for that long (a paused process holds a worker; a suspended run re-runs from the top and needs
persisted results, ../shared/design/prefect.md), each run looks at where the round stands
(`review.progress`) and takes the steps that are due: take in plans, propose and approve
reviewers (the one pause, for the coordinator), invite, chase deadlines, compile the plans whose
reviews are complete. Every step is idempotent, so a run after a crash, or the next run started
by the coordinator or a schedule, just continues. The progress table is published each time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from pydantic import Field

from flows.artifacts import errors_said, publish_round_progress, round_translator, run_name
from flows.assign_reviewers import AssignRequest, assign_reviewers
from flows.compile_reviews import CompileParameters, compile_reviews
from flows.escalate_deadlines import EscalationParameters, escalate_deadlines
from flows.forms import Form, optional
from flows.intake_plans import IntakeRequest, intake_plans
from flows.send_invitations import InvitationParameters, send_invitations
from review.config import load_settings
from review.coordinator import run_log
from review.db import get_engine, session_scope
from review.deadlines.report import Found
from review.progress import RoundProgress, Step, round_progress
from review.rounds import get_round


class RoundParameters(Form):
    """Advance a round as far as it can go now / Eine Runde so weit wie möglich voranbringen."""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    plan_paths: list[str] = Field(
        default_factory=list,
        description="Plan files, folders or manifest CSVs to take in first; may stay empty / "
        "Zuerst einzulesende Plandateien, Ordner oder Manifeste; darf leer bleiben",
    )
    create_municipalities: bool = Field(
        default=False,
        description="Add municipalities named by the plans but not yet in the round / "
        "Gemeinden, die die Pläne nennen, aber noch nicht in der Runde sind, anlegen",
    )
    intake_runs: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Flow runs to spread the intake over, on the work pool's workers (e.g. "
        "one per worker machine); 1: all in this run / Flow-Läufe, auf die der Eingang "
        "verteilt wird, auf den Workern des Pools (etwa einer je Rechner); 1: alle in diesem Lauf",
    )
    compile_runs: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Flow runs to spread the plans' documents over, on the work pool's workers "
        "(e.g. one or two per worker machine); 1: all in this run / Flow-Läufe, auf die die "
        "Dokumente der Pläne verteilt werden, auf den Workern des Pools (etwa ein bis zwei je "
        "Rechner); 1: alle in diesem Lauf",
    )
    auto_approve: bool = Field(
        default=False,
        description="Approve the proposed reviewers without asking (demos, re-runs) / "
        "Vorgeschlagene Gutachter:innen ohne Rückfrage freigeben (Demos, Wiederholungen)",
    )
    approval_timeout_hours: float = Field(
        default=24,
        gt=0,
        description="Hours to wait for your approval before this run ends; the next run asks "
        "again / Stunden, die dieser Lauf auf Ihre Freigabe wartet; der nächste fragt erneut",
    )
    now: datetime | None = optional(
        "Act as if it were this time (UTC) for deadlines; empty: now / "
        "Für Fristen so tun, als wäre es dieser Zeitpunkt (UTC); leer: jetzt"
    )
    out_dir: str | None = optional(
        "Folder for the documents; empty: <data dir>/output/<round> / "
        "Ordner der Dokumente; leer: <Datenordner>/output/<Runde>"
    )
    pdf: bool = Field(
        default=True,
        description="PDF copies when LibreOffice is installed / "
        "PDF-Kopien, wenn LibreOffice installiert ist",
    )


@task(name="round-progress")
def progress_of(round_name: str) -> RoundProgress:
    with session_scope(get_engine(load_settings())) as session:
        return round_progress(session, get_round(session, round_name))


@flow(name="review_round", flow_run_name=run_name("round"), log_prints=True)
@errors_said
def review_round(parameters: RoundParameters) -> dict[str, Any]:
    """Advance a round: intake, assignment with approval, invitations, deadlines, consolidated
    documents. Start it again at any time; it continues where the round stands.
    / Eine Runde so weit wie möglich voranbringen; jederzeit erneut startbar."""
    logger = get_run_logger()
    name = parameters.round_name
    taken: list[str] = []
    # What the round's progress and the log say of each step: its name, or what it found
    said: list[str] = []
    if parameters.plan_paths:
        intake_plans(
            IntakeRequest(
                round_name=name,
                paths=parameters.plan_paths,
                create_municipality=parameters.create_municipalities,
                runs=parameters.intake_runs,
            )
        )
        taken.append(Step.intake.value)
        said.append(Step.intake.value)

    progress = progress_of(name)
    if {Step.assign, Step.approve} & set(progress.next_steps()):
        assign_reviewers(
            AssignRequest(
                round_name=name,
                auto_approve=parameters.auto_approve,
                approval_timeout_hours=parameters.approval_timeout_hours,
            )
        )
        taken.append(Step.assign.value)
        said.append(Step.assign.value)
        progress = progress_of(name)

    if Step.invite in progress.next_steps():
        send_invitations(InvitationParameters(round_name=name))
        taken.append(Step.invite.value)
        said.append(Step.invite.value)
        progress = progress_of(name)

    if Step.escalate in progress.next_steps():
        checked = escalate_deadlines(EscalationParameters(round_name=name, now=parameters.now))
        taken.append(Step.escalate.value)
        said.append(Found(**checked["found"][name]).said())
        progress = progress_of(name)

    if Step.compile in progress.next_steps():
        # Every plan, so that the round summary compares them all; incomplete ones say so.
        compile_reviews(
            CompileParameters(
                round_name=name,
                out_dir=parameters.out_dir,
                pdf=parameters.pdf,
                runs=parameters.compile_runs,
            )
        )
        taken.append(Step.compile.value)
        said.append(Step.compile.value)
        progress = progress_of(name)

    next_steps = [s.value for s in progress.next_steps()]
    # The parent run carries the round's progress too, not only its subflows.
    publish_round_progress(name, said)
    logger.info(run_log.round_run(name, said, next_steps, round_translator(name)))
    return {"round": name, "steps": taken, "next": next_steps, "plans": progress.table()}
