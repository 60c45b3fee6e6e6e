"""Text per page, outline headings and metadata of a PDF.

pypdf is the reader that is always installed; pypdfium2 (`peerplan[fast]`, about 20 times faster)
is used automatically when importable. Both give the same kind of result, and tests check that
they read equivalent text from the real plans. pypdf's warnings (fonts, broken xref tables) go to
the `logging` log, never to the user: the user gets one clear error or a readable document.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
import threading
import warnings
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from review.intake.document import Heading, Unit
from review.intake.errors import CorruptPdf, EncryptedPdf
from review.intake.limits import ReadingBudget

log = logging.getLogger(__name__)

READERS = ("pypdf", "pypdfium2")


def pdfium_available() -> bool:
    try:
        import pypdfium2  # noqa: F401, PLC0415 (an optional extra: is it installed?)
    except ImportError:
        return False
    return True


def choose_reader(preference: str = "auto") -> str:
    if preference == "auto":
        return "pypdfium2" if pdfium_available() else "pypdf"
    if preference not in READERS:
        raise ValueError(f"unknown PDF reader {preference!r}; choose one of {READERS} or 'auto'")
    return preference


class PdfContent:
    def __init__(
        self, units: list[Unit], headings: list[Heading], meta: dict[str, Any], reader: str
    ) -> None:
        self.units, self.headings, self.meta, self.reader = units, headings, meta, reader


def read_pdf(
    data: bytes, name: str, reader: str = "auto", *, budget: ReadingBudget | None = None
) -> PdfContent:
    """The PDF's text per page; `budget` refuses it past its pages, text or time limits."""
    reader = choose_reader(reader)
    budget = budget or ReadingBudget.unlimited(name)
    if reader == "pypdfium2":
        return _read_pdfium(data, name, budget)
    return _read_pypdf(data, name, budget)


# ---- pypdf -------------------------------------------------------------------------------------


def _read_pypdf(data: bytes, name: str, budget: ReadingBudget) -> PdfContent:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            pdf = pypdf.PdfReader(io.BytesIO(data))
            if pdf.is_encrypted and not _decrypts_without_password(pdf):
                raise EncryptedPdf(name)
            budget.pages(len(pdf.pages))
            texts = [budget.text(page.extract_text() or "") for page in pdf.pages]
        except EncryptedPdf:
            raise
        except (FileNotDecryptedError, DependencyError) as exc:
            raise EncryptedPdf(name) from exc
        except (
            PdfReadError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            IndexError,
            RecursionError,
            AssertionError,
            OSError,
            ZeroDivisionError,
        ) as exc:
            # pypdf raises many kinds of exceptions on broken files; all mean "cannot be read".
            raise CorruptPdf(name, _short(exc)) from exc
        headings = _pypdf_outline(pdf)
        meta = _pypdf_meta(pdf)
    for w in caught:
        log.warning("%s: %s", name, w.message)
    if not texts:
        raise CorruptPdf(name, "it has no pages")
    units = [Unit("page", i + 1, _clean(t)) for i, t in enumerate(texts)]
    return PdfContent(units, headings, meta, "pypdf")


def _decrypts_without_password(pdf: Any) -> bool:
    """Many PDFs are encrypted with an empty user password (only printing or copying is
    restricted): those open without asking and are read normally."""
    try:
        return bool(pdf.decrypt(""))
    except (DependencyError, NotImplementedError):
        return False


def _pypdf_outline(pdf: Any) -> list[Heading]:
    headings: list[Heading] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
                continue
            try:
                page = pdf.get_destination_page_number(item)
                number = page + 1 if page is not None and page >= 0 else None
            except Exception:  # a dangling bookmark: keep its title, lose its page
                number = None
            title = str(getattr(item, "title", "") or "").strip()
            if title:
                headings.append(Heading(level, title, "page", number))

    try:
        walk(pdf.outline, 1)
    except Exception as exc:  # a broken outline is not a reason to refuse the plan
        log.warning("outline unreadable: %s", exc)
    return headings


def _pypdf_meta(pdf: Any) -> dict[str, Any]:
    try:
        info = pdf.metadata or {}
    except Exception as exc:
        log.warning("metadata unreadable: %s", exc)
        info = {}
    return _meta(
        title=info.get("/Title"),
        author=info.get("/Author"),
        created=info.get("/CreationDate"),
        producer=info.get("/Producer"),
    )


# ---- pypdfium2 ---------------------------------------------------------------------------------


# PDFium is not thread-safe: one document at a time per process (the portal serves uploads
# from a thread pool). Processes read in parallel; threads take turns.
_PDFIUM_LOCK = threading.Lock()


def _read_pdfium(data: bytes, name: str, budget: ReadingBudget) -> PdfContent:
    with _PDFIUM_LOCK:
        return _read_pdfium_unlocked(data, name, budget)


