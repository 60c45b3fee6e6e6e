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

from review.intake import safezip
from review.reviewing.errors import Bilingual
from review.reviewing.form import ELIGIBILITY, OVERALL_FIELDS, ReviewInput, Seen
from review.rubric import Rubric, Text

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DEFAULT_MAX_UNCOMPRESSED = 200 * 1024 * 1024
FORM_MARK = "peerplan-form v1"
_ID_RE = re.compile(
    r"peerplan-form v1 assignment=(\d+) seen=(\d+)\.(\d+) rubric=([a-z][a-z0-9_-]*) lang=(de|en)"
)
_KEY_RE = re.compile(
    r"\[(score|comment|elig):([A-Za-z][A-Za-z0-9_-]*)\]|\[(strengths|weaknesses|recommendations)\]"
)
_YES = {"ja", "yes", "j", "y", "x", "✓", "✔", "true", "1"}
_NO = {"nein", "no", "n", "false", "0", "-"}

T = {
    "form": Text(de="Begutachtungsformular (offline)", en="Review form (offline)"),
    "plan": Text(de="Plan", en="Plan"),
    "municipality": Text(de="Gemeinde", en="Municipality"),
    "due": Text(de="Fällig am", en="Due on"),
    "howto": Text(
        de="So füllen Sie das Formular aus: Tragen Sie je Kriterium die Bewertung als Zahl "
        "({low}–{high}) in das weiße Feld neben „Bewertung“ ein, oder „n/a“, wo „nicht "
        "anwendbar“ erlaubt ist. Schreiben Sie Ihren Kommentar in das Feld daneben. Ändern Sie "
        "die grauen Kennungen in eckigen Klammern nicht. Speichern Sie als .docx und laden Sie "
        "die Datei über Ihren persönlichen Link hoch.",
        en="How to fill in this form: for each criterion write the score as a number "
        "({low}-{high}) in the white cell beside 'Score', or 'n/a' where 'not applicable' is "
        "allowed. Write your comment in the cell beside 'Comment'. Do not change the grey keys in "
        "square brackets. Save as .docx and upload the file through your personal link.",
    ),
    "weight": Text(de="Gewicht", en="Weight"),
    "levels": Text(de="Stufen", en="Levels"),
    "score": Text(de="Bewertung", en="Score"),
    "comment": Text(de="Kommentar", en="Comment"),
    "na_ok": Text(de="oder n/a", en="or n/a"),
    "comment_always": Text(de="Pflicht", en="required"),
    "comment_levels": Text(de="Pflicht bei {levels}", en="required for {levels}"),
    "comment_optional": Text(de="freiwillig", en="optional"),
    "eligibility": Text(de="Zulässigkeit (JRC-Kriterien)", en="Eligibility (JRC criteria)"),
    "eligibility_hint": Text(de="ja oder nein", en="yes or no"),
    "overall": Text(de="Gesamteindruck", en="Overall"),
    "strengths": Text(de="Stärken", en="Strengths"),
    "weaknesses": Text(de="Schwächen", en="Weaknesses"),
    "recommendations": Text(de="Empfehlungen", en="Recommendations"),
    "form_id": Text(
        de="Formular-Kennung (bitte nicht ändern)", en="Form identifier (please do not change)"
    ),
}


