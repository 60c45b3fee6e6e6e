"""Finding what a plan's rules look for by their anchors, the literals each match holds: which
units hold an anchor and where (`AnchorIndex`), and a pattern's matches found from its anchors
(`anchored_finditer`: the same matches as `pattern.finditer(text)`, without running the regex
over the whole text).

A regex whose first characters are common letters is tried at nearly every position of a plan
(`(?:climate|carbon|co2|...)[- ]?neutral`); the literal it must contain ("neutral", "heat") is
found by `str.find` in C, and the regex is then tried only at the few positions before each
occurrence where a match can start.

`AnchorIndex` finds all anchors of a document's rules in one pass by a compiled multi-literal
matcher: Hyperscan (`hyperscan`, where its wheel installs: Linux on x86-64) or else an
Aho-Corasick automaton (pyahocorasick, in C): a `str.find` pass per anchor cost 0.11 ms a real
page over the 176 anchors, and Python's standard library has no single-pass search for many
strings (one regex alternation of them was slower still). Both report every occurrence,
overlapping ones included, as the find passes did: no case folding, no word boundaries (the
callers lower-case the texts). The automaton's pass costs about 7 ns a character; Hyperscan's,
over the text as Latin-1 bytes, a quarter of that with its Python call per hit (0.025 -> 0.006 s
for the bench's 50 generated plans), so cheap that a second whole pass over the plan's own text
costs less than editing the first pass's places (`AnchorIndex.edited`). An automaton pass costs
more per character than one str.find, so it pays only for many anchors at once: an automaton per
small set (3-10 anchors) was slower than their find passes.
"""

from __future__ import annotations

import re
import re._constants as _constants  # the regex's parse tree: which literals its matches start with
import re._parser as _parser
import threading
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any

import ahocorasick

try:
    import hyperscan
except ImportError:  # no wheel for this platform: the automaton finds the same
    hyperscan = None  # type: ignore[assignment]

from review.intake.document import Unit


@lru_cache(maxsize=16)
def automaton(anchors: tuple[str, ...]) -> Any:
    """The automaton finding `anchors` (built once per set: the sets are the rules' constants);
    each hit's value is the anchor."""
    if any(not a for a in anchors):
        raise ValueError("an empty anchor stands everywhere")
    found = ahocorasick.Automaton()
    for anchor in anchors:
        found.add_word(anchor, anchor)
    found.make_automaton()
    return found


def find_all(anchors: tuple[str, ...], text: str) -> dict[str, list[int]]:
    """Where each of `anchors` starts in `text`, every occurrence (overlapping ones too), in
    order: by Hyperscan where it is installed and works on this CPU, else by the automaton."""
    literals = literal_database(anchors) if USE_HYPERSCAN else None
    if literals is not None:
        return literals.find_all(text)
    places: dict[str, list[int]] = {anchor: [] for anchor in anchors}
    for end, anchor in automaton(anchors).iter(text):  # by end, so each anchor's in order
        places[anchor].append(end - len(anchor) + 1)
    return places


#: Whether `find_all` uses Hyperscan when it is installed (tests compare both ways).
USE_HYPERSCAN = True


class Literals:
    """A Hyperscan database of anchors, scanning a text as Latin-1 bytes: a character outside
    Latin-1 becomes one "?", so byte offsets are character offsets. The anchors that hold such a
    character (the euro sign), a "?" or a NUL (the binding reads its literals up to one) are
    found by str.find instead."""

    def __init__(self, anchors: tuple[str, ...]) -> None:
        self.anchors = anchors
        self.scanned = tuple(
            a for a in anchors if max(map(ord, a)) < 256 and not {"?", "\x00"} & set(a)
        )
        self.found_by_find = tuple(a for a in anchors if a not in self.scanned)
        self.sizes = [len(a) for a in self.scanned]
        self.database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        if self.scanned:
            self.database.compile(
                expressions=[a.encode("latin-1") for a in self.scanned],
                ids=list(range(len(self.scanned))),
                elements=len(self.scanned),
                flags=0,
                literal=True,
            )
        self.local = threading.local()  # a scratch space per thread: scans release the GIL

    def find_all(self, text: str) -> dict[str, list[int]]:
        places: dict[str, list[int]] = {anchor: [] for anchor in self.anchors}
        if self.scanned:
            scratch = getattr(self.local, "scratch", None)
            if scratch is None:
                scratch = self.local.scratch = hyperscan.Scratch(self.database)
            # Each anchor's ends in a list of its own (the callback runs once per hit: the
            # least it does, the better); Hyperscan promises no order, so each is sorted.
            ends: list[list[int]] = [[] for _ in self.scanned]
            self.database.scan(
                text.encode("latin-1", "replace"),
                match_event_handler=_hit,
                context=ends,
                scratch=scratch,
            )
            for anchor, size, found in zip(self.scanned, self.sizes, ends, strict=True):
                if found:
                    found.sort()
                    places[anchor] = [end - size for end in found]
        for anchor in self.found_by_find:
            places[anchor] = list(_occurrences(text, anchor))
        return places


