"""A municipality sends a new version while its plan is being reviewed: each submitted review
keeps the document it assessed, and the consolidated document names that version, its hints,
and the newer one, instead of presenting the reviews as if they were of the newer file."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from review.config import Settings
from review.consolidation.gather import gather_round
from review.consolidation.pipeline import compile_round
from review.lifecycle import submit
from review.models import Assignment, Document, Plan, Review, Round
from tests.consolidation.test_documents import docx_text
from tests.support.review_data import reviewed_plan
from tests.support.reviewing_data import complete_review, invited_assignment


def _new_version(session: Session, plan: Plan, version: int, name: str) -> Document:
    document = Document(
        round_id=plan.round_id,
        plan_id=plan.id,
        version=version,
        file_name=name,
        sha256=f"{plan.id:032d}{version:032d}",
        media_type="application/pdf",
        size=1,
        stored_path="y",
        findings=[{"kind": "check", "check": "financing", "present": True, "hits": 1}],
    )
    session.add(document)
    session.flush()
    return document


def test_a_submitted_review_keeps_the_document_it_assessed(
    session: Session, settings: Settings
) -> None:
    invited = invited_assignment(session, settings)
    assignment = session.get(Assignment, invited.assignment_id)
    first = session.exec(select(Document).where(Document.plan_id == assignment.plan_id)).one()
    review = submit(
        session, assignment, complete_review(), settings=settings, seen_revision="0.0", actor="r"
    )
    session.commit()
    plan = session.get(Plan, assignment.plan_id)
    _new_version(session, plan, 2, "plan-v2.pdf")
    session.commit()
    assert session.get(Review, review.id).document_id == first.id

    (dossier,) = gather_round(session, session.get(Round, plan.round_id), plan_ids=[plan.id])
    assert (dossier.document_name, dossier.document_version) == (first.file_name, 1)
    assert (dossier.newer_document, dossier.newer_version) == ("plan-v2.pdf", 2)
    assert dossier.findings == first.findings  # the hints of the version the reviews assessed


def test_the_document_names_the_version_reviewed_and_the_newer_one(
    session: Session, tmp_path: Path
) -> None:
    data = reviewed_plan(session, language="de", municipality_language="en")
    first = session.exec(select(Document).where(Document.plan_id == data.plan.id)).one()
    for review in session.exec(select(Review)):
        review.document_id = first.id
        session.add(review)
    _new_version(session, data.plan, 2, "klimaschutzkonzept-2025.pdf")
    session.commit()
    (plan,) = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False).plans
    english = docx_text(plan.municipality_docx)
    assert "klimaschutzkonzept.pdf (version 1)" in english
    assert "klimaschutzkonzept-2025.pdf (version 2), sent after the reviews" in english
    german = docx_text(plan.coordinator_docx)
    assert "klimaschutzkonzept.pdf (Fassung 1)" in german
    assert "klimaschutzkonzept-2025.pdf (Fassung 2), nach den Gutachten eingereicht" in german


def test_reviews_of_two_versions_are_said_to_be_so(session: Session) -> None:
    data = reviewed_plan(session)
    first = session.exec(select(Document).where(Document.plan_id == data.plan.id)).one()
    second = _new_version(session, data.plan, 2, "plan-v2.pdf")
    for index, review in enumerate(session.exec(select(Review).order_by(Review.id))):
        review.document_id = first.id if index == 0 else second.id
        session.add(review)
    session.commit()
    (dossier,) = gather_round(session, data.round_)
    assert dossier.document_version == 2 and dossier.newer_document is None
    assert dossier.versions_reviewed == [1, 2]
