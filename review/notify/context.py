"""What the templates are filled with: the facts of an assignment in the recipient's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlmodel import Session, col, select

from review.config import Settings
from review.models import Assignment, Municipality, Plan, Reviewer, Round
from review.notify.messages import format_day
from review.rubric import load_rubrics


@lru_cache(maxsize=1)
def _rubric_titles() -> dict[str, Any]:
    try:
        return {rid: rubric.title for rid, rubric in load_rubrics().items()}
    except Exception:  # a broken rubric file must not stop a reminder; the id is shown instead
        return {}


def rubric_title(rubric: str, language: str) -> str:
    title = _rubric_titles().get(rubric)
    return title(language) if title is not None else rubric


def review_link(settings: Settings, token: str) -> str:
    """The reviewer's personal link as the portal serves it."""
    return f"{settings.portal_base_url.rstrip('/')}/r/{token}"


def reply_link(settings: Settings, token: str) -> str:
    """A municipality's reply page on its personal link (review.exchange.replies)."""
    return f"{settings.portal_base_url.rstrip('/')}/m/{token}/reply"


@dataclass
class AssignmentFacts:
    assignment: Assignment
    round: Round
    plan: Plan
    municipality: Municipality
    reviewer: Reviewer

    @classmethod
    def load(cls, session: Session, assignment: Assignment) -> AssignmentFacts:
        round_ = session.get(Round, assignment.round_id)
        plan = session.get(Plan, assignment.plan_id)
        reviewer = session.get(Reviewer, assignment.reviewer_id)
        assert round_ and plan and reviewer, f"assignment {assignment.id} has dangling references"
        municipality = session.get(Municipality, plan.municipality_id)
        assert municipality is not None
        return cls(assignment, round_, plan, municipality, reviewer)

    @classmethod
    def load_all(
        cls, session: Session, assignments: Sequence[Assignment]
    ) -> dict[int | None, AssignmentFacts]:
        """`load` for many assignments in four queries (assignment id -> facts). While the
        caller holds the result, `load` and `session.get` answer from the session's identity
        map (which keeps only objects someone holds), not with a query per message."""
        found: dict[type, dict[int | None, Any]] = {}
        for model, ids in (
            (Round, {a.round_id for a in assignments}),
            (Plan, {a.plan_id for a in assignments}),
            (Reviewer, {a.reviewer_id for a in assignments}),
        ):
            found[model] = {row.id: row for row in _by_id(session, model, ids)}
        towns = {plan.municipality_id for plan in found[Plan].values()}
        found[Municipality] = {row.id: row for row in _by_id(session, Municipality, towns)}
        return {
            a.id: cls(
                a,
                found[Round][a.round_id],
                found[Plan][a.plan_id],
                found[Municipality][found[Plan][a.plan_id].municipality_id],
                found[Reviewer][a.reviewer_id],
            )
            for a in assignments
        }

    @property
    def coordinator_language(self) -> str:
        return self.round.language

    def context(self, language: str, **extra: Any) -> dict[str, Any]:
        """Template variables for a message about this assignment in `language`."""
        day = lambda d: format_day(d, language) if isinstance(d, date) else d  # noqa: E731
        values: dict[str, Any] = {
            "round_name": self.round.name,
            "coordinator_name": self.round.coordinator_name,
            "reviewer_name": self.reviewer.name,
            "reviewer_salutation": self.reviewer.salutation,
            "reviewer_email": self.reviewer.email,
            "plan_title": self.plan.title or self.municipality.name,
            "municipality_name": self.municipality.name,
            "rubric": rubric_title(self.assignment.rubric, language),
            "due_date": day(self.assignment.due_date),
        }
        values.update({k: day(v) for k, v in extra.items()})
        return values


#: Ids per query: SQLite allows 32,766 bound parameters; a 10,000-plan round has 30,000 plans'
#: assignments.
_CHUNK = 5000


def _by_id(session: Session, model: Any, ids: set[int]) -> list[Any]:
    ordered = sorted(ids)
    rows: list[Any] = []
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        rows += session.exec(select(model).where(col(model.id).in_(chunk))).all()
    return rows
