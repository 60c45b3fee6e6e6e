"""Shared pieces of the notify tests: a real SMTP server (aiosmtpd) and a small round."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from review.models import Assignment, utcnow
from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round


@dataclass
class Mailbox:
    """What the SMTP server received, parsed; `refuse` makes it answer 554 to every message."""

    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False
    on_data: object = None  # callable(message) run before the server answers; for crash tests
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 5.7.1 refused by the test"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        if self.on_data is not None:
            self.on_data(message)
        return "250 OK"

    def summary(self) -> list[tuple[str, str, str]]:
        """(recipient, kind, language) of each message, in arrival order."""
        return [(m["To"], m["X-Peerplan-Kind"], m["Content-Language"]) for m in self.messages]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_smtp(mailbox: Mailbox, port: int | None = None) -> Controller:
    # aiosmtpd 1.4 cannot start on port 0 (it connects to its own port to check it is up).
    controller = Controller(mailbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller


def small_round(session, *, due: date = date(2026, 12, 15), **kw):
    """A round with two municipalities, each with a plan, and reviewers of both rubrics."""
    round_ = make_round(session, due_date=due, coordinator_email="coord@example.org", **kw)
    a = make_municipality(session, round_, "Altstadt", contact_email="plan@altstadt.example")
    b = make_municipality(
        session, round_, "Bergdorf", language="en", contact_email="plan@bergdorf.example"
    )
    plans = {
        "Altstadt": make_plan(session, round_, a, title="Klimaschutzkonzept Altstadt"),
        "Bergdorf": make_plan(session, round_, b, title="SECAP Bergdorf"),
    }
    return round_, {"Altstadt": a, "Bergdorf": b}, plans


def approved_assignment(session, round_, plan, reviewer, rubric="technical", due=None):
    assignment = Assignment(
        round_id=round_.id,
        plan_id=plan.id,
        reviewer_id=reviewer.id,
        rubric=rubric,
        due_date=due or round_.due_date,
        approved_at=utcnow(),
    )
    session.add(assignment)
    session.flush()
    return assignment


__all__ = ["Mailbox", "start_smtp", "small_round", "approved_assignment", "make_reviewer"]
