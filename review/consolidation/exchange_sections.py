"""Parts of a plan's consolidated review that the exchange adds (#16), written in the edition's
language: learning from peers. The data come with the dossier (`review.exchange`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from review.documents.docxkit import COMMENT, HINT, SMALL, Styled
from review.documents.text import clean
from review.eligibility import gate_label
from review.exchange.data import Lesson
from review.exchange.learning import STRONG_MIN, WEAK_MAX

if TYPE_CHECKING:  # the writer calls these functions with itself
    from review.consolidation.plan_document import PlanWriter


def lesson_title(w: PlanWriter, lesson: Lesson) -> str:
    if lesson.kind == "gate":
        return w.t.gettext("Eligibility criterion (JRC): %(gate)s – not met") % {
            "gate": gate_label(lesson.item_id, w.lang)
        }
    rubric = w.rubrics.get(lesson.rubric_id)
    title = rubric.criterion(lesson.item_id).title(w.lang) if rubric else ""
    return w.t.gettext("%(criterion)s (this plan: %(score)s)") % {
        "criterion": f"{lesson.item_id} {title}".strip(),
        "score": w.score(lesson.score),
    }


def learning_section(w: PlanWriter, doc: Styled) -> None:
    """ "Learn from peers": each weak point, the plans strong on it, what their reviewers wrote
    and where in their plans."""
    doc.heading(w.t.gettext("Learn from peers"), 1)
    doc.para(
        w.t.gettext(
            "Where this plan is weak (a consolidated score of at most %(weak)s, or an eligibility "
            "criterion not met), these plans of the round are strong (a score of at least "
            "%(strong)s): what their reviewers wrote, and where to look in their plans."
        )
        % {"weak": WEAK_MAX, "strong": STRONG_MIN}
    )
    if not w.d.lessons:
        doc.para(w.t.gettext("This plan has no weak point to pair with a peer."), HINT)
        return
    for lesson in w.d.lessons:
        doc.heading(lesson_title(w, lesson), 2)
        if not lesson.peers:
            doc.para(w.t.gettext("No plan of this round is strong here yet."), HINT)
            continue
        for peer in lesson.peers:
            name = clean(peer.municipality) or w.t.gettext("A plan of this round")
            para = doc.para("")
            para.add_run(name).bold = True
            para.add_run(" – " + w.t.gettext("score %(score)s") % {"score": w.score(peer.score)})
            for comment in peer.comments:
                doc.para(f"„{clean(comment)}“", COMMENT)
            if peer.evidence:
                where = "; ".join(
                    clean(f"{place} „{snippet}“" if snippet else place)
                    for place, snippet in peer.evidence
                )
                doc.para(w.t.gettext("Where in the plan: %(where)s") % {"where": where}, SMALL)
