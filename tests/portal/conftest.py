"""The portal's browser tests' launcher (#13, #16): Debian's chromium through Playwright
(`PEERPLAN_TEST_CHROMIUM` names it; skipped where it is not installed) and the portal served by
uvicorn on a free port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from review.config import Settings
from review.portal import create_app
from tests.support.browser import CHROMIUM_ARGS, chromium_executable


@pytest.fixture(scope="module")
def chromium_path() -> str:
    return chromium_executable()


@pytest.fixture(scope="module")
def browser(chromium_path: str):
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def served(sqlite_settings: Settings) -> Iterator[tuple[str, Settings]]:
    """The portal served by uvicorn in a thread on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(sqlite_settings)
    app.state.send_now = lambda _settings: None  # no SMTP server in these tests
    app.state.restore_draft = lambda _settings, _plan_id: None  # tested in test_reply_draft
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", sqlite_settings
    server.should_exit = True
    thread.join(10)
