"""The routes' dependencies, as `Annotated` aliases a route names in its signature.

- `SessionDep`: one transaction per request, committed when the route returns (before the answer
  is sent, so a redirect shows what was saved), rolled back when it raises. A route that writes
  commits it itself (`session.commit()` at its end): in its own worker thread, so that SQLite's
  write lock is not held while the commit waits for another thread of a busy server. The form
  page, the most frequent read, ends its transaction the same way (one trip fewer).
- `ReviewerLink`, `ReviewerAssignment`, `MunicipalityLink`: what a personal link opens. A bad
  link is refused (`Denied`, a 404 page), counted, answered a little slower each time, and
  enough of them lock the client out (`Locked`, 429) of every link route.
- `CoordinatorRound`: the round a coordinator's link opens (refused, counted and locked out like
  the others).
- `PostedForm`: the form of a post, refused when another site's page sent it (`Origin` or
  `Sec-Fetch-Site`, then the CSRF token: 403) or when it cannot be stored (a NUL: 422).
- `ReviewerPostDep`: a reviewer's post: link first, then the form (a bad link is a 404 whatever
  the form holds), and the page's language.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, NoReturn

from fastapi import Depends
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from review.config import Settings
from review.coordinator import access
from review.i18n import pick_language
from review.link_guard import LinkGuard
from review.models import MAX_ID, Assignment, Municipality, Round, saved_id
from review.portal import security
from review.portal.errors import CrossSite, CsrfFailed, Denied, Locked, Unstorable
from review.portal.pages import Pages
from review.portal.posts import ReviewerPost
from review.reviewing import links
from review.rubric import Rubric


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_pages(request: Request) -> Pages:
    return request.app.state.pages


def get_rubrics(request: Request) -> dict[str, Rubric]:
    return request.app.state.rubrics


async def get_session(request: Request) -> AsyncIterator[Session]:
    # Async, so that opening the session (no I/O: it connects on its first query, in a route's
    # thread) takes no trip through the thread pool; ending it takes one only when a
    # transaction is still open. Under load every such trip is a wait in the pool's queue.
    session = Session(request.app.state.engine, expire_on_commit=False)
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        if session.in_transaction():
            await run_in_threadpool(session.rollback)
        raise
    finally:
        if session.in_transaction():  # cancelled between the two above: give back the connection
            await run_in_threadpool(session.close)
        else:
            session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
PagesDep = Annotated[Pages, Depends(get_pages)]
RubricsDep = Annotated[dict[str, Rubric], Depends(get_rubrics)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


# --------------------------------------------------------------------------- personal links


async def _check_client(request: Request) -> None:
    guard: LinkGuard = request.app.state.throttle
    seconds = await run_in_threadpool(guard.locked_for, security.client_key(request))
    if seconds:
        raise Locked(seconds)


def _reviewer_link(
    request: Request, session: Session, token: str, settings: Settings
) -> Assignment | None:
    """The lock-out check and the link's look-up, in one thread and the request's session."""
    guard: LinkGuard = request.app.state.throttle
    seconds = guard.locked_for(security.client_key(request), session=session)
    if seconds:
        raise Locked(seconds)
    return links.assignment_for_token(session, token, settings)


async def _refuse(request: Request) -> NoReturn:
    guard: LinkGuard = request.app.state.throttle
    delay = await run_in_threadpool(guard.fail, security.client_key(request))
    if delay:
        await asyncio.sleep(delay)
    raise Denied


async def reviewer_link(
    request: Request, token: str, session: SessionDep, settings: SettingsDep
) -> Assignment:
    """The assignment a reviewer's link was issued for."""
    via = await run_in_threadpool(_reviewer_link, request, session, token, settings)
    if via is None:
        await _refuse(request)
    return via


ReviewerLink = Annotated[Assignment, Depends(reviewer_link)]


async def reviewer_assignment(
    request: Request, via: ReviewerLink, assignment_id: int, session: SessionDep
) -> Assignment:
    """The reviewer's assignment `assignment_id`, opened through their link (any of theirs).
    An id no row can have is refused like another reviewer's (the database would fail on it)."""
    if not 1 <= assignment_id <= MAX_ID:
        await _refuse(request)
    if assignment_id == via.id:
        return via  # the link's own assignment (the usual case): nothing more to look up
    assignment = await run_in_threadpool(links.own_assignment, session, via, assignment_id)
    if assignment is None:
        await _refuse(request)
    return assignment


ReviewerAssignment = Annotated[Assignment, Depends(reviewer_assignment)]


async def municipality_link(request: Request, token: str, session: SessionDep) -> Municipality:
    """The municipality a plan-upload link was issued for."""
    await _check_client(request)
    municipality = await run_in_threadpool(links.municipality_for_token, session, token)
    if municipality is None:
        await _refuse(request)
    return municipality


MunicipalityLink = Annotated[Municipality, Depends(municipality_link)]


async def coordinator_link(request: Request, token: str, session: SessionDep) -> Round:
    """The round a coordinator's link was issued for."""
    await _check_client(request)
    round_ = await run_in_threadpool(access.round_for_token, session, token)
    if round_ is None:
        await _refuse(request)
    return round_


CoordinatorRound = Annotated[Round, Depends(coordinator_link)]


# --------------------------------------------------------------------------- forms


def _storable(form: FormData) -> bool:
    """No NUL in any text or file name: PostgreSQL cannot store one."""
    for value in form.values():
        text = value if isinstance(value, str) else (value.filename or "")
        if "\x00" in text:
            return False
    return True


async def posted_form(request: Request, settings: SettingsDep) -> FormData:
    """The post's form, refused when another site's page sent it (its origin, then its CSRF
    token) and when it holds what cannot be stored."""
    if security.cross_site(request, settings.portal_base_url):
        raise CrossSite
    form = await request.form(max_files=2, max_fields=200)
    if not security.csrf_ok(request, form):
        raise CsrfFailed
    if not _storable(form):
        raise Unstorable
    return form


PostedForm = Annotated[FormData, Depends(posted_form)]


async def reviewer_post(
    request: Request, token: str, assignment: ReviewerAssignment, form: PostedForm
) -> ReviewerPost:
    raw_lang = form.get("lang")
    post = ReviewerPost(
        token=token,
        assignment=assignment,
        assignment_id=saved_id(assignment),
        form=form,
        lang=pick_language(raw_lang if isinstance(raw_lang, str) else None, None),
    )
    request.state.reviewer_post = post  # for the error handler, should the domain refuse it
    return post


ReviewerPostDep = Annotated[ReviewerPost, Depends(reviewer_post)]
