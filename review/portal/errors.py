"""Refusals and how each becomes a page: the one place that turns an exception into an answer.

Routes never catch: a bad link raises `Denied`, a form without its CSRF token `CsrfFailed`, and
the domain raises its own errors (invalid or stale review, a transition that no longer applies).
A domain error raised while a reviewer's form post is handled is shown on that assignment's form
page, next to the field the post names (`ReviewerPost.error_field`), with the reviewer's input
kept; nothing of it was written (the request's transaction was rolled back)."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from review.db import session_scope
from review.errors import PeerplanError
from review.i18n import N_, translator
from review.portal.pages import CHANGED, INVALID_LINK, INVALID_LINK_TITLE, Pages, request_lang, say
from review.portal.posts import ReviewerPost
from review.reviewing.errors import InvalidReview, StaleSave
from review.states import IllegalTransition, StaleVersion


class Denied(Exception):
    """The link is unknown, expired or revoked, or opens nothing of this reviewer's. Answered
    after `delay` seconds (the link guard's, for a counted bad try)."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay


class CsrfFailed(Exception):
    """A form came without the CSRF token of the browser's cookie."""


class CrossSite(CsrfFailed):
    """A form post sent by another site's page (its `Origin` or `Sec-Fetch-Site` says so)."""


class Unstorable(Exception):
    """A form with text no database can store (a NUL character); nothing of it is written."""


class Locked(Exception):
    """The client tried too many bad links and waits `seconds` before the next try."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def _pages(request: Request) -> Pages:
    return request.app.state.pages


async def denied(request: Request, exc: Exception) -> Response:
    delay = getattr(exc, "delay", 0.0)
    if delay:  # on the event loop, not in a thread of the pool
        await asyncio.sleep(delay)
    lang = request_lang(request)
    return _pages(request).message(request, lang, 404, INVALID_LINK_TITLE, INVALID_LINK)


async def locked(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Locked)
    lang = request_lang(request)
    minutes = max(1, round(exc.seconds / 60))
    response = _pages(request).message(
        request,
        lang,
        429,
        N_("Too many attempts"),
        N_("Too many invalid links from your connection. Please try again in %(minutes)s minutes."),
        minutes=minutes,
    )
    response.headers["Retry-After"] = str(int(exc.seconds) + 1)
    return response


async def csrf_failed(request: Request, _exc: Exception) -> Response:
    lang = request_lang(request)
    return _pages(request).message(
        request,
        lang,
        403,
        N_("Form expired"),
        N_(
            "The form was no longer valid (security check). Please reload the page and send it "
            "again."
        ),
    )


async def unstorable(request: Request, _exc: Exception) -> Response:
    lang = request_lang(request)
    return _pages(request).message(
        request,
        lang,
        422,
        N_("Input not saved"),
        N_(
            "The form contains a control character (NUL) that cannot be stored; nothing was "
            "saved. Please remove it and send the form again."
        ),
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return await denied(request, exc)
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


def _refusal(post: ReviewerPost, exc: Exception) -> tuple[int, dict]:
    """The status and the form page's error context for a domain error on `post`."""
    lang, upload = post.lang, post.error_field == "upload"
    t = translator(lang)
    if isinstance(exc, InvalidReview):
        if upload:
            return 422, {
                "upload_errors": exc.errors,
                "upload_error": t.gettext("The upload did not work"),
            }
        return 422, {"errors": exc.errors}
    if isinstance(exc, StaleSave):
        return 409, {"stale": exc, "upload_error": say(exc, lang)} if upload else {"stale": exc}
    if isinstance(exc, StaleVersion | IllegalTransition):
        if upload:
            return 409, {"upload_error": t.gettext(CHANGED)}
        return 409, {"errors": {"form": t.gettext(CHANGED)}}
    # Any other user error: a reason or a file the reviewer can correct (422), or a form that
    # no longer fits the assignment's state (409).
    if upload:
        return 422, {"upload_error": say(exc, lang)}
    if post.error_field == "form":
        return 409, {"errors": {"form": say(exc, lang)}}
    return 422, {"errors": {post.error_field: say(exc, lang)}}


async def domain_error(request: Request, exc: Exception) -> Response:
    post = getattr(request.state, "reviewer_post", None)
    if not isinstance(post, ReviewerPost):
        raise exc  # not a reviewer's form: a bug, shown as the error page
    status, context = _refusal(post, exc)

    def page() -> Response:
        with session_scope(request.app.state.engine) as session:
            return _pages(request).form(
                request,
                session,
                post.token,
                post.assignment_id,
                post.lang,
                status=status,
                data=post.data,
                **context,
            )

    return await run_in_threadpool(page)


def install(app: FastAPI) -> None:
    app.add_exception_handler(Denied, denied)
    app.add_exception_handler(Locked, locked)
    app.add_exception_handler(CsrfFailed, csrf_failed)
    app.add_exception_handler(Unstorable, unstorable)
    app.add_exception_handler(StarletteHTTPException, http_error)
    for error in (PeerplanError, StaleVersion, IllegalTransition):
        app.add_exception_handler(error, domain_error)
