"""Deadline escalation: reminders, overdue notices, escalation to the coordinator, automatic
reassignment after the grace period, and the coordinator's daily digest.

Two parts:
- `decide(...)`: pure. Given an open assignment's facts, the round's policy and today's date,
  which window applies and why. Unit-tested without a database.
- `escalate(session, settings, now=...)`: applies the decisions in the caller's transaction:
  state changes (overdue, reassigned) and the messages they cause are written together, each
  message under a unique outbox key (`reminder:a12:d-2`, `overdue_notice:a12:d+1`, ...), so that
  running it every hour, twice at once, or again after a crash sends each message exactly once.

Only the latest passed reminder window is sent: a reviewer invited two days before the due date
does not also get the "7 days left" reminder, and a run that was down for a week does not send a
burst of stale reminders. Reassignment supersedes the overdue notice for the same reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from review import events
from review.config import Settings
from review.errors import InvalidInput
from review.models import Assignment, AssignmentStatus, Event, Outbox, Reviewer, Round, utcnow
from review.notify import hooks, outbox
from review.notify.context import AssignmentFacts
from review.notify.messages import format_day
from review.notify.policy import Policy, policy_for
from review.notify.reassignment import replace
from review.states import OPEN, IllegalTransition, StaleVersion, transition

S = AssignmentStatus
OPEN_VALUES = frozenset(s.value for s in OPEN)
ACTOR = "escalation"


def window_name(offset: int) -> str:
    return f"d{offset:+d}" if offset else "d0"


# --- the pure decision -----------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the decision needs to know about one assignment."""

    assignment_id: int
    status: str
    due_date: date
    invited_on: date | None = None  # None: unknown, treated as long before any window


@dataclass(frozen=True)
class Decision:
    assignment_id: int
    action: str  # "reminder", "overdue", "reassign"
    window: str  # "d-7", "d0", "d+1", ...
    offset: int
    reason: str


def decide(facts: Facts, policy: Policy, today: date) -> Decision | None:
    """The one action due for an assignment today, or None."""
    if facts.status not in OPEN_VALUES:
        return None
    days = (today - facts.due_date).days  # negative before the due date
    if policy.reassign_after_days is not None and days >= policy.reassign_after_days:
        offset = policy.reassign_after_days
        return Decision(
            facts.assignment_id,
            "reassign",
            window_name(offset),
            offset,
            f"not submitted {days} day(s) after the due date {facts.due_date}; the grace period "
            f"of {offset} day(s) is over",
        )
    if days >= policy.overdue_after_days:
        offset = policy.overdue_after_days
        return Decision(
            facts.assignment_id,
            "overdue",
            window_name(offset),
            offset,
            f"not submitted {days} day(s) after the due date {facts.due_date}",
        )
    passed = [w for w in policy.reminders if days >= w]
    if not passed:
        return None
    offset = max(passed)
    window_day = facts.due_date + timedelta(days=offset)
    if facts.invited_on is not None and facts.invited_on >= window_day:
        return None  # the invitation itself came on or after this window: no reminder needed
    left = -offset
    return Decision(
        facts.assignment_id,
        "reminder",
        window_name(offset),
        offset,
        "due today" if left == 0 else f"{left} day(s) before the due date {facts.due_date}",
    )


# --- the report ------------------------------------------------------------------------------


@dataclass
class Line:
    round: str
    assignment_id: int | None
    recipient: str
    message: str
    window: str
    outcome: str  # "queued", "skipped"
    reason: str


