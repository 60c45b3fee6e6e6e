"""The usual draft save in one statement: a reviewer saving again the draft their form was made
from. Nearly every save of the portal is this one, and the ORM's way (load the newest review,
update it, read it back) cost three statements and most of the request's CPU; here one guarded
UPDATE both checks and writes, and returns the new revision.

Optimistic locking as everywhere: the row is written only at the (version, revision) the form
was made from (`WHERE revision = seen`), only while it is a draft and the newest version. Anything
else (nothing saved yet, a newer save, a submitted review, an assignment no longer open, invalid
values) writes nothing here and is left to `drafts._checked_write`, which refuses with the
reasons (the differences of a stale save) or starts a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, exists, update
from sqlmodel import Session

from review.models import MAX_ID, Assignment, AssignmentStatus, Review, ReviewStatus, table_of
from review.reviewing.form import ReviewInput, Seen, stored_values, validate
from review.reviewing.links import OpenedAssignment
from review.rubric import Rubric
from review.states import OPEN

#: An assignment as the ORM loads it, or as a reviewer's link opens it (without the ORM).
AnyAssignment = Assignment | OpenedAssignment


@dataclass(frozen=True)
class Saved:
    """Where a draft save left the review."""

    review_id: int
    version: int
    revision: int


_REVIEW = table_of(Review)
_NEWER = _REVIEW.alias("newer")
#: Prepared once (SQLAlchemy finds its compiled form by the statement's cached key). The new
#: values are execution parameters named as their columns; the revision goes up by one.
_SAVE = (
    update(_REVIEW)
    .where(
        _REVIEW.c.assignment_id == bindparam("assignment"),
        _REVIEW.c.version == bindparam("seen_version"),
        _REVIEW.c.revision == bindparam("seen_revision"),
        _REVIEW.c.status == ReviewStatus.draft.value,
        ~exists().where(
            _NEWER.c.assignment_id == _REVIEW.c.assignment_id,
            _NEWER.c.version > _REVIEW.c.version,
        ),
    )
    .values(revision=_REVIEW.c.revision + 1)
    .returning(_REVIEW.c.id, _REVIEW.c.revision)
)


def save(
    session: Session,
    assignment: AnyAssignment,
    rubric: Rubric,
    data: ReviewInput,
    seen: Seen,
    *,
    source: str,
    now: datetime,
    language: str,
) -> Saved | None:
    """Write `data` over the draft at `seen`; None, with nothing written, when that is not the
    usual case (see the module's doc)."""
    if S(assignment.status) not in OPEN:
        return None
    # Only numbers a row can hold reach the database (a larger one would make it fail).
    if not (1 <= seen.version <= MAX_ID and 1 <= seen.revision < MAX_ID):
        return None
    if validate(rubric, data, complete=False, language=language):
        return None
    params = {
        "assignment": assignment.id,
        "seen_version": seen.version,
        "seen_revision": seen.revision,
        **stored_values(rubric, data),
        "status": ReviewStatus.draft.value,
        "source": source,
        "updated_at": now,
        "submitted_at": None,
    }
    row = session.connection().execute(_SAVE, params).first()
    if row is None:
        return None
    # Were the row loaded in this session (never on the portal's path), it would still show the
    # old values: it is read again when next used.
    loaded = session.identity_map.get(session.identity_key(Review, row.id))
    if loaded is not None:
        session.expire(loaded)
    return Saved(row.id, seen.version, row.revision)


S = AssignmentStatus
