"""Sending a message over SMTP (smtplib), configured by peerplan's settings or a Prefect block.

Two ways to configure the server:
- `smtp_host`, `smtp_port`, `smtp_username`, `smtp_password`, `smtp_security` ('none',
  'starttls', 'ssl') in peerplan's settings (environment or peerplan.toml). The default, and the
  only way that works without a Prefect server (the CLI, the portal, tests).
- `smtp_block`: the name of a prefect-email `EmailServerCredentials` block. Then the server,
  port, security and login come from the block, so a coordinator can change them in the Prefect
  UI. We only take the connected `smtplib.SMTP` from `block.get_server()`; we never use
  prefect-email's `email_send_message` task, because it builds its own message and so its own
  Message-ID, and the outbox's exactly-once guarantee depends on our stable Message-ID.

One `Connection` is opened lazily per delivery run and reopened once if the server dropped it.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from types import TracebackType

from review.config import Settings
from review.errors import InvalidInput
from review.i18n import N_

SECURITY = ("none", "starttls", "ssl")


def open_server(settings: Settings) -> smtplib.SMTP:
    """A connected (and, if configured, logged-in) SMTP client."""
    if settings.smtp_block:
        from prefect_email import (  # noqa: PLC0415 (it imports Prefect, seconds; only a Prefect block needs it)
            EmailServerCredentials,
        )

        block = EmailServerCredentials.load(settings.smtp_block)
        return block.get_server()
    security = settings.smtp_security.lower()
    if security not in SECURITY:
        raise InvalidInput(
            N_("smtp_security must be one of %(known)s, not '%(value)s'"),
            known=", ".join(SECURITY),
            value=settings.smtp_security,
        )
    if security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=settings.smtp_timeout,
            context=ssl.create_default_context(),
        )
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if settings.smtp_username:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
        server.login(settings.smtp_username, password)
    return server


class Connection:
    """A lazily opened SMTP connection for one delivery run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._server: smtplib.SMTP | None = None
        # A server that could not be reached once in this run is not tried again for every
        # message (each would wait for the timeout); the messages stay pending for the next run.
        self._unreachable: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        """Hand `message` to the server; raises if the server refuses it or cannot be reached.
        The message's own headers (Message-ID above all) are sent as they are."""
        try:
            self._connected().send_message(message)
        except smtplib.SMTPServerDisconnected:
            self.close()
            self._connected().send_message(message)
        except (OSError, smtplib.SMTPException):
            # A refused message can leave the session in a state the next message should not
            # inherit: start the next one on a fresh connection.
            self.close()
            raise

    def _connected(self) -> smtplib.SMTP:
        if self._unreachable is not None:
            raise self._unreachable
        if self._server is None:
            try:
                self._server = open_server(self.settings)
            except OSError as exc:
                self._unreachable = exc
                raise
        return self._server

    @property
    def unreachable(self) -> str | None:
        """Where the server was tried when it could not be reached in this run ('host:port',
        or the Prefect block's name), else None."""
        if self._unreachable is None:
            return None
        if self.settings.smtp_block:
            return f"the SMTP server of the Prefect block '{self.settings.smtp_block}'"
        return f"{self.settings.smtp_host}:{self.settings.smtp_port}"

    def close(self) -> None:
        if self._server is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._server.quit()
            self._server = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
