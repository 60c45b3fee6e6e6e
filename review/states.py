"""The assignment state machine: one transition table, one function that changes state.

`transition()` is the only place an assignment's status changes; `amend()` changes its other
columns under the same guard once it is under way (a reissued link, a new due date). Their side
effects: the row is updated with an optimistic-lock check (`WHERE version = :seen`) and its
version goes up, and an event is appended to the audit log, both in the caller's transaction.
What a change causes beyond that (messages, links, replacements) is listed in review.lifecycle,
their only caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Result, bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col

from review import events
from review.models import Assignment, AssignmentStatus, table_of, utcnow

S = AssignmentStatus
#: The table itself, for statements run for many rows at once.
ASSIGNMENT_TABLE = table_of(Assignment)

TRANSITIONS: dict[AssignmentStatus, frozenset[AssignmentStatus]] = {
    S.proposed: frozenset({S.invited, S.withdrawn}),
    S.invited: frozenset(
        {S.accepted, S.declined, S.submitted, S.overdue, S.reassigned, S.withdrawn}
    ),
    S.accepted: frozenset({S.submitted, S.declined, S.overdue, S.reassigned, S.withdrawn}),
    # Back to invited or accepted only when the coordinator extends the due date.
    S.overdue: frozenset(
        {S.submitted, S.declined, S.reassigned, S.withdrawn, S.invited, S.accepted}
    ),
    S.submitted: frozenset({S.withdrawn}),
    S.declined: frozenset(),
    S.reassigned: frozenset(),
    S.withdrawn: frozenset(),
}

#: Assignments in these states still owe a review.
OPEN = frozenset({S.invited, S.accepted, S.overdue})
#: Assignments in these states count toward a plan's reviews and a reviewer's load.
ACTIVE = frozenset({S.proposed, S.invited, S.accepted, S.overdue, S.submitted})
#: Personal links work only in these states.
LINK_VALID = frozenset({S.invited, S.accepted, S.overdue, S.submitted})


class IllegalTransition(ValueError):
    def __init__(self, assignment_id: int | None, current: str, target: str) -> None:
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[S(current)])) or "none"
        super().__init__(
            f"assignment {assignment_id}: cannot go from '{current}' to '{target}' "
            f"(allowed from '{current}': {allowed})"
        )
        self.current, self.target = current, target


class StaleVersion(RuntimeError):
    """Someone else changed the assignment since it was read."""

    def __init__(self, assignment_id: int | None, seen: int) -> None:
        super().__init__(
            f"assignment {assignment_id} was changed by someone else "
            f"(you saw version {seen}); reload and try again"
        )


def can_transition(current: str, target: str) -> bool:
    return S(target) in TRANSITIONS[S(current)]


def transition(
    session: Session,
    assignment: Assignment,
    target: AssignmentStatus | str,
    *,
    actor: str,
    payload: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Assignment:
    """Move `assignment` to `target`, refusing illegal moves and stale reads.

    `changes` are further columns written in the same guarded update (a new token hash, a
    decline reason). The in-memory object is updated to match. Raises IllegalTransition or
    StaleVersion; neither writes anything.
    """
    target = S(target)
    current = assignment.status
    if not can_transition(current, target):
        raise IllegalTransition(assignment.id, current, target.value)
    _write(session, assignment, {"status": target.value, **(changes or {})}, now)
    events.record(
        session,
        kind=f"assignment.{target.value}",
        actor=actor,
        entity="assignment",
        entity_id=assignment.id,
        round_id=assignment.round_id,
        payload={"from": current, "to": target.value, **(payload or {})},
    )
    return assignment


def transition_all(
    session: Session,
    moves: Sequence[tuple[Assignment, dict[str, Any]]],
    target: AssignmentStatus | str,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """`transition` for many assignments at once (`invite` of a round): each (assignment, its
    further `changes`, the same columns for every one) under the same guard, as one UPDATE
    statement executed for every row, and their events added together. Raises
    IllegalTransition before writing anything, StaleVersion when any row was changed since it
    was read (some rows may then be written: the caller's transaction must roll back, as
    `session_scope` does on the exception)."""
    target = S(target)
    for assignment, _changes in moves:
        if not can_transition(assignment.status, target):
            raise IllegalTransition(assignment.id, assignment.status, target.value)
    if not moves:
        return
    stamp = now or utcnow()
    rows = [
        {
            "b_id": assignment.id,
            "b_seen": assignment.version,
            "status": target.value,
            "version": assignment.version + 1,
            "updated_at": stamp,
            **changes,
        }
        for assignment, changes in moves
    ]
    table = ASSIGNMENT_TABLE  # Core: the ORM's bulk update by key takes no version guard
    guarded = update(table).where(
        table.c.id == bindparam("b_id"), table.c.version == bindparam("b_seen")
    )
    session.flush()
    if rows_changed(session.execute(guarded, rows)) != len(rows):
        raise _stale_among(session, [assignment for assignment, _ in moves])
    happened = []
    for (assignment, _changes), row in zip(moves, rows, strict=True):
        happened.append(
            {
                "kind": f"assignment.{target.value}",
                "actor": actor,
                "entity": "assignment",
                "entity_id": assignment.id,
                "round_id": assignment.round_id,
                "payload": {"from": assignment.status, "to": target.value},
            }
        )
        for key, value in row.items():
            if not key.startswith("b_"):
                set_committed_value(assignment, key, value)
    events.record_all(session, happened)


def amend_all(
    session: Session,
    assignments: Sequence[Assignment],
    changes: dict[str, Any],
    *,
    now: datetime | None = None,
) -> None:
    """`amend` for many assignments at once (the approval of a round's proposal): the same
    `changes` for each under the same guard, as one UPDATE statement executed for every row.
    No event per row: the caller records one for them all. Raises StaleVersion when any row was
    changed since it was read (some rows may then be written: the caller's transaction must
    roll back, as `session_scope` does on the exception)."""
    if "status" in changes:
        raise ValueError("a status changes only through transition()")
    if not assignments:
        return
    stamp = now or utcnow()
    rows = [
        {
            "b_id": assignment.id,
            "b_seen": assignment.version,
            "version": assignment.version + 1,
            "updated_at": stamp,
            **changes,
        }
        for assignment in assignments
    ]
    table = ASSIGNMENT_TABLE
    guarded = update(table).where(
        table.c.id == bindparam("b_id"), table.c.version == bindparam("b_seen")
    )
    session.flush()
    if rows_changed(session.execute(guarded, rows)) != len(rows):
        raise _stale_among(session, list(assignments))
    for assignment, row in zip(assignments, rows, strict=True):
        for key, value in row.items():
            if not key.startswith("b_"):
                set_committed_value(assignment, key, value)


def _stale_among(session: Session, assignments: list[Assignment]) -> StaleVersion:
    """The StaleVersion of the first assignment whose row is not at the version this update
    wrote (read again: a bulk update does not say which row it missed)."""
    table = ASSIGNMENT_TABLE
    ids = [a.id for a in assignments]
    now_at = dict(
        session.execute(select(table.c.id, table.c.version).where(table.c.id.in_(ids))).all()
    )
    for assignment in assignments:
        if now_at.get(assignment.id) != assignment.version + 1:
            return StaleVersion(assignment.id, assignment.version)
    return StaleVersion(assignments[0].id, assignments[0].version)


def amend(
    session: Session,
    assignment: Assignment,
    *,
    kind: str,
    actor: str,
    changes: dict[str, Any],
    payload: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> Assignment:
    """Change columns of `assignment` other than its status (`changes`), with the same guard as
    a transition and an event `assignment.<kind>`. Raises StaleVersion; writes nothing then."""
    if "status" in changes:
        raise ValueError("a status changes only through transition()")
    _write(session, assignment, changes, now)
    events.record(
        session,
        kind=f"assignment.{kind}",
        actor=actor,
        entity="assignment",
        entity_id=assignment.id,
        round_id=assignment.round_id,
        payload={"status": assignment.status, **(payload or {})},
    )
    return assignment


def _write(
    session: Session, assignment: Assignment, changes: dict[str, Any], now: datetime | None
) -> None:
    """One guarded update: the row changes only if nobody changed it since it was read."""
    values = {"version": assignment.version + 1, "updated_at": now or utcnow(), **changes}
    result = session.execute(
        update(Assignment)
        .where(col(Assignment.id) == assignment.id, col(Assignment.version) == assignment.version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(result) != 1:
        raise StaleVersion(assignment.id, assignment.version)
    # The row now matches; set the object without marking it dirty, so the ORM won't write again.
    for key, value in values.items():
        set_committed_value(assignment, key, value)


def rows_changed(result: Result[Any]) -> int:
    """The rows a guarded UPDATE changed: 0 means someone changed the row first. (Its result is a
    CursorResult, typed as the general Result.)"""
    return cast(CursorResult[Any], result).rowcount
