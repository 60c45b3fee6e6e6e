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

import hashlib
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from review.asked_parts import ALL_GATES
from review.documents.zip_parts import Part, parts_of, write_zip
from review.errors import Translatable
from review.i18n import N_, is_language, translator
from review.reviewing.form import OVERALL_FIELDS, ReviewInput, Seen, asked_eligibility
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


def _grid_table(doc):
    # The style set by id: python-docx's `table.style = "Table Grid"` searches the styles part
    # (XPath) on every call, most of a form's drawing time.
    table = doc.add_table(rows=0, cols=2)
    table._tbl.tblStyle_val = _style_id(doc, "Table Grid")
    return table


def _heading(doc, text: str, level: int):
    """`doc.add_heading` with the style set by id (see `_grid_table`)."""
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = _style_id(doc, "Title" if level == 0 else f"Heading {level}")
    return paragraph


def _style_id(doc, name: str) -> str:
    return _style_ids()[name]


@lru_cache(maxsize=1)
def _style_ids() -> dict[str, str]:
    """The ids of the styles the form uses, in python-docx's default template (every form's)."""
    styles = new_docx().styles
    names = ["Title", "Table Grid"] + [f"Heading {level}" for level in (1, 2)]
    return {name: styles[name].style_id for name in names}


def _widths(table, left_cm: float = 5.0, right_cm: float = 11.5) -> None:
    # Word reads the cells' widths, LibreOffice the table grid: set both.
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Cm(left_cm), Cm(right_cm)
    for row in table.rows:
        row.cells[0].width = Cm(left_cm)
        row.cells[1].width = Cm(right_cm)


@dataclass(frozen=True)
class _Fields:
    """What differs between two blank forms of one rubric and language: the assignment's own
    texts (`_blank_form` draws them as tokens, `_fill` writes them in)."""

    municipality: str
    plan: str
    due: str
    visible_id: str  # "12 / 0.0"
    ident: str
    revision: int

    def texts(self) -> dict[str, str]:
        return {
            "municipality": self.municipality,
            "plan": self.plan,
            "due": self.due,
            "visible_id": self.visible_id,
            "ident": self.ident,
        }

    def plain(self) -> bool:
        """Texts that python-docx writes as they are (no line breaks, tabs, edge spaces or
        characters XML cannot hold), so that writing them into the XML gives the same form."""
        return all(
            text == text.strip() and not any(ord(c) < 0x20 or c in "\ufffe\uffff" for c in text)
            for text in self.texts().values()
        )


#: The tokens a blank form is drawn with; each stands alone in its run's text.
_TOKENS = _Fields(
    municipality="PEERPLANxMUNICIPALITYx",
    plan="PEERPLANxPLANx",
    due="PEERPLANxDUEx",
    visible_id="PEERPLANxVISIBLExIDx",
    ident="PEERPLANxIDENTx",
    revision=918273645,
)
_FILLED_PARTS = ("word/document.xml", "docProps/core.xml")
#: Blank forms by rubric (id and content), language and the round's gates: their parts
#: compressed, and the text of the parts that take the assignment's texts.
_BLANK_FORMS: dict[tuple[str, str, str, tuple[str, ...]], tuple[list[Part], dict[str, bytes]]] = {}


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
    gates: Sequence[str] = ALL_GATES,
) -> bytes:
    """The form as DOCX bytes (pure: no database); it asks the JRC gates `gates` (the round's:
    `review.asked_parts.gates_in`).

    A form without answers (every invitation's) is its rubric-and-language blank form, drawn
    once per process, with the assignment's texts written in: drawing with python-docx costs
    about 0.1 s a form, writing the texts in about 2 ms, and gives the same document."""
    lang = language if is_language(language) else "en"
    fields = _Fields(
        municipality=municipality,
        plan=plan_title or "–",
        due=due,
        visible_id=f"{assignment_id} / {seen}",
        ident=identifier(assignment_id, seen, rubric.id, lang),
        revision=max(1, seen.revision),
    )
    if data == ReviewInput() and fields.plain():
        return _fill(_blank_form(rubric, lang, tuple(gates)), fields)
    return _draw(rubric, lang, data, fields, tuple(gates))


def _blank_form(
    rubric: Rubric, lang: str, gates: tuple[str, ...]
) -> tuple[list[Part], dict[str, bytes]]:
    digest = hashlib.sha256(rubric.model_dump_json().encode()).hexdigest()
    key = (rubric.id, digest, lang, gates)
    if key not in _BLANK_FORMS:
        if len(_BLANK_FORMS) >= 64:  # a few rubrics x languages; tests make more
            _BLANK_FORMS.clear()
        drawn = _draw(rubric, lang, ReviewInput(), _TOKENS, gates)
        with zipfile.ZipFile(io.BytesIO(drawn)) as source:
            texts = {name: source.read(name) for name in _FILLED_PARTS}
        _BLANK_FORMS[key] = (parts_of(drawn), texts)
    return _BLANK_FORMS[key]


