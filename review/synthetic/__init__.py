"""Synthetic, seeded data for tests, the demo and benchmarks: energy action plans (PDF, DOCX) with
known ground truth, a round's participants, and simulated reviews."""

from review.synthetic.document import plan_blocks
from review.synthetic.plans import KEY_SECTORS, PARTS, SECTORS, PlanSpec, plan_spec
from review.synthetic.prose import PART_KEYWORDS, PART_WORDS
from review.synthetic.writers import PartLocation, WrittenPlan, write_docx, write_pdf, write_plan

__all__ = [
    "KEY_SECTORS",
    "PARTS",
    "PART_KEYWORDS",
    "PART_WORDS",
    "SECTORS",
    "PartLocation",
    "PlanSpec",
    "WrittenPlan",
    "plan_blocks",
    "plan_spec",
    "write_docx",
    "write_pdf",
    "write_plan",
]
