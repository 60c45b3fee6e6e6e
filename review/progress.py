"""Where a round stands and what it can do next: the basis of the parent flow `review_round`,
which advances a round step by step and returns instead of waiting.

Each step is taken at most once per state of the round, and every step is idempotent, so a
re-run after a crash or on the next hourly schedule simply continues.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from review.collation import alphabetical
from review.models import (
    Assignment,
    AssignmentStatus,
    Document,
    Event,
    Municipality,
    Plan,
    Review,
    Reviewer,
    Round,
)
from review.queries import withdrawn_plans
from review.states import OPEN

S = AssignmentStatus


class Step(enum.StrEnum):
    intake = "intake"
    assign = "assign"
    approve = "approve"
    invite = "invite"
    escalate = "escalate"
    compile = "compile"
    done = "done"


@dataclass
class PlanProgress:
    plan_id: int
    municipality: str
    required: int
    counts: Counter[str] = field(default_factory=Counter)
    compiled: bool = False

    @property
    def submitted(self) -> int:
        return self.counts[S.submitted.value]

    @property
    def open(self) -> int:
        return sum(self.counts[s.value] for s in OPEN) + self.counts[S.proposed.value]

    @property
    def complete(self) -> bool:
        """All required reviews are in and none is still owed."""
        return self.submitted >= self.required and self.open == 0

    @property
    def state(self) -> str:
        if self.complete:
            return "compiled" if self.compiled else "complete"
        if self.counts[S.overdue.value]:
            return "overdue"
        if not any(self.counts.values()):
            return "unassigned"
        return "reviewing"


@dataclass(frozen=True)
class OutstandingReview:
    """A review still owed: who owes it, for which plan, and since when it is late."""

    plan_id: int
    municipality: str
    reviewer: str
    rubric: str
    status: str
    due_date: date

    def days_late(self, today: date) -> int:
        return max(0, (today - self.due_date).days)


@dataclass
class RoundProgress:
    round_name: str
    plans: list[PlanProgress]
    counts: Counter[str]
    outstanding: list[OutstandingReview] = field(default_factory=list)

    @property
    def unapproved(self) -> int:
        return self.counts["proposed_unapproved"]

    @property
    def to_invite(self) -> int:
        return self.counts["proposed_approved"]

    @property
    def plans_to_compile(self) -> list[int]:
        return [p.plan_id for p in self.plans if p.complete and not p.compiled]

    def next_steps(self) -> list[Step]:
        """What the round can do now, in order. `done` when every plan is compiled."""
        if not self.plans:
            return [Step.intake]
        if any(p.state == "unassigned" for p in self.plans):
            return [Step.assign]
        if self.unapproved:
            return [Step.approve]
        steps: list[Step] = []
        if self.to_invite:
            steps.append(Step.invite)
        if any(p.open for p in self.plans):
            steps.append(Step.escalate)
        if self.plans_to_compile:
            steps.append(Step.compile)
        if all(p.complete and p.compiled for p in self.plans):
            return [Step.done]
        return steps

    def table(self) -> list[dict[str, object]]:
        """One row per plan for the coordinator's progress artifact."""
        return [
            {
                "municipality": p.municipality,
                "state": p.state,
                "submitted": f"{p.submitted}/{p.required}",
                "open": p.open,
                "overdue": p.counts[S.overdue.value],
                "reassigned": p.counts[S.reassigned.value],
                "declined": p.counts[S.declined.value],
            }
            for p in self.plans
        ]


def round_progress(session: Session, round_: Round) -> RoundProgress:
    plans = session.exec(
        select(Plan, Municipality.name)
        .join(Municipality, col(Municipality.id) == col(Plan.municipality_id))
        .where(Plan.round_id == round_.id)
    ).all()
    plans = sorted(plans, key=lambda found: alphabetical(found[1]))  # 'Gävle' beside 'Gavle'
    with_document = set(
        session.exec(select(Document.plan_id).where(Document.round_id == round_.id)).all()
    )
    compiled = _compiled_plans(session, round_)
    withdrawn = withdrawn_plans(session, round_.id)  # out of the round: nothing to wait for
    progress = {
        plan.id: PlanProgress(plan.id, name, round_.reviews_per_plan, compiled=plan.id in compiled)
        for plan, name in plans
        if plan.id in with_document and plan.id not in withdrawn
    }
    counts: Counter[str] = Counter()
    for assignment in session.exec(select(Assignment).where(Assignment.round_id == round_.id)):
        # A withdrawn review was taken back by the coordinator: it is no reviewer of the plan
        # (a plan taken in again after its withdrawal has none and is assigned anew).
        if assignment.plan_id in progress and assignment.status != S.withdrawn.value:
            progress[assignment.plan_id].counts[assignment.status] += 1
        counts[assignment.status] += 1
        if assignment.status == S.proposed.value:
            counts["proposed_approved" if assignment.approved_at else "proposed_unapproved"] += 1
    return RoundProgress(
        round_.name, list(progress.values()), counts, _outstanding(session, round_)
    )


def _outstanding(session: Session, round_: Round) -> list[OutstandingReview]:
    """Open assignments, the latest due first among equals: the coordinator's chase list."""
    # Six columns: SQLModel's typed `select` stops at four, SQLAlchemy's takes any number.
    rows = session.execute(
        sa_select(
            col(Assignment.plan_id),
            col(Municipality.name),
            col(Reviewer.name),
            col(Assignment.rubric),
            col(Assignment.status),
            col(Assignment.due_date),
        )
        .join(Plan, col(Plan.id) == Assignment.plan_id)
        .join(Municipality, col(Municipality.id) == Plan.municipality_id)
        .join(Reviewer, col(Reviewer.id) == Assignment.reviewer_id)
        .where(
            col(Assignment.round_id) == round_.id,
            col(Assignment.status).in_([s.value for s in OPEN]),
        )
    ).all()
    return sorted(
        (OutstandingReview(*row) for row in rows),
        key=lambda o: (o.due_date, o.municipality, o.reviewer),
    )


def _compiled_plans(session: Session, round_: Round) -> set[int]:
    """Plans whose consolidated document was written
    (`review.consolidation.pipeline.record_compiled`) after their last submitted review."""
    compiled_at: dict[int, datetime] = {}
    for event in session.exec(
        select(Event).where(Event.round_id == round_.id, Event.kind == "plan.compiled")
    ):
        if event.entity_id is not None:
            compiled_at[event.entity_id] = max(compiled_at.get(event.entity_id, event.at), event.at)
    if not compiled_at:
        return set()
    # The last submission: an assignment reaching `submitted`, or a review edited afterwards
    # (a new submitted version), makes the plan due for compilation again.
    last_submission: dict[int, datetime] = {}
    for plan_id, at in [
        *session.exec(
            select(Assignment.plan_id, Assignment.updated_at).where(
                Assignment.round_id == round_.id, Assignment.status == S.submitted.value
            )
        ).all(),
        *session.exec(
            select(Assignment.plan_id, Review.submitted_at)
            .join(Review, col(Review.assignment_id) == col(Assignment.id))
            .where(Assignment.round_id == round_.id, col(Review.submitted_at).is_not(None))
        ).all(),
    ]:
        if plan_id not in last_submission or at > last_submission[plan_id]:
            last_submission[plan_id] = at
    return {
        plan_id
        for plan_id, at in compiled_at.items()
        if plan_id not in last_submission or at >= last_submission[plan_id]
    }
