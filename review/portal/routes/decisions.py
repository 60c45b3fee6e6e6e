"""Accepting or declining an invitation."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from review import lifecycle
from review.i18n import N_
from review.portal.deps import PagesDep, ReviewerPostDep, SessionDep, SettingsDep
from review.portal.routes.reviewer import form_url
from review.reviewing import links

router = APIRouter()


@router.post("/r/{token}/a/{assignment_id}/accept")
def accept(
    request: Request,
    post: ReviewerPostDep,
    session: SessionDep,
    settings: SettingsDep,
    background: BackgroundTasks,
) -> Response:
    assignment = links.loaded(session, post.assignment)
    lifecycle.accept(session, settings, assignment, actor=post.actor)
    background.add_task(request.app.state.send_now, settings)
    url = form_url(post.token, post.assignment_id, post.lang, done="accepted")
    return RedirectResponse(url, status_code=303)


@router.post("/r/{token}/a/{assignment_id}/decline")
def decline(
    request: Request,
    post: ReviewerPostDep,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    background: BackgroundTasks,
) -> Response:
    """Declining ends the link; the coordinator is told and a replacement invited."""
    post.error_field = "reason"
    assignment = links.loaded(session, post.assignment)
    lifecycle.decline(session, settings, assignment, post.text("reason"), actor=post.actor)
    background.add_task(request.app.state.send_now, settings)
    lang = post.lang
    return pages.message(
        request,
        lang,
        200,
        N_("You have declined"),
        N_(
            "Thank you for letting us know. The coordinator has been told and will find a "
            "replacement. This link no longer works."
        ),
    )
