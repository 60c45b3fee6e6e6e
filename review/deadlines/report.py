"""What a deadline run did: the messages it queued, the state changes, what needs the
coordinator; as plain text for the flow's log (the coordinator reads it in their language from
review.coordinator.artifacts: the artifact and the CLI's lines)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from review.i18n import N_, Listing, Message, Phrase, Plural


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
    #: What needs the coordinator, each a Phrase whose value `round` names its round (said in
    #: the reader's language by review.coordinator.artifacts and the round's digest).
    problems: list[Phrase] = field(default_factory=list)
    #: Messages whose window had passed but which were queued by an earlier run (not repeated).
    already: int = 0

    def add(self, line: Line) -> None:
        self.lines.append(line)

    @property
    def queued(self) -> list[Line]:
        return [line for line in self.lines if line.outcome == "queued"]

    def problems_of(self, round_name: str) -> list[Phrase]:
        return [p for p in self.problems if p.values.get("round") == round_name]

    def found_in(self, round_name: str, overdue: int) -> Found:
        """What this run found due in one round; `overdue`: its reviews overdue after the run."""
        sent = Counter(line.message for line in self.queued if line.round == round_name)
        released, replaced = sent["released_notice"], sent["replacement_invitation"]
        return Found(
            reminders=sent["reminder"],
            escalated=sent["escalation"],
            replaced=replaced,
            unreplaced=max(0, released - replaced),
            overdue=overdue,
        )

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


@dataclass(frozen=True)
class Found:
    """What a deadline check found in one round, counted: the round's progress says it instead
    of 'deadlines checked', which read the same whether reminders went out or nothing was due.
    Plain numbers, so that a flow can return them (flows/review_round.py says them again)."""

    reminders: int = 0
    #: Reviews that became overdue in this run: their reviewer was told, the coordinator alerted.
    escalated: int = 0
    #: Silent reviewers released, a backup invited in their place / none found.
    replaced: int = 0
    unreplaced: int = 0
    #: Reviews overdue after the run (those escalated now and earlier ones).
    overdue: int = 0

    def said(self) -> Message:
        """'deadlines checked: 2 reminders sent, 1 review is overdue', in any language."""
        # Each Plural written out: `make messages` finds only a call with its texts in it.
        counted = [
            Plural("%(num)s reminder sent", "%(num)s reminders sent", self.reminders),
            Plural(
                "%(num)s overdue review escalated to the coordinator",
                "%(num)s overdue reviews escalated to the coordinator",
                self.escalated,
            ),
            Plural(
                "%(num)s silent reviewer replaced",
                "%(num)s silent reviewers replaced",
                self.replaced,
            ),
            Plural(
                "%(num)s silent reviewer released without a backup",
                "%(num)s silent reviewers released without a backup",
                self.unreplaced,
            ),
        ]
        news = [plural for plural in counted if plural.n]
        overdue = Plural("%(num)s review is overdue", "%(num)s reviews are overdue", self.overdue)
        if not news:
            if not self.overdue:
                return Message(N_("deadlines checked: nothing was due"))
            return Phrase(
                N_("deadlines checked: nothing new was due, %(overdue)s"), overdue=overdue
            )
        # One list, ', ' between its parts: the round's progress puts '; ' between a run's steps.
        return Phrase(
            N_("deadlines checked: %(found)s"),
            found=Listing([*news, overdue] if self.overdue else news),
        )
