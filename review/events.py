"""The audit log: one row per state change, written in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from review.models import Event, table_of, utcnow

_INSERT = table_of(Event).insert()


def record(
    session: Session,
    *,
    kind: str,
    actor: str,
    entity: str,
    entity_id: int | None,
    round_id: int | None,
    payload: dict[str, Any] | None = None,
) -> Event:
    event = Event(
        kind=kind,
        actor=actor,
        entity=entity,
        entity_id=entity_id,
        round_id=round_id,
        payload=payload or {},
    )
    session.add(event)
    return event


def insert(
    session: Session,
    *,
    kind: str,
    actor: str,
    entity: str,
    entity_id: int | None,
    round_id: int | None,
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """`record`, written at once as one INSERT, without an ORM object: for a hot path that
    writes no other rows through the ORM (a reviewer's draft save), where adding the event and
    flushing it at commit costs more than the rest of its statements."""
    session.connection().execute(
        _INSERT,
        {
            "kind": kind,
            "actor": actor,
            "entity": entity,
            "entity_id": entity_id,
            "round_id": round_id,
            "payload": payload or {},
            "at": at or utcnow(),
        },
    )


def record_all(session: Session, events: Sequence[dict[str, Any]]) -> None:
    """`record` for many events (each a dict of `record`'s arguments), in the order given: one
    INSERT executed for every row, where added Event objects would each be inserted on their
    own at the flush, to read back their ids."""
    stamp = utcnow()
    rows = [{"round_id": None, "entity_id": None, "payload": {}, "at": stamp, **e} for e in events]
    if rows:
        session.execute(_INSERT, rows)


def history(session: Session, entity: str, entity_id: int) -> list[Event]:
    statement = (
        select(Event)
        .where(Event.entity == entity, Event.entity_id == entity_id)
        .order_by(col(Event.id))
    )
    return list(session.exec(statement))