def _hit(k: int, start: int, end: int, flags: int, ends: Any) -> None:
    ends[k].append(end)  # ends: the scan's list of each anchor's ends


@lru_cache(maxsize=16)
def literal_database(anchors: tuple[str, ...]) -> Literals | None:
    """The Hyperscan database of `anchors` (compiled once per set), or None where Hyperscan is
    not installed or cannot run (it needs SSSE3)."""
    if any(not a for a in anchors):
        raise ValueError("an empty anchor stands everywhere")
    if hyperscan is None:
        return None
    try:
        return Literals(anchors)
    except hyperscan.error:
        return None


def anchored_finditer(
    pattern: re.Pattern[str],
    text: str,
    anchors: Sequence[str],
    reach: int,
    spots: Iterable[int] | None = None,
    first: re.Pattern[str] | None = None,
) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, for a pattern every match of which holds an anchor at most
    `reach` characters after the match's start: the caller's promise, which tests hold each
    pattern to. The pattern must not match the empty string.

    Matches are looked for at every position from `reach` characters before each anchor to
    the anchor, left to right, each match continuing after the last one's end as finditer
    does; `pattern.match(text, s)` sees the text before `s` as `search` does (lookbehinds,
    `\\b`), so each position answers as it would in finditer's scan. `spots`: where the
    anchors stand in `text`, when the caller knows (an `AnchorIndex`'s `spots` of the unit).
    `first`: a pattern matching the one character every match starts with (a class): only the
    positions where it stands are tried (a pattern whose reach is long but whose matches start
    with a rare character, as money with its digits)."""
    spots = sorted(
        {at for anchor in anchors for at in _occurrences(text, anchor)}
        if spots is None
        else set(spots)
    )
    pos = 0  # where finditer would search next: the end of the last match
    for at in spots:
        s = max(pos, at - reach)
        while s <= at:
            if first is not None:
                start = first.search(text, s, at + 1)
                if start is None:
                    break
                s = start.start()
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


MIN_START = 3  # shorter literal starts stand nearly everywhere: the regex is cheaper then


def literal_starts(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """The literals every match of `pattern` starts with, one per alternative (after `\\b` or
    `^`, which take no characters), read from the regex itself; None when an alternative starts
    otherwise (a class, an optional group, a repeat) or with fewer than MIN_START characters.
    So the starts follow the pattern whenever its rule changes."""
    if pattern.flags & re.IGNORECASE:
        return None
    starts = _starts(_parser.parse(pattern.pattern, pattern.flags))
    if starts is None or any(len(s) < MIN_START for s in starts):
        return None
    return tuple(dict.fromkeys(starts))


def _starts(items: Any) -> list[str] | None:
    items = list(items)
    while items and items[0][0] is _constants.AT:
        items.pop(0)  # \b, ^: no characters
    if not items:
        return None
    op, arg = items[0]
    if op is _constants.BRANCH:
        if len(items) > 1:
            return None  # what follows the alternatives would be lost; not needed here
        found: list[str] = []
        for alternative in arg[1]:
            starts = _starts(alternative)
            if starts is None:
                return None
            found += starts
        return found
    if op is _constants.SUBPATTERN:
        return None if arg[1] & re.IGNORECASE else _starts(arg[3])
    literal = ""
    for op, arg in items:
        if op is not _constants.LITERAL:
            break
        literal += chr(arg)
    return [literal] if literal else None


class AnchorIndex:
    """Where anchors stand in a document's units: every anchor of the rules' sets found in one
    automaton pass over the whole document at once (in C), instead of a str.find pass per
    anchor (119 for the structure and the checks) or a substring test per unit and anchor."""

    def __init__(
        self, texts: Sequence[str], anchor_sets: Iterable[Sequence[str]], scan: bool = True
    ) -> None:
        joined = "\x00".join(texts)  # an anchor never holds "\x00": none spans two units
        self.starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
        self.ends = [start + len(t) for start, t in zip(self.starts, texts, strict=True)]
        self.joined = joined
        self.words = words = tuple(sorted({a for anchors in anchor_sets for a in anchors}))
        self.places: dict[str, list[int]] = {word: [] for word in words}
        self._units_with: dict[tuple[str, ...], list[int]] = {}
        self._spots: dict[tuple[str, ...], dict[int, list[int]]] = {}
        if words and scan:
            self.places = find_all(words, joined)

    def edited(
        self, texts: Sequence[str], changed: Sequence[Sequence[tuple[int, int]]]
    ) -> AnchorIndex:
        """The index of `texts`, which equal this index's texts (as long, unit by unit) except
        where `changed` says (per unit, ranges of offsets): the places outside the changes are
        kept, and only the stretches around the changes are scanned again, instead of a second
        pass over the whole document (the plan's own text is its text with a few spans blanked:
        running headers, page numbers, the table of contents). A unit whose text differs
        outside its ranges is scanned whole; texts of other lengths, all of them."""
        if (
            (USE_HYPERSCAN and literal_database(self.words) is not None)
            or len(texts) != len(self.starts)
            or any(
                len(t) != end - start
                for t, start, end in zip(texts, self.starts, self.ends, strict=True)
            )
        ):
            return AnchorIndex(texts, [self.words])  # Hyperscan: a pass costs less than editing
        new = AnchorIndex(texts, [self.words], scan=False)
        ranges = self._changed(new.joined, changed)
        firsts = [a for a, _ in ranges]
        for word, places in self.places.items():  # those outside every changed range
            size = len(word)
            new.places[word] = [
                p
                for p in places
                if (k := bisect_right(firsts, p + size - 1) - 1) < 0 or ranges[k][1] <= p
            ]
        if ranges:
            longest = max(len(word) for word in self.words)
            again: set[str] = set()
            for k, (a, b) in enumerate(ranges):
                before = ranges[k - 1][1] if k else -1  # one starting before it: found with it
                window = (max(0, a - longest + 1), min(len(new.joined), b + longest - 1))
                for end, word in automaton(self.words).iter(new.joined, *window):
                    p = end - len(word) + 1
                    if p < b and end >= a and p >= before:
                        new.places[word].append(p)
                        again.add(word)
            for word in again:
                new.places[word].sort()
        return new

    def _changed(
        self, joined: str, changed: Sequence[Sequence[tuple[int, int]]]
    ) -> list[tuple[int, int]]:
        """The changed ranges in the joined text, merged, in order; a unit whose `joined`
        differs from this index's text outside its ranges (compared in C) changed whole."""
        ranges: list[tuple[int, int]] = []
        for unit, spans in enumerate(changed):
            base, end = self.starts[unit], self.ends[unit]
            merged: list[tuple[int, int]] = []
            for a, b in sorted(spans):
                if merged and base + a <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], base + b))
                elif a < b:
                    merged.append((base + a, base + b))
            outside = zip(
                [base, *(b for _, b in merged)], [*(a for a, _ in merged), end], strict=True
            )
            if any(self.joined[a:b] != joined[a:b] for a, b in outside):
                merged = [(base, end)]
            ranges += merged
        return ranges

    def _places(self, anchor: str) -> list[int]:
        """Where `anchor` starts in the document (found by str.find when it was not in the
        sets the index was made for)."""
        found = self.places.get(anchor)
        if found is None:
            found = self.places[anchor] = list(_occurrences(self.joined, anchor))
        return found

    def units_with(self, anchors: Iterable[str]) -> list[int]:
        """The indexes of the units holding any of the anchors, in order."""
        key = tuple(anchors)
        found = self._units_with.get(key)
        if found is None:
            starts = self.starts
            found = self._units_with[key] = sorted(
                {bisect_right(starts, pos) - 1 for anchor in key for pos in self._places(anchor)}
            )
        return found

    def spots(self, anchors: Iterable[str]) -> dict[int, list[int]]:
        """Per unit holding any, where each anchor stands in it: the first anchor's places
        first, each anchor's in order (as `text.find` from each place on finds them)."""
        key = tuple(anchors)
        cached = self._spots.get(key)
        if cached is not None:
            return cached
        found: dict[int, list[int]] = {}
        starts = self.starts
        for anchor in key:
            for pos in self._places(anchor):
                unit = bisect_right(starts, pos) - 1
                found.setdefault(unit, []).append(pos - starts[unit])
        self._spots[key] = found
        return found


