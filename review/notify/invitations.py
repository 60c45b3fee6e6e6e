"""Inviting approved assignments: proposed -> invited, a personal link, the invitation with the
Word form attached, all in the caller's transaction. Re-running invites nobody twice: only
`proposed` assignments with `approved_at` set are touched, and the invitation's outbox key is
unique."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from review.config import Settings
from review.models import Assignment, AssignmentStatus, utcnow
from review.notify import hooks
from review.states import transition


@dataclass
class Invited:
    assignment_id: int
    reviewer_email: str
    outcome: str  # "invited", "skipped"
    why: str = ""


def approved_uninvited(session: Session, round_id: int) -> list[Assignment]:
    statement = (
        select(Assignment)
        .where(
            Assignment.round_id == round_id,
            Assignment.status == AssignmentStatus.proposed.value,
            Assignment.approved_at.is_not(None),  # type: ignore[union-attr]
        )
        .order_by(Assignment.id)  # type: ignore[arg-type]
    )
    return list(session.exec(statement))


def invite(
    session: Session,
    settings: Settings,
    assignments: list[Assignment],
    *,
    actor: str,
    now: datetime | None = None,
) -> list[Invited]:
    """Invite each approved, still proposed assignment; report every other one as skipped."""
    from review.models import Reviewer
    from review.notify import _deps

    now = now or utcnow()
    results: list[Invited] = []
    for assignment in assignments:
        reviewer = session.get(Reviewer, assignment.reviewer_id)
        email = reviewer.email if reviewer else "?"
        if assignment.status != AssignmentStatus.proposed.value:
            results.append(Invited(assignment.id, email, "skipped", f"already {assignment.status}"))
            continue
        if assignment.approved_at is None:
            results.append(
                Invited(assignment.id, email, "skipped", "not approved by the coordinator yet")
            )
            continue
        transition(session, assignment, AssignmentStatus.invited, actor=actor, now=now)
        token = _deps.issue_link(session, settings, assignment)
        hooks.on_invited(session, settings, assignment, token)
        results.append(Invited(assignment.id, email, "invited"))
    return results


def invite_round(
    session: Session, settings: Settings, round_id: int, *, actor: str, now: datetime | None = None
) -> list[Invited]:
    return invite(session, settings, approved_uninvited(session, round_id), actor=actor, now=now)
