"""Replacing a reviewer (declined, or silent past the grace period) and inviting the backup."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from review.config import Settings
from review.models import Assignment, Event


@dataclass
class Replacement:
    new: Assignment | None
    problem: str = ""


def replace(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> Replacement:
    """Release `assignment` (the reviewer's draft stays in the database, unused), propose the
    best eligible backup and invite them at once. Calling it again returns the same backup."""
    from review.notify import _deps
    from review.notify.invitations import invite

    new = _deps.reassign(session, assignment, actor=actor, reason=reason, now=now)
    if new is None:
        failed = session.exec(
            select(Event)
            .where(
                Event.entity == "assignment",
                Event.entity_id == assignment.id,
                Event.kind == "assignment.reassign_failed",
            )
            .order_by(Event.id.desc())  # type: ignore[union-attr]
        ).first()
        why = (failed.payload or {}).get("why", "") if failed else ""
        return Replacement(None, why or "no eligible backup reviewer.")
    invite(session, settings, [new], actor=actor, now=now)
    return Replacement(new)
