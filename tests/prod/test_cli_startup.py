"""`peerplan` gives Prefect's ephemeral server time to start on a fresh machine (24-26 s there,
and Prefect gives up after 20 s by default), without overriding an operator's own value."""

from __future__ import annotations

import os

import pytest

from review.cli import main

VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


def _run_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["peerplan", "--help"])
    with pytest.raises(SystemExit):
        main()


def test_startup_timeout_is_raised_when_not_set(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    _run_help(monkeypatch)
    assert int(os.environ[VARIABLE]) >= 120


def test_an_operators_timeout_is_kept(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(VARIABLE, "45")
    _run_help(monkeypatch)
    assert os.environ[VARIABLE] == "45"
