"""The outbox: every message is a row before it is a mail, so each goes exactly once.

Writing: `enqueue` inserts one row per unique key (`<kind>:a<assignment>:<window>`), in the
caller's transaction, so that a message exists if and only if the change that causes it was
committed. A second enqueue of the same key is a no-op (INSERT ... ON CONFLICT DO NOTHING on both
SQLite and PostgreSQL: the caller's transaction is never poisoned by a duplicate).

Sending is `review.notify.delivery`; what was sent keeps no personal link (`redact_links`), and a
message refused for good is listed by `undeliverable` (said by `review.notify.undelivered`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from review import tokens
from review.config import Settings
from review.errors import PeerplanError
from review.i18n import SOURCE_LANGUAGE, Count, Translator, translator
from review.models import Outbox, OutboxStatus, Round, table_of, utcnow

if TYPE_CHECKING:  # review.notify.undelivered reads the outbox: imported there at run time
    from review.notify.undelivered import Undelivered

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
        "plan_version",
    }
)


@dataclass(frozen=True)
class Addressed:
    """What a message handled in a delivery is, to say a failure in words a coordinator knows
    (its key, 'invitation_list:r3:a3', is the outbox's): to whom, its subject, its kind and
    the assignments it is about."""

    recipient: str
    subject: str
    kind: str = ""
    assignments: tuple[int, ...] = ()
    round_id: int | None = None


class DeliveryFailed(PeerplanError):
    """Some messages were not sent: `failures` stay pending (the SMTP server refused or could not
    be reached; the next run retries them), `undeliverable` are marked failed for good.
    `named` names each message as `peerplan status` does (`DeliveryReport.undelivered`: its
    kind, person, plan and rubric, and why); `unanswered` are the keys that failed because no
    server answered, said once as `unreachable`, not per message."""

    def __init__(
        self,
        failures: list[tuple[str, str]],
        sent: int,
        undeliverable: list[tuple[str, str]] | None = None,
        *,
        unreachable: str | None = None,
        named: dict[str, Undelivered] | None = None,
        unanswered: set[str] | None = None,
    ) -> None:
        self.failures = failures
        self.undeliverable = undeliverable or []
        self.sent, self.unreachable = sent, unreachable
        self.named, self.unanswered = named or {}, unanswered or set()
        super().__init__(self.text(SOURCE_LANGUAGE))

    def text(self, language: str) -> str:
        t = translator(language)
        parts = []
        if self.unreachable:
            # Said first and once: a new installation's first `invite` otherwise printed the
            # same connection error once per message and nothing about what to do.
            parts.append(unreachable_text(self.unreachable, t))
        if self.failures:
            parts.append(
                t.ngettext(
                    "%(n)s message could not be sent (%(sent)s sent); it stays in the outbox "
                    "and the next run retries it:",
                    "%(n)s messages could not be sent (%(sent)s sent); they stay in the "
                    "outbox and the next run retries them:",
                    len(self.failures),
                )
                % {"n": Count(len(self.failures)).said(t), "sent": Count(self.sent).said(t)}
                + "\n"
                + self.listed(self.failures, t)
            )
        if self.undeliverable:
            parts.append(
                t.ngettext(
                    "%(n)s message cannot be delivered and is marked failed (see `peerplan "
                    "outbox`; every other message went its way):",
                    "%(n)s messages cannot be delivered and are marked failed (see `peerplan "
                    "outbox`; every other message went its way):",
                    len(self.undeliverable),
                )
                % {"n": Count(len(self.undeliverable)).said(t)}
                + "\n"
                + self.listed(self.undeliverable, t)
            )
        return "\n".join(parts)

    def listed(self, items: list[tuple[str, str]], t: Translator) -> str:
        """A line a message, named as `peerplan status` names one ('Reminder to Rita Roth
        <r@example.org> for Altstadt (Technical review) was not sent: …'); the outbox's key
        only for a message not known by name."""
        lines = []
        for key, error in items[:20]:
            named = self.named.get(key)
            if named is not None:
                lines.append("  " + named.said(t.language))
            else:
                lines.append(f"  {key} – {failure_reason(key, error, self.unanswered, t)}")
        if len(items) > 20:
            more = t.gettext("... and %(n)s more") % {"n": Count(len(items) - 20).said(t)}
            lines.append("  " + more)
        return "\n".join(lines)


def failure_reason(key: str, error: str, unanswered: set[str], t: Translator) -> str:
    """Why a message did not go: no server answered (said once, beside the address tried), or
    the server's own words."""
    if key in unanswered:
        return t.gettext("no mail server answered")
    # smtplib's repr of the server's answer: "SMTPRecipientsRefused: {'a@b': (550, b'5.1.1 ...')}"
    answers = _SMTP_ANSWER.findall(error)
    if answers:
        said = "; ".join(f"{code} {text}" for code, text in answers)
        return t.gettext("the mail server refused it: %(answer)s") % {"answer": said}
    # review.notify.delivery's words for a message it could not build: its attachment is gone
    missing = _MISSING_FILE.search(error)
    if missing:
        return t.gettext("its attachment %(file)s is missing") % {"file": missing.group(1)}
    if error.startswith(NOT_BUILT):
        return t.gettext("it could not be built: %(error)s") % {
            "error": error.removeprefix(NOT_BUILT)
        }
    return error


_SMTP_ANSWER = re.compile(r"\((\d{3}), b['\"](.*?)['\"]\)")
_MISSING_FILE = re.compile(r"FileNotFoundError: \[Errno 2\] [^:]*: '(.*)'")
#: How review.notify.delivery begins the error of a message it could not build.
NOT_BUILT = "cannot be built: "


def unreachable_text(address: str, t: Translator) -> str:
    return t.gettext(
        "No SMTP server answers at %(address)s. Set PEERPLAN_SMTP_HOST and "
        "PEERPLAN_SMTP_PORT (README, Configuration), or run `peerplan serve`, which "
        "keeps every message in a local mailbox when no SMTP server is configured."
    ) % {"address": address}


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
    values = _row(
        key=key,
        kind=kind,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
        round_id=round_id,
        assignment_id=assignment_id,
        attachments=attachments,
        reason=reason,
        message_id=message_id_for(key, settings, round_salt(session, round_id)),
    )
    statement = _insert(session).values(**values).returning(col(Outbox.id))
    new_id = session.execute(statement).scalar_one_or_none()
    if new_id is None:
        return None
    return session.get(Outbox, new_id)


def _row(*, attachments: Iterable[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return dict(
        **fields,
        attachments=list(attachments),
        status=OutboxStatus.pending.value,
        attempts=0,
        created_at=utcnow(),
    )


def _insert(session: Session) -> Any:
    """INSERT ... ON CONFLICT (key) DO NOTHING in the session's dialect."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(OUTBOX_TABLE).on_conflict_do_nothing(index_elements=["key"])


#: The table itself, for one statement run for many rows.
OUTBOX_TABLE = table_of(Outbox)


class Pending:
    """Messages of one round queued in the caller's transaction and written together by
    `write` (one INSERT executed for every row) instead of a statement or three per message:
    `invite` queues thousands in a large round. `queued` answers from the round's keys, read
    once, so a message that exists is not rendered again; ON CONFLICT DO NOTHING still keeps
    each key to one row (a concurrent run's). Same rows, same exactly-once as `enqueue`."""

    def __init__(self, session: Session, settings: Settings | None, round_id: int) -> None:
        self.session, self.settings, self.round_id = session, settings, round_id
        self.rows: list[dict[str, Any]] = []
        self._keys: set[str] | None = None
        self._salt = round_salt(session, round_id)

    def queued(self, key: str) -> bool:
        if self._keys is None:
            in_round = select(Outbox.key).where(Outbox.round_id == self.round_id)
            self._keys = set(self.session.exec(in_round))
        return key in self._keys

    def add(
        self,
        *,
        key: str,
        round_id: int | None,
        attachments: Iterable[dict[str, Any]] = (),
        **fields: Any,
    ) -> None:
        """A message as `enqueue` takes it; written by `write`. Nothing for a key queued."""
        assert round_id == self.round_id, "a Pending batch holds one round's messages"
        if self.queued(key):
            return
        assert self._keys is not None
        self._keys.add(key)
        self.rows.append(
            _row(
                key=key,
                round_id=round_id,
                attachments=attachments,
                message_id=message_id_for(key, self.settings, self._salt),
                **fields,
            )
        )

    def write(self) -> int:
        """Insert the messages added (in the caller's transaction); returns how many."""
        if self.rows:
            self.session.execute(_insert(self.session), self.rows)
        written, self.rows = len(self.rows), []
        return written


def assignments_of(row: Outbox) -> list[int]:
    """The assignments a message is about: its own, or for one invitation to several plans
    every plan whose link it carries (the placeholders name them, review.tokens)."""
    ids = [row.assignment_id] if row.assignment_id is not None else []
    if row.kind == "invitation_list":
        linked = [int(s[1:]) for s, _ in tokens.PLACEHOLDER.findall(row.body) if s[:1] == "a"]
        ids = linked or ids
    return ids


def queued(session: Session, key: str) -> Outbox | None:
    return session.exec(select(Outbox).where(Outbox.key == key)).first()


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


def counts(session: Session, round_id: int | None = None) -> dict[str, int]:
    statement = select(Outbox.status, func.count()).group_by(Outbox.status)
    if round_id is not None:
        statement = statement.where(Outbox.round_id == round_id)
    return {status: n for status, n in session.exec(statement)}
