"""Furniture of a PDF's pages: the printed page numbers (read as page labels) and the running
headers and footers (a title or a file path on every page), which say nothing about the plan."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, repeat

from review.intake.document import Unit
from review.intake.structure.text import RUNNING, Line, Span

# A printed page number on a line of its own, or "Seite 4", "Page 4 of 20", "- 4 -", "4 | Title".
_PAGE_NUMBER = re.compile(
    r"^(?:(?:seite|page|s\.|p\.)\s*)?[-–]?\s*(?P<n>\d{1,4}|[ivxlc]{1,6})\s*[-–]?"
    r"(?:\s*(?:/|von|of)\s*\d{1,4})?$",
    re.IGNORECASE,
)
# A line repeated on this share of pages (and at least 3) is a running header or footer.
RUNNING_SHARE = 0.2
RUNNING_MAX_CHARS = 90
RUNNING_IN_BODY_CHARS = 70
# A line on this share of the pages is a form's labels even where it repeats a few times per page.
FORM_SHARE = 0.5
LABELS_PER_PAGE = 4


def page_labels(
    units: Sequence[Unit], edges: list[list[Line]], excluded: list[list[Span]]
) -> dict[int, str]:
    """The printed page number of each PDF page: a number standing alone in the first or the
    last two lines. Kept only where most pages agree on one offset to the PDF page number (a
    year or a count on a line of its own is no page number); of two numbers at a page's edge,
    the one that agrees (a listing's last entry "22" stands just above the printed "4"). Roman
    numerals only in the front matter: before the first page numbered in digits, and no higher
    than the PDF page (a stray "C" on page 8 is no page "c")."""
    candidates: dict[int, list[tuple[str, Line]]] = {}
    offsets: Counter[int] = Counter()
    for i, unit in enumerate(units):
        if unit.kind != "page":
            continue
        for line in edges[i]:
            m = _PAGE_NUMBER.match(line[2])
            if m:
                candidates.setdefault(i, []).append((m.group("n").lower(), line))
        digits = {int(n) - unit.number for n, _ in candidates.get(i, ()) if n.isdigit()}
        offsets.update(digits)
    if not offsets:
        return {}
    offset, count = offsets.most_common(1)[0]
    if count < max(2, len(candidates) // 3):
        return {}
    labels: dict[int, str] = {}
    first_digits: int | None = None
    for i, found in candidates.items():
        number = units[i].number
        agreeing = [(n, line) for n, line in found if n.isdigit() and int(n) - number == offset]
        if agreeing:
            first_digits = number if first_digits is None else first_digits
            labels[number] = agreeing[0][0]
            excluded[i].append(Span(*agreeing[0][1][:2], RUNNING))
    for i, found in candidates.items():
        number = units[i].number
        if number in labels or (first_digits is not None and number > first_digits):
            continue
        roman = [(n, line) for n, line in found if 0 < _roman(n) <= number]
        if roman:
            labels[number] = roman[0][0]
            excluded[i].append(Span(*roman[0][1][:2], RUNNING))
    return dict(sorted(labels.items()))


_ROMAN = re.compile(r"^(c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def _roman(text: str) -> int:
    """The value of a lower-case Roman numeral up to 399, 0 for anything else ("civil")."""
    if not text or not _ROMAN.match(text):
        return 0
    values = [_ROMAN_VALUES[c] for c in text]
    return sum(-v if v < w else v for v, w in zip(values, values[1:] + [0], strict=True))


# Each ASCII digit (what `str.maketrans("0123456789", "#" * 10)` maps) as "#": a regex
# substitution, a quarter of str.translate's time (a dict look-up per character).
_DIGIT = re.compile("[0-9]")


def running(
    units: Sequence[Unit],
    edges: list[list[Line]],
    lowered: list[str],
    excluded: list[list[Span]],
) -> None:
    """Headers and footers (digits aside: "Seite 4", a date). At a page's edge (its first or
    last two lines): a line found there on a fifth of the pages, or a bare number (not a year:
    a table's column). Anywhere on the page (a header that a conversion moved into the text): a
    short line of a few words on a tenth of the pages, about once per page (a table's labels
    repeat several times per page and are content). In a Word file: a short paragraph of a few
    words repeated many times."""
    pages = sum(1 for u in units if u.kind == "page")
    if pages:
        keys = [
            [_key(u.text[a:b]) for a, b, _ in edge] for u, edge in zip(units, edges, strict=True)
        ]
        at_edge_count: Counter[str] = Counter(k for unit_keys in keys for k in set(unit_keys))
        at_edge = max(3, int(RUNNING_SHARE * pages))
        chapter = _on_consecutive_pages(keys, at_edge_count, at_edge)
        for i, unit_keys in enumerate(keys):
            for (a, b, _), key in zip(edges[i], unit_keys, strict=True):
                if len(key) <= RUNNING_MAX_CHARS and (
                    at_edge_count[key] >= at_edge
                    or (i, key) in chapter
                    or _page_number_alone(key, units[i].text[a:b])
                ):
                    excluded[i].append(Span(a, b, RUNNING))
        in_body = max(3, int(RUNNING_SHARE / 2 * pages))
    else:
        in_body = max(4, int(0.01 * len(units)))
    everywhere = max(5, int(FORM_SHARE * pages)) if pages else len(units) + 1
    _running_in_body(units, lowered, excluded, in_body, not pages, everywhere)


# A chapter's running header ("3 Mitigation actions | City of X", over the chapter's pages
# only): the same line at the edge of this many pages in a row.
CHAPTER_RUN = 3


def _on_consecutive_pages(
    keys: list[list[str]], counts: Counter[str], at_edge: int
) -> set[tuple[int, str]]:
    """The (unit, line) pairs of lines at the edge of CHAPTER_RUN or more pages in a row that
    are too few for a header of the whole document (a chapter's running header)."""
    wanted = {k for k, n in counts.items() if CHAPTER_RUN <= n < at_edge and k.strip("# ")}
    if not wanted:
        return set()
    where: dict[str, list[int]] = {}
    for i, unit_keys in enumerate(keys):
        for key in set(unit_keys) & wanted:
            where.setdefault(key, []).append(i)
    found: set[tuple[int, str]] = set()
    for key, units in where.items():
        run = [units[0]]
        for i in units[1:] + [-2]:
            if i == run[-1] + 1:
                run.append(i)
                continue
            if len(run) >= CHAPTER_RUN:
                found.update((u, key) for u in run)
            run = [i]
    return found


# A year on a line of its own is a table's column or a chapter's date, not a page number
# ("2009\n(baseline year)" at the top of Oslo's p. 23).
_YEAR = re.compile(r"\s*(?:19|20)\d\d\s*")


def _page_number_alone(key: str, line: str) -> bool:
    """A bare number at a page's edge: its printed page number (a year aside)."""
    return not key.strip("#") and not _YEAR.fullmatch(line)


_SHORT_LINE = re.compile(rf"^[ \t]*(\S[^\n]{{10,{RUNNING_IN_BODY_CHARS - 2}}}\S)[ \t]*$", re.M)


def _short_lines(text: str) -> list[str]:
    """`_SHORT_LINE.findall(text)`, in a fifth of its time: the regex backtracks through every
    long line; a line's length and its first and last characters tell the same."""
    return [line for raw in text.split("\n") if _is_short(line := raw.strip(" \t"))]


def _is_short(line: str) -> bool:
    """A stripped line `_short_lines` keeps."""
    return (
        12 <= len(line) <= RUNNING_IN_BODY_CHARS
        and not line[0].isspace()
        and not line[-1].isspace()
    )


def _running_in_body(
    units: Sequence[Unit],
    lowered: list[str],
    excluded: list[list[Span]],
    threshold: int,
    single_lines_only: bool,
    everywhere: int,
) -> None:
    """Short lines repeated on many units, found over the whole document at once: the lines
    are counted by C code (findall, Counter), and only the few frequent ones are located."""
    # (Digits are kept here: a header moved into the text carries no page number of its own,
    # the number stands on a line of its own; mapping every digit of every page costs.)
    joined = "\n".join(lowered)
    # Every line counted in C (split, strip, Counter: no Python step per line); the short
    # ones among the frequent (`_is_short`) are those `_short_lines` would have counted.
    counts = Counter(map(str.strip, joined.split("\n"), repeat(" \t")))
    frequent = [
        k
        for k, n in counts.items()
        if n >= threshold and _is_short(k) and (" " in k or n >= everywhere)
    ]
    if not frequent:
        return
    starts = list(accumulate((len(t) + 1 for t in lowered[:-1]), initial=0))
    spots: dict[str, list[tuple[int, int, int]]] = {}
    for key, places in line_places(joined, frequent).items():
        for at in places:
            unit = bisect_right(starts, at) - 1
            spots.setdefault(key, []).append(
                (unit, at - starts[unit], at + len(key) - starts[unit])
            )
    for key, found in spots.items():
        where = {unit for unit, _, _ in found}
        # A table's labels, repeated several times on some pages, are content; the header of a
        # form repeated with every record on most pages ("Handlungsfeld / Nr. Titel /
        # Zuständigkeit" over each action of a progress report) is not.
        on_most = len(where) >= everywhere and len(found) <= LABELS_PER_PAGE * len(where)
        if len(where) < threshold or (len(found) > 1.3 * len(where) and not on_most):
            continue
        if " " not in key and not on_most:
            continue  # a single word: only where it stands on most pages
        for unit, a, b in found:
            if single_lines_only and "\n" in units[unit].text:
                continue  # a table row repeated in a Word file is content
            excluded[unit].append(Span(a, b, RUNNING))


def line_places(text: str, lines: list[str]) -> dict[str, list[int]]:
    """Where each of `lines` stands in `text` as a whole line (spaces and tabs around it
    aside), the lines in the order of their first place: what one regex of them all,
    `^[ \t]*(line|...)[ \t]*$` in multi-line mode, finds in a pass over the text, by a str.find
    pass per line (a few frequent lines; the regex cost a compilation per plan and a step at
    every character)."""
    places = {line: at for line in lines if (at := _whole_lines(text, line))}
    return {line: places[line] for line in sorted(places, key=lambda k: places[k][0])}


def _whole_lines(text: str, line: str) -> list[int]:
    """Where `line` stands in `text` as a whole line, spaces and tabs around it aside."""
    found = []
    at = text.find(line)
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at + len(line))
        if not text[start:at].strip(" \t") and not text[
            at + len(line) : len(text) if end == -1 else end
        ].strip(" \t"):
            found.append(at)
        at = text.find(line, at + 1)
    return found


def _key(line: str) -> str:
    return _DIGIT.sub("#", line.strip().lower())
