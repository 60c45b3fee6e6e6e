"""A hand-built round as plain data (dossiers, no database): plans with chosen scores, reviewers
with distinctive names (a leak is found by a plain text search), comments that say whose they
are."""

from __future__ import annotations

from datetime import date
from typing import Any

from review.consolidation.gather import PlanDossier, PlanRow, ReviewerIdentity, reviewer_label
from review.consolidation.rules import RubricInput, SubmittedReview
from review.rubric import load_rubrics

RUBRICS = load_rubrics()
GATES_MET = {
    "council_approval": True,
    "targets": True,
    "bei_rva": True,
    "bei_sectors": True,
    "action_sectors": True,
}


def dossier(
    plan_id: int,
    municipality: str,
    reviews: list[dict[str, Any]],
    *,
    blind: bool = True,
    peers_named: bool = True,
    language: str = "en",
    municipality_language: str = "en",
    findings: list[dict[str, Any]] | None = None,
    round_name: str = "Round 1",
) -> PlanDossier:
    """`reviews`: one dict per reviewer: rubric, base (score of every criterion), scores
    (overrides), comments, recommendations, eligibility, name (default: a distinctive one)."""
    by_rubric: dict[str, list[SubmittedReview]] = {}
    people = []
    for index, spec in enumerate(reviews):
        rubric = RUBRICS[spec["rubric"]]
        label = reviewer_label(index, language)
        scores = {c.id: spec.get("base", 2) for c in rubric.criteria} | spec.get("scores", {})
        name = spec.get("name", f"Quirinus Zeppelfeld{plan_id}x{index}")
        people.append(
            ReviewerIdentity(
                label=label,
                index=index,
                rubric=rubric.id,
                name=name,
                email=spec.get("email", f"qz{plan_id}x{index}@reviewers.example"),
                municipality=spec.get("home", f"Wolkenhausen{plan_id}x{index}"),
                submitted=True,
                status="submitted",
            )
        )
        by_rubric.setdefault(rubric.id, []).append(
            SubmittedReview(
                label=label,
                scores=scores,
                comments=spec.get("comments", {}),
                recommendations=spec.get("recommendations", ""),
                eligibility=spec.get("eligibility", GATES_MET),
            )
        )
    return PlanDossier(
        round_name=round_name,
        language=language,
        municipality_language=municipality_language,
        blind=blind,
        peers_named=peers_named,
        compiled_on=date(2026, 12, 1),
        plan_id=plan_id,
        plan_title=f"Plan of {municipality}",
        municipality=municipality,
        findings=findings or [],
        rubrics=[
            RubricInput(rubric=RUBRICS[rid], expected=len(found), reviews=found)
            for rid, found in sorted(by_rubric.items())
        ],
        reviewers=people,
    )


def rows_of(*dossiers: PlanDossier) -> list[PlanRow]:
    return [PlanRow(d, d.score()) for d in dossiers]