@dataclass
class EscalationReport:
    now: datetime
    lines: list[Line] = field(default_factory=list)
    transitions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Messages whose window had passed but which were queued by an earlier run (not repeated).
    already: int = 0

    def add(self, line: Line) -> None:
        self.lines.append(line)

    @property
    def queued(self) -> list[Line]:
        return [line for line in self.lines if line.outcome == "queued"]

    def text(self) -> str:
        out = [
            f"escalation at {self.now.isoformat(timespec='minutes')}: "
            f"{len(self.queued)} message(s) queued, {len(self.transitions)} state change(s), "
            f"{self.already} already queued earlier"
        ]
        out += [
            f"  {line.outcome:<15} {line.message:<22} {line.window:<5} to {line.recipient}: "
            f"{line.reason}"
            for line in self.lines
        ]
        out += [f"  state: {t}" for t in self.transitions]
        out += [f"  PROBLEM: {p}" for p in self.problems]
        return "\n".join(out)

    def markdown(self) -> str:
        rows = [
            "| round | assignment | message | window | to | outcome | why |",
            "|---|---|---|---|---|---|---|",
        ]
        rows += [
            f"| {x.round} | {x.assignment_id or ''} | {x.message} | {x.window} | "
            f"{x.recipient} | {x.outcome} | {x.reason} |"
            for x in self.lines
        ]
        parts = [
            f"# Deadline escalation {self.now.isoformat(timespec='minutes')}",
            f"{len(self.queued)} message(s) queued, {len(self.transitions)} state change(s); "
            f"{self.already} message(s) were already queued by earlier runs (not repeated).",
            "\n".join(rows) if self.lines else "_Nothing was due._",
        ]
        if self.transitions:
            parts.append("## State changes\n" + "\n".join(f"- {t}" for t in self.transitions))
        if self.problems:
            parts.append("## Needs the coordinator\n" + "\n".join(f"- {p}" for p in self.problems))
        return "\n\n".join(parts)


