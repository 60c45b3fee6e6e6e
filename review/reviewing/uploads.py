"""What reviewers and municipalities upload: a filled-in Word form (stored as a draft or a
submission) and a municipality's plan (through the intake)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from review import lifecycle
from review.asked_parts import asked_in, findings_shown
from review.config import Settings
from review.documents.filled_form import check_form, parse_word_form
from review.intake import take_in
from review.intake.outcome import IntakeOutcome
from review.models import (
    Assignment,
    Document,
    Municipality,
    Plan,
    Review,
    ReviewSource,
    Round,
    saved_id,
)
from review.notify import municipality_notices
from review.reviewing.drafts import save_draft
from review.reviewing.errors import InvalidReview
from review.rubric import load_rubrics


def apply_word_form(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    data: bytes,
    *,
    submit: bool,
    actor: str,
    language: str = "en",
    now: datetime | None = None,
) -> Review:
    """Store an uploaded form as a draft or a submission (review.lifecycle.submit) of
    `assignment`.

    Refused (WordFormError) when the file is broken or belongs to another assignment or rubric;
    InvalidReview with errors by criterion; StaleSave when the form was made from an older state
    than the one now saved (newer online edits are never overwritten).
    """
    parsed = parse_word_form(
        data,
        max_uncompressed=settings.max_docx_uncompressed_bytes,
        max_xml_part=settings.max_docx_xml_bytes,
    )
    rubric = load_rubrics()[assignment.rubric]
    check_form(parsed, assignment_id=saved_id(assignment), rubric=rubric)
    if parsed.errors:
        raise InvalidReview(parsed.errors)
    if submit:
        return lifecycle.submit(
            session,
            assignment,
            parsed.data,
            settings=settings,
            seen_revision=parsed.seen,
            source=ReviewSource.word,
            actor=actor,
            now=now,
            language=language,
        )
    saved = save_draft(
        session,
        assignment,
        parsed.data,
        seen_revision=parsed.seen,
        source=ReviewSource.word,
        actor=actor,
        now=now,
        language=language,
    )
    review = session.get(Review, saved.review_id)
    assert review is not None
    return review


def municipality_documents(session: Session, municipality: Municipality) -> list[Document]:
    """The plan versions a municipality has handed in, newest first."""
    return list(
        session.exec(
            select(Document)
            .join(Plan, col(Plan.id) == col(Document.plan_id))
            .where(Plan.municipality_id == municipality.id)
            .order_by(col(Document.version).desc())
        )
    )


def receive_plan(
    session: Session, settings: Settings, municipality: Municipality, data: bytes, file_name: str
) -> IntakeOutcome:
    """A municipality uploads its plan through its own link: the intake reads, checks and
    registers it (its size and file checks apply), and the municipality gets a receipt in the
    same transaction. Returns the intake's outcome (refused ones carry the reason)."""
    round_ = session.get(Round, municipality.round_id)
    assert round_ is not None
    outcome = take_in(
        session,
        settings,
        round_=round_,
        data=data,
        file_name=file_name,
        municipality=municipality.name,
        actor=f"municipality:{municipality.id}",
    )
    if outcome.status in ("registered", "new_version") and outcome.document_id is not None:
        document = session.get(Document, outcome.document_id)
        assert document is not None
        municipality_notices.plan_receipt(session, settings, municipality, document)
    # The page shows the parts the round asks for, and the others where the plan has them.
    outcome.findings = findings_shown(outcome.findings, asked_in(round_))
    return outcome
