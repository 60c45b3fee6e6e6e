"""What a deadline run did: the messages it queued, the state changes, what needs the
coordinator; as plain text for the flow's log (the coordinator reads it in their language from
review.coordinator.artifacts: the artifact and the CLI's lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Line:
    round: str
    assignment_id: int | None
    recipient: str
    message: str
    window: str
    outcome: str  # "queued", "skipped"
    reason: str  # a Message or Phrase where it can be said in the reader's language


@dataclass
class EscalationReport:
    now: datetime
    lines: list[Line] = field(default_factory=list)
    transitions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: Messages whose window had passed but which were queued by an earlier run (not repeated).
    already: int = 0

    def add(self, line: Line) -> None:
        self.lines.append(line)

    @property
    def queued(self) -> list[Line]:
        return [line for line in self.lines if line.outcome == "queued"]

    def text(self) -> str:
        out = [
            f"escalation at {self.now.isoformat(timespec='minutes')}: "
            f"{_counted(len(self.queued), 'message')} queued, "
            f"{_counted(len(self.transitions), 'state change')}, "
            f"{self.already} already queued earlier"
        ]
        out += [
            f"  {line.outcome:<15} {line.message:<22} {line.window:<5} to {line.recipient}: "
            f"{line.reason}"
            for line in self.lines
        ]
        out += [f"  state: {t}" for t in self.transitions]
        out += [f"  PROBLEM: {p}" for p in self.problems]
        return "\n".join(out)


def _counted(n: int, thing: str) -> str:
    """'1 message', '2 messages' (the Python log's English)."""
    return f"{n} {thing}" + ("" if n == 1 else "s")
