"""A `PlanSpec` as DOCX (python-docx): real Title/Heading 1/Heading 2 styles, real tables, core
properties; fixed dates and zip timestamps, so the same spec gives a byte-identical file (re-taking
a regenerated plan is recognisably the same file, same sha256)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.shared import Pt

from review.synthetic.blocks import Heading, PageBreak, Paragraph, Table, TocEntry
from review.synthetic.document import plan_blocks
from review.synthetic.plans import PlanSpec
from review.synthetic.written import PartLocation, WrittenPlan, fixed_date

_HEADING_STYLES = {0: "Title", 1: "Heading1", 2: "Heading2"}
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TEXT_WIDTH_TWIPS = 8640  # the default template's text width (6 inches)


def _p_xml(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def _table_xml(table: Table) -> str:
    width = _TEXT_WIDTH_TWIPS // len(table.header)
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for _ in table.header)
    rows = "".join(
        "<w:tr>"
        + "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{_p_xml(value)}</w:tc>'
            for value in values
        )
        + "</w:tr>"
        for values in (table.header, *table.rows)
    )
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        f'<w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{rows}</w:tbl>'
    )


def write_docx(spec: PlanSpec, path: str | Path) -> WrittenPlan:
    """The body is written as WordprocessingML in one piece and parsed once: python-docx's
    element-by-element API (a style lookup by name per paragraph, an xpath per cell) cost
    five times as much for the same document."""
    path = Path(path)
    doc = Document()
    props = doc.core_properties
    props.title = spec.title
    props.author = spec.author
    props.subject = spec.municipality
    props.language = "de-DE" if spec.language == "de" else "en-GB"
    props.created = props.modified = props.last_printed = fixed_date(spec)
    props.last_modified_by = spec.author
    props.revision = 1
    doc.styles["Normal"].font.size = Pt(10.5)

    found: dict[str, dict] = {}
    n_paragraphs = 0
    n_tables = 0
    xml: list[str] = []
    for block in plan_blocks(spec):
        if isinstance(block, Heading):
            xml.append(_p_xml(block.text, _HEADING_STYLES[block.level]))
            n_paragraphs += 1
            if block.part and block.part not in found:
                found[block.part] = {"heading": block.text, "paragraph": n_paragraphs}
        elif isinstance(block, Paragraph):
            xml.append(_p_xml(block.text))
            n_paragraphs += 1
            if block.part in found:
                found[block.part].setdefault("snippet", block.text[:120])
        elif isinstance(block, TocEntry):
            xml.append(_p_xml(block.text))
            n_paragraphs += 1
        elif isinstance(block, PageBreak):
            xml.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
            n_paragraphs += 1
        elif isinstance(block, Table):
            xml.append(_p_xml(block.caption, "Caption"))
            n_paragraphs += 1
            xml.append(_table_xml(block))
            if block.part in found:
                found[block.part].setdefault("table_index", n_tables)
            n_tables += 1
    body = doc.element.body
    sect_pr = body.sectPr
    for element in parse_xml(f"<w:body {_W}>{''.join(xml)}</w:body>"):
        sect_pr.addprevious(element)
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(_fixed_zip(buffer.getvalue()))
    locations = {
        part: PartLocation(
            part=part,
            heading=v["heading"],
            snippet=v.get("snippet", ""),
            paragraph=v["paragraph"],
            table_index=v.get("table_index"),
        )
        for part, v in found.items()
    }
    return WrittenPlan(path=path, spec=spec, format="docx", pages=None, locations=locations)


_ZIP_TIME = struct.pack("<HH", 0, (2020 - 1980) << 9 | 1 << 5 | 1)  # 2020-01-01 00:00


def _fixed_zip(data: bytes) -> bytes:
    """The same package with fixed entry timestamps (python-docx stamps the current time).

    Patches the DOS time/date fields of the local headers and the central directory in place
    instead of recompressing (recompressing costs as much as writing the document)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        start = archive.start_dir  # offset of the central directory
    for info in infos:
        out[info.header_offset + 10 : info.header_offset + 14] = _ZIP_TIME
    offset = start
    for _ in infos:
        if out[offset : offset + 4] != b"PK\x01\x02":
            raise ValueError("unexpected zip layout")
        out[offset + 12 : offset + 16] = _ZIP_TIME
        name_len, extra_len, comment_len = struct.unpack("<HHH", out[offset + 28 : offset + 34])
        offset += 46 + name_len + extra_len + comment_len
    return bytes(out)
