"""The local mailbox as the round page shows it: the `.eml` files `peerplan serve` keeps in
`<data dir>/mailbox` when no SMTP server is configured (review.mailsink), those of one round.

A message belongs to a round when its Message-ID is one of the round's outbox rows (the mailbox
is shared by every round of the installation). Names are checked before a file is opened, so
nothing outside the mailbox can be read through this."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path

from sqlmodel import Session, select

from review.config import Settings
from review.errors import NotFound
from review.i18n import N_
from review.models import Outbox, Round

_NAME = re.compile(r"^[0-9]{1,9}\.eml$")


@dataclass(frozen=True)
class Mail:
    name: str  # the .eml file's name, for its page
    subject: str
    to: str
    date: str
    kind: str  # the outbox's kind: invitation, reminder, ...
    body: str = ""
    attachments: list[str] = field(default_factory=list)


def mailbox_folder(settings: Settings) -> Path:
    return settings.data_dir / "mailbox"


#: The newest messages the round page lists: a round of 1,000 plans leaves thousands, each with
#: its Word form attached; the page would read them all at every visit.
SHOWN = 200
#: How much of a message's start is read for its headers (they are a few hundred bytes).
HEAD_BYTES = 16_384


@dataclass(frozen=True)
class RoundMail:
    """The newest of a round's messages (at most `SHOWN`), and whether older ones were left."""

    messages: list[Mail]
    more: bool


def round_mail(session: Session, settings: Settings, round_: Round) -> RoundMail:
    """The round's messages in the local mailbox, newest first (headers only: each file's
    first bytes, not its attachments)."""
    kinds = _kinds(session, round_)
    out: list[Mail] = []
    for path in sorted(mailbox_folder(settings).glob("*.eml"), reverse=True):
        if not _NAME.match(path.name):
            continue
        message = _parse_head(path)
        kind = kinds.get(str(message.get("Message-ID", "")).strip())
        if kind is None:
            continue
        if len(out) == SHOWN:
            return RoundMail(out, more=True)
        out.append(_mail(path.name, message, kind, full=False))
    return RoundMail(out, more=False)


def read_mail(session: Session, settings: Settings, round_: Round, name: str) -> Mail:
    """One of the round's messages with its text and attachment names."""
    path = mailbox_folder(settings) / name
    if not _NAME.match(name) or not path.is_file():
        raise NotFound(N_("no message '%(name)s' in the local mailbox"), name=name)
    message = _parse(path)
    kind = _kinds(session, round_).get(str(message.get("Message-ID", "")).strip())
    if kind is None:
        raise NotFound(
            N_("message '%(name)s' is not one of round '%(round)s'"), name=name, round=round_.name
        )
    return _mail(name, message, kind, full=True)


def _kinds(session: Session, round_: Round) -> dict[str, str]:
    rows = session.exec(
        select(Outbox.message_id, Outbox.kind).where(Outbox.round_id == round_.id)
    ).all()
    return {message_id.strip(): kind for message_id, kind in rows}


def _parse_head(path: Path) -> EmailMessage:
    """A message's headers alone: its first bytes up to the blank line that ends them."""
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    end = min((i for i in (head.find(b"\r\n\r\n"), head.find(b"\n\n")) if i >= 0), default=-1)
    if end >= 0:
        head = head[:end]
    message = BytesHeaderParser(policy=email.policy.default).parsebytes(head)
    assert isinstance(message, EmailMessage)
    return message


def _parse(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _mail(name: str, message: EmailMessage, kind: str, *, full: bool) -> Mail:
    body, attachments = "", []
    if full:
        part = message.get_body(preferencelist=("plain",))
        body = part.get_content() if part is not None else ""
        attachments = [a.get_filename() or "" for a in message.iter_attachments()]
    return Mail(
        name=name,
        subject=str(message.get("Subject", "")),
        to=str(message.get("To", "")),
        date=str(message.get("Date", "")),
        kind=kind,
        body=body,
        attachments=attachments,
    )
