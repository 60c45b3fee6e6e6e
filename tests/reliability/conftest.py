"""Fixtures of the reliability tests: synthetic plans, a warm fork server, a real SMTP server."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from review.config import Settings
from tests.support.notify import Mailbox, start_smtp

#: Seeds differ between runs only when asked: PEERPLAN_RELIABILITY_SEED=random (or a number).
SEED_ENV = "PEERPLAN_RELIABILITY_SEED"


def base_seed() -> int:
    raw = os.environ.get(SEED_ENV, "20261124")
    if raw == "random":
        import random

        seed = random.SystemRandom().randrange(1 << 30)
        print(f"{SEED_ENV}={seed}")
        return seed
    return int(raw)


@pytest.fixture(scope="session")
def plan_folder(tmp_path_factory: pytest.TempPathFactory):
    """Six synthetic plans (three PDF, three DOCX, German and English) with participants."""
    from review.synthetic.generate import generate_plans

    return generate_plans(tmp_path_factory.mktemp("plans"), count=6, seed=7)


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = start_smtp(box)
    try:
        yield box, controller.port
    finally:
        controller.stop()


@pytest.fixture
def mail_settings(settings: Settings, mailbox) -> Settings:
    """The `settings` fixture (SQLite and PostgreSQL) pointed at the test's SMTP server."""
    _, port = mailbox
    return settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})


@pytest.fixture
def sqlite_mail_settings(sqlite_settings: Settings, mailbox) -> Settings:
    _, port = mailbox
    return sqlite_settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
