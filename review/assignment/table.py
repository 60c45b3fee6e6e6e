"""A proposal as the coordinator reads it before approving: one row per pair, sorted by plan,
with both municipalities and the full reasons, and one sentence instead of a raw objective."""

from __future__ import annotations

from collections import Counter
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


def proposal_sentence(proposal: Proposal, rows: list[dict[str, Any]]) -> str:
    """'36 reviews for 12 plans (3 each) by 20 reviewers: the best assignment possible.'"""
    per_plan = Counter(row["plan_id"] for row in rows)
    counts = sorted(set(per_plan.values()))
    each = f"{counts[0]} each" if len(counts) == 1 else f"{counts[0]} to {counts[-1]} each"
    reviewers = len({row["reviewer_id"] for row in rows})
    if proposal.status == "optimal":
        quality = "the best assignment possible (proven optimal)"
    else:
        quality = (
            f"the best found within the time budget, at most {proposal.gap or 0:.2%} "
            "below the best possible"
        )
    return f"{len(rows)} reviews for {len(per_plan)} plans ({each}) by {reviewers} reviewers: {quality}."
