"""What the templates are filled with: the facts of an assignment in the recipient's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlmodel import Session

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
