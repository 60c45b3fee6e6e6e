"""The municipality's reply to its draft review (#16, the right of reply of Climate Emergency UK's
scorecards): before a plan's document is final the coordinator opens a reply window with a
deadline; until then the municipality replies per criterion with a correction of fact or a
comment; the final edition and the meeting pack show the replies.

What each operation causes:
- `open_window`: the window (or its new deadline), event `reply.opened`, and (with settings) a
  message to the municipality's contact with its reply link and the deadline, once per
  deadline (review.notify.municipality_notices.reply_notice);
- `submit_reply`: the reply (a second one of the same kind on the criterion replaces the text),
  event `reply.submitted`; refused after the deadline (`ReplyClosed`), without an open window,
  for a criterion the plan's rubrics do not have, or empty;
- `review.exchange.reply_reminders.queue_reminders`: a reminder to the municipality's contact
  `REMINDER_DAYS` before the deadline while it has not replied, once per window and deadline.

Refusals are said in the municipality's language (`ReplyRefused.text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from review import events
from review.config import Settings
from review.errors import InvalidInput, Translatable
from review.i18n import N_
from review.models import Plan, PlanReply, ReplyWindow, Round, saved_id, utcnow
from review.notify.municipality_notices import reply_notice
from review.rubric import load_rubrics

KINDS = ("correction", "comment")
MAX_CHARS = 4000


class ReplyRefused(Translatable, InvalidInput):
    """A reply (or a reply window) that cannot be taken; nothing was written."""


class ReplyClosed(ReplyRefused):
    """A reply came after the deadline, or before any window was opened."""


class ReplyItem(BaseModel):
    """A reply as the documents show it (plain data for the dossier)."""

    rubric_id: str
    criterion_id: str
    kind: str
    text: str


def window(session: Session, plan_id: int) -> ReplyWindow | None:
    return session.exec(select(ReplyWindow).where(ReplyWindow.plan_id == plan_id)).first()


def open_window(
    session: Session,
    plan: Plan,
    due_date: date,
    *,
    today: date | None = None,
    actor: str = "system",
    settings: Settings | None = None,
) -> ReplyWindow:
    """Open (or move) the plan's reply window to end on `due_date` (not in the past); with
    `settings` the municipality is told (without: only in tests of the reply itself)."""
    today = today or date.today()
    if due_date < today:
        raise ReplyRefused(N_("The reply deadline %(day)s is in the past."), day=due_date)
    found = window(session, plan.id or 0)
    if found is None:
        found = ReplyWindow(round_id=plan.round_id, plan_id=saved_id(plan), due_date=due_date)
    else:
        found.due_date = due_date
    session.add(found)
    events.record(
        session,
        kind="reply.opened",
        actor=actor,
        entity="plan",
        entity_id=plan.id,
        round_id=plan.round_id,
        payload={"due_date": due_date.isoformat()},
    )
    session.flush()
    if settings is not None:
        reply_notice(session, settings, found, "reply_open")
    return found


def _criteria(session: Session, plan: Plan) -> set[tuple[str, str]]:
    round_ = session.get(Round, plan.round_id)
    wanted = set((round_.min_per_rubric or {}) if round_ else {})
    rubrics = load_rubrics()
    return {
        (rubric.id, criterion.id)
        for rubric in rubrics.values()
        if not wanted or rubric.id in wanted
        for criterion in rubric.criteria
    }


def submit_reply(
    session: Session,
    plan: Plan,
    *,
    rubric_id: str,
    criterion_id: str,
    kind: str,
    text: str,
    today: date | None = None,
    actor: str = "municipality",
) -> PlanReply:
    """Record the municipality's reply on a criterion (see the module docstring for refusals)."""
    today = today or date.today()
    found = window(session, plan.id or 0)
    if found is None:
        raise ReplyClosed(N_("No reply is open for this plan yet; nothing was saved."))
    if today > found.due_date:
        raise ReplyClosed(
            N_(
                "The reply deadline was %(deadline)s; replies are closed and this one was not saved."
            ),
            deadline=found.due_date,
        )
    if kind not in KINDS:
        raise ReplyRefused(
            N_("A reply is a correction of fact or a comment, not '%(kind)s'."), kind=kind
        )
    if (rubric_id, criterion_id) not in _criteria(session, plan):
        raise ReplyRefused(
            N_("There is no criterion %(criterion)s in the rubric '%(rubric)s'."),
            criterion=criterion_id,
            rubric=rubric_id,
        )
    text = text.strip()
    if not text:
        raise ReplyRefused(N_("The reply is empty; nothing was saved."))
    if len(text) > MAX_CHARS:
        raise ReplyRefused(
            N_("The reply has %(count)s characters; at most %(limit)s are taken."),
            count=len(text),
            limit=MAX_CHARS,
        )
    reply = session.exec(
        select(PlanReply).where(
            PlanReply.plan_id == plan.id,
            PlanReply.rubric_id == rubric_id,
            PlanReply.criterion_id == criterion_id,
            PlanReply.kind == kind,
        )
    ).first() or PlanReply(
        round_id=plan.round_id,
        plan_id=saved_id(plan),
        rubric_id=rubric_id,
        criterion_id=criterion_id,
        kind=kind,
        text=text,
    )
    reply.text, reply.updated_at = text, utcnow()
    session.add(reply)
    events.record(
        session,
        kind="reply.submitted",
        actor=actor,
        entity="plan",
        entity_id=plan.id,
        round_id=plan.round_id,
        payload={"rubric": rubric_id, "criterion": criterion_id, "kind": kind},
    )
    session.flush()
    return reply


def reply_deadlines(session: Session, round_id: int) -> dict[int, date]:
    """Plan id -> its reply deadline, for every plan of the round with a reply window."""
    found = session.exec(select(ReplyWindow).where(ReplyWindow.round_id == round_id)).all()
    return {w.plan_id: w.due_date for w in found}


def replies_by_plan(session: Session, round_id: int) -> dict[int, list[ReplyItem]]:
    """Every reply of the round, per plan, in rubric and criterion order."""
    rows: Sequence[PlanReply] = session.exec(
        select(PlanReply)
        .where(PlanReply.round_id == round_id)
        .order_by(
            col(PlanReply.plan_id),
            col(PlanReply.rubric_id),
            col(PlanReply.criterion_id),
            col(PlanReply.kind),
        )
    ).all()
    out: dict[int, list[ReplyItem]] = {}
    for row in rows:
        out.setdefault(row.plan_id, []).append(
            ReplyItem(
                rubric_id=row.rubric_id,
                criterion_id=row.criterion_id,
                kind=row.kind,
                text=row.text,
            )
        )
    return out
