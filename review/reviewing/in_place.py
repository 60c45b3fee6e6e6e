"""The usual draft save in one statement: a reviewer saving again the draft their form was made
from, or saving for the first time (nothing saved yet). Nearly every save of the portal is one of
these, and the ORM's way (load the newest review, update it or add one, read it back) cost three
statements and most of the request's CPU; here one guarded UPDATE (or, the first time, one guarded
INSERT) both checks and writes, and returns the new revision. Its event `review.draft_saved` is
written here too: on PostgreSQL in the same statement (one round trip less), on SQLite after it.
So on PostgreSQL the save is whole in one statement and needs no transaction around it: the
portal runs it, and the link's look-up before it, each in its own (`db.statement_engine`), which
spares the BEGIN and COMMIT round trips.

Optimistic locking as everywhere: the row is written only at the (version, revision) the form
was made from (`WHERE revision = seen`), only while it is a draft and the newest version; the
first save's row only while the assignment has no review at all (and the unique version per
assignment settles two first saves at once: the second writes nothing). Anything else (a newer
save, a submitted review, an assignment no longer open, invalid values) writes nothing here and
is left to `drafts._checked_write`, which refuses with the reasons (the differences of a stale
save) or starts a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    exists,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
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
from review.reviewing import links
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
    .returning(_REVIEW.c.id, _REVIEW.c.version, _REVIEW.c.revision)
)
_WRITTEN = (
    *("scores", "comments", "strengths", "weaknesses", "recommendations", "eligibility"),
    *("status", "source", "updated_at", "submitted_at"),
)
_NEW_VALUES = {c: bindparam(c, type_=_REVIEW.c[c].type) for c in _WRITTEN}
_SAVE = _SAVE.values(_NEW_VALUES)


def _first(dialect: Any, *guards: Any) -> Any:
    """The first save: version 1, revision 1, only while the assignment has no review (the
    unique version per assignment makes a second first save at the same moment write nothing:
    ON CONFLICT DO NOTHING). The same row as `drafts._write` adds then."""
    values = select(
        bindparam("assignment", type_=Integer),
        literal(1),
        literal(1),
        *_NEW_VALUES.values(),
        bindparam("updated_at", type_=_REVIEW.c.created_at.type),
    ).where(~exists().where(_REVIEW.c.assignment_id == bindparam("assignment")), *guards)
    columns = ["assignment_id", "version", "revision", *_WRITTEN, "created_at"]
    return (
        dialect.insert(_REVIEW)
        .from_select(columns, values)
        .on_conflict_do_nothing()
        .returning(_REVIEW.c.id, _REVIEW.c.version, _REVIEW.c.revision)
    )


#: Prepared once, per database (ON CONFLICT is written by each dialect's own INSERT).
_FIRST = _first(sqlite)
_EVENT = table_of(Event)


def _recorded(saved: Any) -> Any:
    """The `review.draft_saved` event of the write `saved` (a CTE) as an INSERT from its
    RETURNING, so exactly when a row was written (the event log's triggers refuse only UPDATE
    and DELETE): the same payload as `events.insert` (version, revision, source)."""
    return insert(_EVENT).from_select(
        ["kind", "actor", "entity", "entity_id", "round_id", "payload", "at"],
        select(
            literal(DRAFT_SAVED),
            bindparam("actor", type_=String),
            literal("assignment"),
            bindparam("assignment", type_=Integer),
            bindparam("round", type_=Integer),
            func.json_build_object(
                "version",
                saved.c.version,
                "revision",
                saved.c.revision,
                "source",
                bindparam("source"),
            ),
            bindparam("at", type_=_EVENT.c.at.type),
        ).select_from(saved),
    )


def _and_record(save: Any) -> Any:
    """On PostgreSQL `save` (the UPDATE or the first INSERT) and its event in one statement,
    one round trip fewer per save. SQLite has no UPDATE or INSERT in a WITH clause."""
    saved = save.cte("saved")
    return _recorded(saved).returning(
        select(saved.c.id).scalar_subquery(),
        select(saved.c.version).scalar_subquery(),
        select(saved.c.revision).scalar_subquery(),
    )


_SAVE_AND_RECORD = _and_record(_SAVE)
_FIRST_AND_RECORD = _and_record(_first(postgresql))
_WRITABLE = exists().select_from(links.LINK).where(links.WRITABLE)


def _through_link(save: Any) -> Any:
    """On PostgreSQL the link's look-up (`links.LINK`), `save` guarded by it (`links.WRITABLE`)
    and its event, in one statement: the link's row (none for an unknown link), with the written
    review's id, version and revision, or nulls when nothing was written."""
    saved = save.cte("saved")
    return (
        select(
            *links.LINK.c,
            saved.c.id.label("saved_id"),
            saved.c.version.label("saved_version"),
            saved.c.revision.label("saved_revision"),
        )
        .select_from(links.LINK.outerjoin(saved, true()))
        .add_cte(_recorded(saved).cte("recorded"))
    )


