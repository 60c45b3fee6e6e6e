"""The offline review form: a DOCX a reviewer fills in Word or LibreOffice and uploads.

Design for robust reading back: every answer sits in the right-hand cell of a two-column table
row whose left cell ends with a small grey key such as `[score:T2]` or `[comment:T2]`; the parser
finds rows by these keys wherever the tables end up, and ignores everything else (reviewers may
add paragraphs, reformat or move tables). The form carries a hidden identifier of the assignment
and of the review state it was made from (`assignment=12 seen=1.3`), twice: as hidden text in the
body and in the document properties, both kept when Word or LibreOffice save the file. An upload
made from an older state than the saved one is refused (see `review.reviewing.errors.StaleSave`).

This module only draws a form from plain data (`render_word_form`) and reads one back
(`parse_word_form`, `check_form`); review.reviewing.offline fills it from the database and
review.reviewing.uploads stores what a reviewer uploads.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from docx import Document as new_docx
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from review.errors import Translatable
from review.i18n import N_, is_language, translator
from review.intake import safezip
from review.reviewing.form import ELIGIBILITY, OVERALL_FIELDS, ReviewInput, Seen
from review.rubric import Rubric

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
FORM_MARK = "peerplan-form v1"
_ID_RE = re.compile(
    r"peerplan-form v1 assignment=(\d+) seen=(\d+)\.(\d+) rubric=([a-z][a-z0-9_-]*) lang=([a-z]{2,3})"
)
_KEY_RE = re.compile(
    r"\[(score|comment|elig):([A-Za-z][A-Za-z0-9_-]*)\]|\[(strengths|weaknesses|recommendations)\]"
)
_YES = {"ja", "yes", "j", "y", "x", "✓", "✔", "true", "1"}
_NO = {"nein", "no", "n", "false", "0", "-"}

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


# --------------------------------------------------------------------------- reading


def _check_zip(data: bytes, max_uncompressed: int, max_xml_part: int | None = None) -> None:
    if not data:
        raise WordFormError(
            N_("the uploaded file is empty; please choose the filled-in .docx form")
        )
    # Unpacked with a counter before python-docx reads it: the sizes a zip declares can lie
    # (review.intake.safezip); any reviewer link reaches this upload.
    try:
        checked = safezip.check_archive(
            data, max_unpacked=max_uncompressed, max_xml_part=max_xml_part or max_uncompressed
        )
        names, total = set(checked.names), checked.unpacked
    except safezip.TooMuchUnpacked as exc:
        if exc.lied:
            raise WordFormError(
                N_(
                    "the uploaded document unpacks to more than its zip directory declares (a "
                    "damaged or forged file); it cannot be a review form"
                )
            ) from None
        names, total = {"word/document.xml"}, max(exc.size, max_uncompressed + 1)
    except safezip.ArchiveRefused:
        raise WordFormError(
            N_(
                "the uploaded file is not a Word document (.docx); if you saved it as .doc, "
                ".odt or PDF, please save it again as .docx and upload that"
            )
        ) from None
    if "word/document.xml" not in names:
        raise WordFormError(
            N_("the uploaded file is a zip archive but not a Word document (.docx)")
        )
    if total > max_uncompressed:
        raise WordFormError(
            N_(
                "the uploaded document unpacks to %(mb)s MB, more than the %(max)s MB allowed; "
                "it cannot be a review form"
            ),
            mb=total // (1024 * 1024),
            max=max_uncompressed // (1024 * 1024),
        )


def _cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _rows(doc):
    """Every table row of the document, also of tables nested in cells."""
    stack = list(doc.tables)
    while stack:
        table = stack.pop(0)
        for row in table.rows:
            yield row
            for cell in row.cells:
                stack.extend(cell.tables)


def _find_identifier(doc) -> re.Match[str] | None:
    for paragraph in doc.paragraphs:
        match = _ID_RE.search(paragraph.text)
        if match:
            return match
    props = doc.core_properties
    for value in (props.identifier, props.keywords, props.subject):
        match = _ID_RE.search(value or "")
        if match:
            return match
    return None


def _read_answer(parsed: ParsedWordForm, key: re.Match[str], value: str) -> None:
    """Put one answer row's `value` where its key (`[score:T2]`, `[strengths]`, ...) says."""
    kind, name, overall = key.groups()
    if overall:
        setattr(parsed.data, overall, value)
        parsed.found.add(overall)
    elif kind == "score":
        parsed.data.scores[name] = value
        parsed.found.add(f"score-{name}")
    elif kind == "comment":
        parsed.data.comments[name] = value
        parsed.found.add(f"comment-{name}")
    elif kind == "elig":
        parsed.found.add(f"elig-{name}")
        word = value.strip().lower().rstrip(".")
        t = translator(parsed.language)
        if word in _YES or word == t.gettext("yes"):
            parsed.data.eligibility[name] = True
        elif word in _NO or word == t.gettext("no"):
            parsed.data.eligibility[name] = False
        elif word:
            parsed.errors[f"elig-{name}"] = t.gettext("'%(value)s': write yes or no") % {
                "value": value
            }


