"""Engine, sessions and schema migrations for peerplan's own database (never Prefect's).

SQLite gets WAL, a busy timeout and enforced foreign keys, so that the portal, the flows and the
CLI can work on the same file at once. PostgreSQL's pooled connections are checked on checkout
without a round trip (`_closed_by_server`), so that the first requests after a database restart
do not fail.
"""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, exc, make_url
from sqlmodel import Session, create_engine

from review.config import Settings
from review.private import keep_private, private_path

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: Connections a process keeps: one per thread of the portal's worker pool (anyio's default of
#: 40), so that a busy portal never waits for a connection nor opens and closes them per
#: request (a PostgreSQL connection is a new server process). Opened only as they are needed.
POOL_SIZE = 40
#: Beyond that, briefly: a request's session holds its connection from its first query to its
#: commit, which may span a wait for the pool.
MAX_OVERFLOW = 20
#: The pool hands out the connection given back last (LIFO), not the one idle longest (FIFO,
#: SQLAlchemy's default): a burst opens up to `POOL_SIZE` connections, and handed out in turn
#: afterwards each of them ran a given statement only every ~40th time. On PostgreSQL psycopg
#: prepares a statement on a connection at its fifth use, so nearly every statement was parsed
#: and planned again (98 of 100 draft saves in a run of bench/portal.py, 0.4-0.8 ms of the
#: server's CPU each, against 0.2-0.3 prepared), and each backend process's caches stayed cold.
#: Reused from the top, a few connections serve the usual load warm; the rest wait for a burst.
POOL_LIFO = True


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _closed_by_server(dbapi_connection) -> bool:
    """Whether the server has closed this idle psycopg connection (a restart, a terminated
    backend): its socket then has something to read (the server's last message, or the end of
    the stream), which an idle connection otherwise has not. A poll of the socket, not a
    round trip: the pool's pre-ping (`SELECT 1`'s equivalent before every checkout) was one of a
    draft save's five waits for the server. Anything unexpected to read only costs a reconnect."""
    pgconn = dbapi_connection.pgconn
    if pgconn.status != 0:  # not CONNECTION_OK
        return True
    poll = select.poll()
    poll.register(pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poll.poll(0))


def _check_on_checkout(dbapi_connection, _record, _proxy) -> None:
    if _closed_by_server(dbapi_connection):
        # The pool drops this connection and hands out a new one in its place.
        raise exc.DisconnectionError("the server closed the connection")


def make_engine(url: str) -> Engine:
    # hide_parameters: a database error's message never quotes the statement's values (review
    # comments, reasons, names), so user text cannot reach a log or a traceback through it.
    keep_private()  # whatever this process creates from now on is the service user's only
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            private_path(Path(path).parent, directory=True)
            for part in ("", "-wal", "-shm"):
                private_path(Path(path + part))
        database = make_url(url).database
        in_file = bool(database) and database != ":memory:"  # in memory: no pool to size
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            **(
                {"pool_size": POOL_SIZE, "max_overflow": MAX_OVERFLOW, "pool_use_lifo": POOL_LIFO}
                if in_file
                else {}
            ),
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Another driver than psycopg: the pool's ping, a round trip per checkout.
    psycopg = make_url(url).get_driver_name() == "psycopg"
    engine = create_engine(
        url,
        pool_pre_ping=not psycopg,
        pool_size=POOL_SIZE,
        max_overflow=MAX_OVERFLOW,
        pool_use_lifo=POOL_LIFO,
        hide_parameters=True,
    )
    if psycopg:
        event.listen(engine, "checkout", _check_on_checkout)
    return engine


def statement_engine(engine: Engine) -> Engine:
    """`engine` for work each of whose statements stands on its own (reads, and writes that are
    whole in one statement: the usual draft save, `review.reviewing.in_place`): on PostgreSQL in
    autocommit, each statement its own transaction, which spares the BEGIN and the COMMIT, two
    of the save's four round trips. Elsewhere `engine` itself (SQLite's BEGIN and COMMIT are
    function calls, and its save is two statements): its sessions are committed as usual."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine (connection pool) per database URL and process."""
    return make_engine(url)


def get_engine(settings: Settings) -> Engine:
    assert settings.database_url
    return engine_for(settings.database_url)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed on success and rolled back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(settings: Settings) -> None:
    """Create or upgrade the schema to the newest migration (`peerplan init`)."""
    private_path(settings.data_dir, directory=True)
    assert settings.database_url
    cfg = alembic_config(settings.database_url)
    with get_engine(settings).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def schema_revision(settings: Settings) -> str | None:
    with get_engine(settings).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
