"""Functions other areas own, used by notify. Each is imported from its owner when it has
landed; until then a clearly marked minimal FALLBACK stands in. Delete a fallback once its owner's
function is on main."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
    from review.storage import store_bytes as real

    return real(settings, data, suffix)


def reassign(
    session: Session, assignment: Assignment, *, actor: str, reason: str, now: datetime
) -> Assignment | None:
    """Release `assignment` and propose the best eligible backup (owner: assignment)."""
    from review.assignment.service import reassign as real

    return real(session, assignment, actor=actor, reason=reason, now=now)
