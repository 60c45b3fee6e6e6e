"""Queries that several parts of the domain share, defined once so that "the latest" means the same
everywhere: the highest version number (documents of a plan, reviews of an assignment).

Each takes a session and ids and returns model rows; none writes. The batch forms read every row
in one query (a round of 1,000 plans is a few queries, not 1,000).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, func, select

from review.models import (
    Assignment,
    Document,
    Event,
    Municipality,
    Plan,
    Review,
    Reviewer,
    ReviewStatus,
    Round,
)

#: Ids per `IN (...)` list: a round's ids are read in slices of this many, because a statement
#: may bind at most 32,766 values on SQLite's default build and 65,535 on PostgreSQL (three
#: assignments a plan reach the first at about 11,000 plans).
IN_BATCH = 10_000


def in_batches(ids: list[int]) -> Iterator[list[int]]:
    """`ids` in slices of at most IN_BATCH, for one query each."""
    for start in range(0, len(ids), IN_BATCH):
        yield ids[start : start + IN_BATCH]


#: Prepared once: a reviewer's form page asks for it on every view.
_NEWEST_DOCUMENT = (
    select(Document)
    .where(col(Document.plan_id) == bindparam("plan"))
    .order_by(col(Document.version).desc())
    .limit(1)
)


def latest_document(session: Session, plan_id: int | None) -> Document | None:
    """The plan's newest document (highest version), or None before its first upload."""
    if plan_id is None:
        return None
    return session.exec(_NEWEST_DOCUMENT, params={"plan": plan_id}).first()


def latest_documents(session: Session, plan_ids: Iterable[int]) -> dict[int, Document]:
    """Plan id -> its newest document, for every plan that has one."""
    ids = list(plan_ids)
    latest: dict[int, Document] = {}
    if not ids:
        return latest
    for batch in in_batches(ids):
        for document in session.exec(select(Document).where(col(Document.plan_id).in_(batch))):
            seen = latest.get(document.plan_id)
            if seen is None or document.version > seen.version:
                latest[document.plan_id] = document
    return latest


def latest_texts(session: Session, plan_ids: Iterable[int]) -> dict[int, str]:
    """Plan id -> the extracted text of its newest document. `Document.text` is deferred (up
    to PEERPLAN_MAX_TEXT_CHARS each): this reads it for the newest versions only, IN_BATCH a query."""
    latest = latest_documents(session, plan_ids)
    ids = [document.id for document in latest.values() if document.id is not None]
    return {
        plan_id: text or ""
        for batch in in_batches(ids)
        for plan_id, text in session.exec(
            select(Document.plan_id, Document.text).where(col(Document.id).in_(batch))
        )
    }


def latest_document_id(session: Session, plan_id: int) -> int | None:
    """The id of the plan's newest document; None before its first upload."""
    return session.exec(
        select(Document.id)
        .where(Document.plan_id == plan_id)
        .order_by(col(Document.version).desc())
        .limit(1)
    ).first()


def latest_document_version(session: Session, plan_id: int | None) -> int:
    """The version number of the plan's newest document; 0 before its first upload."""
    if plan_id is None:
        return 0
    version = session.exec(
        select(func.max(Document.version)).where(Document.plan_id == plan_id)
    ).one()
    return version or 0


def latest_submitted_reviews(session: Session, assignment_ids: Iterable[int]) -> dict[int, Review]:
    """Assignment id -> its newest *submitted* review version (drafts never count)."""
    ids = list(assignment_ids)
    latest: dict[int, Review] = {}
    if not ids:
        return latest
    for batch in in_batches(ids):
        rows = session.exec(
            select(Review).where(
                col(Review.assignment_id).in_(batch),
                Review.status == ReviewStatus.submitted.value,
            )
        )
        for review in rows:
            seen = latest.get(review.assignment_id)
            if seen is None or review.version > seen.version:
                latest[review.assignment_id] = review
    return latest


def withdrawn_plans(session: Session, round_id: int | None) -> set[int]:
    """Plans of the round its coordinator withdrew (event `plan.withdrawn`) and did not take in
    again since (`plan.reinstated`): they get no reviewers and do not hold up the round."""
    latest: dict[int, str] = {}
    for plan_id, kind in session.exec(
        select(Event.entity_id, Event.kind)
        .where(
            Event.round_id == round_id,
            col(Event.kind).in_(["plan.withdrawn", "plan.reinstated"]),
        )
        .order_by(col(Event.id))
    ).all():
        if plan_id is not None:
            latest[plan_id] = kind
    return {plan_id for plan_id, kind in latest.items() if kind == "plan.withdrawn"}


def overdue_by_round(session: Session) -> dict[str, int]:
    """Round name -> how many of its reviews are overdue now (rounds without any left out)."""
    statement = (
        select(Round.name, func.count())
        .join(Assignment, col(Assignment.round_id) == col(Round.id))
        .where(Assignment.status == "overdue")
        .group_by(col(Round.name))
    )
    return {name: n for name, n in session.exec(statement).all()}


@dataclass(frozen=True)
class Reviewed:
    """Who reviews which municipality's plan with which rubric (a line of the deadline run names
    them: two reminders to one reviewer otherwise read as one sent twice)."""

    municipality: str
    reviewer: str
    reviewer_email: str
    rubric: str


def assignments_reviewed(session: Session, assignment_ids: Iterable[int]) -> dict[int, Reviewed]:
    """Assignment id -> who reviews which plan with which rubric, in one query a batch."""
    ids = sorted(set(assignment_ids))
    found: dict[int, Reviewed] = {}
    for batch in in_batches(ids):
        statement = (
            select(Assignment.id, Assignment.rubric, Municipality.name, Reviewer)
            .join(Plan, col(Plan.id) == Assignment.plan_id)
            .join(Municipality, col(Municipality.id) == Plan.municipality_id)
            .join(Reviewer, col(Reviewer.id) == Assignment.reviewer_id)
            .where(col(Assignment.id).in_(batch))
        )
        found.update(
            {
                id_: Reviewed(place, reviewer.name, reviewer.email, rubric)
                for id_, rubric, place, reviewer in session.exec(statement)
                if id_ is not None
            }
        )
    return found
