"""An outbox row as the email that goes out: headers made safe, attachments, the personal
link rendered into the body only now (a queued row holds a placeholder, review.tokens)."""

from __future__ import annotations

import logging
import mimetypes
from email.message import EmailMessage
from email.utils import format_datetime

from review import tokens
from review.config import Settings
from review.models import Outbox, utcnow
from review.notify.headers import header_value

log = logging.getLogger(__name__)


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
