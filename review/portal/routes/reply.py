"""A municipality's reply to its draft review on its own link (`/m/{token}/reply`, #16): the
draft per criterion and a form for a correction of fact or a comment; refused after the reply
deadline (review.exchange.replies)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from review import storage
from review.config import Settings
from review.errors import InvalidInput
from review.exchange.draft import KINDS, DraftFiles, draft_files, open_draft
from review.exchange.replies import submit_reply
from review.exchange.reply_page import draft_view, municipality_plan
from review.i18n import pick_language, translator
from review.models import Municipality
from review.portal.deps import MunicipalityLink, PagesDep, PostedForm, SessionDep, SettingsDep
from review.portal.pages import request_lang, safe_download_name, say

router = APIRouter()


def _field(form: PostedForm, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.get("/m/{token}/reply")
def reply_form(
    request: Request,
    token: str,
    municipality: MunicipalityLink,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    lang = request_lang(request, municipality.language)
    view = draft_view(session, municipality, lang)
    files = _draft_files(request, session, settings, municipality)
    return pages.render(
        request, "reply.html", lang, token=token, m=municipality, view=view, files=files
    )


def _draft_files(
    request: Request, session: Session, settings: Settings, municipality: Municipality
) -> DraftFiles | None:
    """What of the draft is there; a lost draft is being written again from now on (after this
    request, in the background: review.exchange.draft_restore), and the page says so."""
    files = draft_files(session, settings, municipality)
    if files is not None and files.lost:
        request.app.state.restore_draft(settings, files.plan_id)
    return files


@router.get("/m/{token}/draft.{kind}")
def draft_download(
    request: Request,
    token: str,
    kind: str,
    municipality: MunicipalityLink,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The draft of the link's municipality's own plan (its edition: no reviewer named in a
    blind round); there is no way to ask for another plan's. A lost draft: back to the reply
    page, which says it is being written again."""
    suffix = f".{kind}"
    if suffix not in KINDS:
        raise HTTPException(404)
    files = _draft_files(request, session, settings, municipality)
    if files is not None and files.lost:
        lang = request_lang(request, municipality.language)
        return RedirectResponse(f"/m/{token}/reply?lang={lang}#draft", status_code=303)
    try:
        path = open_draft(session, settings, municipality, suffix)
    except InvalidInput:  # no plan, not written yet, no current PDF copy
        raise HTTPException(404) from None
    name = safe_download_name(f"draft {municipality.name}", suffix)
    return FileResponse(path, media_type=storage.OUTPUT_TYPES[suffix], filename=name)


@router.post("/m/{token}/reply")
def post_reply(
    request: Request,
    token: str,
    municipality: MunicipalityLink,
    form: PostedForm,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    lang = pick_language(_field(form, "lang") or None, municipality.language)
    plan = municipality_plan(session, municipality)
    error, status = "", 200
    if plan is None:
        error = translator(lang).gettext("Your municipality has no plan in this round yet.")
        status = 404
    else:
        try:
            submit_reply(
                session,
                plan,
                rubric_id=_field(form, "rubric"),
                criterion_id=_field(form, "criterion"),
                kind=_field(form, "kind"),
                text=_field(form, "text"),
            )
            session.commit()
        except InvalidInput as exc:  # the deadline passed, an empty reply, ...: said on the page
            session.rollback()
            error, status = say(exc, lang), 422
    view = draft_view(session, municipality, lang)
    return pages.render(
        request,
        "reply.html",
        lang,
        status,
        token=token,
        m=municipality,
        view=view,
        files=_draft_files(request, session, settings, municipality),
        error=error,
        saved=not error,
    )
