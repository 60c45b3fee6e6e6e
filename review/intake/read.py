"""From bytes to an ExtractedDocument, or a clear refusal. Pure: no database, no files written.

The file's kind comes from its bytes (`sniff`); its name only serves the messages and the check
that the name does not lie.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import PurePath

from review.config import Settings
from review.i18n import N_, Message
from review.intake import errors, ocr
from review.intake import problems as problems_said
from review.intake.document import ExtractedDocument, Unit
from review.intake.docx import read_docx
from review.intake.findings import ANCHOR_SETS as FINDINGS_ANCHOR_SETS
from review.intake.findings import check_plan
from review.intake.language import detect_language
from review.intake.limits import ReadingBudget
from review.intake.pdf import read_pdf
from review.intake.sniff import DESCRIPTIONS, Kind, sniff
from review.intake.structure import analyse, prepare
from review.storage import sha256_of

log = logging.getLogger(__name__)
prepare(FINDINGS_ANCHOR_SETS)  # before any reading process forks

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_TEXT_LAYER = problems_said.NO_TEXT_LAYER
OCR_NOTE = problems_said.READ_BY_OCR_PAGE.split("%")[0].strip()  # its start, for tests
_CLAIMS = {".pdf": "PDF", ".docx": "DOCX", ".doc": Message(N_("Word document"))}
# Fewer visible characters per page than this: the PDF is a scan or images only.
MIN_CHARS_PER_PAGE = 10


def read_document(data: bytes, file_name: str, settings: Settings) -> ExtractedDocument:
    """Read a plan; raises an `IntakeError` whose message says why a file cannot be taken in."""
    name = PurePath(file_name).name or "file"
    suffix = PurePath(name).suffix.lower()
    if len(data) > settings.max_upload_bytes:
        raise errors.TooLarge(name, len(data), settings.max_upload_bytes)
    kind = sniff(data)
    refuse_unreadable(kind, name, suffix)

    budget = ReadingBudget.for_document(name, settings)  # pages, text and CPU time
    problems: list[str] = []
    actual = ".pdf" if kind is Kind.pdf else ".docx"
    if suffix != actual:
        # Harmless when the content is a plan we can read: read it for what it is, and say so.
        problems.append(
            problems_said.NAMED_AS % {"suffix": suffix, "actual": DESCRIPTIONS[kind]}
            if suffix
            else problems_said.NAMED_WITHOUT_EXTENSION % {"actual": DESCRIPTIONS[kind]}
        )
    if kind is Kind.pdf:
        doc = _read_pdf_document(data, name, settings, budget, problems)
    else:
        doc = _read_docx_document(data, name, settings, budget, problems)
    doc.meta.setdefault("pages", doc.pages)
    doc.language = detect_language(u.text for u in doc.units)
    if doc.language is None and doc.has_text_layer:
        doc.problems.append(problems_said.LANGUAGE_UNKNOWN)
    if doc.has_text_layer:
        read_structure_and_findings(doc)
    return doc


def refuse_unreadable(kind: Kind, name: str, suffix: str) -> None:
    """Raise the `IntakeError` for a file that is neither a PDF nor a DOCX, saying what it is."""
    if kind is Kind.empty:
        raise errors.EmptyFile(name)
    if kind is Kind.doc:
        raise errors.LegacyDoc(name)
    if kind is Kind.encrypted_office:
        raise errors.EncryptedDocument(name)
    if kind is Kind.html:
        if suffix in _CLAIMS:
            raise errors.MislabelledFile(
                name,
                DESCRIPTIONS[kind],
                _CLAIMS[suffix],
                Message(
                    N_(
                        "open the page in a browser and print it to PDF, or download the plan itself"
                    )
                ),
            )
        raise errors.UnsupportedFile(name, DESCRIPTIONS[kind])
    if kind is Kind.zip:
        if suffix == ".docx":
            raise errors.NotADocx(name)
        raise errors.UnsupportedFile(name, DESCRIPTIONS[kind])
    if kind is Kind.unknown:
        if suffix == ".pdf":
            raise errors.CorruptPdf(name, "it does not start like a PDF")
        if suffix == ".docx":
            raise errors.NotAZip(name)
        raise errors.UnsupportedFile(name, DESCRIPTIONS[kind])


def _read_pdf_document(
    data: bytes, name: str, settings: Settings, budget: ReadingBudget, problems: list[str]
) -> ExtractedDocument:
    content = read_pdf(data, name, settings_pdf_reader(settings), budget=budget)
    doc = ExtractedDocument(
        file_name=name,
        media_type=PDF,
        suffix=".pdf",
        sha256=sha256_of(data),
        size=len(data),
        pages=len(content.units),
        units=content.units,
        headings=content.headings,
        meta=content.meta,
        reader=content.reader,
        problems=problems,
    )
    _read_scanned_pages(data, doc, budget)
    if not _visible_at_least(content.units, MIN_CHARS_PER_PAGE * doc.pages):
        doc.has_text_layer = False
        doc.problems.append(NO_TEXT_LAYER)
    return doc


def _visible(text: str) -> int:
    return len("".join(text.split()))


def _visible_at_least(units: list[Unit], wanted: int) -> bool:
    """Whether the units hold `wanted` visible characters: counted until there are enough
    (a page of text has them for a whole plan; counting every page cost 2 % of PDFium)."""
    seen = 0
    for unit in units:
        seen += _visible(unit.text)
        if seen >= wanted:
            return True
    return seen >= wanted


def _scanned(text: str) -> bool:
    """Fewer than MIN_CHARS_PER_PAGE visible characters; a page's first lines mostly decide
    (the visible characters of a part are never more than those of the whole)."""
    return _visible(text[:200]) < MIN_CHARS_PER_PAGE and _visible(text) < MIN_CHARS_PER_PAGE


@functools.cache
def ocr_available() -> bool:
    """Asked once per process: it starts Tesseract to list its languages."""
    return ocr.available()


def _read_scanned_pages(data: bytes, doc: ExtractedDocument, budget: ReadingBudget) -> None:
    """Read the pages without a text layer by OCR when it is installed; `doc.ocr_pages` says
    which pages it read. Without OCR, or when it fails, the pages stay empty (and the plan is
    flagged below as before); past the CPU budget the document is refused like any other."""
    scanned = [u.number for u in doc.units if _scanned(u.text)]
    if not scanned or not ocr_available():
        return
    try:
        texts = ocr.read_pages(data, scanned, budget)
    except ocr.OcrFailed as exc:
        log.warning("%s: OCR failed: %s", doc.file_name, exc)
        doc.problems.append(problems_said.OCR_FAILED % {"error": exc})
        return
    for unit in doc.units:
        text = texts.get(unit.number, "")
        if _visible(text) >= MIN_CHARS_PER_PAGE and not text.startswith("[OCR skipped"):
            unit.text = budget.text(text)
            doc.ocr_pages.append(unit.number)
    if doc.ocr_pages:
        doc.reader = f"{doc.reader}+ocr"
        listed = ", ".join(str(n) for n in doc.ocr_pages)
        sentence = (
            problems_said.READ_BY_OCR_PAGE if len(doc.ocr_pages) == 1 else problems_said.READ_BY_OCR
        )
        doc.problems.append(sentence % {"pages": listed})


def _read_docx_document(
    data: bytes, name: str, settings: Settings, budget: ReadingBudget, problems: list[str]
) -> ExtractedDocument:
    content = read_docx(
        data,
        name,
        settings.max_docx_uncompressed_bytes,
        max_xml_part=settings.max_docx_xml_bytes,
        budget=budget,
    )
    doc = ExtractedDocument(
        file_name=name,
        media_type=DOCX,
        suffix=".docx",
        sha256=sha256_of(data),
        size=len(data),
        pages=content.pages,
        units=content.units,
        headings=content.headings,
        tables=content.tables,
        meta=content.meta,
        reader="python-docx",
        problems=problems,
    )
    if not content.units:
        doc.has_text_layer = False
        doc.problems.append(problems_said.NO_TEXT)
    return doc


def read_structure_and_findings(doc: ExtractedDocument) -> None:
    """The plan's structure first (what is not its own text), then the findings on the rest."""
    structure = analyse(doc.units, doc.headings, FINDINGS_ANCHOR_SETS)
    doc.headings = structure.headings
    doc.page_labels = structure.page_labels
    doc.toc = [(e.title, e.page_label, doc.units[e.unit].where) for e in structure.toc]
    doc.not_the_plan = structure.roles()
    headings = [(h.kind, h.number) for h in doc.headings if h.kind == "paragraph"]
    doc.findings = check_plan(doc.units, headings, structure, city_of(doc.file_name))


def city_of(file_name: str) -> str | None:
    """The municipality a file name suggests ("Münster.pdf", "Lahti-ccc.docx"), lower-cased: a
    hint for telling the city's own target from those it quotes."""
    words = re.split(r"[-_ .]", PurePath(file_name).stem.lower())
    first = words[0]
    if first in _ARTICLES and len(words) > 1 and words[1].isalpha():
        first = f"{first} {words[1]}"  # "the_hague-ccc.docx": "the hague", not "the"
    return first if len(first) >= 3 and first.replace(" ", "").isalpha() else None


# Articles that begin a city's name ("The Hague", "Den Haag", "La Rochelle", "Le Havre").
_ARTICLES = frozenset({"the", "den", "de", "la", "le", "les", "el", "il", "lo", "l"})


def settings_pdf_reader(settings: Settings) -> str:
    return getattr(settings, "pdf_reader", "auto")
