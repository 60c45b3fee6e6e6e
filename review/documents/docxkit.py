"""python-docx on a styled base document: loading the template, the styles the documents use,
cell shading, text bars, and document properties that never name a person.

The templates (`templates/documents/*.docx`) are ordinary Word files. A coordinator restyles them
in Word (fonts, colours, heading and table styles, page setup, header and footer with a logo);
the code only refers to style names. `python -m review.documents.docxkit` rebuilds the shipped
templates from scratch; `STYLES` lists every style the code uses, and a test checks that each
shipped template still has them.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor

from review.paths import TEMPLATES_DIR

DOCUMENT_TEMPLATES = TEMPLATES_DIR / "documents"

# Custom styles the documents use, beside Word's built-in Title, Subtitle, Heading 1-3, Normal,
# List Bullet and the table styles below.
HINT = "Peerplan Hint"  # automatic intake findings: visibly not a reviewer's text
COMMENT = "Peerplan Comment"  # reviewers' text
FLAG = "Peerplan Flag"  # disagreement and critical notes
OUTCOME = "Peerplan Outcome"  # the outcome line of the summary
SMALL = "Peerplan Small"
BAR = "Peerplan Bar"  # character style of the filled part of a score bar
BAR_EMPTY = "Peerplan Bar Empty"
TABLE = "Light Grid Accent 1"
HEADER_SIZE = Pt(9)
PLAIN_TABLE = "Table Grid"
STYLES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Normal",
    "List Bullet",
    HINT,
    COMMENT,
    FLAG,
    OUTCOME,
    SMALL,
    BAR,
    BAR_EMPTY,
    TABLE,
    PLAIN_TABLE,
)


@lru_cache(maxsize=8)
def _template_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


@lru_cache(maxsize=8)
def _style_ids(path: str) -> dict[str, str]:
    document = Document(io.BytesIO(_template_bytes(path)))
    return {style.name: style.style_id for style in document.styles if style.name}


def open_template(name: str, directory: Path | None = None) -> DocumentObject:
    """A fresh document from `templates/documents/<name>` (read once per process)."""
    path = (directory or DOCUMENT_TEMPLATES) / name
    return Document(io.BytesIO(_template_bytes(str(path))))


class Styled:
    """Adds styled paragraphs, runs and tables with style ids resolved once per template.

    python-docx resolves a style name on every use by scanning all styles of the document (about
    160 in Word's defaults): that scan was 60 % of the rendering time. Here a name is looked up
    once per template and process; a name the template lacks raises KeyError naming it."""

    def __init__(self, document: DocumentObject, name: str, directory: Path | None = None) -> None:
        self.document = document
        self.ids = _style_ids(str((directory or DOCUMENT_TEMPLATES) / name))

    def id(self, style: str) -> str:
        try:
            return self.ids[style]
        except KeyError:
            raise KeyError(f"the document template has no style named '{style}'") from None

    def para(self, text: str = "", style: str | None = None, container=None):
        paragraph = (container or self.document).add_paragraph(text)
        if style:
            paragraph._p.style = self.id(style)
        return paragraph

    def heading(self, text: str, level: int):
        return self.para(text, "Title" if level == 0 else f"Heading {level}")

    def restyle(self, paragraph, style: str) -> None:
        paragraph._p.style = self.id(style)

    def run(self, paragraph, text: str, style: str | None = None):
        run = paragraph.add_run(text)
        if style:
            run._r.style = self.id(style)
        return run

    def table(self, rows: int, cols: int, style: str, widths: list[float] | None = None):
        """A table; `widths` in cm per column (rows added later inherit them)."""
        table = self.document.add_table(rows=rows, cols=cols)
        table._tbl.tblStyle_val = self.id(style)
        if widths:
            table.autofit = False  # a fixed layout: Word and LibreOffice keep these widths
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Cm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = Cm(width)
        return table

    def header(self, table, names: Sequence[str]) -> None:
        """The header row's names, a size smaller than the rows: German column names
        ("Abweichungen", "Bewertung") are single long words that would break mid-word."""
        for cell, name in zip(table.rows[0].cells, names, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(whole_ranges(name)).font.size = HEADER_SIZE

    def text_table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths: list[float],
        style: str = TABLE,
    ):
        """A table of texts: the header row, then a row per item of `rows` (widths in cm). The
        texts go in as given: clean what a person typed before (review.documents.text)."""
        table = self.table(1, len(header), style, widths)
        self.header(table, header)
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = value
        return table

    def bar(self, paragraph, fraction: float | None, width: int = 20) -> None:
        """A horizontal bar of block characters: a chart that is plain text, restyled like any
        text."""
        filled = 0 if fraction is None else round(min(max(fraction, 0.0), 1.0) * width)
        if filled:
            self.run(paragraph, "█" * filled, BAR)
        if width - filled:
            self.run(paragraph, "█" * (width - filled), BAR_EMPTY)


_APP_PERSONAL = re.compile(rb"<(Manager|Company)>[^<]*</\1>")


def anonymise_properties(
    document: DocumentObject,
    *,
    title: str,
    subject: str,
    language: str,
    keywords: str = "",
    when: datetime | None = None,
) -> None:
    """Document properties that name no person, whoever last saved the template in Word."""
    props = document.core_properties
    props.author = "peerplan"
    props.last_modified_by = "peerplan"
    props.comments = ""
    props.category = ""
    props.content_status = ""
    props.identifier = ""
    props.version = ""
    props.title = title[:250]
    props.subject = subject[:250]
    props.keywords = keywords[:250]
    props.language = language
    props.revision = 1
    stamp = (when or datetime.now(UTC)).replace(microsecond=0)
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    for part in document.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml" and hasattr(part, "_blob"):
            part._blob = _APP_PERSONAL.sub(rb"<\1></\1>", part._blob)


#: A dash between two numbers ("0–100"), where a line may break after the dash.
_RANGE_DASH = re.compile(r"(?<=\d)([–-])(?=\d)")


def whole_ranges(text: str) -> str:
    """A range of numbers kept on one line (word joiners around its dash): the header 'Total
    (0–100)' broke as 'Total (0–' over '100)' in every English consolidated review."""
    return _RANGE_DASH.sub("\u2060\\1\u2060", text)


def keep_whole(row):
    """The row stays on one page (`w:cantSplit`): a summary's row of a plan split over two
    pages, its flags at the top of the next page under no name. Only for rows of short cells:
    a row taller than a page is split anyway."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return row


def repeat_as_header(row, height: Length | None = None):
    """The row is the table's header: whole, and repeated at the top of every page the table
    continues on (a long table's second page had columns without names). `height`: at least
    this tall (upright names need it: LibreOffice does not grow a row for them)."""
    props = row._tr.get_or_add_trPr()
    props.append(OxmlElement("w:cantSplit"))  # the schema's order: cantSplit, trHeight, tblHeader
    if height is not None:
        tall = OxmlElement("w:trHeight")
        tall.set(qn("w:val"), str(height.twips))
        tall.set(qn("w:hRule"), "atLeast")
        props.append(tall)
    props.append(OxmlElement("w:tblHeader"))
    return row


def upright(cell) -> None:
    """The cell's text runs upwards (bottom to top): a column header of a matrix with many
    narrow columns, where a city's name across the cell broke mid-word ('Lappeenr/anta')."""
    direction = OxmlElement("w:textDirection")
    direction.set(qn("w:val"), "btLr")
    cell._tc.get_or_add_tcPr().append(direction)


def shade(cell, fill: str) -> None:
    """Background colour of a table cell, hex 'RRGGBB'."""
    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def score_colour(fraction: float | None) -> str:
    """Red (0) through yellow to green (1); grey for no score. For heat maps."""
    if fraction is None:
        return "D9D9D9"
    f = min(max(fraction, 0.0), 1.0)
    if f < 0.5:
        r, g = 230, int(120 + 230 * f)
    else:
        r, g = int(230 - 260 * (f - 0.5)), 235
    return f"{max(r, 0):02X}{min(g, 255):02X}70"


# --------------------------------------------------------------------------------------------
# Building the shipped templates (run once; the results are committed and restyled in Word).


def _paragraph_style(
    document: DocumentObject,
    name: str,
    *,
    base: str = "Normal",
    size: float | None = None,
    italic: bool = False,
    bold: bool = False,
    colour: RGBColor | None = None,
) -> None:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True
    font = style.font
    if size:
        font.size = Pt(size)
    font.italic = italic or None
    font.bold = bold or None
    if colour is not None:
        font.color.rgb = colour


def build_base(path: Path, *, landscape: bool = False) -> None:
    document = Document()
    styles = document.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(10.5)
    _paragraph_style(document, HINT, size=9.5, italic=True, colour=RGBColor(0x59, 0x59, 0x59))
    _paragraph_style(document, COMMENT)
    _paragraph_style(document, FLAG, bold=True, colour=RGBColor(0xC0, 0x39, 0x2B))
    _paragraph_style(document, OUTCOME, size=16, bold=True, colour=RGBColor(0x1F, 0x4E, 0x79))
    _paragraph_style(document, SMALL, size=8.5, colour=RGBColor(0x59, 0x59, 0x59))
    for name, colour in (
        (BAR, RGBColor(0x2E, 0x75, 0xB6)),
        (BAR_EMPTY, RGBColor(0xE3, 0xE8, 0xEF)),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = colour
        style.font.size = Pt(9)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    footer = section.footer.paragraphs[0]
    footer.text = "peerplan"
    footer.style = styles["Footer"]
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    anonymise_properties(
        document, title="", subject="", language="", when=datetime(2026, 1, 1, tzinfo=UTC)
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def main(directory: Path = DOCUMENT_TEMPLATES) -> None:
    build_base(directory / "consolidated.docx")
    build_base(directory / "summary.docx", landscape=True)
    print(f"templates written to {directory}", file=sys.stderr)


if __name__ == "__main__":
    main()
