"""Prefect flow `assign_reviewers`: propose the round's assignment, show it as a table artifact,
and pause until the coordinator approves it in the Prefect UI, or rejects it with pairs to pin
or forbid, after which it re-solves and asks again. Only approved assignments are invited.

Pause, not suspend. `pause_flow_run(wait_for_input=ApprovalInput)` keeps this process alive and
polling (every `poll_seconds`) until the answer or `pause_timeout_seconds`; nothing has to be
persisted and the flow continues exactly where it stopped. The price: the worker process stays
busy while the coordinator thinks, and if it dies during the pause the run is lost (a zombie
after resume). A coordinator may well take a day, so the timeout is a parameter (default 24 h);
on timeout the run fails and the proposal stays in the database, unapproved: run the flow again
(same proposal, nothing changes) or approve from the CLI.
`suspend_flow_run` would free the process and can wait for days, but it needs a deployment and
persisted results, and on resume the flow re-runs from the top in a new process: tolerable here
because `service.propose` is idempotent, but not worth it for an answer that usually comes the
same day. Revisit when coordinators routinely take longer than a worker can wait.

`auto_approve` approves the first feasible proposal without pausing (demos, tests, scripts).
Thin: the rules live in review.assignment.service.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import BaseModel, Field

from flows.artifacts import artifact_key
from review.assignment import service
from review.assignment.budget import DEFAULT_BUDGET
from review.config import load_settings
from review.db import get_engine, session_scope
from review.errors import InvalidInput
from review.models import Municipality, Plan, Reviewer
from review.rounds import get_round

ACTOR = "flow:assign_reviewers"


class Pair(BaseModel):
    """A reviewer and a plan (ids as in the table); rubric optional for a pin."""

    reviewer_id: int = Field(description="Reviewer id / Gutachter:in-ID")
    plan_id: int = Field(description="Plan id / Plan-ID")
    rubric: str | None = Field(default=None, description="technical / communication (optional)")


class ApprovalInput(RunInput):
    """The coordinator's answer, rendered as a form in the Prefect UI."""

    approve: bool = Field(default=False, description="Approve the proposal / Vorschlag freigeben")
    pin: list[Pair] = Field(
        default_factory=list, description="Pairs that must be in the assignment / fest zuteilen"
    )
    forbid: list[Pair] = Field(
        default_factory=list, description="Pairs that must not be / nicht zuteilen"
    )
    note: str = Field(default="", description="Note for the audit log / Notiz")


class AssignRequest(BaseModel):
    """Parameters of a run; rendered as the Run form of the deployment."""

    round_name: str = Field(description="The review round / die Begutachtungsrunde")
    auto_approve: bool = Field(
        default=False, description="Approve without asking (demo) / ohne Rückfrage freigeben"
    )
    pause_timeout_seconds: int = Field(
        default=24 * 3600, ge=60, description="How long to wait for the coordinator"
    )
    poll_seconds: int = Field(default=10, ge=1, description="How often the paused run checks")
    max_revisions: int = Field(default=10, ge=0, description="Rejections before the run gives up")
    budget_seconds: float = Field(
        default=DEFAULT_BUDGET,
        gt=0,
        description="Seconds the solver may take; then the best answer found, with its gap",
    )


def assignment_artifact_key(round_name: str) -> str:
    return artifact_key("assign-reviewers", round_name)


@task(cache_policy=NO_CACHE)
def propose(
    round_name: str, pinned: list[tuple], forbidden: list[tuple], budget: float = DEFAULT_BUDGET
) -> dict[str, Any]:
    settings = load_settings()
    log = get_run_logger()
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        proposal = service.propose(
            session,
            round_,
            pinned=pinned,
            forbidden=forbidden,
            actor=ACTOR,
            budget=budget,
            progress=log.info,
        )
        rows = []
        for plan_id, reviewer_id, rubric, value, why in proposal.rows:
            plan = session.get(Plan, plan_id)
            reviewer = session.get(Reviewer, reviewer_id)
            rows.append(
                {
                    "plan": f"{_town(session, plan)} ({plan.language})",
                    "plan_id": plan_id,
                    "reviewer": reviewer.name,
                    "reviewer_id": reviewer_id,
                    "rubric": rubric,
                    "affinity": round(value, 3),
                    "reasons": why,
                }
            )
        return {
            "status": proposal.status,
            "objective": proposal.objective,
            "reasons": proposal.reasons,
            "rows": rows,
            "created": proposal.created,
            "updated": proposal.updated,
            "removed": proposal.removed,
            "method": proposal.method,
            "found": proposal.found,
            "quality": proposal.quality(),
        }


