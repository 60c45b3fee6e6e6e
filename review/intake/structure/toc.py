"""The table of contents of a plan: its entries (title and printed page), kept out of the
evidence, and, in a PDF without an outline, used to find the chapters' headings in the body."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from review.intake.document import Heading, Unit
from review.intake.scan import AnchorIndex
from review.intake.structure.text import RUNNING, TOC, LazyLines, Line, Span

# "4 Energie- und CO2-Bilanz ......... 13", "Summary ... 4", "Introduction\t6", "Annex 3   71"
_TOC_LINE = re.compile(
    r"^(?P<title>\S.{1,200}?)\s*(?:\.{2,}|…+|(?:\. ){2,}\.?|·{2,}|_{3,}|\t+| {3,}| \.\.\. )\s*"
    r"(?P<page>\d{1,3}|[ivxlc]{1,6})$",
    re.IGNORECASE,
)
# A table of contents often has no leaders at all: "Summary 5" (Copenhagen), a heading over it.
_TOC_LINE_BARE = re.compile(r"^(?P<title>\D.{1,150}?[^\d\s.,%])\.? (?P<page>\d{1,3})$")
# (also "Content", "Index", "Inhaltsübersicht", "Gliederung": titles plans give it)
_TOC_TITLE = re.compile(
    r"^(?:#\s*)?(?:table of contents?|contents?|index|inhaltsverzeichnis|inhaltsübersicht|inhalt"
    r"|gliederung|list of (?:figures|tables)"
    r"|abbildungsverzeichnis|tabellenverzeichnis|index of (?:figures|tables))\b",
    re.IGNORECASE,
)
MIN_TOC_LINES = 3
_TOC_ANY = re.compile(
    r"(?:\.\.|…|\t| {3}| \.\.\. )\s*(?:\d{1,3}|[ivxlc]{1,6})[ \t]*$"
    r"|^[ \t#]*(?:table of contents?|contents?|index|inhaltsverzeichnis|inhalt|gliederung"
    r"|list of (?:figures|tables)"
    r"|abbildungsverzeichnis|tabellenverzeichnis)\b",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class TocEntry:
    title: str
    page_label: str  # as printed in the table of contents
    unit: int  # where the entry itself stands (index into the units)


def _may_hold_toc(text: str) -> bool:
    head = text[:400].lower()
    return (
        ".." in text
        or "\t" in text
        or "…" in text
        or "   " in text
        or "content" in head
        or "inhalt" in head
        or "verzeichnis" in head
        or "list of" in head
        or "index" in head
        or "gliederung" in head
    )


def table_of_contents(
    units: Sequence[Unit],
    lines: LazyLines,
    excluded: list[list[Span]],
    heading_units: set[tuple[str, int | None]],
) -> list[TocEntry]:
    """Runs of lines that look like entries of a table of contents ("Title .... 12"): at least
    MIN_TOC_LINES within a few lines of each other, or under a "Contents" title. The lines
    between two entries (a title wrapped onto a second line) belong to it."""
    # Only units with a line ending in leaders and a number, or a "Contents" title, can hold
    # a table of contents (and the unit after one: it runs on). One regex per unit, not a
    # Python loop over every line of the plan.
    holding = {
        j
        for i, unit in enumerate(units)
        if _may_hold_toc(unit.text) and _TOC_ANY.search(unit.text)
        for j in (i, i + 1)
        if j < len(units)
    }
    flat: list[tuple[int, Line]] = [(i, line) for i in sorted(holding) for line in lines[i]]
    entries: list[TocEntry] = []
    k = 0
    while k < len(flat):
        i, line = flat[k]
        under_title = _toc_title(line[2])
        if not (under_title or _toc_line(line[2])):
            k += 1
            continue
        run, last, gap = [k], k, 0
        j = k + 1
        pattern_bare = under_title
        while j < len(flat) and gap <= 2:
            text = flat[j][1][2]
            is_title = _toc_title(text)
            if _is_running(flat[j], excluded):
                pass  # a page header inside the table of contents
            elif is_title or _toc_line(text) or (pattern_bare and _toc_line(text, bare=True)):
                run.append(j)
                last, gap = j, 0
                pattern_bare = pattern_bare or is_title
            else:
                gap += 1
            j += 1
        if len(run) >= MIN_TOC_LINES:
            in_run = set(run)
            wrapped = ""  # the first line of a title wrapped onto the next
            for n in range(k, last + 1):
                ui, (start, end, text) = flat[n]
                if (units[ui].kind, units[ui].number) in heading_units and n not in in_run:
                    continue
                excluded[ui].append(Span(start, end, TOC))
                m = _TOC_LINE.match(text) or _TOC_LINE_BARE.match(text)
                if m and n in in_run:
                    entry_title = (wrapped + " " + m.group("title")).strip(" .#")
                    entries.append(TocEntry(entry_title, m.group("page"), ui))
                    wrapped = ""
                elif n not in in_run and not _is_running(flat[n], excluded):
                    wrapped = text
            k = last + 1
        else:
            k += 1
    return entries


def _toc_line(text: str, bare: bool = False) -> bool:
    last = text[-1]
    leaders = "." in text or "\t" in text or "…" in text
    if not last.isdigit() and (last not in "ivxlcIVXLC" or not leaders):
        return False
    return bool((_TOC_LINE_BARE if bare else _TOC_LINE).match(text))


def _toc_title(text: str) -> bool:
    return len(text) < 40 and bool(_TOC_TITLE.match(text))


def _is_running(item: tuple[int, Line], excluded: list[list[Span]]) -> bool:
    i, line = item
    return any(s.role == RUNNING and s.start <= line[0] < s.end for s in excluded[i])


# A listing's entry ends in its page number, after leaders or not ("Figure 2. ... Bitmedia. 11",
# "... 11", a number alone on the line under a title wrapped over several lines).
# (a range of pages, "18-19", by its last page)
_ENTRY_END = re.compile(r"(?:^|\s|\.{2,}|…)(?:\d{1,3}[-–])?(\d{1,3})$")
# A listing's title wraps over at most this many lines between two page numbers ("Figure A.6
# Livestock as of 31 / December 2021 and / ecological/environment / al resources of the / ...").
MAX_WRAPPED = 7
MIN_LISTING_ENTRIES = 3
# Page numbers of a listing rise; a few title lines ending in a number ("... as of 31") do not.
MIN_RISING = 0.8


def listings(
    units: Sequence[Unit],
    lines: LazyLines,
    lowered: Sequence[str],
    excluded: list[list[Span]],
    index: AnchorIndex | None = None,
) -> None:
    """Tables of contents and lists of figures or tables whose entries wrap over several lines
    with the page number at the end or alone on a line (Bergamo's "C.1.1 Description or / ... /
    climate neutrality / 72", Budapest's and Copenhagen's lists of figures), and their pages run
    on from the page before: a PDF page under a listing's title ("List of figures",
    "Contents", "Abbildungsverzeichnis") or continuing the listing the page before ended with,
    from there to the last of at least three entries whose page numbers rise. Marks them TOC.
    `index`: the document's index of `lowered` (made with LISTING_CUES), which tells the pages
    holding a cue instead of a substring test per page and cue."""
    pages = sum(1 for u in units if u.kind == "page")
    cued = (
        set(index.units_with(LISTING_CUES))
        if index is not None
        else {i for i, text in enumerate(lowered) if any(cue in text for cue in LISTING_CUES)}
    )
    tail: list[Line] = []  # the last lines of the page before, after its listing's last entry
    for i, unit in enumerate(units):
        tail_before, tail = tail, []
        if unit.kind != "page":
            continue
        start, end = None, None
        if tail_before or i in cued:
            page = lines[i]
            running = [_is_running((i, line), excluded) for line in page]
            if tail_before:
                start, end = 0, _listing_from(page, running, 0, pages)
            if end is None:
                start = next((k for k, line in enumerate(page) if _toc_title(line[2])), None)
                end = None if start is None else _listing_from(page, running, start, pages)
        if tail_before and (start == 0 and end is not None or _short_title(tail_before)):
            # The tail is a title wrapped over the page break (its number on this page, or
            # taken for the page's printed number), not the plan's text.
            excluded[i - 1].append(Span(tail_before[0][0], tail_before[-1][1], TOC))
        if start is None or end is None:
            continue
        excluded[i].append(Span(page[start][0], page[end][1], TOC))
        rest = [page[k] for k in range(end + 1, len(page)) if not running[k]]
        if len(rest) <= MAX_WRAPPED:  # the listing may run on over the next page
            tail = rest or [(page[end][1], page[end][1], "")]


def _short_title(tail: list[Line]) -> bool:
    return 0 < len(tail) <= 3 and not any(line[2].endswith((".", ":")) for line in tail)


LISTING_CUES = ("content", "inhalt", "verzeichnis", "list of", "index", "gliederung")


def _listing_from(page: list[Line], running: list[bool], start: int, pages: int) -> int | None:
    """The index of the listing's last entry when one starts at `start` (its first page number
    within MAX_WRAPPED lines), else None."""
    numbers: list[int] = []
    last, gap = None, 0
    for k in range(start, len(page)):
        if running[k]:
            continue
        m = _ENTRY_END.search(page[k][2])
        if m and int(m.group(1)) <= pages + 20:
            numbers.append(int(m.group(1)))
            last, gap = k, 0
        else:
            gap += 1
            if gap > MAX_WRAPPED:
                break
    if last is None or len(numbers) < MIN_LISTING_ENTRIES:
        return None
    rising = sum(b >= a for a, b in zip(numbers, numbers[1:], strict=False))
    return last if rising >= MIN_RISING * (len(numbers) - 1) else None


_CAPTION = re.compile(r"^(?:abbildung|tabelle|abb\.|tab\.|figure|fig\.|table|chart|map)\s*\d", re.I)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*\.?)\s")
_NORMAL = re.compile(r"[^a-z0-9äöüß]+")


def _normal(text: str) -> str:
    return _NORMAL.sub(" ", text.lower()).strip()


def headings_from_toc(
    units: Sequence[Unit],
    lines: LazyLines,
    toc: list[TocEntry],
    page_labels: dict[int, str],
    excluded: list[list[Span]],
) -> list[Heading]:
    """A PDF without an outline: each table-of-contents entry becomes a heading where its title
    stands as a line of the body (on the page its printed number names, else the first after
    the table of contents)."""
    if not toc:
        return []
    by_label = {label: number for number, label in page_labels.items()}
    after = max(e.unit for e in toc) + 1
    body_lines: dict[str, list[int]] = {}
    for i in range(after, len(units)):
        for start, _end, text in lines[i]:
            if not any(s.start <= start < s.end for s in excluded[i]) and len(text) <= 200:
                body_lines.setdefault(_normal(text), []).append(i)
    by_start: dict[str, list[str]] = {}
    for key in body_lines:
        if len(key) >= 15:
            by_start.setdefault(key[:15], []).append(key)
    found: list[Heading] = []
    for entry in toc:
        if _CAPTION.match(entry.title):
            continue  # a list of figures or tables names captions, not chapters
        key = _normal(entry.title)
        if len(key) >= 15 and key not in body_lines:
            # A title wrapped onto two lines in the body: its first line starts the title.
            key = next((k for k in by_start.get(key[:15], ()) if key.startswith(k)), key)
        if len(key) < 4 or key not in body_lines:
            continue
        where = body_lines[key]
        wanted = by_label.get(entry.page_label)
        index = next((i for i in where if units[i].number == wanted), where[0])
        numbered = _NUMBERED.match(entry.title)
        level = len(numbered.group(1).strip(".").split(".")) if numbered else 1
        found.append(Heading(min(level, 4), entry.title, "page", units[index].number))
    return found
