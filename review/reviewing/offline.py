"""The offline (Word) form of an assignment, filled with its newest saved review: what the
invitation attaches and the portal offers for download. Drawing the form is
review.documents.word_form's job; this module hands it the assignment's data."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import Session

from review.asked_parts import ALL_GATES, gates_in
from review.documents.word_form import render_word_form
from review.i18n import N_, translator
from review.models import Assignment, Review, saved_id
from review.reviewing.drafts import form_state, view
from review.reviewing.form import ReviewInput, Seen
from review.rubric import Rubric, load_rubrics

#: What no file name may hold on Windows or macOS; a municipality's name comes from a
#: spreadsheet and may hold any of it ("Sankt Anna/Ost"): each run becomes a hyphen.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
#: Longest file name kept before ".docx" (characters): a municipality's long official name still
#: fits the 255 bytes file systems allow once written in UTF-8.
_MAX_NAME_CHARS = 120


def word_form_name(language: str, *, rubric: Rubric, municipality: str) -> str:
    """The file name the form is attached under, naming its rubric and plan in the reviewer's
    language ("Bewertungsbogen Technische Begutachtung - Musterstadt.docx"): a reviewer of
    several plans gets one form a plan in one email, and "Review-Formular-2.docx" named none."""
    name = translator(language).gettext(N_("Review form %(rubric)s - %(municipality)s")) % {
        "rubric": rubric.title(language),
        "municipality": municipality,
    }
    name = " ".join(_NOT_IN_FILE_NAMES.sub("-", name).split())
    return f"{name[:_MAX_NAME_CHARS].rstrip()}.docx"


def build_word_form(
    session: Session,
    assignment: Assignment,
    language: str,
    *,
    rubrics: dict[str, Rubric] | None = None,
) -> bytes:
    """The offline form of `assignment` as DOCX bytes, filled with its newest saved review."""
    seen_view = view(session, assignment)
    return word_form(
        assignment,
        language,
        (rubrics or load_rubrics())[assignment.rubric],
        latest=form_state(session, assignment).review,
        plan_title=seen_view.plan.title,
        municipality=seen_view.municipality.name,
        gates=gates_in(seen_view.round, rubrics),
    )


def word_form(
    assignment: Assignment,
    language: str,
    rubric: Rubric,
    *,
    latest: Review | None,
    plan_title: str,
    municipality: str,
    gates: Sequence[str] = ALL_GATES,
) -> bytes:
    """`build_word_form` from what the caller read: the newest saved review (`latest`, None if
    nothing was saved), the plan's title and municipality (`invite` reads a round's at once),
    the JRC gates its round asks about (`review.asked_parts.gates_in`)."""
    return render_word_form(
        rubric,
        assignment_id=saved_id(assignment),
        seen=Seen(latest.version, latest.revision) if latest else Seen(),
        data=ReviewInput.from_review(latest),
        language=language,
        plan_title=plan_title,
        municipality=municipality,
        due=translator(language).format_date(assignment.due_date),
        gates=gates,
    )
