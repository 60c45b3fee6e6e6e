"""The outbox: every message is a row before it is a mail, so each goes exactly once.

Writing: `enqueue` inserts one row per unique key (`<kind>:a<assignment>:<window>`), in the
caller's transaction, so that a message exists if and only if the change that causes it was
committed. A second enqueue of the same key is a no-op (INSERT ... ON CONFLICT DO NOTHING on both
SQLite and PostgreSQL: the caller's transaction is never poisoned by a duplicate).

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

import fcntl
import hashlib
import logging
import mimetypes
import re
import smtplib
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from review import events, tokens
from review.config import Settings
from review.db import get_engine, session_scope
from review.errors import PeerplanError
from review.i18n import translator
from review.models import Assignment, Outbox, OutboxStatus, Round, utcnow
from review.notify import smtp
from review.notify.headers import header_value
from review.states import OPEN

log = logging.getLogger(__name__)

#: Kinds that only make sense while the assignment still owes a review; otherwise cancelled.
ONLY_WHILE_OPEN = frozenset(
    {
        "invitation",
        "invitation_list",
        "replacement_invitation",
        "reminder",
        "overdue_notice",
        "escalation",
    }
)


class DeliveryFailed(PeerplanError):
    """Some messages were not sent: `failures` stay pending (the SMTP server refused or could not
    be reached; the next run retries them), `undeliverable` are marked failed for good."""

    def __init__(
        self,
        failures: list[tuple[str, str]],
        sent: int,
        undeliverable: list[tuple[str, str]] | None = None,
    ) -> None:
        self.failures = failures
        self.undeliverable = undeliverable or []
        parts = []
        if failures:
            parts.append(
                f"{len(failures)} message(s) could not be sent ({sent} sent); they stay in the "
                f"outbox and the next run retries them:\n{_listed(failures)}"
            )
        if self.undeliverable:
            parts.append(
                f"{len(self.undeliverable)} message(s) cannot be delivered and are marked failed "
                f"(see `peerplan outbox`; every other message went its way):\n"
                f"{_listed(self.undeliverable)}"
            )
        super().__init__("\n".join(parts))


def _listed(items: list[tuple[str, str]]) -> str:
    lines = "\n".join(f"  {key}: {error}" for key, error in items[:20])
    return lines + (f"\n  ... and {len(items) - 20} more" if len(items) > 20 else "")


def message_id_for(key: str, settings: Settings | None = None, salt: str = "") -> str:
    """A stable Message-ID derived from the outbox key: a resent message keeps its id.

    `salt` is the round's creation time: keys restart at `a1` in every new database (a demo run
    again, next year's installation), and a mail client that has seen a Message-ID before may hide
    the new message as a duplicate."""
    domain = "peerplan.invalid"
    if settings is not None:
        address = parseaddr(settings.mail_from)[1]
        if "@" in address:
            domain = address.rsplit("@", 1)[1] or domain
    digest = hashlib.sha256(f"{salt}|{key}".encode()).hexdigest()[:40]
    return f"<{digest}.peerplan@{domain}>"


def round_salt(session: Session, round_id: int | None) -> str:
    round_ = session.get(Round, round_id) if round_id is not None else None
    if round_ is None:
        return ""
    # Read back naive from SQLite, aware from PostgreSQL: the same instant either way.
    created = (
        round_.created_at.replace(tzinfo=None)
        if round_.created_at.tzinfo is None
        else round_.created_at.astimezone(UTC).replace(tzinfo=None)
    )
    return created.strftime("%Y%m%dT%H%M%S")


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
        message_id=message_id_for(key, settings, round_salt(session, round_id)),
        attachments=list(attachments),
        reason=reason,
        status=OutboxStatus.pending.value,
        attempts=0,
        created_at=utcnow(),
    )
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Outbox)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(Outbox.id))
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
    failed: list[tuple[str, str]] = field(default_factory=list)  # still pending: retried
    undeliverable: list[tuple[str, str]] = field(default_factory=list)  # marked failed for good
    busy: bool = False  # another deliverer held the outbox: nothing done, nothing lost

    def summary(self) -> str:
        busy = " (another delivery was running: left to it)" if self.busy else ""
        bad = f", {len(self.undeliverable)} undeliverable" if self.undeliverable else ""
        return (
            f"{len(self.sent)} sent, {len(self.cancelled)} cancelled, {len(self.failed)} failed"
            + bad
            + busy
        )

    def raise_if_failed(self) -> None:
        if self.failed or self.undeliverable:
            raise DeliveryFailed(self.failed, len(self.sent), self.undeliverable)


def build_email(row: Outbox, settings: Settings) -> EmailMessage:
    """The message of `row`. Every header value passes `header_value` (user text reaches the
    subject and the attachments' file names); raises if the message still cannot be built."""
    message = EmailMessage()
    message["From"] = header_value(settings.mail_from)
    message["To"] = header_value(row.recipient)
    message["Subject"] = header_value(row.subject)
    message["Message-ID"] = header_value(row.message_id)
    message["Date"] = format_datetime(utcnow())
    message["X-Peerplan-Kind"] = header_value(row.kind)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body_as_sent(row.body, settings))
    for attachment in row.attachments:
        path = settings.files_dir / attachment["path"]
        media_type = attachment.get("media_type") or (
            mimetypes.guess_type(attachment["filename"])[0] or "application/octet-stream"
        )
        maintype, _, subtype = media_type.partition("/")
        message.add_attachment(
            path.read_bytes(),
            maintype=maintype,
            subtype=subtype,
            filename=header_value(attachment["filename"]),
        )
    # After the body and attachments: set_content/add_attachment move Content-* headers.
    message["Content-Language"] = header_value(row.language)
    # Rendering now, not at sending: a header the email package refuses fails this message here.
    message.as_bytes()
    return message


