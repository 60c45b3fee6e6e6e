"""What intake reads out of a plan: plain data, picklable (it crosses process boundaries) and
JSON-friendly (it is stored on the Document row)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Unit:
    """A piece of text a reviewer can find again: a PDF page, a DOCX paragraph or table."""

    kind: str  # "page" | "paragraph" | "table"
    number: int  # 1-based, in the document's order within its kind
    text: str

    @property
    def where(self) -> str:
        return f"{self.kind} {self.number}"


@dataclass
class Heading:
    level: int
    title: str
    kind: str  # where it sits: "page" or "paragraph"
    number: int | None


@dataclass
class ExtractedDocument:
    file_name: str
    media_type: str
    suffix: str  # ".pdf" or ".docx": what the file is, whatever its name says
    sha256: str
    size: int
    pages: int  # PDF pages; for DOCX the page count Word saved, else 0
    units: list[Unit]
    headings: list[Heading] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    language: str | None = None
    reader: str = ""
    has_text_layer: bool = True
    problems: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    # Structure (review.intake.structure): printed page labels of a PDF's pages, the table of
    # contents (title, printed page, where it stands), and how many spans of text were
    # recognised as not the plan's own (toc, running, guidance, funding, disclaimer).
    page_labels: dict[int, str] = field(default_factory=dict)
    toc: list[tuple[str, str, str]] = field(default_factory=list)
    not_the_plan: dict[str, int] = field(default_factory=dict)
    # PDF pages whose text was read by OCR (no text layer): a reviewer checks them with care.
    ocr_pages: list[int] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(u.text for u in self.units)

    def structure(self) -> dict[str, Any]:
        """What the Document row keeps besides the text: where each unit starts in `text`."""
        offsets, at = [], 0
        for unit in self.units:
            offsets.append({"kind": unit.kind, "number": unit.number, "offset": at})
            at += len(unit.text) + 2
        return {
            "reader": self.reader,
            "units": offsets,
            "headings": [asdict(h) for h in self.headings],
            "tables": self.tables,
            "page_labels": {str(k): v for k, v in self.page_labels.items()},
            "toc": [list(entry) for entry in self.toc],
            "not_the_plan": self.not_the_plan,
            "ocr_pages": self.ocr_pages,
        }

    @property
    def completeness(self) -> str:
        checks = [f for f in self.findings if f.get("kind") == "check"]
        return f"{sum(f['present'] for f in checks)}/{len(checks)}" if checks else "-"
