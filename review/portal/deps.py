"""The routes' dependencies, as `Annotated` aliases a route names in its signature.

- `SessionDep`: one transaction per request, committed when the route returns (before the answer
  is sent, so a redirect shows what was saved), rolled back when it raises. A route that writes
  commits it itself (`session.commit()` at its end): in its own worker thread, so that SQLite's
  write lock is not held while the commit waits for another thread of a busy server. The form
  page, the most frequent read, ends its transaction the same way (one trip fewer).
- `ReviewerLink`, `ReviewerAssignment`, `MunicipalityLink`: what a personal link opens (a
  reviewer's as `links.OpenedAssignment`, read without the ORM; `links.loaded` gives the row
  to what changes it). A bad
  link is refused (`Denied`, a 404 page), counted, answered a little slower each time, and
  enough of them lock the client out (`Locked`, 429) of every link route.
- `CoordinatorRound`: the round a coordinator's link opens (refused, counted and locked out like
  the others).
- `PostedForm`: the form of a post, refused when another site's page sent it (`Origin` or
  `Sec-Fetch-Site`, then the CSRF token: 403) or when it cannot be stored (a NUL: 422).
- `ReviewerPostDep`: a reviewer's post: link first, then the form (a bad link is a 404 whatever
  the form holds), and the page's language.
- `opened_here`, `checked_post`: the same two, called in the route's own thread by the form
  page and the draft save (the most frequent requests), so that each takes one trip through the
  thread pool instead of two.
- `statement_session`: the usual draft save's and the form page's session, each statement its
  own transaction on PostgreSQL (two round trips for the save instead of four).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, NoReturn

from fastapi import Depends
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from review.config import Settings
from review.coordinator import access
from review.errors import InvalidInput
from review.i18n import pick_language
from review.link_guard import LinkGuard
from review.models import MAX_ID, Municipality, ReviewSource, Round, utcnow
from review.portal import security
from review.portal.errors import CrossSite, CsrfFailed, Denied, Locked, Unstorable
from review.portal.pages import Pages
from review.portal.posts import ReviewerPost, reviewer_actor
from review.reviewing import in_place, links
from review.reviewing.form import ReviewInput, Seen
from review.reviewing.in_place import Known, Saved
from review.reviewing.links import OpenedAssignment
from review.rubric import Rubric

# The app's own parts. `async`, because FastAPI runs a plain `def` dependency in the thread
# pool: a trip each, a wait in the pool's queue under load, for reading an attribute.


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_pages(request: Request) -> Pages:
    return request.app.state.pages


async def get_rubrics(request: Request) -> dict[str, Rubric]:
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
    request: Request, session: Session, token: str, assignment_id: int | None
) -> OpenedAssignment | None:
    """The lock-out check, the link's look-up and (`assignment_id`, when given and not the
    link's own) the reviewer's other assignment: in one thread and the request's session."""
    guard: LinkGuard = request.app.state.throttle
    client, settings = security.client_key(request), request.app.state.settings
    via, locked = links.open_link(session, token, settings, guard, client)
    if locked:
        raise Locked(locked)
    if via is None or assignment_id is None:
        return via
    return links.own_assignment(session, via, assignment_id)


def _refused(request: Request) -> Denied:
    """A bad link: the try counted (a statement: in a thread), the answer a little slower."""
    guard: LinkGuard = request.app.state.throttle
    return Denied(guard.fail(security.client_key(request)))


async def _refuse(request: Request) -> NoReturn:
    raise await run_in_threadpool(_refused, request)


async def reviewer_link(request: Request, token: str, session: SessionDep) -> OpenedAssignment:
    """The assignment a reviewer's link was issued for."""
    via = await run_in_threadpool(_reviewer_link, request, session, token, None)
    if via is None:
        await _refuse(request)
    return via


ReviewerLink = Annotated[OpenedAssignment, Depends(reviewer_link)]


def _assignment_id(raw: str) -> int:
    """The path's assignment id; 0 (no row's) for anything no row can have (not a number, or
    one the database would fail on): refused like another reviewer's, after the lock-out check."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return 0
    number = int(raw)
    return number if number <= MAX_ID else 0


async def _reviewer_assignment(request: Request, session: Session) -> OpenedAssignment:
    # The path's parameters read here, not declared: each dependency FastAPI solves (and each
    # parameter it validates) costs about as much CPU as a statement, on every reviewer request.
    params = request.path_params
    assignment_id = _assignment_id(params["assignment_id"])
    found = await run_in_threadpool(
        _reviewer_link, request, session, params["token"], assignment_id
    )
    if found is None:
        await _refuse(request)
    return found


async def reviewer_assignment(request: Request, session: SessionDep) -> OpenedAssignment:
    """The reviewer's assignment `{assignment_id}`, opened through their link `{token}` (any
    of theirs)."""
    return await _reviewer_assignment(request, session)


def statement_session(request: Request) -> Session:
    """A session whose statements each stand on their own (`db.statement_engine`: on PostgreSQL
    in autocommit, no BEGIN and COMMIT round trips), for the usual draft save (the link's
    look-up, then the save: one statement each) and the form page (reads only). Opened and
    closed in the route's thread; committed there, for SQLite."""
    return Session(request.app.state.statement_engine, expire_on_commit=False)