def body_as_sent(body: str, settings: Settings) -> str:
    """The body as sent: each personal link's placeholder replaced by its token, derived from
    the link key now (review.tokens); the stored body never holds the token."""
    if not tokens.PLACEHOLDER.search(body):
        return body
    return tokens.render_links(body, tokens.link_key(settings))


def _assignment_statuses(session: Session, rows: Sequence[Outbox]) -> dict[int, str]:
    ids = {
        row.assignment_id
        for row in rows
        if row.kind in ONLY_WHILE_OPEN and row.assignment_id is not None
    }
    if not ids:
        return {}
    statement = select(Assignment.id, Assignment.status).where(col(Assignment.id).in_(ids))
    return {id_: status for id_, status in session.exec(statement).all() if id_ is not None}


def _still_wanted(row: Outbox, statuses: dict[int, str]) -> str | None:
    """Why `row` should no longer be sent, or None if it should."""
    if row.kind not in ONLY_WHILE_OPEN or row.assignment_id is None:
        return None
    status = statuses.get(row.assignment_id)
    if status is None:
        return "the assignment no longer exists"
    if status not in {s.value for s in OPEN}:
        return f"the assignment is now '{status}'"
    return None


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
    if raise_on_failure:
        report.raise_if_failed()
    return report


#: Key of the PostgreSQL advisory lock held while delivering ("peerplan outbox").
_PG_LOCK_KEY = 0x7065_6572_6F62
#: How long a deliverer waits for another one to finish before leaving the rows to it.
LOCK_WAIT_SECONDS = 60.0


