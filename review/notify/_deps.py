"""Functions other areas own that notify uses, in one place: the personal link (portal), the
Word form (portal), the content-addressed store (intake) and reassignment (assignment). Imported
lazily: notify's hooks are imported by the portal's own modules."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from review.config import Settings
from review.models import Assignment


def issue_link(session: Session, settings: Settings, assignment: Assignment) -> str:
    """A fresh personal-link token for `assignment` (owner: review.reviewing, portal)."""
    from review.reviewing import issue_link as real

    return real(session, assignment, settings=settings)


def build_word_form(
    session: Session, settings: Settings, assignment: Assignment, language: str
) -> tuple[str, bytes]:
    """(file name, DOCX bytes) of the assignment's offline review form (owner: portal)."""
    from review.documents.word_form import build_word_form as real

    name = "Review-Formular" if language == "de" else "review-form"
    return f"{name}-{assignment.id}.docx", real(session, settings, assignment, language)


def store_bytes(settings: Settings, data: bytes, suffix: str) -> str:
    """Store `data` content-addressed; its path relative to files_dir (owner: intake)."""
    from review.storage import store_bytes as real

    return real(settings, data, suffix)


def reassign(
    session: Session, assignment: Assignment, *, actor: str, reason: str, now: datetime
) -> Assignment | None:
    """Release `assignment` and propose the best eligible backup (owner: assignment)."""
    from review.assignment.service import reassign as real

    return real(session, assignment, actor=actor, reason=reason, now=now)
