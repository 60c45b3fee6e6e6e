"""The pieces the structure is made of: spans of text with the role that keeps them out of the
evidence, a unit's lines with their offsets, and the sentence around a match."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from review.intake.document import Unit

# Roles of text that is not the plan's own; evidence is never taken from them.
TOC = "toc"
RUNNING = "running"  # a header, footer or page number repeated on many pages
GUIDANCE = "guidance"
FUNDING = "funding"
DISCLAIMER = "disclaimer"
ROLES = (TOC, RUNNING, GUIDANCE, FUNDING, DISCLAIMER)

_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")
MAX_SENTENCE = 600


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    role: str


Line = tuple[int, int, str]  # start, end, stripped text


def lines_of(text: str) -> list[Line]:
    out, at = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((at + lead, at + lead + len(stripped), stripped))
        at += len(raw) + 1
    return out


def edge_lines(text: str, n: int = 2) -> list[Line]:
    """The first and the last n non-empty lines (start, end, text), without splitting the rest."""
    first: list[Line] = []
    at = 0
    while len(first) < n and at <= len(text):
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        if stripped := text[at:end].strip():
            lead = len(text[at:end]) - len(text[at:end].lstrip())
            first.append((at + lead, at + lead + len(stripped), stripped))
        at = end + 1
    last: list[Line] = []
    end = len(text)
    while len(last) < n and end > at - 1 and end > 0:
        start = text.rfind("\n", 0, end) + 1
        if stripped := text[start:end].strip():
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            last.append((start + lead, start + lead + len(stripped), stripped))
        end = start - 1
    seen = {line[0] for line in first}
    return first + [line for line in reversed(last) if line[0] not in seen]


class LazyLines:
    """Each unit's lines, split when first asked for."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self.cache: dict[int, list[Line]] = {}

    def __getitem__(self, i: int) -> list[Line]:
        if i not in self.cache:
            self.cache[i] = lines_of(self.units[i].text)
        return self.cache[i]


def lower_same_offsets(text: str) -> str:
    """Lower case with the same offsets (a rare letter whose lower case is longer stays)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lowered


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a match: from the end of the previous sentence to the end of this
    one, at most MAX_SENTENCE characters each side."""
    a = max(0, start - MAX_SENTENCE)
    before = [m.end() for m in _SENTENCE_END.finditer(text, a, start)]
    s = before[-1] if before else a
    after = _SENTENCE_END.search(text, end, min(len(text), end + MAX_SENTENCE))
    e = after.end() if after else min(len(text), end + MAX_SENTENCE)
    while s < start and text[s].isspace():
        s += 1
    return s, e


def blank(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    for span in spans:
        # Every character of the span a space, its line breaks kept: by str methods in C, not
        # a Python step per character (61,000 characters in the bench's 50 plans).
        gap = "\n".join(" " * len(line) for line in text[span.start : span.end].split("\n"))
        text = text[: span.start] + gap + text[span.end :]
    return text
