"""Small builders of round data for tests: real rows in a real database, no mocks."""

from __future__ import annotations

from datetime import date
from itertools import count

from sqlmodel import Session

from review.models import Municipality, Plan, Reviewer, Round
from review.rounds import create_round

_seq = count(1)


def make_round(session: Session, **kw) -> Round:
    kw.setdefault("name", f"Round {next(_seq)}")
    kw.setdefault("due_date", date(2026, 12, 15))
    return create_round(session, **kw)


def make_municipality(
    session: Session, round_: Round, name: str | None = None, **kw
) -> Municipality:
    municipality = Municipality(round_id=round_.id, name=name or f"Gemeinde {next(_seq)}", **kw)
    session.add(municipality)
    session.flush()
    return municipality


def make_reviewer(session: Session, round_: Round, municipality: Municipality, **kw) -> Reviewer:
    n = next(_seq)
    kw.setdefault("name", f"Reviewer {n}")
    kw.setdefault("email", f"reviewer{n}@example.org")
    kw.setdefault("expertise", ["technical", "communication"])
    reviewer = Reviewer(round_id=round_.id, municipality_id=municipality.id, **kw)
    session.add(reviewer)
    session.flush()
    return reviewer


def make_plan(session: Session, round_: Round, municipality: Municipality, **kw) -> Plan:
    plan = Plan(round_id=round_.id, municipality_id=municipality.id, **kw)
    session.add(plan)
    session.flush()
    return plan


def make_assignment(
    session: Session, plan: Plan, reviewer: Reviewer, rubric: str = "technical", **kw
):
    from review.models import Assignment

    kw.setdefault("due_date", date(2026, 12, 15))
    kw.setdefault("status", "accepted")
    assignment = Assignment(
        round_id=plan.round_id, plan_id=plan.id, reviewer_id=reviewer.id, rubric=rubric, **kw
    )
    session.add(assignment)
    session.flush()
    return assignment


def make_review(session: Session, assignment, scores: dict, **kw):
    """A review of `assignment`; submitted unless `status` says otherwise."""
    from review.models import Review, utcnow

    kw.setdefault("status", "submitted")
    if kw["status"] == "submitted":
        kw.setdefault("submitted_at", utcnow())
    review = Review(assignment_id=assignment.id, scores=scores, **kw)
    session.add(review)
    session.flush()
    return review
