"""Due dates: reminding, marking overdue, extending (see review.lifecycle for the whole table).
Which of these is due when is decided by review.deadlines; these only carry it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from review import events
from review.config import Settings
from review.errors import Refused
from review.i18n import N_, state_message
from review.models import Assignment, AssignmentStatus, Event, Outbox, Round, utcnow
from review.notify import notices
from review.notify.context import AssignmentFacts
from review.reviewing import links
from review.states import OPEN, amend, transition

S = AssignmentStatus


@dataclass
class Overdue:
    changed: bool  # False: it was overdue already (a later run of the same window)
    notice: Outbox | None  # None: queued by an earlier run
    escalation: Outbox | None


def remind(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    window: str,
    days_left: int,
    reason: str,
) -> Outbox | None:
    """No state change: the reminder to the reviewer, once per window (None: queued before)."""
    facts = AssignmentFacts.load(session, assignment)
    return notices.reminder(
        session, settings, facts, window=window, days_left=days_left, reason=reason
    )


def mark_overdue(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    window: str,
    reason: str,
    reassign_on: date | None,
    actor: str,
    now: datetime,
) -> Overdue:
    """The review is late: -> overdue (event, unless overdue already); the overdue notice to the
    reviewer (saying when the plan goes to someone else); the escalation to the coordinator
    (event `assignment.escalated`). Each message once per window."""
    facts = AssignmentFacts.load(session, assignment)
    changed = assignment.status != S.overdue.value
    if changed:
        transition(session, assignment, S.overdue, actor=actor, now=now, payload={"reason": reason})
    notice = notices.overdue_notice(
        session, settings, facts, window=window, reason=reason, reassign_on=reassign_on
    )
    days_late = (now.astimezone(UTC).date() - assignment.due_date).days
    escalation = notices.escalation(
        session,
        settings,
        facts,
        window=window,
        reason=reason,
        reassign_on=reassign_on,
        days_late=days_late,
    )
    if escalation is not None:
        events.record(
            session,
            kind="assignment.escalated",
            actor=actor,
            entity="assignment",
            entity_id=assignment.id,
            round_id=assignment.round_id,
            payload={"to": facts.round.coordinator_email, "window": window, "reason": reason},
        )
    return Overdue(changed, notice, escalation)


def _before_overdue(session: Session, assignment: Assignment) -> AssignmentStatus:
    """The state an overdue assignment was in before it became overdue (invited or accepted)."""
    went = session.exec(
        select(Event)
        .where(
            Event.entity == "assignment",
            Event.entity_id == assignment.id,
            Event.kind == "assignment.overdue",
        )
        .order_by(col(Event.id).desc())
    ).first()
    earlier = (went.payload or {}).get("from") if went else None
    return S.accepted if earlier == S.accepted.value else S.invited


def extend_due_date(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    due_date: date,
    *,
    actor: str,
    now: datetime | None = None,
    allow_past: bool = False,
) -> Assignment:
    """Give the reviewer until `due_date` (later or, when confirmed, earlier than before).

    The due date changes (event `assignment.due_date_changed` with both dates); the personal link
    keeps working until the new date plus the grace period; an overdue assignment whose new
    date is today or later goes back to invited or accepted (event), so reminders and the
    deadline windows start again from the new date (review.deadlines); an invited reviewer gets a
    notice with the new date. InvalidInput (nothing written) when the assignment is not open or
    the date is in the past without `allow_past`. The same date again changes nothing."""
    now = now or utcnow()
    status = S(assignment.status)
    if status not in OPEN and status is not S.proposed:
        raise Refused(
            N_(
                "review %(id)s is %(status)s: only an open review (proposed, invited, accepted, "
                "overdue) gets a new due date"
            ),
            id=assignment.id,
            status=state_message(assignment.status),
        )
    today = now.astimezone(UTC).date()
    if due_date < today and not allow_past:
        raise Refused(
            N_(
                "the due date %(day)s is in the past (today is %(today)s); confirm to set it anyway"
            ),
            day=due_date,
            today=today,
        )
    previous = assignment.due_date
    if due_date == previous:
        return assignment
    round_ = session.get(Round, assignment.round_id)
    assert round_ is not None
    changes: dict[str, object] = {"due_date": due_date}
    if assignment.token_hash is not None:
        changes["token_expires_at"] = links.link_expiry(
            round_, settings.link_grace_days, due=due_date
        )
    amend(
        session,
        assignment,
        kind="due_date_changed",
        actor=actor,
        changes=changes,
        payload={"from": previous.isoformat(), "to": due_date.isoformat()},
        now=now,
    )
    if status is S.overdue and due_date >= today:
        transition(
            session,
            assignment,
            _before_overdue(session, assignment),
            actor=actor,
            payload={"reason": f"due date extended to {due_date.isoformat()}"},
            now=now,
        )
    if status is not S.proposed:
        notices.due_date_changed(
            session, settings, AssignmentFacts.load(session, assignment), previous=previous
        )
    return assignment