@contextmanager
def one_deliverer(engine: Engine, settings: Settings) -> Iterator[bool]:
    """Hold the outbox for one deliverer at a time (the hourly flow, a coordinator's command and
    the portal may all deliver). Yields False if another kept it for LOCK_WAIT_SECONDS. The lock
    dies with its process: a killed deliverer never blocks the next one."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = False
            while not got:
                got = bool(
                    conn.execute(
                        text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY}
                    ).scalar()
                )
                conn.commit()
                if not got and time.monotonic() > deadline:
                    break
                if not got:
                    time.sleep(0.2)
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
                    conn.commit()
        return
    # SQLite lives on one machine: an flock on a file beside the database.
    database = engine.url.database or ""
    lock_path = (
        Path(database).with_name(Path(database).name + ".outbox-lock")
        if database and database != ":memory:"
        else settings.data_dir / "outbox.lock"
    )
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        got = False
        while not got:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                got = True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        try:
            yield got
        finally:
            if got:
                fcntl.flock(handle, fcntl.LOCK_UN)


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
                _mark_undeliverable(session, row, f"cannot be built: {_reason(exc)}", actor)
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
        body = session.exec(select(Outbox.body).where(Outbox.id == item.id)).one()
        session.execute(
            update(Outbox)
            .where(col(Outbox.id) == item.id)
            .values(
                status=OutboxStatus.sent.value,
                sent_at=now or utcnow(),
                last_error=None,
                body=redact_links(body),
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


#: A personal link's token in a message body (reviewer `/r/...`, municipality `/m/...`).
PERSONAL_LINK = re.compile(r"(/[rm]/)[A-Za-z0-9_\-]{16,}")


def redact_links(body: str) -> str:
    """The body as kept once sent: tokens are stored only as hashes, so a sent message must not
    keep one either (a database dump would open the reviewer's portal). A queued invitation holds
    only its link's placeholder (review.tokens); a row queued before #17 may still hold a token."""
    body = tokens.PLACEHOLDER.sub("[link sent by email]", body)
    return PERSONAL_LINK.sub(r"\1[link sent by email]", body)


def undeliverable(session: Session, round_id: int | None = None) -> list[Outbox]:
    """Messages marked failed for good, oldest first."""
    statement = select(Outbox).where(Outbox.status == OutboxStatus.failed.value)
    if round_id is not None:
        statement = statement.where(Outbox.round_id == round_id)
    return list(session.exec(statement.order_by(col(Outbox.id))))


def failure_line(key: str, to: str, why: str, language: str = "en") -> str:
    """A message marked failed, as a coordinator reads it (status, digest in the round's
    language); `why` is the mail server's own words."""
    return translator(language).gettext("message %(key)s to %(to)s was not sent: %(why)s") % {
        "key": key,
        "to": to,
        "why": why,
    }


def counts(session: Session, round_id: int | None = None) -> dict[str, int]:
    statement = select(Outbox.status, func.count()).group_by(Outbox.status)
    if round_id is not None:
        statement = statement.where(Outbox.round_id == round_id)
    return {status: n for status, n in session.exec(statement)}


# --- sending soon after a request ----------------------------------------------------------

_background_lock = threading.Lock()
_background_running = False
_background_again = False


def deliver_in_background(settings: Settings) -> None:
    """Send what is pending now without making the caller wait: for the portal, right after the
    request that queued a receipt or a replacement invitation has committed (otherwise those
    wait for the next hourly escalation run). One background sender per process; a call while it
    runs makes it look once more. Failures are only logged: the messages stay in the outbox and
    the scheduled run retries them and fails loudly."""
    global _background_running, _background_again
    with _background_lock:
        if _background_running:
            _background_again = True
            return
        _background_running = True
    threading.Thread(
        target=_background_loop, args=(settings,), name="peerplan-outbox", daemon=True
    ).start()


def _background_loop(settings: Settings) -> None:
    global _background_running, _background_again
    while True:
        try:
            report = deliver(get_engine(settings), settings, raise_on_failure=False)
            if report.failed or report.undeliverable:
                log.warning("outbox: %s; the next scheduled run retries", report.summary())
        except Exception:  # never let a background sender take the portal down
            log.exception("outbox: background delivery failed; the next scheduled run retries")
        with _background_lock:
            if not _background_again:
                _background_running = False
                return
            _background_again = False