# --- applying decisions ----------------------------------------------------------------------


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
            Event.entity_id.in_(ids),
        )  # type: ignore[union-attr]
        .group_by(Event.entity_id)
    )
    return {entity_id: _aware(at).date() for entity_id, at in session.exec(statement)}


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
    statement = select(Round).order_by(Round.id)  # type: ignore[arg-type]
    if round_id is not None:
        statement = statement.where(Round.id == round_id)
    for round_ in session.exec(statement).all():
        try:
            policy = policy_for(round_.reminder_policy)
        except InvalidInput as exc:  # one round's broken policy must not stop the others
            report.problems.append(f"{round_.name}: skipped, {exc}")
            continue
        open_assignments = list(
            session.exec(
                select(Assignment)
                .where(Assignment.round_id == round_.id, Assignment.status.in_(sorted(OPEN_VALUES)))  # type: ignore[attr-defined]
                .order_by(Assignment.id)  # type: ignore[arg-type]
            )
        )
        invited = _invited_on(session, [a.id for a in open_assignments])
        done = set(session.exec(select(Outbox.key).where(Outbox.round_id == round_.id)))
        for assignment in open_assignments:
            facts = Facts(
                assignment.id, assignment.status, assignment.due_date, invited.get(assignment.id)
            )
            decision = decide(facts, policy, today)
            if decision is None:
                continue
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
            except (StaleVersion, IllegalTransition) as exc:
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
                        str(exc),
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
    facts = AssignmentFacts.load(session, assignment)
    reviewer = facts.reviewer
    language = reviewer.language
    base = f"a{assignment.id}:{decision.window}"
    reassign_on = (
        assignment.due_date + timedelta(days=policy.reassign_after_days)
        if policy.reassign_after_days is not None
        else None
    )

    if decision.action == "reminder":
        row = hooks.queue(
            session,
            settings,
            key=f"reminder:{base}",
            kind="reminder",
            recipient=reviewer.email,
            language=language,
            round_id=round_.id,
            assignment_id=assignment.id,
            reason=decision.reason,
            **facts.context(language, days_left=-decision.offset),
        )
        _record(
            report,
            round_,
            assignment.id,
            reviewer.email,
            "reminder",
            decision.window,
            row,
            decision.reason,
        )
        return

    if decision.action == "overdue":
        if assignment.status != S.overdue.value:
            transition(
                session,
                assignment,
                S.overdue,
                actor=actor,
                now=now,
                payload={"reason": decision.reason},
            )
            report.transitions.append(f"assignment {assignment.id} ({reviewer.email}) -> overdue")
        row = hooks.queue(
            session,
            settings,
            key=f"overdue_notice:{base}",
            kind="overdue_notice",
            recipient=reviewer.email,
            language=language,
            round_id=round_.id,
            assignment_id=assignment.id,
            reason=decision.reason,
            **facts.context(language, reassign_on=reassign_on),
        )
        _record(
            report,
            round_,
            assignment.id,
            reviewer.email,
            "overdue_notice",
            decision.window,
            row,
            decision.reason,
        )
        coordinator_language = facts.coordinator_language
        days_late = (now.astimezone(UTC).date() - assignment.due_date).days
        row = hooks.queue(
            session,
            settings,
            key=f"escalation:{base}",
            kind="escalation",
            recipient=round_.coordinator_email,
            language=coordinator_language,
            round_id=round_.id,
            assignment_id=assignment.id,
            reason=decision.reason,
            **facts.context(coordinator_language, reassign_on=reassign_on, days_late=days_late),
        )
        if row is not None:
            events.record(
                session,
                kind="assignment.escalated",
                actor=actor,
                entity="assignment",
                entity_id=assignment.id,
                round_id=round_.id,
                payload={
                    "to": round_.coordinator_email,
                    "window": decision.window,
                    "reason": decision.reason,
                },
            )
        _record(
            report,
            round_,
            assignment.id,
            round_.coordinator_email,
            "escalation",
            decision.window,
            row,
            decision.reason,
        )
        return

    # reassign: release the silent reviewer (their draft stays, unused), invite the backup.
    result = replace(
        session,
        settings,
        assignment,
        actor=actor,
        now=now,
        reason=f"grace period over: {decision.reason}",
    )
    report.transitions.append(
        f"assignment {assignment.id} ({reviewer.email}) -> {assignment.status}"
        + (f", replaced by assignment {result.new.id}" if result.new else ", NO backup found")
    )
    row = hooks.queue(
        session,
        settings,
        key=f"released_notice:{base}",
        kind="released_notice",
        recipient=reviewer.email,
        language=language,
        round_id=round_.id,
        assignment_id=assignment.id,
        reason=decision.reason,
        **facts.context(language, released_because="grace period"),
    )
    _record(
        report,
        round_,
        assignment.id,
        reviewer.email,
        "released_notice",
        decision.window,
        row,
        decision.reason,
    )
    if result.new is not None:
        new_reviewer = session.get(Reviewer, result.new.reviewer_id)
        report.add(
            Line(
                round_.name,
                result.new.id,
                new_reviewer.email if new_reviewer else "?",
                "replacement_invitation",
                "-",
                "queued",
                f"replaces assignment {assignment.id}",
            )
        )
    else:
        report.problems.append(
            f"{round_.name}: assignment {assignment.id} ({reviewer.email}) released, but "
            f"{result.problem} Assign a reviewer by hand."
        )


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
    failed = session.exec(
        select(Event).where(Event.round_id == round_.id, Event.kind == "assignment.reassign_failed")
    ).all()
    problems = [e.payload.get("why", "") for e in failed if _aware(e.at) >= since]
    undeliverable = session.exec(
        select(Event).where(Event.round_id == round_.id, Event.kind == "outbox.failed")
    ).all()
    problems += [
        outbox.failure_line(e.payload.get("key", ""), e.payload.get("to", ""), e.payload["why"])
        for e in undeliverable
        if _aware(e.at) >= since
    ]
    problems += [p for p in report.problems if p.startswith(f"{round_.name}:")]
    row = hooks.queue(
        session,
        settings,
        key=key,
        kind="digest",
        recipient=round_.coordinator_email,
        language=language,
        round_id=round_.id,
        assignment_id=None,
        reason="daily digest",
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
        "daily digest",
    )