def _fill(blank: tuple[list[Part], dict[str, bytes]], fields: _Fields) -> bytes:
    """`blank` with `_TOKENS` replaced by `fields`, as python-docx would have written them; only
    the parts that change are compressed (see review.documents.zip_parts)."""
    swaps = [
        (token.encode(), escape(text).encode())
        for token, text in zip(_TOKENS.texts().values(), fields.texts().values(), strict=True)
    ]
    swaps.append((f">{_TOKENS.revision}<".encode(), f">{fields.revision}<".encode()))
    parts, texts = blank
    filled = []
    for part in parts:
        if part.name in texts:
            content = texts[part.name]
            for token, text in swaps:
                content = content.replace(token, text)
            part = Part.of(part.name, content, part.date_time, part.external_attr)
        filled.append(part)
    return write_zip(filled)


def _draw(
    rubric: Rubric, lang: str, data: ReviewInput, fields: _Fields, gates: tuple[str, ...]
) -> bytes:
    t = translator(lang)
    doc = new_docx()
    props = doc.core_properties
    props.title = f"{rubric.title(lang)} – {fields.municipality}"
    props.subject = fields.ident
    props.keywords = fields.ident
    props.identifier = fields.ident
    props.author = "peerplan"
    props.revision = fields.revision

    _heading(doc, f"{rubric.title(lang)}: {t.gettext(T['form'])}", level=0)
    meta = doc.add_paragraph()
    meta.add_run(f"{t.gettext(T['municipality'])}: ").bold = True
    meta.add_run(fields.municipality)
    meta.add_run(f"\n{t.gettext(T['plan'])}: ").bold = True
    meta.add_run(fields.plan)
    meta.add_run(f"\n{t.gettext(T['due'])}: ").bold = True
    meta.add_run(fields.due)
    low, high = rubric.scale.minimum, rubric.scale.maximum
    howto = doc.add_paragraph(t.gettext(T["howto"]) % {"low": low, "high": high})
    howto.runs[0].italic = True
    doc.add_paragraph(rubric.description(lang))
    _criteria(doc, rubric, lang, data)
    _closing(doc, lang, data, fields, gates)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _criteria(doc, rubric: Rubric, lang: str, data: ReviewInput) -> None:
    t = translator(lang)
    low, high = rubric.scale.minimum, rubric.scale.maximum
    required_levels = ", ".join(str(v) for v in rubric.comment_required_at)
    for criterion in rubric.criteria:
        _heading(
            doc,
            f"{criterion.id} · {criterion.title(lang)} ({t.gettext(T['weight'])} {criterion.weight:g})",
            level=2,
        )
        doc.add_paragraph(criterion.description(lang))
        anchors = _grid_table(doc)
        for level in rubric.scale.levels:
            cells = anchors.add_row().cells
            cells[0].paragraphs[0].add_run(f"{level.value} – {level.label(lang)}").bold = True
            _shade(cells[0], "F4F4F4")
            cells[1].text = rubric.anchor(criterion, level.value, lang)
        _widths(anchors, 3.5, 13.0)
        doc.add_paragraph()
        answers = _grid_table(doc)
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


def _closing(doc, lang: str, data: ReviewInput, fields: _Fields, gates: tuple[str, ...]) -> None:
    t = translator(lang)
    asked = asked_eligibility(gates)
    if asked:  # a round whose rubrics name no gate asks none
        _heading(doc, t.gettext(T["eligibility"]), level=1)
        elig = _grid_table(doc)
        for key, label in asked.items():
            value = data.eligibility.get(key)
            shown = "" if value is None else (t.gettext("yes") if value else t.gettext("no"))
            _answer_row(elig, label(lang), t.gettext(T["eligibility_hint"]), f"elig:{key}", shown)
        _widths(elig)

    _heading(doc, t.gettext(T["overall"]), level=1)
    overall = _grid_table(doc)
    for name in OVERALL_FIELDS:
        _answer_row(overall, t.gettext(T[name]), "", name, getattr(data, name), lines=6)
    _widths(overall)

    doc.add_paragraph()
    visible = doc.add_paragraph(f"{t.gettext(T['form_id'])}: {fields.visible_id}")
    visible.runs[0].font.size = Pt(8)
    hidden = doc.add_paragraph().add_run(fields.ident)
    hidden.font.hidden = True
    hidden.font.size = Pt(6)
    hidden.font.highlight_color = WD_COLOR_INDEX.GRAY_25
