"""Sending the outbox.

Sending: `deliver` holds the outbox for one deliverer at a time (a PostgreSQL advisory lock, or
an flock beside the SQLite file; both die with the process), claims pending rows in batches
(counting the attempt), then sends each one and marks it sent in its own short transaction. The
guarantee after a crash:
- killed after the row was written and before it was sent: the next run sends it (once);
- killed after the SMTP server accepted it and before it was marked sent: the next run sends it
  again, with the same Message-ID, so mail clients and the test see one message id twice at most.
  At-least-once is the honest guarantee of any SMTP sender; the stable Message-ID makes the rare
  duplicate recognisable. Nothing is ever lost and a row marked sent is never sent again.
Messages that have become pointless (a reminder to someone who has since submitted, declined or
been released) are cancelled at send time, not sent.

Each message is built, sent and marked on its own: a message that cannot be built (a header
from user text that no header filter could save, an attachment gone missing) or that the server
refuses for good (every recipient refused with a 5xx) is marked `failed` with its reason, shown
by `peerplan outbox`, `peerplan status` and the coordinator's digest, and never retried; it never
stops the messages after it. A server that is down or refuses for a while leaves the message
pending for the next run (`DeliveryFailed` says so after every other message was tried).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from review import claims, events
from review.config import Settings
from review.db import session_scope
from review.models import Assignment, Outbox, OutboxStatus, utcnow
from review.notify import smtp
from review.notify.envelope import build_email
from review.notify.outbox import (
    NOT_BUILT,
    ONLY_WHILE_OPEN,
    Addressed,
    DeliveryFailed,
    assignments_of,
    redact_links,
)
from review.notify.undelivered import Undelivered
from review.queries import Reviewed, assignments_reviewed
from review.states import OPEN

log = logging.getLogger(__name__)
# --- sending -------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    cancelled: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # still pending: retried
    undeliverable: list[tuple[str, str]] = field(default_factory=list)  # marked failed for good
    busy: bool = False  # another deliverer held the outbox: nothing done, nothing lost
    unreachable: str | None = None  # where no SMTP server answered in this run ('host:port')
    # Each message this run handled, by key: to whom, about what (a failure said in words).
    about: dict[str, Addressed] = field(default_factory=dict)
    unanswered: set[str] = field(default_factory=set)  # failed as no server answered
    #: Assignment id -> who reviews which plan with which rubric, for the messages not sent.
    reviewed: dict[int, Reviewed] = field(default_factory=dict)

    def summary(self) -> str:
        busy = " (another delivery was running: left to it)" if self.busy else ""
        bad = f", {len(self.undeliverable)} undeliverable" if self.undeliverable else ""
        return (
            f"{len(self.sent)} sent, {len(self.cancelled)} cancelled, {len(self.failed)} failed"
            + bad
            + busy
        )

    def undelivered(self) -> dict[str, Undelivered]:
        """Each message this run did not send (retried or failed for good), by key, named as
        `peerplan status` and the digest name one: its kind, person, plan and rubric, and why
        ('Reminder to Rita Roth <r@…> for Altstadt (Technical review) was not sent: …')."""
        named = {}
        for key, error in [*self.failed, *self.undeliverable]:
            about = self.about.get(key)
            if about is not None:
                named[key] = Undelivered(
                    key,
                    about.kind,
                    about.recipient,
                    about.subject,
                    error,
                    tuple(self.reviewed[i] for i in about.assignments if i in self.reviewed),
                    unanswered=key in self.unanswered,
                )
        return named

    def failure(self) -> dict[str, Any]:
        """What a DeliveryFailed (or a subclass saying it otherwise) says of this run."""
        return {
            "failures": self.failed,
            "sent": len(self.sent),
            "undeliverable": self.undeliverable,
            "unreachable": self.unreachable,
            "named": self.undelivered(),
            "unanswered": self.unanswered,
        }

    def raise_if_failed(self) -> None:
        if self.failed or self.undeliverable:
            raise DeliveryFailed(**self.failure())


def _assignment_statuses(session: Session, rows: Sequence[Outbox]) -> dict[int, str]:
    ids = {i for row in rows if row.kind in ONLY_WHILE_OPEN for i in assignments_of(row)}
    if not ids:
        return {}
    statement = select(Assignment.id, Assignment.status).where(col(Assignment.id).in_(ids))
    return {id_: status for id_, status in session.exec(statement).all() if id_ is not None}


def _still_wanted(row: Outbox, statuses: dict[int, str]) -> str | None:
    """Why `row` should no longer be sent, or None if it should. One invitation to several
    plans is sent while any of them is open (#13 follow-up: it went with its first plan)."""
    ids = assignments_of(row)
    if row.kind not in ONLY_WHILE_OPEN or not ids:
        return None
    found = [statuses[i] for i in ids if i in statuses]
    if not found:
        return "the assignment no longer exists"
    if any(status in {s.value for s in OPEN} for status in found):
        return None
    return f"the assignment is now '{found[0]}'"


def pending_ids(session: Session, round_id: int | None = None) -> list[int]:
    statement = select(col(Outbox.id)).where(Outbox.status == OutboxStatus.pending.value)
    if round_id is not None:
        statement = statement.where(Outbox.round_id == round_id)
    # A stored row's id is never None; the column's Python type says so only for unsaved rows.
    return [i for i in session.exec(statement.order_by(col(Outbox.id))) if i is not None]


#: Rows claimed per transaction. A crash after a claim costs nothing (a claimed row is still
#: pending and is sent by the next run); marking stays per message, so a crash duplicates at most
#: the one message that was on the wire.
CLAIM_BATCH = 50


@dataclass
class _Claimed:
    id: int
    key: str
    kind: str
    recipient: str
    language: str
    reason: str
    round_id: int | None
    message_id: str
    message: EmailMessage
    #: The body as kept once sent (no personal link); the row's body cannot change while it is
    #: claimed (one deliverer at a time), so marking it sent needs no read.
    sent_body: str


def deliver(
    engine: Engine,
    settings: Settings,
    *,
    now: datetime | None = None,
    round_id: int | None = None,
    actor: str = "system",
    raise_on_failure: bool = True,
) -> DeliveryReport:
    """Send every pending message. Raises DeliveryFailed after trying them all if any failed
    (unless `raise_on_failure` is False: then the report lists the failures)."""
    report = DeliveryReport()
    with one_deliverer(engine, settings) as mine:
        if not mine:
            report.busy = True  # the running deliverer or the next run sends them
            return report
        with session_scope(engine) as session:
            ids = pending_ids(session, round_id)
        if not ids:
            return report
        with smtp.Connection(settings) as connection:
            for start in range(0, len(ids), CLAIM_BATCH):
                for claimed in _claim(
                    engine, settings, ids[start : start + CLAIM_BATCH], report, actor=actor
                ):
                    _send_and_mark(engine, claimed, connection, report, now=now, actor=actor)
            report.unreachable = connection.unreachable
    if report.failed or report.undeliverable:
        _name_the_undelivered(engine, report)
    if raise_on_failure:
        report.raise_if_failed()
    return report


def _name_the_undelivered(engine: Engine, report: DeliveryReport) -> None:
    """Look up who reviews which plan for each message not sent, so that the run says them
    by name (`DeliveryReport.undelivered`); read once, after sending, and only on a failure."""
    keys = [key for key, _ in [*report.failed, *report.undeliverable]]
    ids = [i for key in keys if key in report.about for i in report.about[key].assignments]
    if ids:
        with session_scope(engine) as session:
            report.reviewed = assignments_reviewed(session, ids)


#: Key of the PostgreSQL advisory lock held while delivering ("peerob"): the key deliverers had
#: before they used `review.claims`, kept so that one of an older version (another machine during
#: an upgrade) and one of this version never deliver at once.
_PG_LOCK_KEY = 0x7065_6572_6F62
#: How long a deliverer waits for another one to finish before leaving the rows to it.
LOCK_WAIT_SECONDS = 60.0


@contextmanager
def one_deliverer(engine: Engine, settings: Settings) -> Iterator[bool]:
    """Hold the outbox for one deliverer at a time (the hourly flow, a coordinator's command and
    the portal may all deliver). Yields False if another kept it for LOCK_WAIT_SECONDS. The claim
    (`review.claims`) dies with its process: a killed deliverer never blocks the next one."""
    # On SQLite (one machine) the claim is an flock on a file beside the database.
    database = engine.url.database or ""
    lock_path = (
        Path(database).with_name(Path(database).name + ".outbox-lock")
        if database and database != ":memory:"
        else settings.data_dir / "outbox.lock"
    )
    with claims.held(
        engine, "peerplan outbox", lock_path, wait=LOCK_WAIT_SECONDS, key=_PG_LOCK_KEY
    ) as got:
        yield got


def _claim(
    engine: Engine, settings: Settings, ids: list[int], report: DeliveryReport, *, actor: str
) -> list[_Claimed]:
    """Cancel the rows that became pointless and claim the others (count the attempt), in one
    transaction. `one_deliverer` makes sure nobody else is claiming at the same time."""
    claimed: list[_Claimed] = []
    with session_scope(engine) as session:
        rows = session.exec(
            select(Outbox)
            .where(
                col(Outbox.id).in_(ids),
                Outbox.status == OutboxStatus.pending.value,
            )
            .order_by(col(Outbox.id))
        ).all()
        statuses = _assignment_statuses(session, rows)
        keep: list[Outbox] = []
        for row in rows:
            report.about[row.key] = Addressed(
                row.recipient, row.subject, row.kind, tuple(assignments_of(row)), row.round_id
            )
            why_not = _still_wanted(row, statuses)
            if not why_not:
                keep.append(row)
                continue
            row.status = OutboxStatus.cancelled.value
            row.last_error = f"cancelled: {why_not}"
            session.add(row)
            events.record(
                session,
                kind="outbox.cancelled",
                actor=actor,
                entity="outbox",
                entity_id=row.id,
                round_id=row.round_id,
                payload={"key": row.key, "kind": row.kind, "to": row.recipient, "why": why_not},
            )
            report.cancelled.append((row.key, why_not))
        if keep:
            session.execute(
                update(Outbox)
                .where(col(Outbox.id).in_([row.id for row in keep]))
                .values(attempts=Outbox.attempts + 1)
                .execution_options(synchronize_session=False)
            )
        for row in keep:
            try:
                message = build_email(row, settings)
            except Exception as exc:  # this message only: every other one still goes
                _mark_undeliverable(session, row, NOT_BUILT + _reason(exc), actor)
                report.undeliverable.append((row.key, row.last_error or ""))
                continue
            assert row.id is not None  # read from the database
            claimed.append(
                _Claimed(
                    row.id,
                    row.key,
                    row.kind,
                    row.recipient,
                    row.language,
                    row.reason,
                    row.round_id,
                    row.message_id,
                    message,
                    redact_links(row.body),
                )
            )
    return claimed


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _mark_undeliverable(session: Session, row: Outbox, reason: str, actor: str) -> None:
    """Mark `row` failed for good with its reason (shown by `peerplan outbox`, `peerplan status`
    and the digest) and record it in the audit log."""
    row.status = OutboxStatus.failed.value
    row.last_error = reason
    session.add(row)
    events.record(
        session,
        kind="outbox.failed",
        actor=actor,
        entity="outbox",
        entity_id=row.id,
        round_id=row.round_id,
        payload={"key": row.key, "kind": row.kind, "to": row.recipient, "why": reason},
    )


def _refused_for_good(exc: BaseException) -> bool:
    """True when sending `exc`'s message again cannot succeed: every recipient refused with a
    permanent (5xx) code, an address the server cannot take (SMTPUTF8), or a message smtplib
    itself cannot encode. A server that is down, busy or refusing everything stays retryable."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return True
    return isinstance(exc, (ValueError, TypeError, UnicodeError))


def _send_and_mark(
    engine: Engine,
    item: _Claimed,
    connection: Any,
    report: DeliveryReport,
    *,
    now: datetime | None,
    actor: str,
) -> None:
    # Sent outside any transaction: a slow server never holds a database lock.
    try:
        connection.send(item.message)
    except Exception as exc:  # SMTP refusal, connection refused, timeout: retried later
        error = _reason(exc)
        if getattr(connection, "unreachable", None):
            report.unanswered.add(item.key)
        with session_scope(engine) as session:
            if _refused_for_good(exc):
                row = session.get(Outbox, item.id)
                if row is not None:
                    _mark_undeliverable(session, row, f"refused: {error}", actor)
                    report.undeliverable.append((item.key, row.last_error or ""))
                    return
            session.execute(
                update(Outbox).where(col(Outbox.id) == item.id).values(last_error=error)
            )
        report.failed.append((item.key, error))
        return
    # A crash right here, after the server accepted and before the mark, is the one way to a
    # duplicate (same Message-ID); see the module docstring.
    with session_scope(engine) as session:
        session.execute(
            update(Outbox)
            .where(col(Outbox.id) == item.id)
            .values(
                status=OutboxStatus.sent.value,
                sent_at=now or utcnow(),
                last_error=None,
                body=item.sent_body,
            )
        )
        events.record(
            session,
            kind="outbox.sent",
            actor=actor,
            entity="outbox",
            entity_id=item.id,
            round_id=item.round_id,
            payload={
                "key": item.key,
                "kind": item.kind,
                "to": item.recipient,
                "language": item.language,
                "message_id": item.message_id,
                "reason": item.reason,
            },
        )
    report.sent.append(item.key)
