"""A wall-clock budget shared by every solve of one assignment, and its progress lines.

A progress line is a `Phrase`: the log keeps its English text (for developers), the coordinator
reads it in the round's language (`peerplan assign` prints it, the flow logs it)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from review.i18n import N_, Figure, Message, Phrase

logger = logging.getLogger("review.assignment")

Progress = Callable[[str], None]

#: Seconds a solve may take unless the caller says otherwise.
DEFAULT_BUDGET = 60.0
#: A large problem's answer is good enough, and the solver stops, once its proven gap is at most
#: this (0.01 %); small problems are always solved to a proven optimum.
DEFAULT_GAP = 0.0001


class Budget:
    """Seconds left of a wall-clock budget that started when this was made (None: no limit).
    Each solver call is handed `left()` as its own time limit; nothing is checked in between."""

    def __init__(
        self, seconds: float | None, progress: Progress | None = None, gap: float = 0.0
    ) -> None:
        self.seconds = seconds
        self.gap = gap  # the proven gap that is good enough to stop early
        self.started = time.monotonic()
        self._progress = progress

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def left(self) -> float | None:
        if self.seconds is None:
            return None
        return max(self.seconds - self.elapsed(), 0.0)

    def spent(self) -> bool:
        left = self.left()
        return left is not None and left <= 0.0

    def say(self, message: str) -> None:
        """A progress line (a `Phrase`), prefixed with the seconds spent so far."""
        line = Phrase(
            N_("assignment %(seconds)s s: %(step)s"),
            seconds=Figure(self.elapsed(), 1),
            step=message,
        )
        logger.info(line)
        if self._progress is not None:
            self._progress(line)


#: A solve's outcome as the progress lines name it (HiGHS's other states keep their name).
SOLVER_STATES = {
    "optimal": N_("optimal"),
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "time limit": N_("time limit"),
    "timeout": N_("out of time"),
}


def solver_state(status: str) -> Message:
    return Message(SOLVER_STATES.get(status, status))
