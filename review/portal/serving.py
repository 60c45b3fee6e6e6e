"""How the portal is served, the same by `peerplan portal`, `peerplan serve` and bench/portal.py:
uvicorn's options, and the app made ready before its first request.

Idle connections are kept `KEEP_ALIVE_SECONDS` (uvicorn's default: 5 s). A reviewer reads and
types between two requests, and a reverse proxy keeps its idle connections to the portal for
reuse (Caddy two minutes, nginx's upstream `keepalive_timeout` one): closed after 5 s, every
save after a pause opened a new connection (the TCP handshake and a new connection in uvicorn
and in the client: 3-9 ms of a PostgreSQL save's 18-43 ms at load 2-6, bench/portal.py, #14),
and a proxy could send a request into a connection the portal was just closing (a reset, an
error page for the reviewer). So the portal keeps them longer than the proxies in front of it do.
An idle connection costs the portal a socket and a few kilobytes, no thread.
"""

from __future__ import annotations

from typing import TypedDict

from fastapi import FastAPI

from review.config import Settings
from review.portal.app import create_app

KEEP_ALIVE_SECONDS = 150


class UvicornOptions(TypedDict):
    timeout_keep_alive: int
    proxy_headers: bool
    server_header: bool


#: uvicorn's options for the portal, as `uvicorn.run` takes them.
UVICORN_OPTIONS: UvicornOptions = {
    "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    # The app believes forwarded headers from PEERPLAN_TRUSTED_PROXIES only (create_app);
    # uvicorn's own handling would believe any client connecting from 127.0.0.1.
    "proxy_headers": False,
    "server_header": False,
}


def uvicorn_arguments() -> list[str]:
    """`UVICORN_OPTIONS` as uvicorn's command line (`python -m uvicorn ...`)."""
    arguments = []
    for name, value in dict(UVICORN_OPTIONS).items():
        flag = name.replace("_", "-")
        if isinstance(value, bool):
            arguments.append(f"--{flag}" if value else f"--no-{flag}")
        else:
            arguments += [f"--{flag}", str(value)]
    return arguments


def ready_app(settings: Settings) -> FastAPI:
    """The portal for `settings`, its templates compiled and the form's views of every rubric
    and language worked out before the first request (not during the first reviewers')."""
    app = create_app(settings)
    app.state.pages.warm()
    return app
