"""Parts of a plan's consolidated review after the reviewers' texts: the intake's automatic
hints (both editions) and the section for the coordinator (the coordinator's edition only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from review.documents.docxkit import FLAG, HINT, Styled
from review.documents.text import clean
from review.eligibility import finding_evidence, finding_gate, finding_met, finding_text, gate_label

if TYPE_CHECKING:  # the writer calls these functions with itself
    from review.consolidation.plan_document import PlanWriter


def findings_section(w: PlanWriter, doc: Styled) -> None:
    lang = w.lang
    doc.heading(w.t.gettext("Automatic hints from the intake check"), 1)
    doc.para(
        w.t.gettext(
            "peerplan derived these hints automatically from the plan's text. They are "
            "neither an assessment nor the reviewers' verdict."
        ),
        HINT,
    )
    if not w.d.findings:
        doc.para(w.t.gettext("No automatic hints."), HINT)
        return
    for finding in w.d.findings:
        if not isinstance(finding, dict):
            continue
        met = finding_met(finding)
        gate = finding_gate(finding)
        head = clean(finding_text(finding, lang) or (gate_label(gate, lang) if gate else ""))
        if met is not None:
            head += f" – {w.looks(met)}"
        para = doc.para("", HINT)
        para.add_run(head).bold = True
        for where, snippet in finding_evidence(finding, lang):
            quoted = w.t.quote(snippet)
            doc.para(clean(f"{where}: {quoted}" if where else quoted), HINT)


#: The coordinator's table of reviewers, in cm (17 cm of text width): a reviewer's letter, the
#: person, the rubric's title (German's are long single words: "Kommunikationsstrategie"), the
#: state and when it was submitted.
COORDINATOR_WIDTHS = [3.0, 4.4, 6.2, 3.4]


def _reviewer_row(values: list[str]) -> list[str]:
    label, name, email, municipality, rubric, status, submitted = values
    person = "\n".join(v for v in (name, email, municipality) if v)
    return [label, person, rubric, "\n".join(v for v in (status, submitted) if v)]


def coordinator_section(w: PlanWriter, doc: Styled) -> None:
    lang = w.lang
    doc.heading(w.t.gettext("For the coordinator"), 1)
    names = (
        w.t.gettext("Reviewer"),
        w.t.gettext("Name"),
        w.t.gettext("Rubric"),
        w.t.gettext("Status"),
    )
    # Four columns, the person's name, email and municipality one a line and the state above
    # its time: in seven columns of 2-3 cm German words broke mid-word ("Gutach|ten A",
    # "Kommunik|ationsstrat|egie", "abgesch|ickt").
    rows = (_reviewer_row([clean(value) for value in w.info_row(info)]) for info in w.d.reviewers)
    doc.text_table(names, rows, COORDINATOR_WIDTHS)
    for res in w.r.rubrics:
        title = w.rubrics[res.rubric_id].title(lang)
        if res.extra_review:
            extra = w.t.gettext("An extra review is called for")
            doc.para(f"{title}: {extra}", FLAG)
            for reason in res.extra_review_reasons:
                doc.para(reason, "List Bullet")
        if res.problems:
            open_points = w.t.gettext("Open points")
            doc.para(f"{title}: {open_points}", FLAG)
            for problem in res.problems:
                doc.para(clean(problem), "List Bullet")
    if w.r.reasons:
        doc.para(w.t.gettext("Why this outcome"), FLAG)
        for reason in w.r.reasons:
            doc.para(clean(reason), "List Bullet")
