"""What a round looks like now: plans, their documents, assignments by state, reviews in.

The JSON form (`peerplan status --json`) is a contract for scripts: `plans` (one entry per plan
with `municipality`, `language`, `pages`, `versions`), `assignments` (counts by state),
`messages` (outbox rows by status) and `undeliverable` (messages marked failed: `key`, `kind`,
`to`, `why`, and `said`: which message to whom about which plan, and why, in the language asked
for), `unreplaced` (reviews released with no backup to take them over, each said in the
language asked for: who, which plan and rubric, the command that gives the review to someone).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from review.collation import alphabetical
from review.deadlines.unreplaced import still_unreplaced
from review.intake.outcome import document_extent
from review.models import (
    Assignment,
    AssignmentStatus,
    Document,
    Municipality,
    Plan,
    Review,
    Round,
    saved_id,
)
from review.notify import outbox
from review.notify.undelivered import undelivered
from review.queries import latest_documents


def round_status(session: Session, round_: Round, language: str = "en") -> dict[str, Any]:
    plans = session.exec(
        select(Plan, Municipality)
        .join(Municipality, col(Municipality.id) == col(Plan.municipality_id))
        .where(Plan.round_id == round_.id)
    ).all()
    plans = sorted(plans, key=lambda found: alphabetical(found[1].name))  # 'Gävle' after 'Gavle'
    latest = latest_documents(session, [plan.id for plan, _ in plans if plan.id is not None])
    versions: Counter[int] = Counter(
        dict(
            session.exec(
                select(Document.plan_id, func.count())
                .where(Document.round_id == round_.id)
                .group_by(col(Document.plan_id))
            ).all()
        )
    )
    assignments = session.exec(select(Assignment).where(Assignment.round_id == round_.id)).all()
    by_plan: dict[int, Counter[str]] = {}
    for assignment in assignments:
        by_plan.setdefault(assignment.plan_id, Counter())[assignment.status] += 1
    counts = Counter(a.status for a in assignments)
    submitted_reviews = session.exec(
        select(func.count(func.distinct(Review.assignment_id)))
        .join(Assignment, col(Assignment.id) == col(Review.assignment_id))
        .where(Assignment.round_id == round_.id, Review.status == "submitted")
    ).one()
    return {
        "round": {
            "name": round_.name,
            "country": round_.country,
            "language": round_.language,
            "languages": round_.languages,
            "reviews_per_plan": round_.reviews_per_plan,
            "min_per_rubric": round_.min_per_rubric,
            "due_date": round_.due_date.isoformat(),
            "blind": round_.blind,
        },
        "plans": [
            {
                "municipality": municipality.name,
                "language": (latest[plan.id].language if plan.id in latest else None)
                or plan.language,
                "pages": latest[plan.id].pages if plan.id in latest else 0,
                "length": document_extent(latest[plan.id], language) if plan.id in latest else "",
                "versions": versions[saved_id(plan)],
                "file": latest[plan.id].file_name if plan.id in latest else None,
                "problems": latest[plan.id].problems if plan.id in latest else [],
                "assignments": dict(by_plan.get(saved_id(plan), Counter())),
            }
            for plan, municipality in plans
        ],
        "assignments": {state.value: counts.get(state.value, 0) for state in AssignmentStatus},
        "reviews_submitted": submitted_reviews,
        "messages": outbox.counts(session, round_.id),
        "undeliverable": [
            {
                "key": message.key,
                "kind": message.kind,
                "to": message.recipient,
                "why": message.error,
                "said": message.said(language),
            }
            for message in undelivered(session, round_.id)
        ],
        # reviews released with nobody to take them over, and the command that gives them out
        "unreplaced": [problem(language) for problem in still_unreplaced(session, round_)],
    }
