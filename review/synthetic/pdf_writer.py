"""A `PlanSpec` as PDF (fpdf2): A4, a real text layer in Helvetica (WinAnsi encoding, so umlauts
extract as themselves), an outline with one bookmark per chapter and section, title/author
metadata, page numbers in the footer. Fixed dates: the same spec gives a byte-identical file."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align
from fpdf.fonts import CoreFont

from review.synthetic.blocks import Heading, PageBreak, Paragraph, Table, TocEntry
from review.synthetic.document import plan_blocks
from review.synthetic.plans import PlanSpec
from review.synthetic.written import PartLocation, WrittenPlan, fixed_date


def latin1(text: str) -> str:
    """The PDF core fonts cover Latin-1: umlauts and ß yes, typographic dashes and quotes no."""
    return (
        text.replace("\u2013", "-")
        .replace("\u2014", "-")
        .replace("\u201e", '"')
        .replace("\u201c", '"')
        .replace("\u201d", '"')
        .replace("\u2019", "'")
    )


class _PlanPDF(FPDF):
    def __init__(self, spec: PlanSpec) -> None:
        super().__init__(format="A4")
        self.spec = spec

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font("Helvetica", "", 8)
        label = "Seite" if self.spec.language == "de" else "Page"
        self.cell(0, 5, latin1(f"{self.spec.title} - {label} {self.page_no()}"), align=Align.C)


# A4 in mm, margins, and line heights of the PDF layout.
_PAGE_W, _PAGE_H, _MARGIN, _BOTTOM = 210.0, 297.0, 20.0, 277.0
_TEXT_W = _PAGE_W - 2 * _MARGIN


class _Pen:
    """Places wrapped text line by line with `FPDF.text`.

    fpdf2's `multi_cell` re-measures each fragment per character and costs ~50 ms for a small
    plan; wrapping here with the core font's width table keeps a plan at a few milliseconds."""

    def __init__(self, pdf: _PlanPDF) -> None:
        self.pdf = pdf
        self.y = _MARGIN
        self._widths: dict[tuple[str, float], dict[str, int]] = {}

    def font(self, style: str, size: float) -> None:
        self.pdf.set_font("Helvetica", style, size)
        self.size = size
        font = self.pdf.current_font
        if not isinstance(font, CoreFont):  # widths below are the core fonts' per-character table
            raise TypeError(f"the pen measures core fonts only, not {font!r}")
        self.cw: dict[str, int] = font.cw

    def width(self, text: str) -> float:
        cw = self.cw
        return sum(cw[c] for c in text) * self.size / 1000 * 25.4 / 72

    def wrap(self, text: str, width: float) -> list[str]:
        space = self.width(" ")
        lines: list[str] = []
        line: list[str] = []
        used = 0.0
        for word in text.split():
            w = self.width(word)
            if line and used + space + w > width:
                lines.append(" ".join(line))
                line, used = [word], w
            else:
                used += (space if line else 0) + w
                line.append(word)
        if line:
            lines.append(" ".join(line))
        return lines or [""]

    def ensure(self, height: float) -> None:
        if self.y + height > _BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self.pdf.add_page()
        self.y = _MARGIN

    def paragraph(
        self, text: str, style: str = "", size: float = 10, leading: float = 5, after: float = 2
    ) -> None:
        self.font(style, size)
        for line in self.wrap(text, _TEXT_W):
            self.ensure(leading)
            self.y += leading
            self.pdf.text(_MARGIN, self.y - leading * 0.25, line)
        self.y += after

    def toc_line(self, text: str, page: int) -> None:
        self.font("", 10.5)
        self.ensure(6.5)
        self.y += 6.5
        self.pdf.text(_MARGIN, self.y - 1.5, text)
        number = str(page)
        self.pdf.text(_MARGIN + _TEXT_W - self.width(number), self.y - 1.5, number)

    def table(self, table: Table) -> None:
        self.font("I", 9)
        self.ensure(30)
        self.paragraph(latin1(table.caption), "I", 9, 4.5, 1)
        n = len(table.header)
        weights = [3.0 if any(len(r[i]) > 14 for r in table.rows) else 1.3 for i in range(n)]
        widths = [_TEXT_W * w / sum(weights) for w in weights]
        leading = 4.2
        for index, values in enumerate((table.header, *table.rows)):
            self.font("B" if index == 0 else "", 8.5)
            cells = [self.wrap(latin1(v), w - 2) for v, w in zip(values, widths, strict=True)]
            height = max(len(c) for c in cells) * leading + 1.5
            self.ensure(height)
            x = _MARGIN
            for lines, w in zip(cells, widths, strict=True):
                self.pdf.rect(x, self.y, w, height)
                for k, line in enumerate(lines):
                    self.pdf.text(x + 1, self.y + (k + 1) * leading - 0.3, line)
                x += w
            self.y += height
        self.y += 4