class IndexedUnits(list[tuple[Unit, str]]):
    """A document's (unit, lower-cased text) pairs with an `AnchorIndex` over their texts, so
    that each rule's "which units hold one of my anchors" comes from the one automaton pass
    instead of a substring test per unit and anchor (`units_with`). `anchor_sets`: the anchors
    the rules will ask for (any other is found by str.find when asked). `index`: an index of
    the pairs' texts made already. The pairs must not change after the index is made."""

    def __init__(
        self,
        pairs: Iterable[tuple[Unit, str]],
        anchor_sets: Iterable[Sequence[str]],
        index: AnchorIndex | None = None,
    ) -> None:
        super().__init__(pairs)
        self.anchors = (
            index if index is not None else AnchorIndex([text for _, text in self], anchor_sets)
        )


def units_with(units: Sequence[tuple[Unit, str]], anchors: Sequence[str]) -> list[int]:
    """The indexes of the units whose lower-cased text holds any of `anchors`, in order: from
    the document's index when `units` carry one (`IndexedUnits`), else by testing each unit."""
    if isinstance(units, IndexedUnits):
        return units.anchors.units_with(anchors)
    return [i for i, (_, text) in enumerate(units) if any(a in text for a in anchors)]


def spots_in(
    units: Sequence[tuple[Unit, str]], anchors: Sequence[str], unit: int
) -> list[int] | None:
    """Where `anchors` stand in the unit's text, from the document's index when `units` carry
    one (for `anchored_finditer`'s `spots`); None without an index."""
    if isinstance(units, IndexedUnits):
        return units.anchors.spots(anchors).get(unit, [])
    return None


