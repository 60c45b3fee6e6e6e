"""The structure of a plan before its content: what is the plan speaking, and what is not.

Real plans carry text that says nothing about the plan itself: a table of contents naming every
chapter, running headers and footers (a title or a file path on every page), page numbers, a
disclaimer, the funding acknowledgement of the template's publisher, and guidance of the template
left in ("Your 2030 ambition should be supported at a minimum by a Council decision"). A word
found there is no evidence that the plan does what the word names.

`analyse(units, headings)` finds those spans and returns a `Structure`: per unit the spans that
are not the plan's own text (with their role), the plan's text with them blanked out (same
offsets, so evidence still points into the original), the printed page labels of a PDF, the
table of contents as entries, and the headings (the file's own, plus chapters found through the
table of contents in a PDF without an outline). Pure and cheap: a few passes over lines.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from review.intake.document import Heading, Unit

# Roles of text that is not the plan's own; evidence is never taken from them.
TOC = "toc"
RUNNING = "running"  # a header, footer or page number repeated on many pages
GUIDANCE = "guidance"
FUNDING = "funding"
DISCLAIMER = "disclaimer"
ROLES = (TOC, RUNNING, GUIDANCE, FUNDING, DISCLAIMER)

# "4 Energie- und CO2-Bilanz ......... 13", "Summary ... 4", "Introduction\t6", "Annex 3   71"
_TOC_LINE = re.compile(
    r"^(?P<title>\S.{1,200}?)\s*(?:\.{2,}|…+|(?:\. ){2,}\.?|·{2,}|_{3,}|\t+| {3,}| \.\.\. )\s*"
    r"(?P<page>\d{1,3}|[ivxlc]{1,6})$",
    re.IGNORECASE,
)
# A table of contents often has no leaders at all: "Summary 5" (Copenhagen), a heading over it.
_TOC_LINE_BARE = re.compile(r"^(?P<title>\D.{1,150}?[^\d\s.,%])\.? (?P<page>\d{1,3})$")
_TOC_TITLE = re.compile(
    r"^(?:#\s*)?(?:table of contents|contents|inhaltsverzeichnis|inhalt|list of (?:figures|tables)"
    r"|abbildungsverzeichnis|tabellenverzeichnis|index of (?:figures|tables))\b",
    re.IGNORECASE,
)
MIN_TOC_LINES = 3
_TOC_ANY = re.compile(
    r"(?:\.\.|…|\t| {3}| \.\.\. )\s*(?:\d{1,3}|[ivxlc]{1,6})[ \t]*$"
    r"|^[ \t#]*(?:table of contents|contents|inhaltsverzeichnis|inhalt|list of (?:figures|tables)"
    r"|abbildungsverzeichnis|tabellenverzeichnis)\b",
    re.IGNORECASE | re.MULTILINE,
)

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

# Template guidance: second person, requests, and what a section "should" contain. Matched on
# lower-cased text; the modal verbs are found first and their subject looked for before them
# (a regex starting at every "the" of a plan costs as much as reading the PDF).
_GUIDANCE = re.compile(
    r"\byour (?:text|city|city's|2030|ambition|action plan|own|municipality|local|plan|"
    r"climate city contract)\b"
    r"|\btextual elements?\b"
    r"|\b(?:please|kindly) (?:describe|specify|list|provide|insert|fill|outline|explain|"
    r"indicate|add|include|summari[sz]e|report|enter|state|elaborate|select|complete)\b"
    r"|\bcities (?:should|are (?:encouraged|asked|expected|invited|requested)|may wish|need to)"
    r"|\bsupported at a minimum by\b"
    r"|\b(?:hier|bitte) (?:beschreiben|geben sie|tragen sie|ergänzen|erläutern)\b"
    r"|\bihre (?:kommune|stadt|gemeinde)\b"
    # An instruction opening a line: "Detail and describe the latest GHG inventory of the city"
    # (not "Provide ...", "Develop ...": action titles start so)
    r"|^(?:detail|describe|outline|explain|summari[sz]e|specify)"
    r"(?: and (?:detail|describe|list|outline|explain))? (?:the|your|a|an|how|what|which|any)\b",
    re.MULTILINE,
)
_GUIDANCE_ANCHORS = (
    "detail",
    "describe",
    "outline",
    "explain",
    "summari",
    "specify",
    "your ",
    "textual element",
    "please ",
    "kindly ",
    "cities ",
    "supported at a minimum",
    "hier ",
    "bitte ",
    "ihre ",
)
_MODAL = re.compile(
    r"\b(?:should|shall|must|is to be|are to be|can be used|is intended|aims to provide|is meant)\b"
)
_MODAL_ANCHORS = (
    "should",
    "shall",
    "must",
    "is to be",
    "are to be",
    "can be used",
    "intended",
    "aims to provide",
    "is meant",
)
_GUIDED_SUBJECT = re.compile(
    r"\b(?:this|the) (?:section|module|chapter|part|table|introduction|summary|annex|field|"
    r"template|overview|outlook)\b[^.\n]{0,100}$"
    r"|\bmodules? [a-c]-?\d(?:\.\d)?\b[^.\n]{0,160}$"
)
_FUNDING = re.compile(
    r"\b(?:has|have) received funding from\b"
    r"|\bgrant agreement\s*(?:no\.?|n°|number|nr\.?)?\s*\d{6,}"
    r"|\b(?:this|the) (?:document|project|report|publication|study|plan) (?:was|is|has been) "
    r"(?:co-)?(?:funded|financed|supported) by\b"
    r"|\bförderkennzeichen\b"
    r"|\bnetzerocities\b[^.\n]{0,120}?\b(?:funding|financed|funded)\b"
    r"|\b(?:konzept|klimaschutzkonzept|bericht|vorhaben|studie|projekt|dokument)\w* (?:wurde|wird)"
    r" (?:\w+ ){0,5}?gefördert\b",
)
_FUNDING_ANCHORS = (
    "funding",
    "grant agreement",
    "funded",
    "financed",
    "supported by",
    "förderkennzeichen",
    "gefördert",
)
_DISCLAIMER = re.compile(
    r"^\s*#?\s*disclaimer\s*$|^\s*haftungsausschluss\s*$"
    r"|\breflects only the authors?'?s? views?\b|\bis not responsible for any use\b"
    r"|\bviews and opinions expressed are\b|\bkeine gewähr für die richtigkeit\b",
    re.MULTILINE,
)
_DISCLAIMER_ANCHORS = (
    "disclaimer",
    "haftungsausschluss",
    "reflects only",
    "not responsible",
    "views and opinions",
    "keine gewähr",
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\s*\n")
MAX_SENTENCE = 600


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    role: str


@dataclass(frozen=True)
class TocEntry:
    title: str
    page_label: str  # as printed in the table of contents
    unit: int  # where the entry itself stands (index into the units)


@dataclass
class Structure:
    units: Sequence[Unit]
    excluded: list[list[Span]]  # per unit, the spans that are not the plan's own text
    body: list[str]  # per unit, its text with the excluded spans blanked (same offsets)
    page_labels: dict[int, str] = field(default_factory=dict)  # PDF page -> printed label
    toc: list[TocEntry] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)

    def label(self, unit: Unit) -> str | None:
        return self.page_labels.get(unit.number) if unit.kind == "page" else None

    def role_at(self, index: int, position: int) -> str | None:
        """The role of the text at a position of a unit; None for the plan's own text."""
        for span in self.excluded[index]:
            if span.start <= position < span.end:
                return span.role
        return None

    def roles(self) -> dict[str, int]:
        """How many spans of each role were recognised (for the intake's report)."""
        return dict(Counter(s.role for spans in self.excluded for s in spans))

    def toc_units(self) -> list[Unit]:
        return [self.units[i] for i in sorted({e.unit for e in self.toc})]


