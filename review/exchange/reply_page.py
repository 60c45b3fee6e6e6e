"""What a municipality sees on its reply page (#16): its plan's draft, criterion by criterion
(the consolidated score so far and whether the reviewers disagree), its replies, and the
deadline. Reviewers' texts stay in the draft document; the page shows no reviewer."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, select

from review.consolidation.gather import gather_round
from review.exchange.replies import ReplyItem, window
from review.models import Municipality, Plan, Round


class DraftCriterion(BaseModel):
    rubric_id: str
    rubric_title: str
    criterion_id: str
    title: str
    score: float | None
    flagged: bool
    replies: list[ReplyItem]


class DraftView(BaseModel):
    plan_id: int
    plan_title: str
    due_date: date | None
    open: bool
    criteria: list[DraftCriterion]


def municipality_plan(session: Session, municipality: Municipality) -> Plan | None:
    return session.exec(select(Plan).where(Plan.municipality_id == municipality.id)).first()


def reply_open_until(
    session: Session, municipality: Municipality, today: date | None = None
) -> date | None:
    """The reply deadline while the municipality's plan is open for its reply, else None."""
    plan = municipality_plan(session, municipality)
    found = window(session, plan.id) if plan is not None and plan.id is not None else None
    if found is None or (today or date.today()) > found.due_date:
        return None
    return found.due_date


def draft_view(
    session: Session, municipality: Municipality, language: str, today: date | None = None
) -> DraftView | None:
    """None while the municipality has no plan in its round."""
    plan = municipality_plan(session, municipality)
    round_ = session.get(Round, municipality.round_id)
    if plan is None or plan.id is None or round_ is None:
        return None
    today = today or date.today()
    [dossier] = gather_round(session, round_, plan_ids=[plan.id])
    result = dossier.score()
    found = window(session, plan.id)
    criteria = []
    for rubric_input, rubric_result in zip(dossier.rubrics, result.rubrics, strict=True):
        rubric = rubric_input.rubric
        scored = {c.criterion_id: c for c in rubric_result.criteria}
        for criterion in rubric.criteria:
            res = scored.get(criterion.id)
            criteria.append(
                DraftCriterion(
                    rubric_id=rubric.id,
                    rubric_title=rubric.title(language),
                    criterion_id=criterion.id,
                    title=criterion.title(language),
                    score=res.value if res else None,
                    flagged=bool(res and res.flagged),
                    replies=[
                        r
                        for r in dossier.replies
                        if (r.rubric_id, r.criterion_id) == (rubric.id, criterion.id)
                    ],
                )
            )
    return DraftView(
        plan_id=plan.id,
        plan_title=plan.title,
        due_date=found.due_date if found else None,
        open=found is not None and today <= found.due_date,
        criteria=criteria,
    )
