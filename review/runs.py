"""One escalation or invitation run: decide and queue in one transaction, commit, then send.
Shared by the CLI and the Prefect flows, which only add printing or an artifact (written by
review.coordinator.artifacts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from review.assignment.proposal import pending_approval
from review.config import Settings
from review.db import get_engine, session_scope
from review.deadlines.escalate import escalate
from review.deadlines.report import EscalationReport
from review.exchange.reply_reminders import queue_reminders
from review.lifecycle import Invited, invite_round
from review.notify.delivery import DeliveryReport, deliver
from review.rounds import get_round, round_names


@dataclass
class EscalationRun:
    report: EscalationReport
    delivery: DeliveryReport
    round_names: list[str] = field(default_factory=list)  # the rounds looked at

    def raise_if_failed(self) -> None:
        self.delivery.raise_if_failed()


@dataclass
class InvitationRun:
    round_name: str
    invited: list[Invited]
    delivery: DeliveryReport
    # Proposed reviewers nobody approved yet: not invited, and the coordinator must be told why.
    awaiting_approval: int = 0

    def raise_if_failed(self) -> None:
        self.delivery.raise_if_failed()


def run_escalation(
    settings: Settings,
    *,
    round_name: str | None = None,
    now: datetime | None = None,
    actor: str = "escalation",
) -> EscalationRun:
    """Queue what today's windows call for, commit, then deliver the outbox. The caller decides
    whether a delivery failure raises (`raise_if_failed`); nothing queued is lost either way."""
    engine = get_engine(settings)
    with session_scope(engine) as session:
        round_id = get_round(session, round_name).id if round_name else None
        report = escalate(session, settings, now=now, round_id=round_id, actor=actor)
        names = [round_name] if round_name else round_names(session)
        # The municipalities' replies to their drafts have deadlines too (#16).
        today = now.astimezone(UTC).date() if now else None
        for name in names:
            queue_reminders(session, settings, get_round(session, name), today=today)
    delivery = deliver(engine, settings, now=now, actor=actor, raise_on_failure=False)
    return EscalationRun(report, delivery, names)


def run_invitations(
    settings: Settings,
    *,
    round_name: str,
    now: datetime | None = None,
    actor: str = "coordinator",
) -> InvitationRun:
    engine = get_engine(settings)
    with session_scope(engine) as session:
        round_ = get_round(session, round_name)
        assert round_.id is not None  # read from the database
        invited = invite_round(session, settings, round_.id, actor=actor, now=now)
        awaiting = len(pending_approval(session, round_))
    delivery = deliver(engine, settings, now=now, actor=actor, raise_on_failure=False)
    return InvitationRun(round_name, invited, delivery, awaiting)
