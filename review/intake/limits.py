"""How much work one document may cost: pages, extracted text and CPU time (#17).

A 615 KB PDF of 4,000 text pages took 22.6 s of CPU, stored 53 MB of text and made its plan's
pages slow; a 146 KB DOCX of 450,000 short paragraphs kept a reader busy for minutes. The
readers take a `ReadingBudget` and report each page count and each piece of text to it; it
refuses the document with a clear `IntakeError` as soon as one limit is passed:
- `max_pages` (PEERPLAN_MAX_PAGES): checked from the page count before any text is extracted;
- `max_text_chars` (PEERPLAN_MAX_TEXT_CHARS): characters extracted (what the database keeps);
- `max_read_seconds` (PEERPLAN_MAX_READ_SECONDS): CPU seconds of the reading thread, checked
  after every page or paragraph (a thread's CPU time, so other uploads and a busy machine do
  not count against a document).
The memory of unpacking a DOCX is bounded separately, by `review.intake.safezip`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from review.config import Settings
from review.i18n import N_, Count
from review.intake.errors import IntakeError

#: Check the clock only every so many pieces of text: `thread_time` is a system call.
_CLOCK_EVERY = 16


class TooManyPages(IntakeError):
    code = "too-many-pages"

    def __init__(self, name: str, pages: int, limit: int) -> None:
        super().__init__(
            N_(
                "%(name)s has %(pages)s pages, more than the limit of %(limit)s "
                "(PEERPLAN_MAX_PAGES): send the plan without its annexes, or split it"
            ),
            name=name,
            pages=Count(pages),
            limit=Count(limit),
        )


class TooMuchText(IntakeError):
    code = "too-much-text"

    def __init__(self, name: str, limit: int) -> None:
        super().__init__(
            N_(
                "%(name)s holds more than %(limit)s characters of text (PEERPLAN_MAX_TEXT_CHARS), "
                "about %(mb)s MB of plain text: send the plan without its annexes, or split it"
            ),
            name=name,
            limit=Count(limit),
            mb=Count(limit // 1_000_000),
        )


class TooSlowToRead(IntakeError):
    code = "too-slow"

    def __init__(self, name: str, seconds: float) -> None:
        super().__init__(
            N_(
                "%(name)s took more than %(seconds)s s to read and was stopped "
                "(PEERPLAN_MAX_READ_SECONDS): save it again as PDF (print to PDF) and send that"
            ),
            name=name,
            seconds=f"{seconds:g}",
        )


@dataclass
class ReadingBudget:
    """Pages, characters and CPU seconds one document may still use (see the module docs)."""

    name: str
    max_pages: int
    max_chars: int
    max_seconds: float
    chars: int = 0
    #: CPU seconds spent outside the reading thread (OCR's child processes).
    spent_elsewhere: float = 0.0
    _pieces: int = 0
    _started: float = field(default_factory=time.thread_time)

    @classmethod
    def for_document(cls, name: str, settings: Settings) -> ReadingBudget:
        return cls(
            name,
            max_pages=settings.max_pages,
            max_chars=settings.max_text_chars,
            max_seconds=settings.max_read_seconds,
        )

    @classmethod
    def unlimited(cls, name: str) -> ReadingBudget:
        return cls(name, max_pages=2**62, max_chars=2**62, max_seconds=float("inf"))

    def pages(self, count: int) -> int:
        """Refuse a document of more than `max_pages` pages; returns `count`."""
        if count > self.max_pages:
            raise TooManyPages(self.name, count, self.max_pages)
        return count

    def text(self, piece: str) -> str:
        """Count a page's or paragraph's text; returns it, or refuses the document."""
        self.chars += len(piece)
        if self.chars > self.max_chars:
            raise TooMuchText(self.name, self.max_chars)
        self._pieces += 1
        if self._pieces % _CLOCK_EVERY == 0:
            self.check_time()
        return piece

    def seconds_left(self) -> float:
        return self.max_seconds - (time.thread_time() - self._started) - self.spent_elsewhere

    def spend(self, seconds: float) -> None:
        """Charge CPU seconds used by a child process (OCR) to this document."""
        self.spent_elsewhere += seconds

    def check_time(self) -> None:
        if self.seconds_left() < 0:
            raise TooSlowToRead(self.name, self.max_seconds)