@task(cache_policy=NO_CACHE)
def approve(round_name: str, note: str) -> int:
    settings = load_settings()
    with session_scope(get_engine(settings)) as session:
        return service.approve(
            session, get_round(session, round_name), actor=f"{ACTOR}{': ' + note if note else ''}"
        )


def _town(session, plan: Plan) -> str:
    return session.get(Municipality, plan.municipality_id).name


def _publish(round_name: str, summary: dict[str, Any]) -> None:
    key = assignment_artifact_key(round_name)
    if summary["found"]:
        create_table_artifact(
            key=key,
            table=summary["rows"],
            description=f"Proposal for {round_name}: objective {summary['objective']:g}, "
            f"{summary['quality']} ({summary['method']}). Approve or reject in the paused run.",
        )
    else:
        create_markdown_artifact(
            key=key,
            markdown="## No assignment possible / Keine Zuteilung möglich\n\n"
            + "\n".join(f"- {r}" for r in summary["reasons"]),
        )


def _pairs(items: list[Pair]) -> list[tuple]:
    return [
        (p.reviewer_id, p.plan_id, p.rubric) if p.rubric else (p.reviewer_id, p.plan_id)
        for p in items
    ]


@flow(name="assign_reviewers", log_prints=False)
def assign_reviewers(request: AssignRequest) -> dict[str, Any]:
    log = get_run_logger()
    pinned: list[tuple] = []
    forbidden: list[tuple] = []
    added = (0, 0)  # pins and forbids of the last answer, dropped if they make it infeasible
    for revision in range(request.max_revisions + 1):
        summary = propose(request.round_name, pinned, forbidden, request.budget_seconds)
        _publish(request.round_name, summary)
        if not summary["found"]:
            if revision == 0:
                raise InvalidInput("no assignment possible: " + "; ".join(summary["reasons"]))
            log.warning(
                "pins/forbids of the last answer make it infeasible: %s", summary["reasons"]
            )
            description = (
                "**The last pins/forbids leave no possible assignment:**\n\n"
                + "\n".join(f"- {r}" for r in summary["reasons"])
                + "\n\nThey were dropped; the earlier proposal stands."
            )
            pinned, forbidden = (
                pinned[: len(pinned) - added[0]],
                forbidden[: len(forbidden) - added[1]],
            )
            summary = propose(request.round_name, pinned, forbidden, request.budget_seconds)
            _publish(request.round_name, summary)
        else:
            description = (
                f"Proposal for **{request.round_name}**: {len(summary['rows'])} "
                f"assignments, objective {summary['objective']:g} ({summary['quality']}). "
                f"See the artifact "
                f"`{assignment_artifact_key(request.round_name)}`. Approve, or pin/forbid pairs "
                f"(ids from the table) to get a new proposal."
            )
        if request.auto_approve:
            approved = approve(request.round_name, "auto")
            return {**_result(summary), "approved": approved, "revisions": revision}
        answer = pause_flow_run(
            wait_for_input=ApprovalInput.with_initial_data(description=description, approve=False),
            timeout=request.pause_timeout_seconds,
            poll_interval=request.poll_seconds,
            key=f"approval-{revision}",
        )
        if answer.approve:
            approved = approve(request.round_name, answer.note)
            log.info("approved %d assignments", approved)
            return {**_result(summary), "approved": approved, "revisions": revision}
        added = (len(answer.pin), len(answer.forbid))
        pinned += _pairs(answer.pin)
        forbidden += _pairs(answer.forbid)
        log.info("rejected: %d pins, %d forbids; solving again", len(pinned), len(forbidden))
    raise InvalidInput(f"no approval after {request.max_revisions} revisions; run the flow again")


def _result(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": summary["status"],
        "objective": summary["objective"],
        "assignments": len(summary["rows"]),
    }
