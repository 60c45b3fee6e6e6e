"""A named claim that one process holds at a time, across every machine that shares the database:
a PostgreSQL session advisory lock, or on SQLite (whose database lies on one machine) an flock on
a file in the data directory. Both die with the process that holds them, so a crashed holder
never blocks the next one: the kernel drops a dead process's flocks, and PostgreSQL ends the
session, and its locks, when the client's connection closes (a machine that vanishes without
closing it is noticed by the server's TCP keepalive: `tcp_keepalives_idle`).

Used by the outbox's deliverer (`review.notify.delivery.one_deliverer`: one at a time) and by
the compile spread over workers (`review.consolidation.parts`: one spread compile of a round at
a time, and one run at a time on each of its parts).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import IO

from sqlalchemy import Engine, text

#: How often a waiting claimant tries again.
POLL_SECONDS = 0.2


def advisory_key(name: str) -> int:
    """The 64-bit key of PostgreSQL's advisory lock for `name` (signed, as the server takes it)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def held(
    engine: Engine, name: str, lock_file: Path, *, wait: float | None, key: int | None = None
) -> Iterator[bool]:
    """Hold the claim `name` while the block runs; yields False (and holds nothing) when another
    process kept it for `wait` seconds (None: wait until it is free). On SQLite the claim is an
    flock on `lock_file` (which must be the same file for every process claiming `name`). On
    PostgreSQL its advisory key is `advisory_key(name)`, or `key` for a claim older than this
    module (its processes of an older version must still exclude the new ones)."""
    deadline = None if wait is None else time.monotonic() + wait
    if engine.dialect.name == "postgresql":
        key = advisory_key(name) if key is None else key
        with engine.connect() as conn:
            got = _until(
                lambda: bool(
                    conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
                ),
                deadline,
                conn.commit,
            )
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    conn.commit()
        return
    with _flocked(lock_file, deadline) as got:
        yield got


@contextmanager
def _flocked(path: Path, deadline: float | None) -> Iterator[bool]:
    """An exclusive flock on `path`. The holder may delete the file (`remove_lock_file`): a
    claimant that locked the deleted file (it opened it before) sees it is no longer the file at
    `path` and locks the new one instead, so two never hold `path` at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = open(path, "a+")  # noqa: SIM115  # closed below or when the block ends
        got = _until(partial(_try_flock, handle), deadline, lambda: None)
        if got and not _same_file(handle, path):
            handle.close()  # locked a file that was deleted meanwhile: lock the one there now
            continue
        try:
            yield got
        finally:
            # Unlocked, not only closed: a child forked meanwhile (the intake's reading pool
            # forks) holds a copy of the descriptor, and with it the flock, until it exits.
            if got:
                fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
        return


def remove_lock_file(path: Path) -> None:
    """Delete the lock file of a claim the caller holds (see `_flocked`)."""
    path.unlink(missing_ok=True)


def _try_flock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        there = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(handle.fileno())
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _until(attempt: Callable[[], bool], deadline: float | None, after: Callable[[], None]) -> bool:
    """`attempt()` every POLL_SECONDS until it returns True or `deadline` has passed; `after()`
    follows each attempt (PostgreSQL: ends the transaction it opened, so that the connection
    holding the lock for hours is not left idle in a transaction)."""
    while True:
        got = attempt()
        after()
        if got:
            return True
        if deadline is not None and time.monotonic() > deadline:
            return False
        time.sleep(POLL_SECONDS)
