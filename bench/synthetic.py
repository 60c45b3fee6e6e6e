"""How fast synthetic plans are made, against plain fpdf2 / python-docx loops in the same run.

The baselines write the same blocks the obvious way: fpdf2's `multi_cell` and `table()` for the
PDF, python-docx's `add_heading`/`add_paragraph(style=name)` and `table.style = name` for the
DOCX. peerplan's writers wrap text with the core font's width table and set style ids directly.

    python bench/synthetic.py [--plans 200] [--pages 0] [--full 1000]

Prints ms per plan and the ratio to the baseline; `--full N` also times `generate_plans` for N
plans (what `peerplan generate-plans` does) and reports the wall time.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

from docx import Document
from fpdf import FPDF

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.synthetic.blocks import Heading, Paragraph, Table
from review.synthetic.document import plan_blocks
from review.synthetic.generate import generate_plans
from review.synthetic.pdf_writer import latin1, write_pdf
from review.synthetic.plans import plan_spec
from review.synthetic.writers import write_docx


def baseline_pdf(spec, path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for block in plan_blocks(spec):
        if isinstance(block, Heading):
            if block.level:
                pdf.start_section(latin1(block.text), level=block.level - 1)
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 8, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
        elif isinstance(block, Paragraph):
            pdf.set_font("Helvetica", "", 10)
            pdf.multi_cell(0, 5, latin1(block.text), new_x="LMARGIN", new_y="NEXT")
        elif isinstance(block, Table):
            pdf.set_font("Helvetica", "", 8.5)
            with pdf.table() as t:
                for values in (block.header, *block.rows):
                    row = t.row()
                    for value in values:
                        row.cell(latin1(value))
    pdf.output(str(path))


def baseline_docx(spec, path: Path) -> None:
    doc = Document()
    for block in plan_blocks(spec):
        if isinstance(block, Heading):
            doc.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            doc.add_paragraph(block.text)
        elif isinstance(block, Table):
            doc.add_paragraph(block.caption, style="Caption")
            t = doc.add_table(rows=len(block.rows) + 1, cols=len(block.header))
            t.style = "Table Grid"
            for row, values in zip(t.rows, (block.header, *block.rows), strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    buffer = io.BytesIO()
    doc.save(buffer)
    path.write_bytes(buffer.getvalue())


def per_plan(writer, specs, directory: Path, suffix: str) -> float:
    start = time.perf_counter()
    for i, spec in enumerate(specs):
        writer(spec, directory / f"{i}.{suffix}")
    return (time.perf_counter() - start) / len(specs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--pages", type=int, default=0, help="0: short plans (4-5 pages)")
    parser.add_argument("--full", type=int, default=0, help="also time generate_plans(N)")
    args = parser.parse_args()
    specs = [
        plan_spec(seed, "de" if seed % 2 else "en", pages=args.pages or None)
        for seed in range(args.plans)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_pdf(specs[0], directory / "warm.pdf")
        write_docx(specs[0], directory / "warm.docx")
        rows = []
        for name, ours, base, suffix in (
            ("PDF", write_pdf, baseline_pdf, "pdf"),
            ("DOCX", write_docx, baseline_docx, "docx"),
        ):
            mine = per_plan(ours, specs, directory, suffix)
            theirs = per_plan(base, specs, directory, suffix)
            rows.append((name, mine, theirs))
        print(f"{args.plans} plans, pages={args.pages or 'short'}")
        for name, mine, theirs in rows:
            print(
                f"  {name:5} peerplan {mine:7.1f} ms/plan   baseline {theirs:7.1f} ms/plan   "
                f"ratio {mine / theirs:.2f}"
            )
        if args.full:
            start = time.perf_counter()
            generate_plans(directory / "full", count=args.full, seed=1)
            wall = time.perf_counter() - start
            print(
                f"  generate_plans({args.full}) mixed PDF/DOCX, de/en: {wall:.1f} s "
                f"({wall / args.full * 1000:.1f} ms/plan incl. manifest, participants, truth)"
            )


if __name__ == "__main__":
    main()