class Started:
    """A regex's `search` and `finditer` found from the literals its matches start with
    (`literal_starts`; the plain regex where it has none): the same matches, the regex tried
    only where one of them stands instead of at every character."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.starts = literal_starts(pattern)

    def search(self, text: str) -> re.Match[str] | None:
        if self.starts is None:
            return self.pattern.search(text)
        return next(anchored_finditer(self.pattern, text, self.starts, 0), None)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self.starts is None:
            return self.pattern.finditer(text)
        return anchored_finditer(self.pattern, text, self.starts, 0)


class Held:
    """A regex's `search` begun `reach` characters before the first of `anchors`, literals one
    of which every match holds at most `reach` characters after its start (the caller's
    promise, which tests hold), and not run where none stands: for a regex whose matches start
    otherwise than with a literal (a table row's "| " before its label), which `Started` cannot
    search from its starts. The same match as `pattern.search(text)`."""

    def __init__(self, pattern: re.Pattern[str], anchors: Sequence[str], reach: int) -> None:
        self.pattern = pattern
        self.anchors = tuple(anchors)
        self.reach = reach

    def search(self, text: str) -> re.Match[str] | None:
        found = [at for anchor in self.anchors if (at := text.find(anchor)) != -1]
        if not found:
            return None
        return self.pattern.search(text, max(0, min(found) - self.reach))
