"""What the consolidation reads from the database: latest submitted versions of active
assignments, stable labels, expected reviews, the latest document's findings."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from review.consolidation.gather import gather_plan, gather_round, reviewer_label
from review.consolidation.pipeline import compile_round
from review.eligibility import JRC_GATES, gate_label
from review.models import Document
from tests.consolidation.test_documents import docx_text
from tests.support.factories import (
    make_assignment,
    make_municipality,
    make_review,
    make_reviewer,
    make_round,
)
from tests.support.review_data import reviewed_plan, scores_for


def test_labels_follow_assignment_order_and_language() -> None:
    assert [reviewer_label(i, "en") for i in (0, 1, 2, 25, 26)] == [
        "Reviewer A",
        "Reviewer B",
        "Reviewer C",
        "Reviewer Z",
        "Reviewer AA",
    ]
    assert reviewer_label(1, "de") == "Gutachten B"


def test_dossier_of_a_reviewed_plan(session: Session) -> None:
    data = reviewed_plan(session)
    dossier = gather_plan(session, data.plan.id)
    assert [r.label for r in dossier.reviewers] == ["Reviewer A", "Reviewer B", "Reviewer C"]
    assert [r.name for r in dossier.reviewers] == [r.name for r in data.reviewers]
    assert {ri.rubric.id: (ri.expected, len(ri.reviews)) for ri in dossier.rubrics} == {
        "communication": (1, 1),
        "technical": (2, 2),
    }
    assert dossier.findings[0]["gate"] == "council_approval"
    result = dossier.score()
    assert result.status == "complete"
    assert result.outcome.id == "minor_revision"  # technical 62.5, communication 100


def test_latest_submitted_version_counts_and_drafts_do_not(session: Session) -> None:
    data = reviewed_plan(session, rubrics=("technical", "communication"), values=(2, 4))
    from sqlmodel import select

    from review.models import Assignment

    technical = session.exec(
        select(Assignment).where(
            Assignment.plan_id == data.plan.id, Assignment.rubric == "technical"
        )
    ).one()
    make_review(session, technical, scores_for("technical", 4), version=2)
    make_review(session, technical, scores_for("technical", 0), version=3, status="draft")
    session.commit()
    dossier = gather_plan(session, data.plan.id)
    tech = next(r for r in dossier.rubrics if r.rubric.id == "technical")
    assert [r.scores["T1"] for r in tech.reviews] == [4]


def test_released_assignments_are_left_out_and_missing_reviews_make_it_incomplete(
    session: Session,
) -> None:
    data = reviewed_plan(
        session, rubrics=("technical", "communication"), submit=(True, False)
    )  # communication still a draft
    other = make_municipality(session, data.round_)
    gone = make_reviewer(session, data.round_, other)
    assignment = make_assignment(session, data.plan, gone, "technical", status="declined")
    make_review(session, assignment, scores_for("technical", 0))
    session.commit()
    dossier = gather_round(session, data.round_)[0]
    assert [r.label for r in dossier.reviewers] == ["Reviewer A", "Reviewer B"]
    assert gone.name not in {r.name for r in dossier.reviewers}
    result = dossier.score()
    assert result.status == "incomplete" and result.outcome is None
    comm = next(r for r in result.rubrics if r.rubric_id == "communication")
    assert comm.problems == ["0 of 1 reviews submitted"]


def test_round_minimum_makes_a_rubric_without_assignments_incomplete(session: Session) -> None:
    data = reviewed_plan(session, rubrics=("technical",))  # the round wants 1 communication review
    result = gather_plan(session, data.plan.id).score()
    assert result.status == "incomplete"
    assert {r.rubric_id: r.expected for r in result.rubrics} == {"communication": 1, "technical": 1}


def test_findings_come_from_the_latest_document(session: Session) -> None:
    data = reviewed_plan(session)
    session.add(
        Document(
            round_id=data.round_.id,
            plan_id=data.plan.id,
            version=2,
            file_name="v2.pdf",
            sha256="f" * 64,
            media_type="application/pdf",
            size=1,
            stored_path="y",
            findings=[{"gate": "bei_rva", "met": False, "message": "newer"}],
        )
    )
    session.commit()
    dossier = gather_plan(session, data.plan.id)
    assert dossier.document_version == 2
    assert [f["message"] for f in dossier.findings] == ["newer"]


def test_plan_is_complete_when_its_last_review_comes_in(session: Session) -> None:
    from sqlmodel import select

    from review.consolidation.gather import plan_complete
    from review.models import Review

    data = reviewed_plan(session, submit=(True, True, False))
    assert not plan_complete(session, data.plan.id)
    draft = session.exec(select(Review).where(Review.status == "draft")).one()
    draft.status = "submitted"
    session.add(draft)
    session.commit()
    assert plan_complete(session, data.plan.id)


def test_a_round_read_in_slices_of_ids_gives_the_same_dossiers(
    session: Session, monkeypatch
) -> None:
    """Large rounds read their plans', assignments' and reviews' ids in slices (a statement
    binds at most 32,766 values on SQLite's default build): slices of one id each must give
    the same dossiers, newest submitted versions and reviewer order included."""
    data = reviewed_plan(session, rubrics=("technical", "communication"), values=(2, 4))
    from sqlmodel import select

    from review.models import Assignment

    technical = session.exec(
        select(Assignment).where(
            Assignment.plan_id == data.plan.id, Assignment.rubric == "technical"
        )
    ).one()
    make_review(session, technical, scores_for("technical", 4), version=2)
    session.commit()
    whole = gather_round(session, data.round_)
    monkeypatch.setattr("review.queries.IN_BATCH", 1)
    sliced = gather_round(session, data.round_)
    assert sliced == whole
    tech = next(r for r in sliced[0].rubrics if r.rubric.id == "technical")
    assert [r.scores["T1"] for r in tech.reviews] == [4]


def _answered(session: Session, plan_id: int, eligibility: dict[str, bool]) -> None:
    """Every submitted review of the plan answers the gates so."""
    from sqlmodel import col, select

    from review.models import Assignment, Review

    ids = select(Assignment.id).where(Assignment.plan_id == plan_id)
    for review in session.exec(select(Review).where(col(Review.assignment_id).in_(ids))):
        review.eligibility = eligibility
        session.add(review)
    session.commit()


def test_a_ccc_plan_is_not_failed_on_a_gate_its_round_does_not_ask(
    session: Session, tmp_path: Path
) -> None:
    """Its reviewers said yes to every gate they were asked; a 'no' stored for the risk and
    vulnerability assessment (a form of another round's, an answer from before) neither fails
    the plan nor stands in its documents' JRC table. A SECAP plan with the same answers fails."""
    ccc = "climate-city-contract"
    answers = {
        "council_approval": True,
        "bei_sectors": True,
        "action_sectors": True,
        "bei_rva": False,
        "targets": False,
    }
    ccc_round = make_round(session, language="en", min_per_rubric={ccc: 2})
    data = reviewed_plan(session, round_=ccc_round, rubrics=(ccc, ccc), values=(3, 3))
    _answered(session, data.plan.id, answers)
    dossier = gather_round(session, ccc_round)[0]
    assert dossier.gates == ["council_approval", "bei_sectors", "action_sectors"]
    result = dossier.score()
    assert [g.gate_id for g in result.gates] == dossier.gates
    assert all(g.status == "met" for g in result.gates)
    assert result.status == "complete" and result.outcome.id == "good_practice"
    assert not any("eligibility gate" in reason for reason in result.reasons)
    report = compile_round(session, None, ccc_round, tmp_path / "ccc", workers=1, pdf=False)
    text = docx_text(report.plans[0].coordinator_docx)
    assert gate_label("council_approval", "en") in text
    assert gate_label("bei_rva", "en") not in text and gate_label("targets", "en") not in text

    secap = reviewed_plan(session, municipality="Krems")  # the standard rubrics: all five
    _answered(session, secap.plan.id, answers)
    dossier = gather_round(session, secap.round_)[0]
    assert dossier.gates == [g.id for g in JRC_GATES]
    result = dossier.score()
    assert {g.gate_id for g in result.gates if g.status == "failed"} == {"bei_rva", "targets"}
    assert result.outcome.id == "major_revision"
    report = compile_round(session, None, secap.round_, tmp_path / "secap", workers=1, pdf=False)
    assert gate_label("bei_rva", "en") in docx_text(report.plans[0].coordinator_docx)
