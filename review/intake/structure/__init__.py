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

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from review.intake.document import Heading, Unit
from review.intake.scan import AnchorIndex
from review.intake.structure.boilerplate import ANCHOR_SETS as BOILERPLATE_ANCHOR_SETS
from review.intake.structure.boilerplate import boilerplate_of
from review.intake.structure.furniture import page_labels as read_page_labels
from review.intake.structure.furniture import running
from review.intake.structure.text import (
    DISCLAIMER,
    FUNDING,
    GUIDANCE,
    ROLES,
    RUNNING,
    TOC,
    LazyLines,
    Span,
    blank,
    edge_lines,
    lower_same_offsets,
)
from review.intake.structure.toc import (
    LISTING_CUES,
    TocEntry,
    headings_from_toc,
    listings,
    table_of_contents,
)

__all__ = [
    "DISCLAIMER",
    "FUNDING",
    "GUIDANCE",
    "ROLES",
    "RUNNING",
    "TOC",
    "Span",
    "Structure",
    "TocEntry",
    "analyse",
]


@dataclass
class Structure:
    units: Sequence[Unit]
    excluded: list[list[Span]]  # per unit, the spans that are not the plan's own text
    body: list[str]  # per unit, its text with the excluded spans blanked (same offsets)
    page_labels: dict[int, str] = field(default_factory=dict)  # PDF page -> printed label
    toc: list[TocEntry] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    # Where the anchors stand in the units' lower-cased text (before blanking): the boilerplate's
    # and those `analyse` was asked for (the findings', which edit it for the plan's own text).
    index: AnchorIndex | None = None

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


def prepare(anchor_sets: Sequence[Sequence[str]] = ()) -> None:
    """Compile the anchor scanner that `analyse` with these anchor sets uses, now (2-3 ms):
    called at import, so that reading processes forked afterwards inherit it instead of each
    compiling its own."""
    AnchorIndex([""], [*BOILERPLATE_ANCHOR_SETS, LISTING_CUES, *anchor_sets])


def analyse(
    units: Sequence[Unit],
    headings: Sequence[Heading] = (),
    anchor_sets: Sequence[Sequence[str]] = (),
) -> Structure:
    """`anchor_sets`: anchors to find besides the boilerplate's, in the same automaton pass
    (`Structure.index`), so that the findings need no second pass over the document."""
    excluded: list[list[Span]] = [[] for _ in units]
    lines = LazyLines(units)  # split into lines only where needed: it costs
    edges = [edge_lines(u.text) for u in units]
    pages = [i for i, u in enumerate(units) if u.kind == "page"]
    page_labels = read_page_labels(units, edges, excluded) if pages else {}
    lowered = [lower_same_offsets(u.text) for u in units]
    index = AnchorIndex(lowered, [*BOILERPLATE_ANCHOR_SETS, LISTING_CUES, *anchor_sets])
    running(units, edges, lowered, excluded)
    heading_units = {(h.kind, h.number) for h in headings}
    toc = table_of_contents(units, lines, excluded, heading_units)
    if pages:
        listings(units, lines, lowered, excluded, index)
    boilerplate_of([u.text for u in units], lowered, excluded, index)
    body = [blank(u.text, spans) for u, spans in zip(units, excluded, strict=True)]
    found = list(headings)
    if pages and not any(h.kind == "page" for h in headings):
        found += headings_from_toc(units, lines, toc, page_labels, excluded)
    return Structure(units, excluded, body, page_labels, toc, found, index)
