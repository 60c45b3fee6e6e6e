"""The lock-out's count under load: workers recording and pruning tries at the same moment
never fail a request, and the count comes out as if they had taken turns."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, func, select

from review.config import Settings
from review.db import engine_for
from review.link_guard import LinkGuard
from review.models import FailedLink

START = datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_concurrent_tries_and_prunes_never_fail(settings: Settings) -> None:
    engine = engine_for(settings.database_url)
    guard = LinkGuard(engine)
    # Old tries from many clients, all past the horizon: every new try prunes them.
    old = START - guard.horizon - timedelta(minutes=1)
    with Session(engine) as session:
        session.add_all(FailedLink(client=f"10.9.{i // 250}.{i % 250}", at=old) for i in range(500))
        session.commit()

    def guess(worker: int) -> list[float]:
        return [
            guard.fail(f"10.0.0.{worker % 4}", now=START + timedelta(milliseconds=worker * 10 + n))
            for n in range(3)
        ]

    with ThreadPoolExecutor(max_workers=12) as pool:
        delays = [d for worker in pool.map(guess, range(12)) for d in worker]
    assert len(delays) == 36 and all(0 <= d <= guard.max_delay for d in delays)
    later = START + timedelta(seconds=1)
    for client in range(4):  # nine tries each within a second: every one of them is locked
        assert guard.locked_for(f"10.0.0.{client}", now=later) > 0
    assert guard.locked_for("10.0.0.9", now=later) == 0
    with Session(engine) as session:
        remaining = session.exec(select(func.count()).select_from(FailedLink)).one()
    assert remaining == 36  # the old tries are gone, every new one is kept
