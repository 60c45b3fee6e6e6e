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
        }

    @property
    def completeness(self) -> str:
        checks = [f for f in self.findings if f.get("kind") == "check"]
        return f"{sum(f['present'] for f in checks)}/{len(checks)}" if checks else "-"
