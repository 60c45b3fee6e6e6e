"""The reviewer portal: a FastAPI app assembled by `create_app(settings)` (nothing at import time).

Reviewers open `/r/{token}`, municipalities `/m/{token}`. The routes live in `routes/`, one
router per audience; what they share (the request's transaction, what a link opens, the CSRF
check) are the dependencies in `deps.py`; refusals become pages in `errors.py`. Every answer
carries the security headers, and errors never show a traceback (`security.PortalMiddleware`).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from review.config import Settings
from review.db import get_engine, statement_engine
from review.exchange import draft_restore
from review.link_guard import LinkGuard
from review.notify import background
from review.portal import errors, security
from review.portal.pages import Pages, environment
from review.portal.routes import ROUTERS
from review.rubric import load_rubrics

#: Room for the form fields around an uploaded file.
FORM_OVERHEAD = 256 * 1024


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="peerplan portal", docs_url=None, redoc_url=None, openapi_url=None)
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, security.RedactTokens) for f in access_log.filters):
        access_log.addFilter(security.RedactTokens())  # link tokens never reach a log
    rubrics = load_rubrics()
    pages = Pages(environment(), rubrics, max_mb=max(1, settings.max_upload_bytes // 2**20))
    app.state.settings = settings
    app.state.engine = get_engine(settings)
    app.state.statement_engine = statement_engine(app.state.engine)  # the usual draft save's
    app.state.rubrics = rubrics
    app.state.pages = pages
    # Bad link tries, counted in the database (shared by workers, kept across restarts); tests
    # set its delay to 0 and its limits through this attribute.
    app.state.throttle = LinkGuard(app.state.engine)
    # The assignments this process opened through a link (`deps.saved_through_link`).
    app.state.known = {}
    # Messages queued by a request (receipts, the replacement's invitation) go out right after
    # it commits, in a background sender; tests without an SMTP server swap this out.
    app.state.send_now = background.deliver_in_background
    # A municipality's draft found missing although it was written is written again after the
    # request, in a background writer (review.exchange.draft_restore).
    app.state.restore_draft = draft_restore.restore_in_background
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    app.add_middleware(
        security.PortalMiddleware,
        max_body=settings.max_upload_bytes + FORM_OVERHEAD,
        too_large=pages.too_large,
        error_page=lambda scope: pages.server_error(scope.get("query_string", b"")),
    )
    if settings.trusted_proxies.strip():
        # The client's address (for the lock-out) and scheme (for secure cookies) from the
        # forwarded headers of these proxies only; servers run without their own handling.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    return app
