"""The portal's protections that are not about reviews: security headers, CSRF tokens and the
origin of form posts, the upload size limit (enforced while the body is read), and logs that
hold neither link tokens nor anything a user typed. (Bad link tries: `review.link_guard`.)"""

from __future__ import annotations

import hmac
import logging
import re
import secrets
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


# --------------------------------------------------------------------------- cross-site posts

#: `Sec-Fetch-Site` of a post the portal's own pages make ("none": the user's own action).
OWN_FETCH_SITES = frozenset({"same-origin", "none"})


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None  # anything malformed
    return f"{parts.scheme}://{parts.netloc}".lower()


def cross_site(request: Request, base_url: str) -> bool:
    """Whether a form post was sent by another site's page, as the browser tells. Its
    `Sec-Fetch-Site` decides where it is sent (no page can set it). Without it, an `Origin` must
    be the portal's public base URL or the host the request was sent to; "null" says nothing
    (browsers send it for the portal's own forms too, under `Referrer-Policy: no-referrer`),
    and neither header is no browser's cross-site form. The CSRF token applies in every case."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in OWN_FETCH_SITES
    origin = request.headers.get("origin")
    if origin is None or origin.strip().lower() == "null":
        return False
    sent = _origin(origin)
    if sent is None:
        return True
    if sent == _origin(base_url):
        return False
    host = request.headers.get("host", "").strip().lower()
    return not host or sent.split("://", 1)[1] != host


# --------------------------------------------------------------------------- clients


def client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


# --------------------------------------------------------------------------- ASGI middleware


class TooLarge(Exception):
    pass


def _with_security_headers(message: Message) -> Message:
    headers = list(message.get("headers", []))
    present = {k.lower() for k, _ in headers}
    for name, value in HEADERS.items():
        if name.lower().encode() not in present:
            headers.append((name.lower().encode(), value.encode()))
    headers.append((b"cache-control", b"no-store"))
    return {**message, "headers": headers}


def _declared_length(scope: Scope) -> int | None:
    declared = dict(scope.get("headers", [])).get(b"content-length")
    return int(declared) if declared is not None and declared.isdigit() else None


def log_bug(exc: BaseException, method: str) -> None:
    """Log a bug with where it happened (every frame of every chained exception) but without
    the exceptions' messages: those can quote what a user typed (a database error quotes the
    values of its statement), and user text never goes to a log."""
    lines = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        lines.extend(
            f"  {frame.filename}:{frame.lineno} in {frame.name}"
            for frame in traceback.extract_tb(current.__traceback__)
        )
        current = current.__cause__ or current.__context__
    log.error("portal error on %s (messages withheld):\n%s", method, "\n".join(lines))


class PortalMiddleware:
    """Security headers on every response; request bodies above `max_body` refused with 413 while
    they are read (not after), so a huge upload never fills memory or disk; a bug answered with
    a plain error page and logged without anything the user sent."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int,
        too_large: Callable[[], Response],
        error_page: Callable[[Scope], Response],
    ) -> None:
        self.app, self.max_body, self.too_large = app, max_body, too_large
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = _with_security_headers(message)
            await send(message)

        declared = _declared_length(scope)
        if declared is not None and declared > self.max_body:
            await self.too_large()(scope, receive, send_with_headers)
            return
        received = 0

        async def limited_receive() -> Message:
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
        except Exception as exc:
            # A bug: logged with where it happened, the browser sees a plain page.
            log_bug(exc, str(scope.get("method")))
            if started:
                raise
            await self.error_page(scope)(scope, receive, send_with_headers)


def plain(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status)


_TOKEN_PATH = re.compile(r"^/(r|m|c)/[^/?]+")


def redact(path: str) -> str:
    """A request path fit for a log: the link token replaced by '***'."""
    return _TOKEN_PATH.sub(lambda m: f"/{m.group(1)}/***", path)


class RedactTokens(logging.Filter):
    """For uvicorn's access log: personal-link tokens never reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            path = args[2]
            if isinstance(path, str):
                args[2] = redact(path)
                record.args = tuple(args)
        return True
