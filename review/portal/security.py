"""The portal's protections that are not about reviews: security headers, CSRF tokens, the
upload size limit (enforced while the body is read), and slowing down and locking out clients
that try bad link tokens."""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

log = logging.getLogger("peerplan.portal")
CSRF_COOKIE = "peerplan_csrf"
CSRF_FIELD = "csrf"

#: No scripts but our own, no framing, no plugins; forms only post back to the portal.
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Links carry tokens: never send them on to another site.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


# --------------------------------------------------------------------------- CSRF


def csrf_token(request: Request) -> str:
    """The request's CSRF token (double-submit: a cookie and the same value in every form)."""
    existing = getattr(request.state, "csrf", None)
    if existing:
        return existing
    cookie = request.cookies.get(CSRF_COOKIE, "")
    token = cookie if 20 <= len(cookie) <= 100 else secrets.token_urlsafe(24)
    request.state.csrf = token
    request.state.csrf_new = token != cookie
    return token


def set_csrf_cookie(request: Request, response: Response) -> None:
    if getattr(request.state, "csrf_new", False):
        secure = request.url.scheme == "https"
        response.set_cookie(
            CSRF_COOKIE, request.state.csrf, httponly=True, samesite="lax", secure=secure, path="/"
        )


def csrf_ok(request: Request, form: Any) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD)
    if not cookie or not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(cookie.encode(), sent.encode())


# --------------------------------------------------------------------------- bad tokens


@dataclass
class Throttle:
    """Per-client count of bad link tokens: each failure slows the next answer, and
    `max_failures` within `window` seconds lock the client out for `lockout` seconds."""

    max_failures: int = 5
    window: float = 15 * 60
    lockout: float = 15 * 60
    delay_step: float = 0.25
    max_delay: float = 2.0
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _locked: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked_for(self, client: str, now: float | None = None) -> float:
        """Seconds the client is still locked out (0: not locked)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            until = self._locked.get(client, 0.0)
            if until <= now:
                self._locked.pop(client, None)
                return 0.0
            return until - now

    def fail(self, client: str, now: float | None = None) -> float:
        """Record a bad token; returns the delay to wait before answering."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < self.window]
            recent.append(now)
            self._failures[client] = recent
            if len(recent) >= self.max_failures:
                self._locked[client] = now + self.lockout
                self._failures.pop(client, None)
            if len(self._failures) > 100_000:  # bound memory under a spray of addresses
                self._failures.clear()
            return min(self.max_delay, self.delay_step * (len(recent) - 1))


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --------------------------------------------------------------------------- ASGI middleware


class TooLarge(Exception):
    pass


class PortalMiddleware:
    """Security headers on every response; request bodies above `max_body` refused with 413 while
    they are read (not after), so a huge upload never fills memory or disk."""

    def __init__(
        self,
        app: Callable[..., Awaitable[None]],
        *,
        max_body: int,
        too_large: Callable[[], Response],
        error_page: Callable[[dict], Response],
    ) -> None:
        self.app, self.max_body, self.too_large = app, max_body, too_large
        self.error_page = error_page

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self.too_large()(scope, receive, send_with_headers)
            return
        received = 0

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise TooLarge
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except TooLarge:
            if not started:
                await self.too_large()(scope, receive, send_with_headers)
        except Exception:
            # A bug: log it with its traceback, show the browser a plain page without one.
            log.exception("portal error on %s", scope.get("method"))
            if started:
                raise
            await self.error_page(scope)(scope, receive, send_with_headers)


def plain(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status)


_TOKEN_PATH = re.compile(r"^/(r|m)/[^/?]+")


def redact(path: str) -> str:
    """A request path fit for a log: the link token replaced by '***'."""
    return _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/***", path)


class RedactTokens(logging.Filter):
    """For uvicorn's access log: personal-link tokens never reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            isinstance(record.args, tuple)
            and len(record.args) >= 3
            and isinstance(record.args[2], str)
        ):
            args = list(record.args)
            args[2] = redact(args[2])
            record.args = tuple(args)
        return True
