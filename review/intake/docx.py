"""Paragraphs, heading styles, tables and core properties of a DOCX (python-docx).

Before python-docx reads anything, `review.intake.safezip` unpacks every member with a counter:
a DOCX that unpacks (or would, by its directory) to more than `max_docx_uncompressed_bytes`,
that produces more than it declares, or whose XML part exceeds `max_docx_xml_bytes` is refused
as a zip bomb. zipfile itself inflates a member whole before cutting it to its declared size, so
declared sizes alone bound nothing. Paragraphs and tables count against the `ReadingBudget`.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.table import Table

from review.intake import safezip
from review.intake.document import Heading, Unit
from review.intake.errors import NotADocx, NotAZip, ZipBomb
from review.intake.limits import ReadingBudget

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift)\s*(\d)$", re.IGNORECASE)
_PAGES = re.compile(rb"<Pages>(\d+)</Pages>")


class DocxContent:
    def __init__(
        self,
        units: list[Unit],
        headings: list[Heading],
        tables: list[list[list[str]]],
        meta: dict[str, Any],
        pages: int,
    ):
        self.units, self.headings, self.tables, self.meta, self.pages = (
            units,
            headings,
            tables,
            meta,
            pages,
        )


def check_zip(
    data: bytes, name: str, max_uncompressed: int, max_xml_part: int | None = None
) -> zipfile.ZipFile:
    try:
        checked = safezip.check_archive(
            data, max_unpacked=max_uncompressed, max_xml_part=max_xml_part
        )
    except safezip.TooMuchUnpacked as exc:
        part = exc.member if exc.xml or exc.lied else None
        raise ZipBomb(name, exc.size, exc.limit, lied=exc.lied, part=part) from None
    except safezip.TooManyMembers as exc:
        raise ZipBomb(name, 0, exc.limit, members=exc.members) from None
    except safezip.NotAnArchive as exc:
        raise NotAZip(name, str(exc), damaged=data.startswith(b"PK")) from exc
    if "word/document.xml" not in checked.names:
        raise NotADocx(name)
    return zipfile.ZipFile(io.BytesIO(data))


def read_docx(
    data: bytes,
    name: str,
    max_uncompressed: int,
    *,
    max_xml_part: int | None = None,
    budget: ReadingBudget | None = None,
) -> DocxContent:
    budget = budget or ReadingBudget.unlimited(name)
    archive = check_zip(data, name, max_uncompressed, max_xml_part)
    pages = _saved_page_count(archive)
    if pages:
        budget.pages(pages)
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:  # e.g. a macro document or template: not a plain DOCX
        raise NotADocx(name) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise NotAZip(name, str(exc), damaged=True) from exc
    except Exception as exc:  # broken XML inside a valid zip (lxml raises its own errors)
        raise NotAZip(name, f"its content is damaged: {exc}", damaged=True) from exc

    # Style names by id, looked up once: python-docx's `paragraph.style` scans every style of
    # the document for each paragraph without its own (4 ms each: minutes for a long plan).
    try:
        style_names = {style.style_id: style.name or "" for style in document.styles}
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    except Exception as exc:  # damaged styles part: no headings from styles, the text stays
        log.warning("%s: styles unreadable: %s", name, exc)
        style_names, default = {}, None
    default_name = (default.name or "") if default is not None else ""
    units: list[Unit] = []
    headings: list[Heading] = []
    tables: list[list[list[str]]] = []
    paragraph_no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            tables.append(rows)
            text = "\n".join(" | ".join(cell for cell in row if cell) for row in rows)
            units.append(Unit("table", len(tables), budget.text(text.strip())))
            continue
        text = block.text.strip()
        if not text:
            budget.text("")  # empty paragraphs cost time too
            continue
        paragraph_no += 1
        units.append(Unit("paragraph", paragraph_no, budget.text(text)))
        style_id = block._p.style
        level = _heading_level(
            style_names.get(style_id, default_name) if style_id else default_name
        )
        if level is not None:
            headings.append(Heading(level, text, "paragraph", paragraph_no))
    budget.check_time()
    return DocxContent(units, headings, tables, _core_meta(document), pages)


def _heading_level(style_name: str) -> int | None:
    if style_name == "Title":
        return 0
    m = _HEADING_STYLE.match(style_name)
    return int(m.group(1)) if m else None


def _saved_page_count(archive: zipfile.ZipFile) -> int:
    """Pages as Word counted them when saving (docProps/app.xml); 0 when not recorded."""
    try:
        m = _PAGES.search(archive.read("docProps/app.xml"))
    except KeyError:
        return 0
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError):
        return 0  # a damaged part: python-docx's reading below refuses the file clearly
    return int(m.group(1)) if m else 0


def _core_meta(document: Any) -> dict[str, Any]:
    try:
        props = document.core_properties
        meta = {
            "title": props.title,
            "author": props.author,
            "created": props.created.isoformat() if props.created else None,
            "language": props.language,
        }
    except Exception as exc:  # damaged docProps/core.xml: the text is still worth reading
        log.warning("core properties unreadable: %s", exc)
        return {}
    return {k: v for k, v in meta.items() if v}
