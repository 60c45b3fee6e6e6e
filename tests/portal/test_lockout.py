"""The lock-out of link guessers holds: its count is in the database (every worker and a
restarted portal see it), and a forwarded address counts only when a configured proxy sent it
(issue 17: rotating X-Forwarded-For from 127.0.0.1 guessed 200 links without a lock-out)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session

from review.config import Settings
from review.db import engine_for
from tests.support.notify import free_port
from tests.support.portal_client import client_for
from tests.support.reviewing_data import Invited, invited_assignment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def invited(settings: Settings) -> Invited:
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        return invited_assignment(session, settings, plan_text="SECRET-PLAN")


def _guess(client, n: int, **headers: str) -> int:
    return client.get(f"/r/{'guess' * 9}{n}/a/1", headers=headers).status_code


def test_a_second_worker_and_a_restarted_portal_keep_the_count(
    settings: Settings, invited: Invited
) -> None:
    first, second = client_for(settings), client_for(settings)  # two workers, one database
    assert [_guess(first, n) for n in range(3)] == [404] * 3
    assert [_guess(second, n) for n in range(3, 5)] == [404] * 2
    own = f"/r/{invited.token}/a/{invited.assignment_id}"
    assert first.get(own).status_code == 429 and second.get(own).status_code == 429
    restarted = client_for(settings)
    locked = restarted.get(own)
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 60
    assert "SECRET-PLAN" not in locked.text


def test_forwarded_addresses_count_only_from_configured_proxies(
    settings: Settings, invited: Invited
) -> None:
    own = f"/r/{invited.token}/a/{invited.assignment_id}"
    # No proxy configured: X-Forwarded-For is ignored, rotating it changes nothing.
    direct = client_for(settings)
    assert [_guess(direct, n, **{"X-Forwarded-For": f"10.0.0.{n}"}) for n in range(5)] == [404] * 5
    assert direct.get(own, headers={"X-Forwarded-For": "10.0.0.99"}).status_code == 429
    direct.app.state.throttle.clear()
    # The TestClient connects as "testclient": configured as the proxy, each forwarded address
    # is its own client, and the proxy's own address is never locked for them.
    proxied = client_for(settings.model_copy(update={"trusted_proxies": "testclient"}))
    for n in range(5):
        assert _guess(proxied, n, **{"X-Forwarded-For": "203.0.113.7"}) == 404
    assert proxied.get(own, headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    assert proxied.get(own, headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 200
    assert proxied.get(own).status_code == 200
    # A client cannot pose as another by sending its own X-Forwarded-For through the proxy:
    # the proxy appends the address it saw, and that one counts.
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    assert proxied.get(own, headers=spoofed).status_code == 429


@pytest.fixture
def portal_server(settings: Settings) -> Iterator[str]:
    """`peerplan portal` as an operator starts it (uvicorn, no proxy configured)."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PEERPLAN_DATA_DIR": str(settings.data_dir),
        "PEERPLAN_DATABASE_URL": str(settings.database_url),
        "PEERPLAN_PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("PEERPLAN_TRUSTED_PROXIES", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "review", "portal", "--port", str(port)],
        env=env,
        cwd=settings.data_dir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, "the portal did not start"
            assert time.monotonic() < deadline, "the portal did not answer within 60 s"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_the_served_portal_ignores_forwarded_addresses_from_localhost(
    portal_server: str, invited: Invited
) -> None:
    """The attack of issue 17, against the real server: guesses from 127.0.0.1, each with another
    X-Forwarded-For, still lock the client out after five."""
    with httpx.Client(base_url=portal_server, timeout=30) as http:
        for n in range(5):
            assert _guess(http, n, **{"X-Forwarded-For": f"10.1.{n}.1"}) == 404
        own = f"/r/{invited.token}/a/{invited.assignment_id}"
        assert http.get(own, headers={"X-Forwarded-For": "10.1.99.1"}).status_code == 429
