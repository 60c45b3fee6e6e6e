"""Applying today's deadline windows to every open assignment, through review.lifecycle, and
queuing the coordinators' daily digests (see review.deadlines)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from review import lifecycle
from review.config import Settings
from review.deadlines.decide import OPEN_VALUES, Decision, Facts, decide
from review.deadlines.report import EscalationReport, Line
from review.deadlines.unreplaced import UNREPLACED, still_unreplaced, unreplaced
from review.errors import InvalidInput, said_error
from review.i18n import N_, Message, Phrase
from review.models import (
    Assignment,
    AssignmentStatus,
    Event,
    Outbox,
    Reviewer,
    Round,
    saved_id,
    utcnow,
)
from review.notify import queueing
from review.notify.context import AssignmentFacts
from review.notify.messages import format_day
from review.notify.policy import Policy, policy_for
from review.notify.undelivered import undelivered
from review.queries import assignments_reviewed
from review.states import IllegalTransition, StaleVersion

S = AssignmentStatus
ACTOR = "escalation"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _invited_on(session: Session, ids: list[int]) -> dict[int, date]:
    if not ids:
        return {}
    statement = (
        select(Event.entity_id, func.max(Event.at))
        .where(
            Event.entity == "assignment",
            Event.kind == "assignment.invited",
            col(Event.entity_id).in_(ids),
        )
        .group_by(col(Event.entity_id))
    )
    return {
        entity_id: _aware(at).date()
        for entity_id, at in session.exec(statement)
        if entity_id is not None
    }


def _due_date_changed(session: Session, ids: list[int]) -> set[int]:
    """The assignments whose due date the coordinator changed (review.lifecycle)."""
    if not ids:
        return set()
    statement = select(Event.entity_id).where(
        Event.entity == "assignment",
        Event.kind == "assignment.due_date_changed",
        col(Event.entity_id).in_(ids),
    )
    return {entity_id for entity_id in session.exec(statement) if entity_id is not None}


#: Why an assignment was left alone: it changed while the run looked at it (a StaleVersion or
#: IllegalTransition, whose English names the assignment's versions and states).
CHANGED_MEANWHILE = Message(
    N_("changed meanwhile (the reviewer acted at the same moment); their change stands and the "
       "next run looks again")
)  # fmt: skip

#: Why the digest is sent: a Message, so that the coordinator's artifact can say it in their
#: language (`review.coordinator.artifacts`); the outbox keeps the English text.
DAILY_DIGEST = Message(N_("daily digest"))


def _record(
    report: EscalationReport,
    round_: Round,
    assignment_id: int | None,
    recipient: str,
    message: str,
    window: str,
    row: Outbox | None,
    reason: str,
) -> None:
    if row is None:
        report.already += 1
        return
    report.add(Line(round_.name, assignment_id, recipient, message, window, "queued", reason))


def escalate(
    session: Session,
    settings: Settings,
    *,
    now: datetime | None = None,
    round_id: int | None = None,
    actor: str = ACTOR,
) -> EscalationReport:
    """Apply today's windows to every open assignment (of one round, or all) and queue the
    coordinators' digests. The caller commits; `deliver` sends."""
    now = now or utcnow()
    today = now.astimezone(UTC).date()
    report = EscalationReport(now=now)
    statement = select(Round).order_by(col(Round.id))
    if round_id is not None:
        statement = statement.where(Round.id == round_id)
    for round_ in session.exec(statement).all():
        try:
            policy = policy_for(round_.reminder_policy)
        except InvalidInput as exc:  # one round's broken policy must not stop the others
            report.problems.append(
                Phrase(
                    N_("%(round)s: deadlines not checked, the round's reminder policy is invalid: "
                       "%(problem)s"),
                    round=round_.name,
                    problem=said_error(exc),
                )
            )  # fmt: skip
            continue
        open_assignments = list(
            session.exec(
                select(Assignment)
                .where(
                    Assignment.round_id == round_.id,
                    col(Assignment.status).in_(sorted(OPEN_VALUES)),
                )
                .order_by(col(Assignment.id))
            )
        )
        ids = [a.id for a in open_assignments if a.id is not None]
        invited, moved = _invited_on(session, ids), _due_date_changed(session, ids)
        done = set(session.exec(select(Outbox.key).where(Outbox.round_id == round_.id)))
        for assignment in open_assignments:
            assert assignment.id is not None  # read from the database
            facts = Facts(
                assignment.id, assignment.status, assignment.due_date, invited.get(assignment.id)
            )
            decision = decide(facts, policy, today)
            if decision is None:
                continue
            if assignment.id in moved:  # the earlier date's messages must not stand in
                window = f"{decision.window}@{assignment.due_date.isoformat()}"
                decision = replace(decision, window=window)
            if _already_done(assignment, decision, done):
                report.already += 1
                continue
            try:
                _apply(
                    session,
                    settings,
                    round_,
                    policy,
                    assignment,
                    decision,
                    report,
                    now=now,
                    actor=actor,
                )
            except (StaleVersion, IllegalTransition):
                # Someone (the reviewer submitting right now) changed it first; their change
                # wins and nothing was written for this assignment. The next run looks again.
                report.add(
                    Line(
                        round_.name,
                        assignment.id,
                        "-",
                        decision.action,
                        decision.window,
                        "skipped",
                        CHANGED_MEANWHILE,
                    )
                )
        if policy.digest:
            _digest(session, settings, round_, report, now=now)
    return report


