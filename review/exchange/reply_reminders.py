"""Reminding municipalities whose reply to the draft review is due (review.exchange.replies),
with their reply link (review.notify.municipality_notices.reply_notice)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from review.config import Settings
from review.models import PlanReply, ReplyWindow, Round
from review.notify.municipality_notices import reply_notice

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
        row = reply_notice(session, settings, found, "reply_reminder")
        queued += row is not None
    return queued
