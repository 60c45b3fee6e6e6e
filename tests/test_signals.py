"""A plan's last review announces itself to Prefect, so its deployment trigger can compile it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from review.config import Settings
from review.signals import announce_if_complete
from tests.support.review_data import reviewed_plan


def test_nothing_is_announced_without_an_orchestrator(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    from review.db import get_engine

    with Session(get_engine(sqlite_settings)) as session:
        plan_id = reviewed_plan(session).plan.id
        session.commit()
    assert announce_if_complete(sqlite_settings, plan_id) is False


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_the_last_review_of_a_plan_is_announced(
    prefect_harness, sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_URL

    from review.db import get_engine

    monkeypatch.setenv("PREFECT_API_URL", str(PREFECT_API_URL.value()))
    with Session(get_engine(sqlite_settings)) as session:
        complete = reviewed_plan(session, municipality="Tulln").plan.id
        incomplete = reviewed_plan(
            session, municipality="Krems", submit=(True, True, False)
        ).plan.id
        session.commit()
    assert announce_if_complete(sqlite_settings, incomplete) is False
    assert announce_if_complete(sqlite_settings, complete) is True