def _read_pdfium_unlocked(data: bytes, name: str, budget: ReadingBudget) -> PdfContent:
    import pypdfium2 as pdfium  # noqa: PLC0415 (optional: the `fast` extra)

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf(name) from exc
        raise CorruptPdf(name, _short(exc)) from exc
    try:
        texts = [
            budget.text(_pdfium_page_text(pdf.raw, index))
            for index in range(budget.pages(len(pdf)))
        ]
        if not texts:
            raise CorruptPdf(name, "it has no pages")
        headings = []
        try:
            for item in pdf.get_toc():
                title, page = _bookmark(item)
                if title:
                    headings.append(
                        Heading(
                            item.level + 1,
                            title,
                            "page",
                            page + 1 if page is not None and page >= 0 else None,
                        )
                    )
        except Exception as exc:
            log.warning("%s: outline unreadable: %s", name, exc)
        info = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise CorruptPdf(name, _short(exc)) from exc
    finally:
        pdf.close()
    units = [Unit("page", i + 1, _clean(t)) for i, t in enumerate(texts)]
    meta = _meta(
        title=info.get("Title"),
        author=info.get("Author"),
        created=info.get("CreationDate"),
        producer=info.get("Producer"),
    )
    return PdfContent(units, headings, meta, "pypdfium2")


def _pdfium_page_text(document: Any, index: int) -> str:
    """The text of one page, through PDFium's C functions (`pypdfium2.raw`) instead of
    pypdfium2's page and text-page objects: those register a weakref finalizer each and track
    their children, which cost about as much as PDFium's own work on a short page (0.3-0.4 s
    of 5.2 for the 13 real tune plans). Same text as `PdfTextPage.get_text_range()`, character
    for character: the same range (leading and trailing characters PDFium leaves out of the
    text are skipped, pypdfium2 #261), decoded the same way."""
    import pypdfium2.raw as pdfium_c  # noqa: PLC0415 (optional: the `fast` extra)
    from pypdfium2 import PdfiumError  # noqa: PLC0415

    page = pdfium_c.FPDF_LoadPage(document, index)
    if not page:
        raise PdfiumError("Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise PdfiumError("Failed to load text page.")
        try:
            count = pdfium_c.FPDFText_CountChars(textpage)
            if count == -1:
                raise PdfiumError("Failed to get character count.")
            first, last = 0, count - 1
            text_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex
            while first <= last and text_index(textpage, first) == -1:
                first += 1
            while first <= last and text_index(textpage, last) == -1:
                last -= 1
            if first > last:
                return ""
            size = text_index(textpage, last) + 2 - text_index(textpage, first)  # with its NUL
            buffer = (ctypes.c_ushort * size)()
            written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
            length = (written if written > 0 else size) - 1  # as pypdfium2 slices it
            return ctypes.string_at(buffer, length * 2).decode("utf-16-le", "ignore")
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def _bookmark(item: Any) -> tuple[str, int | None]:
    """Title and 0-based page of a pypdfium2 bookmark (v5 methods, or v4 attributes)."""
    if hasattr(item, "get_title"):
        dest = item.get_dest()
        return (item.get_title() or "").strip(), dest.get_index() if dest is not None else None
    return (item.title or "").strip(), item.page_index


# ---- both --------------------------------------------------------------------------------------

# pdfium's mark of a hyphen at a line end; written as pypdf (and the page) shows it.
_HYPHEN_BREAK = "\ufffe"
_SPACES = re.compile(r"[\t\u00a0][ \t\u00a0]*| [ \t\u00a0]+")  # not single spaces: cheaper


def _clean(text: str) -> str:
    # Each replacement only where its text stands: a test for one character is a memchr, while
    # each replace is a pass copying the page (the passes cost 3 % of PDFium's reading).
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        text = text.replace("\r", "\n")
    if _HYPHEN_BREAK in text:
        text = text.replace(_HYPHEN_BREAK + "\n", "-\n").replace(_HYPHEN_BREAK, "-\n")
    if "\x00" in text:
        text = text.replace("\x00", "")
    # str methods first: a regex visiting every space costs as much as PDFium reading the page.
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    return text.replace(" \n", "\n").replace("\n ", "\n").strip()


def _meta(**values: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        value = str(value).strip()
        if key == "created":
            parsed = parse_pdf_date(value)
            value = parsed.isoformat() if parsed else None
        if value:
            out[key] = value
    return out


_PDF_DATE = re.compile(
    r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*([Zz+\-])?(\d{2})?'?(\d{2})?'?"
)


def parse_pdf_date(value: str) -> datetime | None:
    """`D:20180702123844+02'00'` -> an aware datetime; None when it is not a PDF date."""
    m = _PDF_DATE.match(value.strip())
    if not m:
        return None
    year, month, day, hour, minute, second, sign, tzh, tzm = m.groups()
    try:
        tz = UTC
        if sign in ("+", "-"):
            offset = timedelta(hours=int(tzh or 0), minutes=int(tzm or 0))
            tz = timezone(offset if sign == "+" else -offset)
        return datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            tzinfo=tz,
        )
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."
