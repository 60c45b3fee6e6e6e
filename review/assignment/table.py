"""A proposal as the coordinator reads it before approving: one row per pair, sorted by plan,
with both municipalities and the full reasons (its sentence: review.coordinator.artifacts)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from review.assignment.service import Proposal
from review.models import Municipality, Plan, Reviewer


def proposal_table(session: Session, proposal: Proposal) -> list[dict[str, Any]]:
    """Rows of the approval table; names come from two bulk queries, not one per pair."""
    plan_ids = {row[0] for row in proposal.rows}
    reviewer_ids = {row[1] for row in proposal.rows}
    plans = {
        plan_id: (town, language)
        for plan_id, town, language in session.exec(
            select(Plan.id, Municipality.name, Plan.language)
            .join(Municipality, col(Municipality.id) == Plan.municipality_id)
            .where(col(Plan.id).in_(plan_ids))
        )
    }
    reviewers = {
        reviewer_id: (name, town)
        for reviewer_id, name, town in session.exec(
            select(Reviewer.id, Reviewer.name, Municipality.name)
            .join(Municipality, col(Municipality.id) == Reviewer.municipality_id)
            .where(col(Reviewer.id).in_(reviewer_ids))
        )
    }
    rows = [
        {
            "plan": f"{plans[plan_id][0]} ({plans[plan_id][1]})",
            "rubric": rubric,
            "reviewer": reviewers[reviewer_id][0],
            "reviewer's municipality": reviewers[reviewer_id][1],
            "affinity": round(value, 3),
            "reasons": why,
            "plan_id": plan_id,
            "reviewer_id": reviewer_id,
        }
        for plan_id, reviewer_id, rubric, value, why in proposal.rows
    ]
    return sorted(rows, key=lambda r: (r["plan"], r["rubric"], r["reviewer"]))
