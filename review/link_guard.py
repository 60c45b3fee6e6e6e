"""Guessing personal links: every bad try is counted per client address in the database, each
one answered a little slower, and `max_failures` tries within `window` lock the client out of
every link for `lockout`.

The tries are rows of `FailedLink`, so every portal worker counts the same tries and a restart
forgets none of them; whether a client is locked is worked out from its recent rows (no counter
to update, so concurrent workers never conflict). Rows older than the horizon are deleted as new
ones come in, which bounds the table by the tries of the last half hour.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, exists, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from review.db import session_scope
from review.models import FailedLink, table_of, utcnow

log = logging.getLogger("peerplan.link_guard")
#: The longest client key stored (an IPv6 address with zone fits).
MAX_CLIENT = 100
_TRIED = table_of(FailedLink)
#: A client's recent tries: asked by every request through a personal link, so a Core statement
#: prepared once (no ORM, no statement built per request).
_TRIES = (
    select(_TRIED.c.at)
    .where(_TRIED.c.client == bindparam("client"), _TRIED.c.at > bindparam("since"))
    .order_by(_TRIED.c.at)
)
#: Whether a client tried a bad link within the horizon, as a column that another statement can
#: carry (its parameters: `LinkGuard.tried_params`). A reviewer's link look-up carries it: a
#: client without such tries (nearly every one) cannot be locked out, so the lock-out check then
#: needs no statement of its own; with tries, `locked_for` works it out.
TRIED = exists().where(
    _TRIED.c.client == bindparam("tried_client"), _TRIED.c.at > bindparam("tried_since")
)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class LinkGuard:
    engine: Engine
    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    #: Seconds added to the answer for each earlier bad try in the window, up to `max_delay`.
    delay_step: float = 0.25
    max_delay: float = 2.0

    @property
    def horizon(self) -> timedelta:
        """How far back a try can still matter: a lock-out's first try to its end."""
        return self.window + self.lockout

    def _replay(self, tries: list[datetime]) -> tuple[datetime | None, int]:
        """(end of the lock-out, if any; tries in the current streak, the last one included)."""
        locked_until: datetime | None = None
        streak: list[datetime] = []
        latest = 0
        for at in tries:
            if locked_until is not None and at < locked_until:
                continue  # let through by another worker while locked: it extends nothing
            streak = [t for t in streak if at - t < self.window] + [at]
            latest = len(streak)
            if len(streak) >= self.max_failures:
                locked_until, streak = at + self.lockout, []
        return locked_until, latest

    def tried_params(self, client: str, now: datetime) -> dict[str, Any]:
        """The parameters of `TRIED` for `client` at `now`."""
        return {"tried_client": client[:MAX_CLIENT], "tried_since": now - self.horizon}

    def _tries(self, connection: Connection, client: str, now: datetime) -> list[datetime]:
        params = {"client": client[:MAX_CLIENT], "since": now - self.horizon}
        rows = connection.execute(_TRIES, params).scalars()
        return [_aware(at) for at in rows if _aware(at) <= now]

    def locked_for(
        self, client: str, now: datetime | None = None, *, session: Session | None = None
    ) -> float:
        """Seconds the client is still locked out (0: not locked). In `session` when given (the
        request's: no second connection per request), else in a session of its own."""
        now = now or utcnow()
        if session is not None:
            until, _ = self._replay(self._tries(session.connection(), client, now))
        else:
            with self.engine.connect() as own:
                until, _ = self._replay(self._tries(own, client, now))
        return max(0.0, (until - now).total_seconds()) if until else 0.0

    def fail(self, client: str, now: datetime | None = None) -> float:
        """Record a bad try; returns the seconds to wait before answering it."""
        now = now or utcnow()
        with session_scope(self.engine) as session:
            session.add(FailedLink(client=client[:MAX_CLIENT], at=now))
        self._prune(now)
        with self.engine.connect() as connection:
            _, streak = self._replay(self._tries(connection, client, now))
        return min(self.max_delay, self.delay_step * max(0, streak - 1))

    def _prune(self, now: datetime) -> None:
        """Delete the tries that no longer matter. Best effort, in its own transaction: when
        workers prune at once and the database refuses one (a lock timeout, a deadlock), the
        rows go with the next try; the try itself is already recorded."""
        try:
            with session_scope(self.engine) as session:
                session.execute(delete(FailedLink).where(col(FailedLink.at) < now - self.horizon))
        except DBAPIError:
            log.info("pruning old link tries deferred: the database was busy")

    def clear(self, client: str | None = None) -> None:
        """Forget the tries of `client` (of every client when None): ends a lock-out."""
        with session_scope(self.engine) as session:
            query = delete(FailedLink)
            if client is not None:
                query = query.where(col(FailedLink.client) == client[:MAX_CLIENT])
            session.execute(query)
