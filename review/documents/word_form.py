"""The offline review form: a DOCX a reviewer fills in Word or LibreOffice and uploads.

Design for robust reading back: every answer sits in the right-hand cell of a two-column table
row whose left cell ends with a small grey key such as `[score:T2]` or `[comment:T2]`; the parser
finds rows by these keys wherever the tables end up, and ignores everything else (reviewers may
add paragraphs, reformat or move tables). The form carries a hidden identifier of the assignment
and of the review state it was made from (`assignment=12 seen=1.3`), twice: as hidden text in the
body and in the document properties, both kept when Word or LibreOffice save the file. An upload
made from an older state than the saved one is refused (see `review.reviewing.errors.StaleSave`).

This module only draws a form from plain data (`render_word_form`);
`review.documents.filled_form` reads one back (`parse_word_form`, `check_form`);
review.reviewing.offline fills it from the database and review.reviewing.uploads stores what a
reviewer uploads.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from docx import Document as new_docx
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from review.errors import Translatable
from review.i18n import N_, is_language, translator
from review.reviewing.form import ELIGIBILITY, OVERALL_FIELDS, ReviewInput, Seen
from review.rubric import Rubric

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
FORM_MARK = "peerplan-form v1"

T = {
    "form": N_("Review form (offline)"),
    "plan": N_("Plan"),
    "municipality": N_("Municipality"),
    "due": N_("Due on"),
    "howto": N_(
        "How to fill in this form: for each criterion write the score as a number "
        "(%(low)s–%(high)s) in the white cell beside 'Score', or 'n/a' where 'not applicable' is "
        "allowed. Write your comment in the cell beside 'Comment'. Do not change the grey keys in "
        "square brackets. Save as .docx and upload the file through your personal link."
    ),
    "weight": N_("Weight"),
    "levels": N_("Levels"),
    "score": N_("Score"),
    "comment": N_("Comment"),
    "na_ok": N_("or n/a"),
    "comment_always": N_("required"),
    "comment_levels": N_("required for %(levels)s"),
    "comment_optional": N_("optional"),
    "eligibility": N_("Eligibility (JRC criteria)"),
    "eligibility_hint": N_("yes or no"),
    "overall": N_("Overall"),
    "strengths": N_("Strengths"),
    "weaknesses": N_("Weaknesses"),
    "recommendations": N_("Recommendations"),
    "form_id": N_("Form identifier (please do not change)"),
}


class WordFormError(Translatable):
    """An uploaded form cannot be used: not a DOCX, not ours, or for another assignment."""


@dataclass
class ParsedWordForm:
    assignment_id: int
    seen: Seen
    rubric_id: str
    language: str
    data: ReviewInput
    #: Keys found in the tables (e.g. "score-T1"), to tell a damaged form from an empty answer.
    found: set[str] = field(default_factory=set)
    #: Problems reading single answers, by form field (like `review.reviewing.form.validate`).
    errors: dict[str, str] = field(default_factory=dict)


def identifier(assignment_id: int, seen: Seen, rubric_id: str, language: str) -> str:
    return f"{FORM_MARK} assignment={assignment_id} seen={seen} rubric={rubric_id} lang={language}"


# --------------------------------------------------------------------------- writing


def _key_run(paragraph, key: str) -> None:
    run = paragraph.add_run(f"  [{key}]")
    run.font.size = Pt(7)
    run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _answer_row(table, label: str, hint: str, key: str, value: str, *, lines: int = 1) -> None:
    row = table.add_row()
    if lines > 1:  # room to write in, growing with the text
        row.height = Pt(14 * lines)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    left, right = row.cells
    _shade(left, "EDEDED")
    para = left.paragraphs[0]
    para.add_run(label).bold = True
    if hint:
        para.add_run(f" ({hint})")
    _key_run(para, key)
    text_lines = value.splitlines() or [""]
    right.paragraphs[0].add_run(text_lines[0])
    for line in text_lines[1:]:
        right.add_paragraph(line)


def _answer_table(doc):
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    return table


def _widths(table, left_cm: float = 5.0, right_cm: float = 11.5) -> None:
    # Word reads the cells' widths, LibreOffice the table grid: set both.
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Cm(left_cm), Cm(right_cm)
    for row in table.rows:
        row.cells[0].width = Cm(left_cm)
        row.cells[1].width = Cm(right_cm)


def render_word_form(
    rubric: Rubric,
    *,
    assignment_id: int,
    seen: Seen,
    data: ReviewInput,
    language: str,
    plan_title: str,
    municipality: str,
    due: str,
) -> bytes:
    """The form as DOCX bytes (pure: no database)."""
    lang = language if is_language(language) else "en"
    t = translator(lang)
    low, high = rubric.scale.minimum, rubric.scale.maximum
    ident = identifier(assignment_id, seen, rubric.id, lang)
    doc = new_docx()
    props = doc.core_properties
    props.title = f"{rubric.title(lang)} – {municipality}"
    props.subject = ident
    props.keywords = ident
    props.identifier = ident
    props.author = "peerplan"
    props.revision = max(1, seen.revision)

    doc.add_heading(f"{rubric.title(lang)}: {t.gettext(T['form'])}", level=0)
    meta = doc.add_paragraph()
    meta.add_run(f"{t.gettext(T['municipality'])}: ").bold = True
    meta.add_run(municipality)
    meta.add_run(f"\n{t.gettext(T['plan'])}: ").bold = True
    meta.add_run(plan_title or "–")
    meta.add_run(f"\n{t.gettext(T['due'])}: ").bold = True
    meta.add_run(due)
    howto = doc.add_paragraph(t.gettext(T["howto"]) % {"low": low, "high": high})
    howto.runs[0].italic = True
    doc.add_paragraph(rubric.description(lang))

    required_levels = ", ".join(str(v) for v in rubric.comment_required_at)
    for criterion in rubric.criteria:
        doc.add_heading(
            f"{criterion.id} · {criterion.title(lang)} ({t.gettext(T['weight'])} {criterion.weight:g})",
            level=2,
        )
        doc.add_paragraph(criterion.description(lang))
        anchors = doc.add_table(rows=0, cols=2)
        anchors.style = "Table Grid"
        for level in rubric.scale.levels:
            cells = anchors.add_row().cells
            cells[0].paragraphs[0].add_run(f"{level.value} – {level.label(lang)}").bold = True
            _shade(cells[0], "F4F4F4")
            cells[1].text = rubric.anchor(criterion, level.value, lang)
        _widths(anchors, 3.5, 13.0)
        doc.add_paragraph()
        answers = _answer_table(doc)
        scale_hint = f"{low}–{high}" + (f" {t.gettext(T['na_ok'])}" if criterion.allow_na else "")
        _answer_row(
            answers,
            t.gettext(T["score"]),
            scale_hint,
            f"score:{criterion.id}",
            data.scores.get(criterion.id, ""),
        )
        if criterion.comment == "always":
            comment_hint = t.gettext(T["comment_always"])
        elif criterion.comment == "optional" or not required_levels:
            comment_hint = t.gettext(T["comment_optional"])
        else:
            comment_hint = t.gettext(T["comment_levels"]) % {"levels": required_levels}
        _answer_row(
            answers,
            t.gettext(T["comment"]),
            comment_hint,
            f"comment:{criterion.id}",
            data.comments.get(criterion.id, ""),
            lines=4,
        )
        _widths(answers)

    doc.add_heading(t.gettext(T["eligibility"]), level=1)
    elig = _answer_table(doc)
    for key, label in ELIGIBILITY.items():
        value = data.eligibility.get(key)
        shown = "" if value is None else (t.gettext("yes") if value else t.gettext("no"))
        _answer_row(elig, label(lang), t.gettext(T["eligibility_hint"]), f"elig:{key}", shown)
    _widths(elig)

    doc.add_heading(t.gettext(T["overall"]), level=1)
    overall = _answer_table(doc)
    for name in OVERALL_FIELDS:
        _answer_row(overall, t.gettext(T[name]), "", name, getattr(data, name), lines=6)
    _widths(overall)

    doc.add_paragraph()
    visible = doc.add_paragraph(f"{t.gettext(T['form_id'])}: {assignment_id} / {seen}")
    visible.runs[0].font.size = Pt(8)
    hidden = doc.add_paragraph().add_run(ident)
    hidden.font.hidden = True
    hidden.font.size = Pt(6)
    hidden.font.highlight_color = WD_COLOR_INDEX.GRAY_25
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
