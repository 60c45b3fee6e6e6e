"""Finding a pattern's matches by its anchors: the same matches as `pattern.finditer(text)`,
without running the regex over the whole text.

A regex whose first characters are common letters is tried at nearly every position of a plan
(`(?:climate|carbon|co2|...)[- ]?neutral`); the literal it must contain ("neutral", "heat") is
found by `str.find` in C, and the regex is then tried only at the few positions before each
occurrence where a match can start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence


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
