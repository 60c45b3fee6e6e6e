"""Reminding municipalities whose reply to the draft review is due (review.exchange.replies)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from review.config import Settings
from review.models import Municipality, Plan, PlanReply, ReplyWindow, Round
from review.notify.messages import format_day
from review.notify.notices import queue

#: Days before the reply deadline the municipality is reminded.
REMINDER_DAYS = 3


def queue_reminders(
    session: Session, settings: Settings, round_: Round, *, today: date | None = None
) -> int:
    """Remind municipalities that have not replied, `REMINDER_DAYS` before their deadline or
    later while the window is open; each window and deadline once."""
    today = today or date.today()
    queued = 0
    replied = {r.plan_id for r in session.exec(select(PlanReply)).all()}
    windows = session.exec(select(ReplyWindow).where(ReplyWindow.round_id == round_.id)).all()
    for found in windows:
        days_left = (found.due_date - today).days
        if found.plan_id in replied or not 0 <= days_left <= REMINDER_DAYS:
            continue
        plan = session.get(Plan, found.plan_id)
        town = session.get(Municipality, plan.municipality_id) if plan else None
        if town is None or not town.contact_email:
            continue
        row = queue(
            session,
            settings,
            key=f"reply_reminder:p{found.plan_id}:{found.due_date.isoformat()}",
            kind="reply_reminder",
            recipient=town.contact_email,
            language=town.language,
            round_id=round_.id,
            assignment_id=None,
            reason=f"reply due {found.due_date.isoformat()}",
            municipality_name=town.name,
            round_name=round_.name,
            due_date=format_day(found.due_date, town.language),
            coordinator_name=round_.coordinator_name,
        )
        queued += row is not None
    return queued
