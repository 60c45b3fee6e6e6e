"""Render a `PlanSpec` as PDF (review.synthetic.pdf_writer) or DOCX
(review.synthetic.docx_writer), and say where each part landed (review.synthetic.written)."""

from __future__ import annotations

from pathlib import Path

from review.synthetic.docx_writer import write_docx
from review.synthetic.pdf_writer import write_pdf
from review.synthetic.plans import PlanSpec
from review.synthetic.written import PartLocation, WrittenPlan

__all__ = ["PartLocation", "WrittenPlan", "write_docx", "write_pdf", "write_plan"]


def write_plan(spec: PlanSpec, path: str | Path) -> WrittenPlan:
    """PDF or DOCX by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return write_pdf(spec, path)
    if suffix == ".docx":
        return write_docx(spec, path)
    raise ValueError(f"plans are written as .pdf or .docx, not '{suffix}'")
