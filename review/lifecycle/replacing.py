"""Taking an assignment away from its reviewer: replacing them (declined, or silent past the grace
period) and withdrawing an assignment (see review.lifecycle for the whole table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from review.assignment import service
from review.config import Settings
from review.errors import InvalidInput
from review.i18n import N_, translator
from review.lifecycle.invitations import invite
from review.models import Assignment, AssignmentStatus, Event, Outbox, Round, utcnow
from review.notify import notices
from review.notify.context import AssignmentFacts
from review.states import transition

S = AssignmentStatus


@dataclass
class Replacement:
    new: Assignment | None
    problem: str = ""


@dataclass
class Released:
    replacement: Replacement
    notice: Outbox | None


def _release(
    session: Session, assignment: Assignment, *, actor: str, reason: str, now: datetime
) -> None:
    """Take the assignment from its reviewer unless that happened already: a still `proposed`
    one is `withdrawn` (the only way out of `proposed`), a declined one stays declined."""
    if assignment.status == S.proposed.value:
        transition(
            session, assignment, S.withdrawn, actor=actor, payload={"reason": reason}, now=now
        )
    elif assignment.status not in (S.declined.value, S.reassigned.value):
        transition(
            session, assignment, S.reassigned, actor=actor, payload={"reason": reason}, now=now
        )


def _why_not_replaced(session: Session, assignment: Assignment) -> str:
    failed = session.exec(
        select(Event)
        .where(
            Event.entity == "assignment",
            Event.entity_id == assignment.id,
            Event.kind == "assignment.reassign_failed",
        )
        .order_by(col(Event.id).desc())
    ).first()
    why = (failed.payload or {}).get("why", "") if failed else ""
    if why:
        return str(why)
    round_ = session.get(Round, assignment.round_id)
    return translator(round_.language if round_ else None).gettext("no eligible backup reviewer.")


def replace(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    actor: str,
    reason: str,
    now: datetime,
    backup_id: int | None = None,
) -> Replacement:
    """Give the assignment's plan and rubric to the best eligible backup reviewer (or to
    `backup_id`, a backup the coordinator named; check first that they are eligible:
    review.assignment.service.backup_candidates).

    The old assignment -> reassigned (-> withdrawn when still proposed; left as it is when
    declined); its reviewer's draft stays in the database, unused. The backup is proposed
    (review.assignment.service.propose_backup, event `assignment.backup_proposed`) and invited at
    once (`invite`: link, replacement invitation). Without an eligible backup, an
    `assignment.reassign_failed` event says why, and so does the result. Calling it again
    returns the same backup and changes nothing."""
    new = service.replacement_of(session, assignment)
    if new is None:
        _release(session, assignment, actor=actor, reason=reason, now=now)
        new = service.propose_backup(
            session, assignment, actor=actor, reason=reason, now=now, reviewer_id=backup_id
        )
    if new is None:
        return Replacement(None, _why_not_replaced(session, assignment))
    invite(session, settings, [new], actor=actor, now=now)
    return Replacement(new)


def release_and_replace(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    window: str,
    reason: str,
    actor: str,
    now: datetime,
) -> Released:
    """The reviewer stayed silent past the grace period: `replace` them (-> reassigned, backup
    invited), and queue the released notice to them (one per deadline window)."""
    facts = AssignmentFacts.load(session, assignment)
    replacement = replace(
        session, settings, assignment, actor=actor, now=now, reason=f"grace period over: {reason}"
    )
    notice = notices.released_notice(
        session, settings, facts, window=window, reason=reason, released_because="grace period"
    )
    return Released(replacement, notice)


def withdraw(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    reason: str,
    actor: str,
    now: datetime | None = None,
) -> Assignment:
    """The coordinator takes an assignment back (a plan withdrawn, a conflict of interest found).

    -> withdrawn with the reason (event); the personal link is revoked (its hash removed); no
    backup is sought. A reviewer who was already invited gets the withdrawn notice; their draft
    or submitted review stays in the database but no longer counts. InvalidInput without a
    reason; IllegalTransition when the assignment has ended already (nothing written)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("withdrawing assignment %(id)s needs a reason"), id=assignment.id)
    was_invited = assignment.status != S.proposed.value
    facts = AssignmentFacts.load(session, assignment)
    transition(
        session,
        assignment,
        S.withdrawn,
        actor=actor,
        payload={"reason": reason},
        changes={"token_hash": None, "token_expires_at": None},
        now=now or utcnow(),
    )
    if was_invited:
        notices.withdrawn_notice(session, settings, facts, reason=reason)
    return assignment