class WordFormError(Bilingual):
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
    lang = language if language in ("de", "en") else "en"
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

    doc.add_heading(f"{rubric.title(lang)}: {T['form'](lang)}", level=0)
    meta = doc.add_paragraph()
    meta.add_run(f"{T['municipality'](lang)}: ").bold = True
    meta.add_run(municipality)
    meta.add_run(f"\n{T['plan'](lang)}: ").bold = True
    meta.add_run(plan_title or "–")
    meta.add_run(f"\n{T['due'](lang)}: ").bold = True
    meta.add_run(due)
    howto = doc.add_paragraph(T["howto"](lang).format(low=low, high=high))
    howto.runs[0].italic = True
    doc.add_paragraph(rubric.description(lang))

    required_levels = ", ".join(str(v) for v in rubric.comment_required_at)
    for criterion in rubric.criteria:
        doc.add_heading(
            f"{criterion.id} · {criterion.title(lang)} ({T['weight'](lang)} {criterion.weight:g})",
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
        scale_hint = f"{low}–{high}" + (f" {T['na_ok'](lang)}" if criterion.allow_na else "")
        _answer_row(
            answers,
            T["score"](lang),
            scale_hint,
            f"score:{criterion.id}",
            data.scores.get(criterion.id, ""),
        )
        if criterion.comment == "always":
            comment_hint = T["comment_always"](lang)
        elif criterion.comment == "optional" or not required_levels:
            comment_hint = T["comment_optional"](lang)
        else:
            comment_hint = T["comment_levels"](lang).format(levels=required_levels)
        _answer_row(
            answers,
            T["comment"](lang),
            comment_hint,
            f"comment:{criterion.id}",
            data.comments.get(criterion.id, ""),
            lines=4,
        )
        _widths(answers)

    doc.add_heading(T["eligibility"](lang), level=1)
    elig = _answer_table(doc)
    for key, label in ELIGIBILITY.items():
        value = data.eligibility.get(key)
        shown = (
            ""
            if value is None
            else ({"de": "ja", "en": "yes"}[lang] if value else {"de": "nein", "en": "no"}[lang])
        )
        _answer_row(elig, label(lang), T["eligibility_hint"](lang), f"elig:{key}", shown)
    _widths(elig)

    doc.add_heading(T["overall"](lang), level=1)
    overall = _answer_table(doc)
    for name in OVERALL_FIELDS:
        _answer_row(overall, T[name](lang), "", name, getattr(data, name), lines=6)
    _widths(overall)

    doc.add_paragraph()
    visible = doc.add_paragraph(f"{T['form_id'](lang)}: {assignment_id} / {seen}")
    visible.runs[0].font.size = Pt(8)
    hidden = doc.add_paragraph().add_run(ident)
    hidden.font.hidden = True
    hidden.font.size = Pt(6)
    hidden.font.highlight_color = WD_COLOR_INDEX.GRAY_25
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- reading


def _check_zip(data: bytes, max_uncompressed: int) -> None:
    if not data:
        raise WordFormError(
            "the uploaded file is empty; please choose the filled-in .docx form",
            "Die hochgeladene Datei ist leer; bitte wählen Sie das ausgefüllte .docx-Formular.",
        )
    # Unpacked with a counter before python-docx reads it: the sizes a zip declares can lie
    # (review.intake.safezip); any reviewer link reaches this upload.
    try:
        checked = safezip.check_archive(
            data, max_unpacked=max_uncompressed, max_xml_part=max_uncompressed
        )
        names, total = set(checked.names), checked.unpacked
    except safezip.TooMuchUnpacked as exc:
        if exc.lied:
            raise WordFormError(
                "the uploaded document unpacks to more than its zip directory declares (a "
                "damaged or forged file); it cannot be a review form",
                "Das hochgeladene Dokument entpackt sich auf mehr, als sein ZIP-Verzeichnis "
                "angibt (beschädigt oder manipuliert); es kann kein Begutachtungsformular sein.",
            ) from None
        names, total = {"word/document.xml"}, max(exc.size, max_uncompressed + 1)
    except safezip.ArchiveRefused:
        raise WordFormError(
            "the uploaded file is not a Word document (.docx); if you saved it as .doc, .odt or "
            "PDF, please save it again as .docx and upload that",
            "Die hochgeladene Datei ist kein Word-Dokument (.docx). Falls Sie sie als .doc, .odt "
            "oder PDF gespeichert haben, speichern Sie sie bitte erneut als .docx.",
        ) from None
    if "word/document.xml" not in names:
        raise WordFormError(
            "the uploaded file is a zip archive but not a Word document (.docx)",
            "Die hochgeladene Datei ist ein ZIP-Archiv, aber kein Word-Dokument (.docx).",
        )
    if total > max_uncompressed:
        raise WordFormError(
            f"the uploaded document unpacks to {total // (1024 * 1024)} MB, more than the "
            f"{max_uncompressed // (1024 * 1024)} MB allowed; it cannot be a review form",
            f"Das hochgeladene Dokument entpackt sich auf {total // (1024 * 1024)} MB, mehr als "
            f"die erlaubten {max_uncompressed // (1024 * 1024)} MB; es kann kein "
            f"Begutachtungsformular sein.",
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
        if word in _YES:
            parsed.data.eligibility[name] = True
        elif word in _NO:
            parsed.data.eligibility[name] = False
        elif word:
            parsed.errors[f"elig-{name}"] = (
                f"„{value}“: bitte ja oder nein"
                if parsed.language == "de"
                else f"'{value}': write yes or no"
            )


def parse_word_form(
    data: bytes, *, max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED
) -> ParsedWordForm:
    """Read a filled-in form. Raises WordFormError when it is not a (readable) peerplan form."""
    _check_zip(data, max_uncompressed)
    try:
        doc = new_docx(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds on damaged files
        raise WordFormError(
            "the uploaded Word document is damaged and cannot be read; please save it again "
            "as .docx, or download a fresh form",
            "Das hochgeladene Word-Dokument ist beschädigt und nicht lesbar; bitte speichern Sie "
            "es erneut als .docx oder laden Sie ein neues Formular herunter.",
        ) from None
    match = _find_identifier(doc)
    if match is None:
        raise WordFormError(
            "this document is not a peerplan review form (its form identifier is missing); "
            "please download the form from your personal link and fill in that one",
            "Dieses Dokument ist kein peerplan-Begutachtungsformular (die Formular-Kennung "
            "fehlt); bitte laden Sie das Formular über Ihren persönlichen Link herunter.",
        )
    try:
        assignment_id = int(match.group(1))
        seen = Seen(int(match.group(2)), int(match.group(3)))
    except ValueError:  # thousands of digits typed into the identifier: Python refuses to parse
        raise WordFormError(
            "this form's identifier was changed and cannot be read; please download a fresh "
            "form from your personal link",
            "Die Formular-Kennung wurde verändert und ist nicht lesbar; bitte laden Sie über "
            "Ihren persönlichen Link ein neues Formular herunter.",
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
            "this form belongs to another assignment, not to the plan you are reviewing here; "
            "please upload the form you downloaded from this page",
            "Dieses Formular gehört zu einer anderen Begutachtung, nicht zu dem Plan, den Sie "
            "hier begutachten; bitte laden Sie das Formular von dieser Seite hoch.",
        )
    if parsed.rubric_id != rubric.id:
        raise WordFormError(
            f"this form is for the rubric '{parsed.rubric_id}', but this assignment uses "
            f"'{rubric.id}'; please download the form again",
            f"Dieses Formular ist für den Bogen „{parsed.rubric_id}“, diese Begutachtung nutzt "
            f"„{rubric.id}“; bitte laden Sie das Formular neu herunter.",
        )
    missing = [c.id for c in rubric.criteria if f"score-{c.id}" not in parsed.found]
    if missing:
        raise WordFormError(
            "the form's answer tables for criteria " + ", ".join(missing) + " are missing or "
            "their grey keys were changed; please download a fresh form",
            "Die Antworttabellen der Kriterien " + ", ".join(missing) + " fehlen oder ihre "
            "grauen Kennungen wurden geändert; bitte laden Sie ein neues Formular herunter.",
        )
