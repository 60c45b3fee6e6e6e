"""The other commands of a data directory use what a running `peerplan serve` started
(review.config.served_settings): found running a round of the 30 English CCC plans, where
`peerplan invite` in a second terminal failed with "No SMTP server answers at 127.0.0.1:8025
... or run `peerplan serve`" while serve was running, and its links named port 8765, not the
portal serve had started on 8791."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from review.config import SERVED_FILE, load_settings


def _serve_wrote(data: Path, pid: int) -> None:
    data.mkdir(parents=True, exist_ok=True)
    (data / SERVED_FILE).write_text(
        json.dumps(
            {
                "pid": pid,
                "portal_base_url": "http://127.0.0.1:8791",
                "smtp_host": "127.0.0.1",
                "smtp_port": 45123,
            }
        ),
        encoding="utf-8",
    )


@pytest.fixture
def bare_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("PEERPLAN_") and name != "PEERPLAN_LANGUAGE":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no peerplan.toml
    data = tmp_path / "data"
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(data))
    return data


def test_a_running_serve_lends_its_mailbox_and_portal(bare_env: Path) -> None:
    _serve_wrote(bare_env, os.getpid())
    s = load_settings()
    assert (s.smtp_host, s.smtp_port, s.smtp_security) == ("127.0.0.1", 45123, "none")
    assert s.portal_base_url == "http://127.0.0.1:8791"


def test_what_the_coordinator_configured_wins(
    bare_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve_wrote(bare_env, os.getpid())
    monkeypatch.setenv("PEERPLAN_SMTP_HOST", "mail.agency.example")
    monkeypatch.setenv("PEERPLAN_PORTAL_BASE_URL", "https://review.agency.example")
    s = load_settings()
    assert (s.smtp_host, s.smtp_port) == ("mail.agency.example", 8025)
    assert s.portal_base_url == "https://review.agency.example"


def test_a_serve_that_is_gone_lends_nothing(bare_env: Path) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    _serve_wrote(bare_env, int(ended.stdout))
    s = load_settings()
    assert (s.smtp_host, s.smtp_port) == ("127.0.0.1", 8025)
    assert s.portal_base_url == "http://127.0.0.1:8765"
