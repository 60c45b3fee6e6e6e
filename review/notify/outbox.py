"""The outbox: every message is a row before it is a mail, so each goes exactly once.

Writing: `enqueue` inserts one row per unique key (`<kind>:a<assignment>:<window>`), in the
caller's transaction, so that a message exists if and only if the change that causes it was
committed. A second enqueue of the same key is a no-op (INSERT ... ON CONFLICT DO NOTHING on both
SQLite and PostgreSQL: the caller's transaction is never poisoned by a duplicate).

Sending: `deliver` claims one pending row at a time, sends it, and marks it sent, each step in its
own short transaction. The guarantee after a crash:
- killed after the row was written and before it was sent: the next run sends it (once);
- killed after the SMTP server accepted it and before it was marked sent: the next run sends it
  again, with the same Message-ID, so mail clients and the test see one message id twice at most.
  At-least-once is the honest guarantee of any SMTP sender; the stable Message-ID makes the rare
  duplicate recognisable. Nothing is ever lost and a row marked sent is never sent again.
Messages that have become pointless (a reminder to someone who has since submitted, declined or
been released) are cancelled at send time, not sent.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from sqlalchemy import Engine, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from review import events
from review.config import Settings
from review.db import session_scope
from review.errors import PeerplanError
from review.models import Assignment, Outbox, OutboxStatus, utcnow
from review.states import OPEN

#: Kinds that only make sense while the assignment still owes a review; otherwise cancelled.
ONLY_WHILE_OPEN = frozenset(
    {"invitation", "replacement_invitation", "reminder", "overdue_notice", "escalation"}
)


class DeliveryFailed(PeerplanError):
    """The SMTP server refused or could not be reached for some messages; they stay pending."""

    def __init__(self, failures: list[tuple[str, str]], sent: int) -> None:
        self.failures = failures
        lines = "\n".join(f"  {key}: {error}" for key, error in failures[:20])
        more = f"\n  ... and {len(failures) - 20} more" if len(failures) > 20 else ""
        super().__init__(
            f"{len(failures)} message(s) could not be sent ({sent} sent); they stay in the outbox "
            f"and the next run retries them:\n{lines}{more}"
        )


def message_id_for(key: str, settings: Settings | None = None) -> str:
    """A stable Message-ID derived from the outbox key: a resent message keeps its id."""
    domain = "peerplan.invalid"
    if settings is not None:
        address = parseaddr(settings.mail_from)[1]
        if "@" in address:
            domain = address.rsplit("@", 1)[1] or domain
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}.peerplan@{domain}>"


def enqueue(
    session: Session,
    *,
    key: str,
    kind: str,
    recipient: str,
    language: str,
    subject: str,
    body: str,
    round_id: int | None,
    assignment_id: int | None = None,
    attachments: Iterable[dict[str, Any]] = (),
    reason: str = "",
    settings: Settings | None = None,
) -> Outbox | None:
    """Queue a message in the caller's transaction. Returns the new row, or None if a message
    with this key already exists (then nothing is written)."""
    values = dict(
        key=key,
        round_id=round_id,
        assignment_id=assignment_id,
        kind=kind,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
        message_id=message_id_for(key, settings),
        attachments=list(attachments),
        reason=reason,
        status=OutboxStatus.pending.value,
        attempts=0,
        created_at=utcnow(),
    )
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Outbox).values(**values).on_conflict_do_nothing(index_elements=["key"])
        .returning(Outbox.id)
    )
    new_id = session.execute(statement).scalar_one_or_none()
    if new_id is None:
        return None
    return session.get(Outbox, new_id)


def queued(session: Session, key: str) -> Outbox | None:
    return session.exec(select(Outbox).where(Outbox.key == key)).first()


# --- sending -------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    cancelled: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.sent)} sent, {len(self.cancelled)} cancelled, {len(self.failed)} failed"
        )


def build_email(row: Outbox, settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row.recipient
    message["Subject"] = row.subject
    message["Message-ID"] = row.message_id
    message["Date"] = format_datetime(utcnow())
    message["X-Peerplan-Kind"] = row.kind
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body)
    for attachment in row.attachments:
        path = settings.files_dir / attachment["path"]
        media_type = attachment.get("media_type") or (
            mimetypes.guess_type(attachment["filename"])[0] or "application/octet-stream"
        )
        maintype, _, subtype = media_type.partition("/")
        message.add_attachment(
            path.read_bytes(), maintype=maintype, subtype=subtype, filename=attachment["filename"]
        )
    # After the body and attachments: set_content/add_attachment move Content-* headers.
    message["Content-Language"] = row.language
    return message


def _still_wanted(session: Session, row: Outbox) -> str | None:
    """Why `row` should no longer be sent, or None if it should."""
    if row.kind not in ONLY_WHILE_OPEN or row.assignment_id is None:
        return None
    assignment = session.get(Assignment, row.assignment_id)
    if assignment is None:
        return "the assignment no longer exists"
    if assignment.status not in {s.value for s in OPEN}:
        return f"the assignment is now '{assignment.status}'"
    return None


def pending_ids(session: Session, round_id: int | None = None) -> list[int]:
    statement = select(Outbox.id).where(Outbox.status == OutboxStatus.pending.value)
    if round_id is not None:
        statement = statement.where(Outbox.round_id == round_id)
    return list(session.exec(statement.order_by(Outbox.id)))  # type: ignore[arg-type]


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
    from review.notify import smtp

    report = DeliveryReport()
    with session_scope(engine) as session:
        ids = pending_ids(session, round_id)
    if not ids:
        return report
    with smtp.Connection(settings) as connection:
        for row_id in ids:
            _deliver_one(engine, settings, row_id, connection, report, now=now, actor=actor)
    if report.failed and raise_on_failure:
        raise DeliveryFailed(report.failed, len(report.sent))
    return report


def _deliver_one(
    engine: Engine,
    settings: Settings,
    row_id: int,
    connection: Any,
    report: DeliveryReport,
    *,
    now: datetime | None,
    actor: str,
) -> None:
    # 1. Claim: bump `attempts` guarded by the value we saw, so that two deliverers running at
    #    once (the schedule and a coordinator's command) never both send a row.
    with session_scope(engine) as session:
        row = session.get(Outbox, row_id)
        if row is None or row.status != OutboxStatus.pending.value:
            return
        why_not = _still_wanted(session, row)
        if why_not:
            row.status = OutboxStatus.cancelled.value
            row.last_error = f"cancelled: {why_not}"
            session.add(row)
            events.record(
                session, kind="outbox.cancelled", actor=actor, entity="outbox", entity_id=row.id,
                round_id=row.round_id,
                payload={"key": row.key, "kind": row.kind, "to": row.recipient, "why": why_not},
            )
            report.cancelled.append((row.key, why_not))
            return
        claimed = session.execute(
            update(Outbox)
            .where(Outbox.id == row_id, Outbox.attempts == row.attempts,  # type: ignore[arg-type]
                   Outbox.status == OutboxStatus.pending.value)
            .values(attempts=row.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            return  # someone else is sending it
        message = build_email(row, settings)
        key, recipient, round_of_row, kind = row.key, row.recipient, row.round_id, row.kind
        message_id, reason, language = row.message_id, row.reason, row.language
    # 2. Send, outside any transaction: a slow server never holds a database lock.
    try:
        connection.send(message)
    except Exception as exc:  # SMTP refusal, connection refused, timeout: all retried later
        error = f"{type(exc).__name__}: {exc}"[:500]
        with session_scope(engine) as session:
            session.execute(
                update(Outbox).where(Outbox.id == row_id).values(last_error=error)  # type: ignore[arg-type]
            )
        report.failed.append((key, error))
        return
    # 3. Mark sent (a crash right before this line is the one way to a duplicate; see above).
    with session_scope(engine) as session:
        session.execute(
            update(Outbox)
            .where(Outbox.id == row_id)  # type: ignore[arg-type]
            .values(status=OutboxStatus.sent.value, sent_at=now or utcnow(), last_error=None)
        )
        events.record(
            session, kind="outbox.sent", actor=actor, entity="outbox", entity_id=row_id,
            round_id=round_of_row,
            payload={"key": key, "kind": kind, "to": recipient, "language": language,
                     "message_id": message_id, "reason": reason},
        )
    report.sent.append(key)


def counts(session: Session, round_id: int | None = None) -> dict[str, int]:
    statement = select(Outbox.status, func.count()).group_by(Outbox.status)
    if round_id is not None:
        statement = statement.where(Outbox.round_id == round_id)
    return {status: n for status, n in session.exec(statement)}
