"""A reviewed round for the consolidation and document tests: real rows, distinctive identities
(so a leak is found by a plain text search), comments that say where they belong."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from review.models import Document, Plan, Reviewer, Round
from review.rubric import load_rubrics
from tests.support.factories import (
    make_assignment,
    make_municipality,
    make_plan,
    make_review,
    make_reviewer,
    make_round,
)

RUBRICS = load_rubrics()
FINDINGS = [
    {
        "gate": "council_approval",
        "met": True,
        "message": "Council decision found",
        "evidence": [{"page": 4, "snippet": "Der Gemeinderat hat am 12.03.2024 beschlossen"}],
    },
    {
        "check": "bei",
        "status": "missing",
        "message": "No baseline emission inventory table found",
        "evidence": [],
    },
]


@dataclass
class ReviewedPlan:
    round_: Round
    plan: Plan
    reviewers: list[Reviewer]
    comments: list[str] = field(default_factory=list)


def scores_for(rubric_id: str, value: int | None, **overrides: int | None) -> dict[str, int | None]:
    scores = {c.id: value for c in RUBRICS[rubric_id].criteria}
    scores.update(overrides)
    return scores


def reviewed_plan(
    session: Session,
    *,
    blind: bool = True,
    language: str = "en",
    rubrics: tuple[str, ...] = ("technical", "technical", "communication"),
    submit: tuple[bool, ...] | None = None,
    comment_extra: str = "",
    municipality: str = "Tulln an der Donau",
    round_: Round | None = None,
    values: tuple[int, ...] = (3, 2, 4),
    municipality_language: str | None = None,
) -> ReviewedPlan:
    round_ = round_ or make_round(
        session, blind=blind, language=language, min_per_rubric={"technical": 1, "communication": 1}
    )
    # The municipality speaks the round's language (as the intake registers it) unless told.
    home = make_municipality(
        session, round_, municipality, language=municipality_language or round_.language
    )
    plan = make_plan(session, round_, home, title=f"Klimaschutzkonzept {municipality}")
    session.add(
        Document(
            round_id=round_.id,
            plan_id=plan.id,
            version=1,
            file_name="klimaschutzkonzept.pdf",
            sha256=f"{plan.id:064d}",
            media_type="application/pdf",
            size=1,
            stored_path="x",
            findings=FINDINGS,
        )
    )
    submit = submit or tuple(True for _ in rubrics)
    result = ReviewedPlan(round_=round_, plan=plan, reviewers=[])
    for i, (rubric_id, submitted) in enumerate(zip(rubrics, submit, strict=True)):
        other = make_municipality(session, round_, f"Wolkenstein{plan.id}x{i}")
        reviewer = make_reviewer(
            session,
            round_,
            other,
            name=f"Zacharias Quellenberg{plan.id}x{i}",
            email=f"zq{plan.id}x{i}@reviewers.example",
        )
        result.reviewers.append(reviewer)
        assignment = make_assignment(session, plan, reviewer, rubric_id)
        comments = {}
        for criterion in RUBRICS[rubric_id].criteria:
            text = f"comment-{plan.id}-{i}-{criterion.id}{comment_extra}"
            comments[criterion.id] = text
            result.comments.append(text)
        make_review(
            session,
            assignment,
            scores_for(rubric_id, values[i % len(values)]),
            comments=comments,
            strengths=f"strength-{plan.id}-{i}",
            weaknesses=f"weakness-{plan.id}-{i}",
            recommendations=f"recommendation-{plan.id}-{i}",
            eligibility={"council_approval": True, "bei_rva": True},
            status="submitted" if submitted else "draft",
        )
    session.commit()
    return result
