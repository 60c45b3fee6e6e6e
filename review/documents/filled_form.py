"""Reading a filled-in offline review form back (`parse_word_form`) and checking it belongs to the
assignment and rubric it is uploaded for (`check_form`). The archive is checked before python-docx
opens it (bounded unpacking); answers are found by their keys wherever the tables ended up (see
`review.documents.word_form` for the form's design)."""

from __future__ import annotations

import io
import re

from docx import Document as new_docx

from review.documents.word_form import DEFAULT_MAX_UNCOMPRESSED, ParsedWordForm, WordFormError
from review.i18n import N_, translator
from review.intake import safezip
from review.reviewing.form import ReviewInput, Seen
from review.rubric import Rubric

_ID_RE = re.compile(
    r"peerplan-form v1 assignment=(\d+) seen=(\d+)\.(\d+) rubric=([a-z][a-z0-9_-]*) lang=([a-z]{2,3})"
)
_KEY_RE = re.compile(
    r"\[(score|comment|elig):([A-Za-z][A-Za-z0-9_-]*)\]|\[(strengths|weaknesses|recommendations)\]"
)
_YES = {"ja", "yes", "j", "y", "x", "✓", "✔", "true", "1"}
_NO = {"nein", "no", "n", "false", "0", "-"}


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
