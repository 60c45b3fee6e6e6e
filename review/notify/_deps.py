"""Functions other areas own, used by notify. Each is imported from its owner when it has
landed; until then a clearly marked minimal FALLBACK stands in. Delete a fallback once its owner's
function is on main."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlmodel import Session

from review.config import Settings
from review.models import Assignment


def issue_link(session: Session, settings: Settings, assignment: Assignment) -> str:
    """A fresh personal-link token for `assignment` (owner: review.reviewing, portal)."""
    try:
        from review.reviewing import issue_link as real
    except ImportError:
        return _fallback_issue_link(session, assignment)
    return real(session, assignment, settings=settings)


def _fallback_issue_link(session: Session, assignment: Assignment) -> str:
    # FALLBACK until review.reviewing.issue_link lands.
    from review import tokens

    token, digest = tokens.new_token()
    assignment.token_hash = digest
    session.add(assignment)
    session.flush()
    return token


def build_word_form(
    session: Session, settings: Settings, assignment: Assignment, language: str
) -> tuple[str, bytes]:
    """(file name, DOCX bytes) of the assignment's offline review form (owner: portal)."""
    try:
        from review.documents.word_form import build_word_form as real
    except ImportError:
        return _fallback_word_form(assignment, language)
    result: Any = real(session, settings, assignment, language)
    if isinstance(result, tuple):
        return result
    name = "Review-Formular" if language == "de" else "review-form"
    return f"{name}-{assignment.id}.docx", result


def _fallback_word_form(assignment: Assignment, language: str) -> tuple[str, bytes]:
    # FALLBACK until review.documents.word_form lands: a placeholder document.
    import io

    import docx

    document = docx.Document()
    document.add_heading(
        f"{'Review-Formular' if language == 'de' else 'Review form'} #{assignment.id}", 1
    )
    buffer = io.BytesIO()
    document.save(buffer)
    name = "Review-Formular" if language == "de" else "review-form"
    return f"{name}-{assignment.id}.docx", buffer.getvalue()


def store_bytes(settings: Settings, data: bytes, suffix: str) -> str:
    """Store `data` content-addressed; its path relative to files_dir (owner: intake)."""
    try:
        from review.storage import store_bytes as real
    except ImportError:
        return _fallback_store_bytes(settings, data, suffix)
    return real(settings, data, suffix)


def _fallback_store_bytes(settings: Settings, data: bytes, suffix: str) -> str:
    # FALLBACK until review.storage lands.
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}{suffix}"
    target = settings.files_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file():
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    return relative


def reassign(
    session: Session, assignment: Assignment, *, actor: str, reason: str, now: datetime
) -> Assignment | None:
    """Release `assignment` and propose the best eligible backup (owner: assignment)."""
    try:
        from review.assignment.service import reassign as real
    except ImportError:
        return _fallback_reassign(session, assignment, actor=actor, reason=reason, now=now)
    return real(session, assignment, actor=actor, reason=reason, now=now)


def _fallback_reassign(
    session: Session, assignment: Assignment, *, actor: str, reason: str, now: datetime
) -> Assignment | None:
    # FALLBACK until review.assignment.service.reassign lands: same contract, naive choice
    # (first reviewer with the expertise, not from the plan's municipality, not on the plan,
    # under max load).
    from datetime import timedelta

    from sqlmodel import select

    from review.models import AssignmentStatus as S
    from review.models import Plan, Reviewer
    from review.states import ACTIVE, transition

    existing = session.exec(select(Assignment).where(Assignment.replaces_id == assignment.id)).first()
    if existing is not None:
        return existing
    if assignment.status not in (S.declined.value, S.reassigned.value):
        transition(session, assignment, S.reassigned, actor=actor, payload={"reason": reason}, now=now)
    plan = session.get(Plan, assignment.plan_id)
    on_plan = set(session.exec(select(Assignment.reviewer_id).where(Assignment.plan_id == plan.id)))
    active = [s.value for s in ACTIVE]
    for reviewer in session.exec(
        select(Reviewer).where(Reviewer.round_id == assignment.round_id).order_by(Reviewer.id)
    ):
        if reviewer.id in on_plan or reviewer.municipality_id == plan.municipality_id:
            continue
        if assignment.rubric not in reviewer.expertise:
            continue
        load = len(list(session.exec(select(Assignment.id).where(
            Assignment.reviewer_id == reviewer.id, Assignment.status.in_(active)))))
        if load >= reviewer.max_load:
            continue
        new = Assignment(
            round_id=assignment.round_id, plan_id=plan.id, reviewer_id=reviewer.id,
            rubric=assignment.rubric,
            due_date=max(assignment.due_date, now.date() + timedelta(days=7)),
            approved_at=now, replaces_id=assignment.id,
        )
        session.add(new)
        session.flush()
        return new
    return None
