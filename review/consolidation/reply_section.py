"""The municipality's reply in a plan's consolidated review (#16): per criterion its corrections
of fact and comments on the draft, in both editions (review.exchange.replies)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from review.documents.docxkit import COMMENT, HINT, Styled
from review.documents.text import clean
from review.i18n import N_

if TYPE_CHECKING:  # the writer calls this function with itself
    from review.consolidation.plan_document import PlanWriter

KIND_NAMES = {"correction": N_("Correction of fact"), "comment": N_("Comment")}


def reply_section(w: PlanWriter, doc: Styled) -> None:
    """Left out when the municipality did not reply."""
    if not w.d.replies:
        return
    doc.heading(w.t.gettext("The municipality's reply"), 1)
    doc.para(
        w.t.gettext(
            "Before this document was final, the municipality replied to the draft on these "
            "criteria."
        ),
        HINT,
    )
    for reply in w.d.replies:
        rubric = w.rubrics.get(reply.rubric_id)
        known = rubric is not None and any(c.id == reply.criterion_id for c in rubric.criteria)
        title = reply.criterion_id
        if rubric is not None and known:
            title += f" {rubric.criterion(reply.criterion_id).title(w.lang)}"
        para = doc.para("", COMMENT)
        para.add_run(f"{title} – {w.t.gettext(KIND_NAMES[reply.kind])}: ").bold = True
        # The municipality's own words: shown as written, never redacted.
        para.add_run(clean(reply.text))
