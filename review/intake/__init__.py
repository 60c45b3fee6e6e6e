"""Intake of action plans: read PDF and DOCX, pre-check completeness, register versions.

Public API:
- `take_in(session, settings, *, round_, data, file_name, municipality, actor)` -> IntakeOutcome:
  one file; never raises for a bad file (the outcome is 'refused' with the reason).
- `read_document(data, file_name, settings)` -> ExtractedDocument: pure reading, no database;
  raises an `IntakeError` for a file that cannot be taken in.
- `take_in_sources(...)`: many files, read in parallel processes, registered in order, a chunk
  of files in one transaction.
"""

from review.intake.batch import (
    Planned,
    Reading,
    Source,
    collect_sources,
    plan_sources,
    read_source,
    register_readings,
    take_in_sources,
)
from review.intake.document import ExtractedDocument, Heading, Unit
from review.intake.errors import IntakeError
from review.intake.outcome import IntakeOutcome
from review.intake.read import NO_TEXT_LAYER, read_document
from review.intake.take import take_in

__all__ = [
    "NO_TEXT_LAYER",
    "ExtractedDocument",
    "Heading",
    "IntakeError",
    "IntakeOutcome",
    "Planned",
    "Reading",
    "Source",
    "Unit",
    "collect_sources",
    "plan_sources",
    "read_document",
    "read_source",
    "register_readings",
    "take_in",
    "take_in_sources",
]
