"""Shared fixtures: a migrated database per test on SQLite and, when
PEERPLAN_TEST_POSTGRES_URL is set (CI sets it), on PostgreSQL too; factories for round data."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel

from review.config import Settings, load_settings
from review.db import engine_for, migrate

POSTGRES_ENV = "PEERPLAN_TEST_POSTGRES_URL"
SHARED_PLANS = Path(__file__).resolve().parents[2] / "shared" / "data" / "plans"
REAL_DATA_ENV = "PEERPLAN_TEST_REAL_DATA"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating per test would be slow)."""
    directory = tmp_path_factory.mktemp("template")
    settings = load_settings(data_dir=directory)
    migrate(settings)
    engine_for(settings.database_url).dispose()
    return directory / "peerplan.db"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A private, migrated PostgreSQL database for this test session (and xdist worker)."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests run in CI (.ci/run)")
    name = f"peerplan_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the variable promises a server: fail, never skip
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL cannot be reached: {exc}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    migrate(load_settings(database_url=url, data_dir=Path("/tmp")))
    yield url
    engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_postgres(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine_for(url).begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def _settings_for(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if backend == "sqlite":
        shutil.copy(request.getfixturevalue("sqlite_template"), data_dir / "peerplan.db")
        return load_settings(data_dir=data_dir, portal_base_url="http://portal.test")
    url = request.getfixturevalue("postgres_url")
    _truncate_postgres(url)
    return load_settings(data_dir=data_dir, database_url=url, portal_base_url="http://portal.test")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a fresh, migrated peerplan database: once on SQLite, once on PostgreSQL."""
    settings = _settings_for(request.param, tmp_path, request)
    yield settings
    if request.param == "sqlite":
        engine_for(settings.database_url).dispose()


@pytest.fixture
def sqlite_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Like `settings`, SQLite only: for tests whose subject is not the database."""
    settings = _settings_for("sqlite", tmp_path, request)
    yield settings
    engine_for(settings.database_url).dispose()


@pytest.fixture
def session_sqlite(sqlite_settings: Settings) -> Iterator[Session]:
    """A session on the `sqlite_settings` database."""
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def engine(settings: Settings):
    return engine_for(settings.database_url)


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def real_plans() -> Path:
    """The real municipal plans beside the project; CI requires them, elsewhere tests skip."""
    if not SHARED_PLANS.is_dir():
        if os.environ.get(REAL_DATA_ENV):
            pytest.fail(f"{REAL_DATA_ENV} is set but {SHARED_PLANS} does not exist")
        pytest.skip(f"real plans not found at {SHARED_PLANS} (they sit beside the project in CI)")
    return SHARED_PLANS


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One Prefect test server per session (it takes 20-25 s to start: use `.fn()` for logic).

    Mark tests that use it `@pytest.mark.xdist_group("prefect")` so that one worker runs them all.
    """
    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
