"""Render a message in the recipient's language and queue it in the CALLER's transaction (see
review.notify.outbox), so the message exists if and only if the caller's change commits. Queuing
the same message twice (same key) queues nothing the second time. Every notice goes through
`queue`; so do the digest and the meeting invitations."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from review.config import Settings
from review.models import Outbox
from review.notify import outbox
from review.notify.messages import render


def queue(
    session: Session,
    settings: Settings,
    *,
    key: str,
    kind: str,
    recipient: str,
    language: str,
    round_id: int | None,
    assignment_id: int | None,
    reason: str,
    attachments: list[dict[str, str]] | None = None,
    into: outbox.Pending | None = None,
    **context: Any,
) -> Outbox | None:
    """Render `kind` in `language` and queue it under `key` (no-op if the key exists). `into`:
    the message is added to that batch (written by `into.write()`), and None returned.
    (`into`, not `pending`: the digest's template has a `pending`.)"""
    if queued(session, key, into):
        return None  # skip rendering (and building attachments) for a message that exists
    subject, body = render(kind, language, **context)
    message: dict[str, Any] = dict(
        key=key,
        kind=kind,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
        round_id=round_id,
        assignment_id=assignment_id,
        attachments=attachments or (),
        reason=reason,
    )
    if into is not None:
        into.add(**message)
        return None
    return outbox.enqueue(session, **message, settings=settings)


def queued(session: Session, key: str, pending: outbox.Pending | None = None) -> bool:
    """Whether a message with `key` exists (in the outbox, or in `pending`'s batch)."""
    if pending is not None:
        return pending.queued(key)
    return outbox.queued(session, key) is not None
