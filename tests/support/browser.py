"""Debian's chromium for the browser tests: where it is (`PEERPLAN_TEST_CHROMIUM`, else on the
PATH; the test is skipped where it is not installed, failed where the variable names nothing)
and the flags it runs with in a container."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ENV = "PEERPLAN_TEST_CHROMIUM"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_executable() -> str:
    path = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get(CHROMIUM_ENV):
            pytest.fail(f"{CHROMIUM_ENV}={path} but no browser is there")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return path