def analyse(units: Sequence[Unit], headings: Sequence[Heading] = ()) -> Structure:
    excluded: list[list[Span]] = [[] for _ in units]
    lines = _LazyLines(units)  # split into lines only where needed: it costs
    edges = [_edge_lines(u.text) for u in units]
    pages = [i for i, u in enumerate(units) if u.kind == "page"]
    page_labels = _page_labels(units, edges, excluded) if pages else {}
    lowered = [_lower(u.text) for u in units]
    _running(units, edges, lowered, excluded)
    heading_units = {(h.kind, h.number) for h in headings}
    toc = _table_of_contents(units, lines, excluded, heading_units)
    guided = _units_with(lowered, _GUIDANCE_ANCHORS)
    for i, unit in enumerate(units):
        _boilerplate(unit.text, lowered[i], excluded[i], i in guided)
    body = [_blank(u.text, spans) for u, spans in zip(units, excluded, strict=True)]
    found = list(headings)
    if pages and not any(h.kind == "page" for h in headings):
        found += _headings_from_toc(units, lines, toc, page_labels, excluded)
    return Structure(units, excluded, body, page_labels, toc, found)


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
    )


def _lower(text: str) -> str:
    """Lower case with the same offsets (a rare letter whose lower case is longer stays)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lowered


def _units_with(texts: list[str], anchors: tuple[str, ...]) -> set[int]:
    """Indexes of the lower-cased texts that contain an anchor: str.find over the whole
    document at once (a C loop) instead of a test per unit and anchor."""
    joined = "\x00".join(texts)
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    found: set[int] = set()
    for anchor in anchors:
        at = joined.find(anchor)
        while at != -1:
            unit = bisect_right(starts, at) - 1
            found.add(unit)
            at = joined.find(anchor, starts[unit] + len(texts[unit]) + 1)
    return found


def _boilerplate(text: str, lowered: str, spans: list[Span], guided: bool = True) -> None:
    """Funding acknowledgements, disclaimers and template guidance: the sentence around each."""
    found: list[tuple[int, int, str]] = []
    for pattern, anchors, role in (
        (_FUNDING, _FUNDING_ANCHORS, FUNDING),
        (_DISCLAIMER, _DISCLAIMER_ANCHORS, DISCLAIMER),
    ):
        if any(a in lowered for a in anchors):
            found += [(m.start(), m.end(), role) for m in pattern.finditer(lowered)]
    # Every guidance phrase starts with one of its anchors: the regex is tried only where one
    # stands (running it over every page cost more than reading the page).
    for anchor in _GUIDANCE_ANCHORS if guided else ():
        at = lowered.find(anchor)
        while at != -1:
            if m := _GUIDANCE.match(lowered, at):
                found.append((m.start(), m.end(), GUIDANCE))
            at = lowered.find(anchor, at + 1)
    if any(a in lowered for a in _MODAL_ANCHORS):
        for m in _MODAL.finditer(lowered):
            if _GUIDED_SUBJECT.search(lowered, max(0, m.start() - 170), m.start()):
                found.append((m.start(), m.end(), GUIDANCE))
    for start, end, role in found:
        a, b = _sentence(text, start, end)
        spans.append(Span(a, b, role))


Line = tuple[int, int, str]  # start, end, stripped text


def _lines(text: str) -> list[Line]:
    out, at = [], 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((at + lead, at + lead + len(stripped), stripped))
        at += len(raw) + 1
    return out


def _page_labels(
    units: Sequence[Unit], edges: list[list[Line]], excluded: list[list[Span]]
) -> dict[int, str]:
    """The printed page number of each PDF page: a number standing alone in the first or the
    last two lines. Kept only where most pages agree on one offset to the PDF page number (a
    year or a count on a line of its own is no page number)."""
    candidates: dict[int, tuple[str, Line]] = {}
    offsets: Counter[int] = Counter()
    for i, unit in enumerate(units):
        if unit.kind != "page":
            continue
        for line in edges[i]:
            m = _PAGE_NUMBER.match(line[2])
            if m and m.group("n").isdigit():
                candidates[i] = (m.group("n"), line)
                offsets[int(m.group("n")) - unit.number] += 1
                break
            if m:  # roman numerals: front matter
                candidates[i] = (m.group("n").lower(), line)
                break
    if not offsets:
        return {}
    offset, count = offsets.most_common(1)[0]
    if count < max(2, len(candidates) // 3):
        return {}
    labels: dict[int, str] = {}
    for i, (label, line) in candidates.items():
        number = units[i].number
        if not label.isdigit() or int(label) - number == offset:
            labels[number] = label
            excluded[i].append(Span(line[0], line[1], RUNNING))
    return labels


_DIGITS_AS_HASH = str.maketrans("0123456789", "##########")


def _running(
    units: Sequence[Unit],
    edges: list[list[Line]],
    lowered: list[str],
    excluded: list[list[Span]],
) -> None:
    """Headers and footers (digits aside: "Seite 4", a date). At a page's edge (its first or
    last two lines): a line found there on a fifth of the pages, or a bare number. Anywhere on
    the page (a header that a conversion moved into the text): a short line of a few words on a
    tenth of the pages, about once per page (a table's labels repeat several times per page and
    are content). In a Word file: a short paragraph of a few words repeated many times."""
    pages = sum(1 for u in units if u.kind == "page")
    if pages:
        keys = [
            [_key(u.text[a:b]) for a, b, _ in edge] for u, edge in zip(units, edges, strict=True)
        ]
        at_edge_count: Counter[str] = Counter(k for unit_keys in keys for k in set(unit_keys))
        at_edge = max(3, int(RUNNING_SHARE * pages))
        for i, unit_keys in enumerate(keys):
            for (a, b, _), key in zip(edges[i], unit_keys, strict=True):
                if len(key) <= RUNNING_MAX_CHARS and (
                    at_edge_count[key] >= at_edge or not key.strip("#")
                ):
                    excluded[i].append(Span(a, b, RUNNING))
        in_body = max(3, int(RUNNING_SHARE / 2 * pages))
    else:
        in_body = max(4, int(0.01 * len(units)))
    _running_in_body(units, lowered, excluded, in_body, single_lines_only=not pages)


_SHORT_LINE = re.compile(rf"^[ \t]*(\S[^\n]{{10,{RUNNING_IN_BODY_CHARS - 2}}}\S)[ \t]*$", re.M)


def _running_in_body(
    units: Sequence[Unit],
    lowered: list[str],
    excluded: list[list[Span]],
    threshold: int,
    single_lines_only: bool,
) -> None:
    """Short lines repeated on many units, found over the whole document at once: the lines
    are counted by C code (findall, Counter), and only the few frequent ones are located."""
    # (Digits are kept here: a header moved into the text carries no page number of its own,
    # the number stands on a line of its own; mapping every digit of every page costs.)
    joined = "\n".join(lowered)
    counts = Counter(_SHORT_LINE.findall(joined))
    frequent = [k for k, n in counts.items() if n >= threshold and " " in k]
    if not frequent:
        return
    starts = list(accumulate((len(t) + 1 for t in lowered[:-1]), initial=0))
    alternatives = "|".join(re.escape(k) for k in sorted(frequent, key=len, reverse=True))
    spots: dict[str, list[tuple[int, int, int]]] = {}
    for m in re.finditer(r"^[ \t]*(" + alternatives + r")[ \t]*$", joined, re.M):
        unit = bisect_right(starts, m.start()) - 1
        spots.setdefault(m.group(1), []).append(
            (unit, m.start(1) - starts[unit], m.end(1) - starts[unit])
        )
    for found in spots.values():
        where = {unit for unit, _, _ in found}
        if len(where) < threshold or len(found) > 1.3 * len(where):
            continue  # a table's labels, repeated several times on a page: content
        for unit, a, b in found:
            if single_lines_only and "\n" in units[unit].text:
                continue  # a table row repeated in a Word file is content
            excluded[unit].append(Span(a, b, RUNNING))


def _key(line: str) -> str:
    return line.strip().lower().translate(_DIGITS_AS_HASH)


def _edge_lines(text: str, n: int = 2) -> list[Line]:
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


class _LazyLines:
    """Each unit's lines, split when first asked for."""

    def __init__(self, units: Sequence[Unit]) -> None:
        self.units = units
        self.cache: dict[int, list[Line]] = {}

    def __getitem__(self, i: int) -> list[Line]:
        if i not in self.cache:
            self.cache[i] = _lines(self.units[i].text)
        return self.cache[i]


def _table_of_contents(
    units: Sequence[Unit],
    lines: _LazyLines,
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


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
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


def _blank(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    for span in spans:
        gap = text[span.start : span.end]
        text = text[: span.start] + "".join(" " if c != "\n" else c for c in gap) + text[span.end :]
    return text


_CAPTION = re.compile(r"^(?:abbildung|tabelle|abb\.|tab\.|figure|fig\.|table|chart|map)\s*\d", re.I)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*\.?)\s")
_NORMAL = re.compile(r"[^a-z0-9äöüß]+")


def _normal(text: str) -> str:
    return _NORMAL.sub(" ", text.lower()).strip()


def _headings_from_toc(
    units: Sequence[Unit],
    lines: _LazyLines,
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
