"""Shared queries: "the latest" is the highest version, the same for every caller."""

from __future__ import annotations

from sqlmodel import Session

from review.models import Document, Plan, Round
from review.queries import (
    latest_document,
    latest_document_version,
    latest_documents,
    latest_submitted_reviews,
)
from tests.support.factories import (
    make_assignment,
    make_municipality,
    make_plan,
    make_review,
    make_reviewer,
    make_round,
)


def _plan(session: Session) -> tuple[Round, Plan]:
    round_ = make_round(session)
    return round_, make_plan(session, round_, make_municipality(session, round_))


def _upload(session: Session, plan: Plan, version: int) -> None:
    session.add(
        Document(
            round_id=plan.round_id,
            plan_id=plan.id,
            version=version,
            file_name=f"v{version}.pdf",
            sha256=f"{plan.id:032d}{version:032d}",
            media_type="application/pdf",
            size=1,
            stored_path="x",
        )
    )
    session.flush()


def test_the_latest_document_is_the_highest_version_whatever_the_upload_order(
    session: Session,
) -> None:
    _round, plan = _plan(session)
    for version in (1, 3, 2):
        _upload(session, plan, version)
    latest = latest_document(session, plan.id)
    assert latest is not None and latest.file_name == "v3.pdf"
    assert latest_documents(session, [plan.id])[plan.id].file_name == "v3.pdf"
    assert latest_document_version(session, plan.id) == 3


def test_a_plan_without_documents_has_none(session: Session) -> None:
    round_, plan = _plan(session)
    empty = make_plan(session, round_, make_municipality(session, round_))
    _upload(session, plan, 1)
    assert latest_document(session, empty.id) is None
    assert latest_document_version(session, empty.id) == 0
    assert set(latest_documents(session, [plan.id, empty.id])) == {plan.id}
    assert latest_documents(session, []) == {}


def test_a_newer_draft_never_hides_the_submitted_review(session: Session) -> None:
    round_, plan = _plan(session)
    reviewer = make_reviewer(session, round_, make_municipality(session, round_))
    assignment = make_assignment(session, plan, reviewer)
    make_review(session, assignment, {"T1": 1}, version=1)
    make_review(session, assignment, {"T1": 2}, version=2)
    make_review(session, assignment, {"T1": 4}, version=3, status="draft")
    latest = latest_submitted_reviews(session, [assignment.id])[assignment.id]
    assert (latest.version, latest.scores) == (2, {"T1": 2})
