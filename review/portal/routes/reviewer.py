"""A reviewer's pages: the list of their assignments, an assignment's form, its findings."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from review.models import saved_id
from review.portal.deps import (
    PagesDep,
    ReviewerAssignment,
    ReviewerLink,
    RubricsDep,
    SessionDep,
    opened_here,
    statement_session,
)
from review.portal.pages import Pages, finding_view, request_lang
from review.reviewing import drafts, links

router = APIRouter()


def form_url(token: str, assignment_id: int, lang: str, **query: str) -> str:
    extra = "".join(f"&{k}={v}" for k, v in query.items())
    return f"/r/{token}/a/{assignment_id}?lang={lang}{extra}"


@router.get("/r/{token}")
def overview(
    request: Request,
    token: str,
    via: ReviewerLink,
    session: SessionDep,
    pages: PagesDep,
    rubrics: RubricsDep,
) -> Response:
    """Every assignment the reviewer's link opens; a single one goes straight to its form."""
    views = [drafts.view(session, a) for a in links.own_assignments(session, via)]
    reviewer = drafts.view(session, links.loaded(session, via)).reviewer
    lang = request_lang(request, reviewer.language)
    if len(views) == 1:
        url = form_url(token, saved_id(views[0].assignment), lang)
        return RedirectResponse(url, status_code=303)
    return pages.render(
        request, "assignments.html", lang, token=token, views=views, rubrics=rubrics
    )


@router.get("/r/{token}/a/{assignment_id}")
async def show(request: Request, token: str) -> Response:
    """The form page (shown after every save): in one trip through the thread pool."""
    return await run_in_threadpool(_show, request, token)


def _show(request: Request, token: str) -> Response:
    # Reads only, each statement on its own (`deps.statement_session`: no BEGIN and COMMIT
    # round trips on PostgreSQL, whose READ COMMITTED gives each statement its own snapshot
    # inside a transaction too).
    with statement_session(request) as session:
        assignment = opened_here(request, session)
        pages: Pages = request.app.state.pages
        page = pages.form(request, session, token, assignment.id)
        session.commit()  # SQLite's read ends here, in the route's thread (deps)
    return page


@router.get("/r/{token}/a/{assignment_id}/findings")
def findings(
    request: Request,
    token: str,
    assignment: ReviewerAssignment,
    session: SessionDep,
    pages: PagesDep,
) -> Response:
    """The intake's automatic hints on the plan's newest document."""
    v = drafts.view(session, links.loaded(session, assignment))
    lang = request_lang(request, v.reviewer.language)
    items = [finding_view(f, lang) for f in v.hints()]
    a = v.assignment
    return pages.render(request, "findings.html", lang, token=token, v=v, a=a, items=items)
