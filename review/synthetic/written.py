"""What a synthetic plan's writer reports: the file, its spec, its page count and where each part
landed (review.synthetic.pdf_writer, review.synthetic.docx_writer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from review.synthetic.plans import PlanSpec


@dataclass(frozen=True)
class PartLocation:
    """Where a present part begins: the ground truth an intake finding should match."""

    part: str
    heading: str  # the chapter or section heading that opens the part
    snippet: str  # the beginning of its first paragraph
    page: int | None = None  # PDF: 1-based page of the heading
    # DOCX: paragraph number, 1-based, counting python-docx `Document.paragraphs` (body
    # paragraphs in order, table cells not counted): `Document.paragraphs[paragraph - 1]`.
    paragraph: int | None = None
    table_page: int | None = None  # PDF: page of the part's first table, if any
    table_index: int | None = None  # DOCX: 0-based index in `Document.tables`, if any


@dataclass(frozen=True)
class WrittenPlan:
    path: Path
    spec: PlanSpec
    format: Literal["pdf", "docx"]
    pages: int | None  # PDF page count (DOCX has no fixed pages)
    locations: dict[str, PartLocation]


def fixed_date(spec: PlanSpec) -> datetime:
    """The files' creation date: the council date, so the same spec gives the same bytes."""
    return datetime(
        spec.council_date.year, spec.council_date.month, spec.council_date.day, 9, 0, tzinfo=UTC
    )
