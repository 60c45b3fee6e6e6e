"""Finding what a plan's rules look for by their anchors, the literals each match holds: which
units hold an anchor and where (`AnchorIndex`), and a pattern's matches found from its anchors
(`anchored_finditer`: the same matches as `pattern.finditer(text)`, without running the regex
over the whole text).

A regex whose first characters are common letters is tried at nearly every position of a plan
(`(?:climate|carbon|co2|...)[- ]?neutral`); the literal it must contain ("neutral", "heat") is
found by `str.find` in C, and the regex is then tried only at the few positions before each
occurrence where a match can start.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate


def anchored_finditer(
    pattern: re.Pattern[str], text: str, anchors: Sequence[str], reach: int
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, for a pattern every match of which holds an anchor at most
    `reach` characters after the match's start: the caller's promise, which tests hold each
    pattern to. The pattern must not match the empty string.

    Matches are looked for at every position from `reach` characters before each anchor to
    the anchor, left to right, each match continuing after the last one's end as finditer
    does; `pattern.match(text, s)` sees the text before `s` as `search` does (lookbehinds,
    `\\b`), so each position answers as it would in finditer's scan."""
    spots = sorted({at for anchor in anchors for at in _occurrences(text, anchor)})
    pos = 0  # where finditer would search next: the end of the last match
    for at in spots:
        s = max(pos, at - reach)
        while s <= at:
            m = pattern.match(text, s)
            if m is None:
                s += 1
                continue
            if m.end() == m.start():
                raise ValueError(f"{pattern.pattern!r} matches the empty string")
            yield m
            pos = s = m.end()
        pos = max(pos, at + 1)  # every start up to this anchor is tried


def _occurrences(text: str, anchor: str) -> Iterator[int]:
    at = text.find(anchor)
    while at != -1:
        yield at
        at = text.find(anchor, at + 1)


class AnchorIndex:
    """Where anchors stand in a document's units, found with str.find over the whole document
    at once (a C loop) instead of a substring test per unit and anchor (a Python loop)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.joined = "\x00".join(texts)  # an anchor never holds "\x00": none spans two units
        self.starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        self.ends = [start + len(t) for start, t in zip(self.starts, texts, strict=True)]

    def units_with(self, anchors: Iterable[str]) -> list[int]:
        """The indexes of the units holding any of the anchors, in order."""
        found: set[int] = set()
        find, starts, ends = self.joined.find, self.starts, self.ends
        for anchor in anchors:
            pos = find(anchor)
            while pos != -1:
                unit = bisect_right(starts, pos) - 1
                found.add(unit)
                pos = find(anchor, ends[unit] + 1)  # on to the next unit
        return sorted(found)

    def spots(self, anchors: Iterable[str]) -> dict[int, list[int]]:
        """Per unit holding any, where each anchor stands in it: the first anchor's places
        first, each anchor's in order (as `text.find` from each place on finds them)."""
        found: dict[int, list[int]] = {}
        find, starts = self.joined.find, self.starts
        for anchor in anchors:
            pos = find(anchor)
            while pos != -1:
                unit = bisect_right(starts, pos) - 1
                found.setdefault(unit, []).append(pos - starts[unit])
                pos = find(anchor, pos + 1)
        return found