def _already_done(assignment: Assignment, decision: Decision, done: set[str]) -> bool:
    """The hourly re-run's fast path: this window's messages exist and its state change is made
    (the unique keys would make a full re-application a no-op too, only slower)."""
    base = f"a{assignment.id}:{decision.window}"
    if decision.action == "reminder":
        return f"reminder:{base}" in done
    if decision.action == "overdue":
        return (
            assignment.status == S.overdue.value
            and f"overdue_notice:{base}" in done
            and f"escalation:{base}" in done
        )
    return False


def _apply(
    session: Session,
    settings: Settings,
    round_: Round,
    policy: Policy,
    assignment: Assignment,
    decision: Decision,
    report: EscalationReport,
    *,
    now: datetime,
    actor: str,
) -> None:
    reviewer = session.get(Reviewer, assignment.reviewer_id)
    assert reviewer is not None
    reassign_on = (
        assignment.due_date + timedelta(days=policy.reassign_after_days)
        if policy.reassign_after_days is not None
        else None
    )

    def record(recipient: str, message: str, row: Outbox | None) -> None:
        _record(
            report, round_, assignment.id, recipient, message, decision.window, row, decision.reason
        )

    if decision.action == "reminder":
        row = lifecycle.remind(
            session,
            settings,
            assignment,
            window=decision.window,
            days_left=-decision.offset,
            reason=str(decision.reason),
        )
        record(reviewer.email, "reminder", row)
        return

    if decision.action == "overdue":
        overdue = lifecycle.mark_overdue(
            session,
            settings,
            assignment,
            window=decision.window,
            reason=str(decision.reason),
            reassign_on=reassign_on,
            actor=actor,
            now=now,
        )
        if overdue.changed:
            report.transitions.append(
                Phrase(
                    N_("%(reviewer)s (%(email)s), assignment %(id)s: overdue"),
                    reviewer=reviewer.name,
                    email=reviewer.email,
                    id=assignment.id,
                )
            )
        record(reviewer.email, "overdue_notice", overdue.notice)
        record(round_.coordinator_email, "escalation", overdue.escalation)
        return

    # reassign: release the silent reviewer (their draft stays, unused), invite the backup.
    released = lifecycle.release_and_replace(
        session,
        settings,
        assignment,
        window=decision.window,
        reason=str(decision.reason),
        actor=actor,
        now=now,
    )
    new = released.replacement.new
    new_reviewer = session.get(Reviewer, new.reviewer_id) if new is not None else None
    # Said in the coordinator's language by the artifact (a Phrase; its str() the log's English)
    report.transitions.append(
        Phrase(
            N_("%(reviewer)s (%(email)s), assignment %(id)s: released, %(backup)s invited instead")
            if new_reviewer is not None
            else N_("%(reviewer)s (%(email)s), assignment %(id)s: released, NO backup found"),
            reviewer=reviewer.name,
            email=reviewer.email,
            id=assignment.id,
            backup=new_reviewer.name if new_reviewer is not None else "",
        )
    )
    record(reviewer.email, "released_notice", released.notice)
    if new is not None:
        report.add(
            Line(
                round_.name,
                new.id,
                new_reviewer.email if new_reviewer else "?",
                "replacement_invitation",
                "-",
                "queued",
                Phrase(N_("replaces assignment %(id)s"), id=assignment.id),
            )
        )
    else:  # who, which plan and rubric, and how to give it to someone, said when shown
        released_id = saved_id(assignment)
        reviewed = assignments_reviewed(session, [released_id])[released_id]
        report.problems.append(unreplaced(round_.name, released_id, reviewed))


