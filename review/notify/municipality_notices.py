"""The messages to a municipality's contact, in the municipality's language. They never name
reviewers (blind rounds).

    plan_receipt(..., municipality, document)  a receipt for each stored plan version
    reply_notice(..., window, kind)            reply window open / closing soon
"""

from __future__ import annotations

from sqlmodel import Session

from review.config import Settings
from review.intake.outcome import document_extent
from review.intake.problems import problem_in
from review.models import Document, Municipality, Outbox, Plan, ReplyWindow, Round
from review.notify import outbox
from review.notify.context import reply_link
from review.notify.messages import format_day
from review.notify.queueing import queue
from review.reviewing import links


def plan_receipt(
    session: Session, settings: Settings, municipality: Municipality, document: Document
) -> Outbox | None:
    """A receipt for each stored plan version. Never names reviewers (blind rounds)."""
    if not municipality.contact_email:
        return None
    round_ = session.get(Round, municipality.round_id)
    assert round_ is not None
    language = municipality.language
    return queue(
        session,
        settings,
        key=f"plan_receipt:d{document.id}",
        kind="plan_receipt",
        recipient=municipality.contact_email,
        language=language,
        round_id=round_.id,
        assignment_id=None,
        reason=f"plan version {document.version} stored",
        round_name=round_.name,
        coordinator_name=round_.coordinator_name,
        municipality_name=municipality.name,
        file_name=document.file_name,
        version=document.version,
        extent=document_extent(document, language),  # a PDF's pages, never Word's saved count
        size_kb=max(1, round(document.size / 1024)),
        problems=[problem_in(p, language) for p in document.problems or []],
        reviews_per_plan=round_.reviews_per_plan,
        blind=round_.blind,
        due_date=format_day(round_.due_date, language),
    )


def reply_notice(
    session: Session, settings: Settings, window: ReplyWindow, kind: str
) -> Outbox | None:
    """To the municipality's contact, in its language: its draft review is open for its reply
    (`reply_open`) or the reply closes soon (`reply_reminder`), with the reply page's link and
    the deadline. One message per kind, plan and deadline (a moved deadline is a new one).
    The link is the municipality's current one when it can be sent as a placeholder, else a
    new one (review.reviewing.links.upload_placeholder)."""
    plan = session.get(Plan, window.plan_id)
    town = session.get(Municipality, plan.municipality_id) if plan else None
    round_ = session.get(Round, window.round_id)
    if plan is None or town is None or round_ is None or not town.contact_email:
        return None
    key = f"{kind}:p{plan.id}:{window.due_date.isoformat()}"
    if outbox.queued(session, key) is not None:
        return None  # before a link is looked up or issued
    language = town.language
    return queue(
        session,
        settings,
        key=key,
        kind=kind,
        recipient=town.contact_email,
        language=language,
        round_id=round_.id,
        assignment_id=None,
        reason=f"reply due {window.due_date.isoformat()}",
        municipality_name=town.name,
        plan_title=plan.title,
        round_name=round_.name,
        due_date=format_day(window.due_date, language),
        coordinator_name=round_.coordinator_name,
        link=reply_link(settings, links.upload_placeholder(session, settings, town)),
    )
