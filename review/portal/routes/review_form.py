"""Saving and submitting a review: from the web form, or as an uploaded Word form. A refused
save (invalid, stale, no longer editable) is raised by the domain and shown on the form page by
`review.portal.errors`."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from review import lifecycle, signals
from review.config import Settings
from review.i18n import translator
from review.portal.deps import (
    PagesDep,
    ReviewerPostDep,
    SessionDep,
    SettingsDep,
    checked_post,
    read_form,
    saved_through_link,
    statement_session,
)
from review.portal.posts import ReviewerPost
from review.portal.routes.reviewer import form_url
from review.reviewing import drafts, in_place, links, uploads
from review.reviewing.form import ReviewInput
from review.rubric import Rubric

router = APIRouter()


def _after_submission(
    request: Request, background: BackgroundTasks, post: ReviewerPost, settings: Settings
) -> None:
    # After the commit: the coordinator's notice goes out, and the plan's consolidation starts
    # when this was its last review.
    background.add_task(request.app.state.send_now, settings)
    background.add_task(signals.announce_in_background, settings, post.assignment.plan_id)


@router.post("/r/{token}/a/{assignment_id}/save")
async def save(request: Request, session: SessionDep, background: BackgroundTasks) -> Response:
    """The form's post (a draft save or the submission), the portal's most frequent: the form
    read here, everything else in one trip through the thread pool (`deps.checked_post`)."""
    form = await read_form(request)
    return await run_in_threadpool(_save, request, session, form, background)


def _save(
    request: Request, session: Session, form: FormData, background: BackgroundTasks
) -> Response:
    post, saved = _the_usual_draft_save(request, form)
    if saved is None:  # a submission or a stale save: in the request's transaction
        settings: Settings = request.app.state.settings
        rubrics: dict[str, Rubric] = request.app.state.rubrics
        seen = post.text("seen") or "0.0"
        data = post.data
        assert data is not None  # read from the form by `_the_usual_draft_save`
        if post.submits:
            lifecycle.submit(
                session,
                links.loaded(session, post.assignment),
                data,
                settings=settings,
                seen_revision=seen,
                actor=post.actor,
                rubrics=rubrics,
                language=post.lang,
            )
            _after_submission(request, background, post, settings)
        else:
            drafts.save_checked_draft(
                session,
                post.assignment,
                data,
                seen,
                actor=post.actor,
                rubrics=rubrics,
                language=post.lang,
            )
        session.commit()  # here, in the route's thread (see review.portal.deps)
    done = "submitted" if post.submits else "saved"
    url = form_url(post.token, post.assignment_id, post.lang, done=done)
    return RedirectResponse(url, status_code=303)


def _the_usual_draft_save(
    request: Request, form: FormData
) -> tuple[ReviewerPost, in_place.Saved | None]:
    """The post checked through its link and, when it is the usual draft save, saved (where to,
    else None): each statement on its own (`deps.statement_session`); on PostgreSQL, when this
    process opened the assignment before, the link's look-up and the save in one
    (`deps.saved_through_link`)."""
    rubrics: dict[str, Rubric] = request.app.state.rubrics
    with statement_session(request) as each_on_its_own:
        at_once = saved_through_link(request, each_on_its_own, form)
        if at_once is not None:
            post, saved = at_once
        else:
            post = checked_post(request, each_on_its_own, form)
            post.data = ReviewInput.from_form(rubrics[post.assignment.rubric], post.form)
            saved = None
            if not post.submits:
                saved = drafts.save_usual_draft(
                    each_on_its_own,
                    post.assignment,
                    post.data,
                    post.text("seen") or "0.0",
                    actor=post.actor,
                    rubrics=rubrics,
                    language=post.lang,
                )
        each_on_its_own.commit()  # SQLite's transaction (on PostgreSQL each was committed)
    return post, saved


@router.post("/r/{token}/a/{assignment_id}/word")
def word_upload(
    request: Request,
    post: ReviewerPostDep,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    background: BackgroundTasks,
) -> Response:
    """A filled-in Word form, saved as a draft or submitted."""
    post.error_field = "upload"
    upload = post.file("file")
    if upload is None:
        return pages.form(
            request,
            session,
            post.token,
            post.assignment_id,
            post.lang,
            status=422,
            upload_error=translator(post.lang).gettext("Please choose a file."),
        )
    uploads.apply_word_form(
        session,
        settings,
        links.loaded(session, post.assignment),
        upload.file.read(),
        submit=post.submits,
        actor=post.actor,
        language=post.lang,
    )
    session.commit()  # here, in the route's thread (see review.portal.deps)
    if post.submits:
        _after_submission(request, background, post, settings)
    done = "uploaded_submit" if post.submits else "uploaded_draft"
    url = form_url(post.token, post.assignment_id, post.lang, done=done)
    return RedirectResponse(url, status_code=303)