def write_pdf(spec: PlanSpec, path: str | Path, *, outline: bool = True) -> WrittenPlan:
    """The plan as PDF. `outline=False` leaves out the bookmarks (many real PDFs have none)."""
    path = Path(path)
    blocks = plan_blocks(spec)
    pdf, found, heading_pages = _render_pdf(spec, blocks, {}, outline)
    if spec.table_of_contents:
        # The contents take the same lines whatever the numbers, so a second pass with the
        # pages of the first puts every chapter where the contents say.
        pdf, found, second = _render_pdf(spec, blocks, heading_pages, outline)
        assert second == heading_pages
    pdf.output(str(path))
    locations = {
        part: PartLocation(
            part=part,
            heading=v["heading"],
            snippet=v.get("snippet", ""),
            page=v["page"],
            table_page=v.get("table_page"),
        )
        for part, v in found.items()
    }
    return WrittenPlan(
        path=path, spec=spec, format="pdf", pages=pdf.pages_count, locations=locations
    )


def _render_pdf(
    spec: PlanSpec, blocks: list, toc_pages: dict[str, int], outline: bool
) -> tuple[_PlanPDF, dict[str, dict], dict[str, int]]:
    pdf = _new_pdf(spec)
    pen = _Pen(pdf)
    found: dict[str, dict] = {}
    heading_pages: dict[str, int] = {}
    for block in blocks:
        if isinstance(block, Heading):
            _pdf_heading(pdf, pen, block, outline, found, heading_pages)
        elif isinstance(block, Paragraph):
            pen.paragraph(latin1(block.text))
            if block.part in found:
                found[block.part].setdefault("snippet", block.text[:120])
        elif isinstance(block, Table):
            pen.table(block)
            if block.part in found:
                found[block.part].setdefault("table_page", pdf.page_no())
        elif isinstance(block, TocEntry):
            pen.toc_line(latin1(block.text), toc_pages.get(block.text, 0))
        elif isinstance(block, PageBreak):
            pen.new_page()
    return pdf, found, heading_pages


def _new_pdf(spec: PlanSpec) -> _PlanPDF:
    """An empty A4 document with the plan's metadata (fixed dates: byte-identical files)."""
    pdf = _PlanPDF(spec)
    pdf.set_creation_date(fixed_date(spec))
    pdf.set_title(latin1(spec.title))
    pdf.set_author(latin1(spec.author))
    pdf.set_subject(latin1(spec.municipality))
    pdf.set_creator("peerplan synthetic plans")
    pdf.set_producer("peerplan")
    pdf.set_lang("de-DE" if spec.language == "de" else "en-GB")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_line_width(0.2)
    pdf.add_page()
    return pdf


def _pdf_heading(
    pdf: _PlanPDF,
    pen: _Pen,
    block: Heading,
    outline: bool,
    found: dict[str, dict],
    heading_pages: dict[str, int],
) -> None:
    """The title on the title page, or a chapter or section heading (noted where it landed)."""
    text = latin1(block.text)
    if block.level == 0:
        pen.y = 80
        pen.paragraph(text, "B", 22, 10, 8)
        return
    if block.level == 1 and pdf.page_no() == 1:
        pen.new_page()  # chapters start after the title page
    pen.ensure(24)
    pen.y += 4
    pdf.set_y(pen.y)
    if outline:
        pdf.start_section(text, level=block.level - 1)
    pen.paragraph(text, "B", 15 if block.level == 1 else 12, 7, 2)
    heading_pages[block.text] = pdf.page_no()
    if block.part and block.part not in found:
        found[block.part] = {"heading": block.text, "page": pdf.page_no()}
