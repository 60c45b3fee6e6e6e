"""Helpers the fact readers share: sentences of the plan's own text, years, percentages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from review.intake.document import Heading, Unit
from review.intake.markup import plain_text
from review.intake.scan import anchored_finditer, spots_in, units_with

SNIPPET_CHARS = 90
# A sentence ends at . ! ? ; (not after "i.e.", "e.g.", "z.B.", "d.h.", "ca.", "vs.", "bzw.",
# "Nr."), at an empty line, at a table cell's border, or before a bullet.
_SENTENCE_END = re.compile(
    # The abbreviations are checked only where a full stop stands (a lookbehind first in the
    # pattern would run at every character).
    r"[.!?;](?<!\bi\.e\.)(?<!\be\.g\.)(?<!\bz\.b\.)(?<!\bd\.h\.)(?<!\bd\.)(?<!\bd\. h\.)"
    r"(?<!\bca\.)(?<!\bvs\.)(?<!\bbzw\.)"
    r"(?<!\bnr\.)(?<!\bno\.)(?<!\bapprox\.)(?<!\betc\.)(?=\s)|\n\s*\n|\s\|\s|\n(?=[-•–*#]\s)",
    re.IGNORECASE,
)
MAX_SENTENCE = 500


@dataclass(frozen=True)
class Sentence:
    unit: Unit  # the unit as evidence names it (its text: the plan's own, blanked elsewhere)
    index: int  # the unit's position in the document
    start: int
    end: int
    text: str  # lower-cased, whitespace collapsed


def sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around text[start:end]: from the end of the previous sentence (or a table
    cell's border) to the end of this one, at most MAX_SENTENCE characters each side."""
    a = max(0, start - MAX_SENTENCE)
    s = _last_end(text, a, start)
    after = _SENTENCE_END.search(text, end, min(len(text), end + MAX_SENTENCE))
    e = after.start() + 1 if after else min(len(text), end + MAX_SENTENCE)
    while s < start and text[s] in " \n\t|":
        s += 1
    return s, e


NEAR = 120


def _last_end(text: str, a: int, start: int) -> int:
    """Where the last sentence end found between `a` and `start` ends (`a` if none): looked for
    in the last NEAR characters first. That finds the same last end as the whole stretch when
    it finds one and its start follows a character no end can span (not a space, not "|"):
    no end found from `a` then reaches across that start, so from there both searches meet the
    same ends."""
    lo = max(a, start - NEAR)
    while lo > a and (text[lo - 1].isspace() or text[lo - 1] == "|"):
        lo -= 1
    for first in (lo, a) if lo > a else (a,):
        ends = [m.end() for m in _SENTENCE_END.finditer(text, first, start)]
        if ends:
            return ends[-1]
    return a


def sentences_with(
    pattern: re.Pattern[str],
    units: list[tuple[Unit, str]],
    anchors: tuple[str, ...],
    may_count: Callable[[str, re.Match[str]], bool] | None = None,
    reach: int | None = None,
    first: re.Pattern[str] | None = None,
) -> Iterator[tuple[Sentence, re.Match[str]]]:
    """Each match of `pattern` in the lower-cased units, with its sentence. Units without any
    anchor are skipped before the regex runs; `may_count(text, match)`, when given, passes over
    a match whose sentence the caller would reject anyway (finding a sentence costs more than
    the caller's cheap tests: most percentages of a plan are no target). `reach`, when given:
    every match holds an anchor at most so far after its start (`anchored_finditer`, with
    `first`: the class of the character every match starts with)."""
    for index in units_with(units, anchors):
        unit, lowered = units[index]
        found = (
            pattern.finditer(lowered)
            if reach is None
            else anchored_finditer(
                pattern, lowered, anchors, reach, spots_in(units, anchors, index), first
            )
        )
        for m in found:
            if may_count is not None and not may_count(lowered, m):
                continue
            s, e = sentence_at(lowered, m.start(), m.end())
            yield Sentence(unit, index, s, e, " ".join(lowered[s:e].split())), m


def evidence(unit: Unit, start: int, end: int) -> dict[str, object]:
    """Where a fact stands: page (with its printed label) or paragraph/table, and a snippet."""
    out: dict[str, object] = {unit.kind: unit.number}
    label = getattr(unit, "label", None)
    if label is not None:
        out["page_label"] = label
    out["snippet"] = snippet(unit.text, start, end)
    return out


def snippet(text: str, start: int, end: int, around: int = SNIPPET_CHARS) -> str:
    a, b = max(0, start - around), min(len(text), end + around)
    # (as the plan means it, where a conversion left markup in its text: review.intake.markup)
    body = plain_text(" ".join(text[a:b].split()))
    return ("…" if a > 0 else "") + body + ("…" if b < len(text) else "")


YEAR = re.compile(r"(?<![\d.,/])(?:19[89]\d|20[0-6]\d)(?![\d%])")


def percent_value(raw: str) -> float | None:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if 0 < value <= 100 else None


MAX_CHAPTER_UNITS = 400


def chapter_units(
    units: list[tuple[Unit, str]], headings: Sequence[Heading], names: re.Pattern[str]
) -> list[int]:
    """Indexes of the units of the chapters whose heading `names` match: from each such heading
    to the next heading of the same or a higher level. (The inventory's chapter runs to the next
    template module instead; an action chapter's sub-headings "B-2.2: Individual action
    outlines" would end that early, so the actions keep the outline's levels.)"""
    position: dict[tuple[str, int | None], int] = {
        (u.kind, u.number): i for i, (u, _) in enumerate(units)
    }
    ordered = sorted(
        (h for h in headings if (h.kind, h.number) in position),
        key=lambda h: position[h.kind, h.number],
    )
    chosen: set[int] = set()
    for k, h in enumerate(ordered):
        if not names.search(h.title.lower()):
            continue
        start = position[h.kind, h.number]
        end = next(
            (
                position[n.kind, n.number]
                for n in ordered[k + 1 :]
                if n.level <= h.level and position[n.kind, n.number] > start
            ),
            len(units),
        )
        chosen.update(range(start, min(end, start + MAX_CHAPTER_UNITS)))
    return sorted(chosen)
