"""A round built from the other areas' real outputs: generated plans read by the intake (its
findings), reviews simulated as reviewers would write them; the consolidated documents agree."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as open_docx
from sqlmodel import Session

from review.config import load_settings
from review.consolidation.pipeline import compile_round
from review.intake.read import read_document
from review.models import Document
from review.rubric import load_rubrics
from review.synthetic.plans import plan_spec
from review.synthetic.reviews import simulate_review
from review.synthetic.writers import write_docx
from tests.support.factories import (
    make_assignment,
    make_municipality,
    make_plan,
    make_review,
    make_reviewer,
    make_round,
)


@pytest.mark.slow
def test_simulated_round_with_intake_findings(session: Session, tmp_path: Path) -> None:
    rubrics = load_rubrics()
    round_ = make_round(session, language="de", min_per_rubric={"technical": 1, "communication": 1})
    settings = load_settings(data_dir=tmp_path / "data")
    specs = [
        plan_spec(seed, "de", missing=missing)
        for seed, missing in ((1, ()), (2, {"council_approval", "inventory"}))
    ]
    plans = []
    for i, spec in enumerate(specs):
        home = make_municipality(session, round_, spec.municipality)
        plan = make_plan(session, round_, home, title=f"Klimaschutzkonzept {spec.municipality}")
        path = tmp_path / f"plan{i}.docx"
        write_docx(spec, path)
        extracted = read_document(path.read_bytes(), path.name, settings)
        session.add(
            Document(
                round_id=round_.id,
                plan_id=plan.id,
                file_name=path.name,
                sha256=extracted.sha256,
                media_type=extracted.media_type,
                size=extracted.size,
                stored_path="x",
                findings=extracted.findings,
            )
        )
        for j, rubric_id in enumerate(("technical", "technical", "communication")):
            other = make_municipality(session, round_, f"Nachbar {i}-{j}")
            reviewer = make_reviewer(session, round_, other)
            assignment = make_assignment(session, plan, reviewer, rubric_id)
            answers = simulate_review(rubrics[rubric_id], spec, language="de", seed=j)
            make_review(
                session,
                assignment,
                answers.scores,
                comments=answers.comments,
                strengths=answers.strengths,
                weaknesses=answers.weaknesses,
                recommendations=answers.recommendations,
                eligibility=answers.eligibility,
            )
        plans.append(plan)
    session.commit()

    report = compile_round(session, None, round_, tmp_path / "out", workers=1, pdf=False)
    complete, missing = report.plans
    assert complete.status == missing.status == "complete"
    # Reviewers confirm what the plan lacks: no council decision, no inventory -> sent back.
    gates = {g.gate_id: g for g in missing.result.gates}
    assert gates["council_approval"].status == "failed"
    assert gates["council_approval"].hint is False  # the intake did not find it either
    assert missing.outcome_id == "major_revision"
    assert {g.gate_id: g.status for g in complete.result.gates}["council_approval"] == "met"
    text = "\n".join(p.text for p in open_docx(str(missing.municipality_docx)).paragraphs)
    assert "Automatische Hinweise der Eingangsprüfung" in text
    assert "Beschluss des Rates – scheint zu fehlen" in text