def opened_here(request: Request, session: Session) -> OpenedAssignment:
    """`ReviewerAssignment` for a route that does all its work in one trip through the thread
    pool (the form page, the draft save: the most frequent requests; under load every trip is
    a wait for a thread, and then for the event loop again): called first, in that thread."""
    params = request.path_params
    assignment_id = _assignment_id(params["assignment_id"])
    found = _reviewer_link(request, session, params["token"], assignment_id)
    if found is None:
        raise _refused(request)
    _remember(request, found)
    return found


#: The assignments this process remembers having opened (`_remember`): beyond, it starts again.
KNOWN_LIMIT = 100_000


def _remember(request: Request, opened: OpenedAssignment) -> None:
    """What a save through the link in one statement needs to know before it asks
    (`saved_through_link`), kept from the form page that comes before every save."""
    known: dict[int, Known] = request.app.state.known
    if len(known) >= KNOWN_LIMIT:
        known.clear()
    known[opened.id] = Known(opened.id, opened.rubric, opened.reviewer_id, opened.round_id)


def saved_through_link(
    request: Request, session: Session, form: FormData
) -> tuple[ReviewerPost, Saved] | None:
    """A draft save whose link's look-up is in its own statement (PostgreSQL,
    `in_place.save_through_link`: one round trip), when this process opened the assignment
    before (its form page) and the post passes its origin, CSRF and storability checks: the
    checked post and where it was saved. None, with nothing written, for anything else, which
    then goes the usual way from the start (`checked_post`: the link first), so every refusal
    is answered as before."""
    params = request.path_params
    token = params["token"]
    known: Known | None = request.app.state.known.get(_assignment_id(params["assignment_id"]))
    if known is None or form.get("action") == "submit" or not token or len(token) > 200:
        return None
    if session.get_bind().dialect.name != "postgresql":  # SQLite's save is two statements
        return None
    rubric = request.app.state.rubrics.get(known.rubric)
    try:
        _check_origin(request)
        _check_form(request, form)
        seen = Seen.parse(_text(form, "seen") or "0.0")
    except (CrossSite, CsrfFailed, Unstorable, InvalidInput):
        return None
    if rubric is None:
        return None
    settings: Settings = request.app.state.settings
    now = utcnow()
    link = links.link_params(
        token, settings, request.app.state.throttle, security.client_key(request), now
    )
    data = ReviewInput.from_form(rubric, form)
    done = in_place.save_through_link(
        session,
        known,
        rubric,
        data,
        seen,
        link,
        source=ReviewSource.web.value,
        now=now,
        language=_lang(form),
        actor=reviewer_actor(known.reviewer_id),
    )
    if done is None:
        return None
    row, saved = done
    via = links.valid(row, token, settings, now)
    assert via is not None and via.id == known.id, "links.WRITABLE holds only where _valid does"
    post = _post(request, via, form)
    post.data = data
    return post, saved


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


ReviewerAssignment = Annotated[OpenedAssignment, Depends(reviewer_assignment)]


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


async def posted_form(request: Request) -> FormData:
    """The post's form, refused when another site's page sent it (its origin, then its CSRF
    token) and when it holds what cannot be stored."""
    _check_origin(request)
    form = await read_form(request)
    _check_form(request, form)
    return form


def _check_origin(request: Request) -> None:
    settings: Settings = request.app.state.settings
    if security.cross_site(request, settings.portal_base_url):
        raise CrossSite


async def read_form(request: Request) -> FormData:
    """The post's form as sent, nothing of it checked yet."""
    return await request.form(max_files=2, max_fields=200)


def _check_form(request: Request, form: FormData) -> None:
    if not security.csrf_ok(request, form):
        raise CsrfFailed
    if not _storable(form):
        raise Unstorable


PostedForm = Annotated[FormData, Depends(posted_form)]


async def reviewer_post(request: Request, session: SessionDep) -> ReviewerPost:
    """The link first, then the form: a bad link is a 404 whatever the form holds. One
    dependency, not a chain of them (see `_reviewer_assignment`)."""
    assignment = await _reviewer_assignment(request, session)
    form = await posted_form(request)
    return _post(request, assignment, form)


def checked_post(request: Request, session: Session, form: FormData) -> ReviewerPost:
    """`ReviewerPostDep` for a route that does all its work in one trip through the thread pool
    (`opened_here`), from its form as read (`read_form`), checked here in the dependency's
    order: the link (a bad one is a 404 whatever the form holds), the post's origin, its CSRF
    token, what cannot be stored."""
    assignment = opened_here(request, session)
    _check_origin(request)
    _check_form(request, form)
    return _post(request, assignment, form)


def _lang(form: FormData) -> str:
    raw_lang = form.get("lang")
    return pick_language(raw_lang if isinstance(raw_lang, str) else None, None)


def _post(request: Request, assignment: OpenedAssignment, form: FormData) -> ReviewerPost:
    post = ReviewerPost(
        token=request.path_params["token"],
        assignment=assignment,
        assignment_id=assignment.id,
        form=form,
        lang=_lang(form),
    )
    request.state.reviewer_post = post  # for the error handler, should the domain refuse it
    return post


ReviewerPostDep = Annotated[ReviewerPost, Depends(reviewer_post)]
