"""The portal as it is served (review.portal.serving): a connection left idle while a reviewer
reads, or pooled by a reverse proxy, is still open when the next request comes."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from review.config import Settings
from review.portal.serving import KEEP_ALIVE_SECONDS, UVICORN_OPTIONS, ready_app

UVICORN_DEFAULT_KEEP_ALIVE = 5

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: portal\r\n\r\n"


def _answer(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data or not data.endswith(b"ok"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


@pytest.mark.slow
def test_an_idle_connection_outlives_uvicorns_default(sqlite_settings: Settings):
    """Idle for longer than uvicorn's default keep-alive (5 s), the same connection serves the
    next request: a reviewer's save after a pause, or a proxy's pooled connection, is not sent
    into a closed socket and needs no new connection."""
    assert KEEP_ALIVE_SECONDS > 120  # longer than Caddy (2 min) and nginx (1 min) keep theirs
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = ready_app(sqlite_settings)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", **UVICORN_OPTIONS
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            assert _answer_to(conn).startswith(b"HTTP/1.1 200")
            time.sleep(UVICORN_DEFAULT_KEEP_ALIVE + 1.5)
            second = _answer_to(conn)
        assert second.startswith(b"HTTP/1.1 200"), second
        assert b"server:" not in second.lower()  # no server header, as before
    finally:
        server.should_exit = True
        thread.join(10)


def _answer_to(conn: socket.socket) -> bytes:
    conn.sendall(REQUEST)
    return _answer(conn)
