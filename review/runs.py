"""One escalation or invitation run: decide and queue in one transaction, commit, then send.
Shared by the CLI and the Prefect flows, which only add printing or an artifact (written by
review.coordinator.artifacts)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime

from review.assignment.proposal import pending_approval
from review.config import Settings
from review.db import get_engine, session_scope
from review.deadlines.escalate import escalate
from review.deadlines.report import EscalationReport, Found
from review.exchange.reply_reminders import queue_reminders
from review.i18n import Count, translator
from review.lifecycle import Invited, invite_round
from review.lifecycle.invitations import invited_earlier
from review.notify.delivery import DeliveryReport, deliver
from review.notify.outbox import DeliveryFailed, unreachable_text
from review.queries import Reviewed, assignments_reviewed, overdue_by_round
from review.rounds import get_round, round_names


@dataclass
class EscalationRun:
    report: EscalationReport
    delivery: DeliveryReport
    round_names: list[str] = field(default_factory=list)  # the rounds looked at
    # Assignment id -> who reviews which plan with which rubric, for the lines of the report.
    reviewed: dict[int, Reviewed] = field(default_factory=dict)
    #: Round name -> what the run found due there (the round's progress says it).
    found: dict[str, Found] = field(default_factory=dict)

    @property
    def plans(self) -> dict[int, str]:
        """Assignment id -> the municipality whose plan it reviews."""
        return {id_: r.municipality for id_, r in self.reviewed.items()}

    def raise_if_failed(self) -> None:
        self.delivery.raise_if_failed()


@dataclass
class InvitationRun:
    round_name: str
    invited: list[Invited]
    delivery: DeliveryReport
    # Proposed reviewers nobody approved yet: not invited, and the coordinator must be told why.
    awaiting_approval: int = 0
    round_id: int | None = None
    # This round's invitations an earlier run queued whose mail this run's delivery took up.
    earlier: list[Invited] = field(default_factory=list)

    def raise_if_failed(self) -> None:
        self.delivery.raise_if_failed()

    def raise_if_not_sent(self) -> None:
        """`raise_if_failed` for a reader who was shown each invitation's line
        (`delivery_of`): InvitationsNotSent says what to do about them."""
        if self.delivery.failed or self.delivery.undeliverable:
            raise InvitationsNotSent(self)

    def delivery_of(self, assignment_id: int | None) -> tuple[str, str, str]:
        """How an assignment's invitation went in this run: its outbox key, then 'sent',
        'failed' (it waits in the outbox, the next run sends it), 'undeliverable' (refused for
        good) or 'queued' (not tried: another delivery was running), and why it did not go."""
        for key, about in self.delivery.about.items():
            if assignment_id is not None and assignment_id in about.assignments:
                return (key, *self.fate(key))
        return ("", "queued", "")

    def fate(self, key: str) -> tuple[str, str]:
        """How the message `key` went in this run (see `delivery_of`)."""
        lost, failed = dict(self.delivery.undeliverable), dict(self.delivery.failed)
        if key in lost:
            return "undeliverable", lost[key]
        if key in failed:
            return "failed", failed[key]
        return ("sent", "") if key in self.delivery.sent else ("queued", "")

    def is_invitation(self, key: str) -> bool:
        """Whether the message `key` invites to this round (its line was shown)."""
        about = self.delivery.about.get(key)
        return (
            about is not None and about.kind in INVITATION_KINDS and about.round_id == self.round_id
        )


#: The kinds of message that invite a reviewer (`review.notify.messages`).
INVITATION_KINDS = ("invitation", "invitation_list", "replacement_invitation")


class InvitationsNotSent(DeliveryFailed):
    """Invitations that did not go, said as what to do: the lines above name whom
    ('not sent', 'cannot be delivered'); this says why, and that running `peerplan invite`
    again is safe (the assignments are invited once; the outbox sends a message it marked
    sent never again). Other messages of the same delivery are listed as DeliveryFailed does."""

    def __init__(self, run: InvitationRun) -> None:
        self.run = run
        super().__init__(**run.delivery.failure())

    def text(self, language: str) -> str:
        t = translator(language)
        round_ = shlex.quote(self.run.round_name)
        of_invited = self.run.is_invitation
        # Counted as the lines above are: an assignment each (one message may invite to
        # several plans).
        fates = [
            self.run.delivery_of(i.assignment_id)[1]
            for i in [*self.run.invited, *self.run.earlier]
            if i.outcome == "invited"
        ]
        failed, lost = fates.count("failed"), fates.count("undeliverable")
        parts = [unreachable_text(self.unreachable, t)] if self.unreachable else []
        if failed:
            parts.append(
                t.ngettext(
                    "%(n)s invitation was not sent (above: 'not sent'); it waits in the outbox. "
                    "When the mail server answers, run `peerplan invite --round %(round)s` "
                    "again: it sends what waits, and no invitation twice.",
                    "%(n)s invitations were not sent (above: 'not sent'); they wait in the "
                    "outbox. When the mail server answers, run `peerplan invite --round "
                    "%(round)s` again: it sends what waits, and no invitation twice.",
                    failed,
                )
                % {"n": Count(failed).said(t), "round": round_}
            )
        if lost:
            parts.append(
                t.ngettext(
                    "%(n)s invitation cannot be delivered (above: 'cannot be delivered'): the "
                    "mail server refuses it. Correct the reviewer's address (`peerplan import`), "
                    "then send the invitation again with `peerplan coordinator new-link --round "
                    "%(round)s --reviewer NAME`.",
                    "%(n)s invitations cannot be delivered (above: 'cannot be delivered'): the "
                    "mail server refuses them. Correct the reviewers' addresses (`peerplan "
                    "import`), then send each invitation again with `peerplan coordinator "
                    "new-link --round %(round)s --reviewer NAME`.",
                    lost,
                )
                % {"n": Count(lost).said(t), "round": round_}
            )
        others = [(k, e) for k, e in self.failures if not of_invited(k)]
        if others:
            parts.append(
                t.ngettext(
                    "%(n)s other message could not be sent; it stays in the outbox and the "
                    "next run retries it:",
                    "%(n)s other messages could not be sent; they stay in the outbox and the "
                    "next run retries them:",
                    len(others),
                )
                % {"n": Count(len(others)).said(t)}
                + "\n"
                + self.listed(others, t)
            )
        others = [(k, e) for k, e in self.undeliverable if not of_invited(k)]
        if others:
            parts.append(
                t.ngettext(
                    "%(n)s other message cannot be delivered and is marked failed (see "
                    "`peerplan outbox`):",
                    "%(n)s other messages cannot be delivered and are marked failed (see "
                    "`peerplan outbox`):",
                    len(others),
                )
                % {"n": Count(len(others)).said(t)}
                + "\n"
                + self.listed(others, t)
            )
        return "\n".join(parts)


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
        reviewed = assignments_reviewed(
            session, [x.assignment_id for x in report.lines if x.assignment_id is not None]
        )
        overdue = overdue_by_round(session)
    delivery = deliver(engine, settings, now=now, actor=actor, raise_on_failure=False)
    found = {name: report.found_in(name, overdue.get(name, 0)) for name in names}
    return EscalationRun(report, delivery, names, reviewed, found)


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
    run = InvitationRun(round_name, invited, delivery, awaiting, round_.id)
    now_invited = {i.assignment_id for i in invited}
    earlier = {
        assignment_id
        for key, about in delivery.about.items()
        if run.is_invitation(key)
        for assignment_id in about.assignments
        if assignment_id not in now_invited
    }
    if earlier:
        with session_scope(engine) as session:
            run.earlier = invited_earlier(session, sorted(earlier))
    return run