_SAVE_THROUGH_LINK = _through_link(_SAVE.where(_WRITABLE))
_FIRST_THROUGH_LINK = _through_link(_first(postgresql, _WRITABLE))


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
    values = _draft_values(rubric, data, seen, source=source, now=now, language=language)
    if values is None:
        return None
    first = seen == Seen()
    params = {"assignment": assignment.id, **values}
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        event = {"actor": actor, "round": assignment.round_id, "at": utcnow()}
        statement = _FIRST_AND_RECORD if first else _SAVE_AND_RECORD
        row = connection.execute(statement, {**params, **event}).first()
        if row is None:
            return None
        saved = Saved(*row)
    else:
        # Two statements, so in a transaction: `db.statement_engine` is autocommit on PostgreSQL
        # only, where the save is one.
        assert connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT"
        row = connection.execute(_FIRST if first else _SAVE, params).first()
        if row is None:
            return None
        saved = Saved(*row)
        record_saved(session, assignment, saved, source, actor)
    # Were the row loaded in this session (never on the portal's path), it would still show the
    # old values: it is read again when next used.
    loaded = session.identity_map.get(session.identity_key(Review, saved.review_id))
    if loaded is not None:
        session.expire(loaded)
    return saved


@dataclass(frozen=True)
class Known:
    """What a process read of an assignment before (its link opened it): what a save through its
    link in one statement is prepared for, and checked against (`links.WRITABLE`)."""

    id: int
    rubric: str
    reviewer_id: int
    round_id: int


def save_through_link(
    session: Session,
    known: Known,
    rubric: Rubric,
    data: ReviewInput,
    seen: Seen,
    link: dict[str, Any],
    *,
    source: str,
    now: datetime,
    language: str,
    actor: str,
) -> tuple[Row, Saved] | None:
    """`save` with the link's look-up in the same statement, on PostgreSQL: one round trip for
    the usual draft save instead of two. Written only where `links.WRITABLE` holds (`link`: its
    parameters, `links.link_params`): the link opens `known`'s assignment, which is open and
    has the rubric `data` was read for, and its client has no recent bad try. The link's row
    and the save when written; None when nothing was written, or when this is not the usual
    save: then the caller starts over the usual way (the link's look-up first), which answers
    as it always did."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    values = _draft_values(rubric, data, seen, source=source, now=now, language=language)
    if values is None:
        return None
    params = {
        **link,
        "assignment": known.id,
        "rubric": known.rubric,
        "reviewer": known.reviewer_id,
        "round": known.round_id,
        **values,
        "actor": actor,
        "at": utcnow(),
    }
    statement = _FIRST_THROUGH_LINK if seen == Seen() else _SAVE_THROUGH_LINK
    row = session.connection().execute(statement, params).first()
    if row is None or row.saved_id is None:
        return None
    return row, Saved(row.saved_id, row.saved_version, row.saved_revision)


def _draft_values(
    rubric: Rubric, data: ReviewInput, seen: Seen, *, source: str, now: datetime, language: str
) -> dict[str, Any] | None:
    """The values a usual draft save writes, its draft at `seen` included; None when it is not
    the usual save (a number no row can hold, answers the draft may not keep)."""
    first = seen == Seen()
    # Only numbers a row can hold reach the database (a larger one would make it fail).
    if not first and not (1 <= seen.version <= MAX_ID and 1 <= seen.revision < MAX_ID):
        return None
    if validate(rubric, data, complete=False, language=language):
        return None
    return {
        "seen_version": seen.version,
        "seen_revision": seen.revision,
        **stored_values(rubric, data),
        "status": ReviewStatus.draft.value,
        "source": source,
        "updated_at": now,
        "submitted_at": None,
    }


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
