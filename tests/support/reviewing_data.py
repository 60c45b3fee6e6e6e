"""Round data for the reviewing and portal tests: invited assignments with live links."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session

from review.config import Settings
from review.models import Assignment, AssignmentStatus, Document
from review.reviewing.form import ReviewInput
from review.reviewing.links import issue_link
from review.states import transition
from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round


@dataclass
class Invited:
    assignment_id: int
    token: str
    round_id: int
    reviewer_id: int


def invited_assignment(
    session: Session,
    settings: Settings,
    *,
    round_=None,
    reviewer=None,
    rubric: str = "technical",
    plan_text: str = "Klimaschutzkonzept",
    with_document: bool = True,
) -> Invited:
    round_ = round_ or make_round(session)
    home = make_municipality(session, round_)
    if reviewer is None:
        reviewer = make_reviewer(session, round_, make_municipality(session, round_))
    plan = make_plan(session, round_, home, title=f"Plan of {home.name}")
    if with_document:
        data = f"%PDF-1.4 {plan_text} {home.name}".encode()
        sha = hashlib.sha256(data).hexdigest()
        path = settings.files_dir / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        session.add(
            Document(
                round_id=round_.id,
                plan_id=plan.id,
                file_name="../../etc/plan name.pdf",
                sha256=sha,
                media_type="application/pdf",
                size=len(data),
                pages=3,
                stored_path=f"{sha[:2]}/{sha}",
                text=plan_text,
                findings=[
                    {
                        "kind": "check",
                        "check": "bei",
                        "present": True,
                        "hits": 1,
                        "label": {
                            "de": f"Emissionsinventar von {home.name}",
                            "en": f"Emission inventory of {home.name}",
                        },
                        "evidence": [{"page": 2, "snippet": "Treibhausgasbilanz 2019"}],
                        "note": "automatic hint",
                    }
                ],
            )
        )
    assignment = Assignment(
        round_id=round_.id,
        plan_id=plan.id,
        reviewer_id=reviewer.id,
        rubric=rubric,
        due_date=round_.due_date,
    )
    session.add(assignment)
    session.flush()
    transition(session, assignment, AssignmentStatus.invited, actor="test")
    token = issue_link(session, assignment, settings=settings)
    session.commit()
    return Invited(assignment.id, token, round_.id, reviewer.id)


def complete_review(rubric_id: str = "technical") -> ReviewInput:
    """A complete technical review: every criterion scored 2 with a comment."""
    from review.rubric import load_rubrics

    rubric = load_rubrics()[rubric_id]
    return ReviewInput(
        scores={c.id: "2" for c in rubric.criteria},
        comments={c.id: f"Comment on {c.id}" for c in rubric.criteria},
        strengths="Clear inventory",
        weaknesses="Few actions",
        recommendations="Add monitoring",
        eligibility={"council_approval": True},
    )