def _digest(
    session: Session, settings: Settings, round_: Round, report: EscalationReport, *, now: datetime
) -> None:
    """One digest per round and day while the round has open assignments."""
    today = now.astimezone(UTC).date()
    key = f"digest:r{round_.id}:{today.isoformat()}"
    rows = session.exec(
        select(Assignment.status, func.count())
        .where(Assignment.round_id == round_.id)
        .group_by(Assignment.status)
    ).all()
    counts = dict(rows)
    if not any(counts.get(s, 0) for s in OPEN_VALUES):
        return
    language = round_.language
    since = now - timedelta(days=1)
    recent = session.exec(
        select(Outbox.kind, Outbox.created_at).where(Outbox.round_id == round_.id)
    ).all()
    queued = Counter(kind for kind, at in recent if _aware(at) >= since and kind != "digest")
    pending = session.exec(
        select(Outbox).where(
            Outbox.round_id == round_.id, Outbox.status == "pending", Outbox.attempts > 0
        )
    ).all()
    overdue = []
    for a in session.exec(
        select(Assignment).where(
            Assignment.round_id == round_.id, Assignment.status == S.overdue.value
        )
    ):
        facts = AssignmentFacts.load(session, a)
        overdue.append(
            {
                "reviewer": f"{facts.reviewer.name} <{facts.reviewer.email}>",
                "plan": facts.context(language)["plan_title"],
                "rubric": facts.context(language)["rubric"],
                "due": format_day(a.due_date, language),
            }
        )
    # Reviews left without a backup since yesterday (by this run, a decline, the coordinator),
    # named and said now: the event's `why` is a sentence frozen in the language of its moment.
    problems = [p(language) for p in still_unreplaced(session, round_, since=since)]
    failed_since = session.exec(
        select(Event).where(Event.round_id == round_.id, Event.kind == "outbox.failed")
    ).all()
    keys = [e.payload.get("key", "") for e in failed_since if _aware(e.at) >= since]
    # which message to whom about which plan, and why (the outbox's key said none of that)
    problems += [m.said(language) for m in undelivered(session, round_.id, keys)]
    # (this run's unreplaced reviews are among the above already)
    problems += [p(language) for p in report.problems_of(round_.name) if p.message != UNREPLACED]
    row = queueing.queue(
        session,
        settings,
        key=key,
        kind="digest",
        recipient=round_.coordinator_email,
        language=language,
        round_id=round_.id,
        assignment_id=None,
        reason=str(DAILY_DIGEST),
        round_name=round_.name,
        coordinator_name=round_.coordinator_name,
        day=format_day(today, language),
        due_date=format_day(round_.due_date, language),
        counts=sorted(counts.items()),
        overdue=overdue,
        sent=sorted(queued.items()),
        pending=len(pending),
        last_error=pending[-1].last_error if pending else None,
        problems=problems,
    )
    _record(
        report,
        round_,
        None,
        round_.coordinator_email,
        "digest",
        today.isoformat(),
        row,
        DAILY_DIGEST,
    )