def parse_word_form(
    data: bytes,
    *,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_xml_part: int | None = None,
) -> ParsedWordForm:
    """Read a filled-in form. Raises WordFormError when it is not a (readable) peerplan form:
    also when it unpacks to more than `max_uncompressed` bytes, or one XML part (parsed into a
    tree about ten times its size) to more than `max_xml_part`."""
    _check_zip(data, max_uncompressed, max_xml_part)
    try:
        doc = new_docx(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds on damaged files
        raise WordFormError(
            N_(
                "the uploaded Word document is damaged and cannot be read; please save it again "
                "as .docx, or download a fresh form"
            )
        ) from None
    match = _find_identifier(doc)
    if match is None:
        raise WordFormError(
            N_(
                "this document is not a peerplan review form (its form identifier is missing); "
                "please download the form from your personal link and fill in that one"
            )
        )
    try:
        assignment_id = int(match.group(1))
        seen = Seen(int(match.group(2)), int(match.group(3)))
    except ValueError:  # thousands of digits typed into the identifier: Python refuses to parse
        raise WordFormError(
            N_(
                "this form's identifier was changed and cannot be read; please download a fresh "
                "form from your personal link"
            )
        ) from None
    parsed = ParsedWordForm(assignment_id, seen, match.group(4), match.group(5), ReviewInput())
    for row in _rows(doc):
        cells = row.cells
        if len(cells) < 2:
            continue
        key_match = _KEY_RE.search(_cell_text(cells[0]))
        if not key_match:
            continue
        # The answer is the last cell that is not the label cell itself (merged cells repeat).
        value = next((_cell_text(c) for c in reversed(cells) if c._tc is not cells[0]._tc), "")
        _read_answer(parsed, key_match, value)
    return parsed


def check_form(parsed: ParsedWordForm, *, assignment_id: int, rubric: Rubric) -> None:
    """Refuse (WordFormError) a form that belongs to another assignment or rubric, or whose answer
    tables are missing; answers that cannot be read raise nothing here (`parsed.errors`)."""
    if parsed.assignment_id != assignment_id:
        raise WordFormError(
            N_(
                "this form belongs to another assignment, not to the plan you are reviewing "
                "here; please upload the form you downloaded from this page"
            )
        )
    if parsed.rubric_id != rubric.id:
        raise WordFormError(
            N_(
                "this form is for the rubric '%(form)s', but this assignment uses '%(rubric)s'; "
                "please download the form again"
            ),
            form=parsed.rubric_id,
            rubric=rubric.id,
        )
    missing = [c.id for c in rubric.criteria if f"score-{c.id}" not in parsed.found]
    if missing:
        raise WordFormError(
            N_(
                "the form's answer tables for criteria %(criteria)s are missing or their grey "
                "keys were changed; please download a fresh form"
            ),
            criteria=", ".join(missing),
        )
