"""The usual draft save in one statement: a reviewer saving again the draft their form was made
from. Nearly every save of the portal is this one, and the ORM's way (load the newest review,
update it, read it back) cost three statements and most of the request's CPU; here one guarded
UPDATE both checks and writes, and returns the new revision. Its event `review.draft_saved` is
written here too: on PostgreSQL in the same statement (one round trip less), on SQLite after it.
So on PostgreSQL the save is whole in one statement and needs no transaction around it: the
portal runs it, and the link's look-up before it, each in its own (`db.statement_engine`), which
spares the BEGIN and COMMIT round trips.

Optimistic locking as everywhere: the row is written only at the (version, revision) the form
was made from (`WHERE revision = seen`), only while it is a draft and the newest version. Anything
else (nothing saved yet, a newer save, a submitted review, an assignment no longer open, invalid
values) writes nothing here and is left to `drafts._checked_write`, which refuses with the
reasons (the differences of a stale save) or starts a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, bindparam, exists, func, insert, literal, select, update
from sqlmodel import Session

from review import events
from review.models import (
    MAX_ID,
    Assignment,
    AssignmentStatus,
    Event,
    Review,
    ReviewStatus,
    table_of,
    utcnow,
)
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


DRAFT_SAVED = "review.draft_saved"
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
_WRITTEN = (
    *("scores", "comments", "strengths", "weaknesses", "recommendations", "eligibility"),
    *("status", "source", "updated_at", "submitted_at"),
)
_SAVED = _SAVE.values({c: bindparam(c, type_=_REVIEW.c[c].type) for c in _WRITTEN}).cte("saved")
_EVENT = table_of(Event)
#: On PostgreSQL the save and its `review.draft_saved` event in one statement, one round trip
#: fewer per save: the event is inserted from the UPDATE's RETURNING, so exactly when a row was
#: written (the event log's triggers refuse only UPDATE and DELETE). The same payload as
#: `events.insert` (version, revision, source). SQLite has no UPDATE in a WITH clause.
_SAVE_AND_RECORD = (
    insert(_EVENT)
    .from_select(
        ["kind", "actor", "entity", "entity_id", "round_id", "payload", "at"],
        select(
            literal(DRAFT_SAVED),
            bindparam("actor", type_=String),
            literal("assignment"),
            bindparam("assignment", type_=Integer),
            bindparam("round", type_=Integer),
            func.json_build_object(
                "version",
                bindparam("seen_version"),
                "revision",
                _SAVED.c.revision,
                "source",
                bindparam("source"),
            ),
            bindparam("at", type_=_EVENT.c.at.type),
        ).select_from(_SAVED),
    )
    .returning(select(_SAVED.c.id).scalar_subquery(), select(_SAVED.c.revision).scalar_subquery())
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
    actor: str,
) -> Saved | None:
    """Write `data` over the draft at `seen` and record the event `review.draft_saved` by
    `actor`; None, with nothing written, when that is not the usual case (see the module's doc)."""
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
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        event = {"actor": actor, "round": assignment.round_id, "at": utcnow()}
        row = connection.execute(_SAVE_AND_RECORD, {**params, **event}).first()
        if row is None:
            return None
        saved = Saved(row[0], seen.version, row[1])
    else:
        # Two statements, so in a transaction: `db.statement_engine` is autocommit on PostgreSQL
        # only, where the save is one.
        assert connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
        row = connection.execute(_SAVE, params).first()
        if row is None:
            return None
        saved = Saved(row.id, seen.version, row.revision)
        record_saved(session, assignment, saved, source, actor)
    # Were the row loaded in this session (never on the portal's path), it would still show the
    # old values: it is read again when next used.
    loaded = session.identity_map.get(session.identity_key(Review, saved.review_id))
    if loaded is not None:
        session.expire(loaded)
    return saved


def record_saved(
    session: Session, assignment: AnyAssignment, saved: Saved, source: str, actor: str
) -> None:
    """The event of a draft save: `review.draft_saved` (version, revision, source)."""
    events.insert(
        session,
        kind=DRAFT_SAVED,
        actor=actor,
        entity="assignment",
        entity_id=assignment.id,
        round_id=assignment.round_id,
        payload={"version": saved.version, "revision": saved.revision, "source": source},
    )


S = AssignmentStatus
