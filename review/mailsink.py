"""A local SMTP server that keeps every message it receives as an .eml file in a folder.

The demo runs one so that reminders, escalations and reassignment notices really go over SMTP
without a mail server; `Mailbox.messages()` reads back what arrived, in arrival order.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class _Handler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            number = next(self._counter)
        path = self.folder / f"{number:05d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


@dataclass
class Mailbox:
    folder: Path
    host: str
    port: int
    _controller: Controller

    def messages(self) -> list[EmailMessage]:
        out = []
        for path in sorted(self.folder.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            out.append(message)
        return out

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Mailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_mailbox(folder: Path, host: str = "127.0.0.1", port: int = 0) -> Mailbox:
    """Start the server on `port` (0: a free one) and return the running mailbox."""
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port(host)
    controller = Controller(_Handler(folder), hostname=host, port=port)
    controller.start()
    return Mailbox(folder=folder, host=host, port=port, _controller=controller)
