"""The result of taking in one file, as the CLI, the flow and the portal show it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from review.i18n import Phrase, translator
from review.intake.findings import summary
from review.models import Document

Status = Literal["registered", "new_version", "unchanged", "refused"]

PDF = "application/pdf"


def extent(media_type: str | None, pages: int, paragraphs: int, language: str = "en") -> str:
    """How long a plan is, as people count it, in `language`: a PDF's pages, a Word file's
    paragraphs. A DOCX has no pages until a word processor lays it out; the count Word saved
    (docProps/app.xml) is often stale or the template's "1" (python-docx, LibreOffice), so it is
    never shown. Empty when unknown."""
    t = translator(language)
    if media_type == PDF and pages:
        return t.ngettext("%(num)s page", "%(num)s pages", pages) % {"num": pages}
    if paragraphs:
        text = t.ngettext("%(num)s paragraph", "%(num)s paragraphs", paragraphs)
        return text % {"num": paragraphs}
    return ""


def paragraphs_in(structure: dict[str, Any]) -> int:
    """The paragraphs of a stored Document's `structure` (its units' kinds)."""
    return sum(1 for unit in structure.get("units", ()) if unit.get("kind") == "paragraph")


def document_extent(document: Document, language: str = "en") -> str:
    """A stored plan version's `extent` (never Word's saved page count)."""
    paragraphs = paragraphs_in(document.structure or {})
    return extent(document.media_type, document.pages, paragraphs, language)


@dataclass
class IntakeOutcome:
    file_name: str
    municipality: str
    status: Status
    plan_id: int | None = None
    document_id: int | None = None
    version: int | None = None
    pages: int = 0
    paragraphs: int = 0  # of a DOCX (a PDF's units are pages)
    language: str | None = None
    media_type: str | None = None
    sha256: str | None = None
    completeness: str = "-"
    findings: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    error: str | None = None  # why the file was refused (a `Phrase`: said in any language)
    error_code: str | None = None

    @property
    def extent(self) -> str:
        """ "12 pages" for a PDF, "340 paragraphs" for a Word file (see `extent`)."""
        return extent(self.media_type, self.pages, self.paragraphs)

    def extent_in(self, language: str) -> str:
        """`extent` in `language` (the portal's page, the receipt)."""
        return extent(self.media_type, self.pages, self.paragraphs, language)

    def completeness_in(self, asked: Collection[str] | None) -> str:
        """'7/7': the parts found of those the round asks for (`asked`, review.asked_parts);
        None: every check, as registered."""
        if asked is None or not self.taken_in:
            return self.completeness
        return summary(self.findings, asked)

    def error_in(self, language: str) -> str | None:
        """Why the file was refused, in `language` (the municipality's upload page)."""
        return self.error(language) if isinstance(self.error, Phrase) else self.error

    @property
    def taken_in(self) -> bool:
        return self.status != "refused"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
