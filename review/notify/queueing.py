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
    **context: Any,
) -> Outbox | None:
    """Render `kind` in `language` and queue it under `key` (no-op if the key exists)."""
    if outbox.queued(session, key) is not None:
        return None  # skip rendering (and building attachments) for a message that exists
    subject, body = render(kind, language, **context)
    return outbox.enqueue(
        session,
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
        settings=settings,
    )
