"""Paragraphs, heading styles, tables and core properties of a DOCX (python-docx).

The zip's directory is checked before anything is unpacked: a DOCX whose members would unpack to
more than `max_docx_uncompressed_bytes` is refused as a zip bomb. (zipfile never returns more
than a member's declared size, so checking the declared sizes bounds what is unpacked.)
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
import zlib
from typing import Any

from review.intake.document import Heading, Unit
from review.intake.errors import NotADocx, NotAZip, ZipBomb

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift)\s*(\d)$", re.IGNORECASE)
_PAGES = re.compile(rb"<Pages>(\d+)</Pages>")
MAX_MEMBERS = 10_000


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


def check_zip(data: bytes, name: str, max_uncompressed: int) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise NotAZip(name, str(exc), damaged=data.startswith(b"PK")) from exc
    total = sum(info.file_size for info in infos)
    if total > max_uncompressed or len(infos) > MAX_MEMBERS:
        raise ZipBomb(name, total, max_uncompressed)
    if "word/document.xml" not in archive.namelist():
        raise NotADocx(name)
    return archive


def read_docx(data: bytes, name: str, max_uncompressed: int) -> DocxContent:
    import docx
    from docx.table import Table

    archive = check_zip(data, name, max_uncompressed)
    pages = _saved_page_count(archive)
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:  # e.g. a macro document or template: not a plain DOCX
        raise NotADocx(name) from exc
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise NotAZip(name, str(exc), damaged=True) from exc
    except Exception as exc:  # broken XML inside a valid zip (lxml raises its own errors)
        raise NotAZip(name, f"its content is damaged: {exc}", damaged=True) from exc

    units: list[Unit] = []
    headings: list[Heading] = []
    tables: list[list[list[str]]] = []
    paragraph_no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            tables.append(rows)
            text = "\n".join(" | ".join(cell for cell in row if cell) for row in rows)
            units.append(Unit("table", len(tables), text.strip()))
            continue
        text = block.text.strip()
        if not text:
            continue
        paragraph_no += 1
        units.append(Unit("paragraph", paragraph_no, text))
        level = _heading_level(block)
        if level is not None:
            headings.append(Heading(level, text, "paragraph", paragraph_no))
    return DocxContent(units, headings, tables, _core_meta(document), pages)


def _heading_level(paragraph: Any) -> int | None:
    style = paragraph.style
    name = style.name if style is not None else ""
    if name == "Title":
        return 0
    m = _HEADING_STYLE.match(name or "")
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
