"""A municipality's plan upload through its own link: the versions handed in so far, and a new
file taken in by the intake (read, checked, registered, receipted)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, BackgroundTasks
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from review.exchange.reply_page import reply_open_until
from review.i18n import pick_language, translator
from review.intake.problems import problem_in
from review.portal.deps import MunicipalityLink, PagesDep, PostedForm, SessionDep, SettingsDep
from review.portal.pages import finding_view, request_lang
from review.reviewing import uploads

router = APIRouter()


@router.get("/m/{token}")
def upload_form(
    request: Request,
    token: str,
    municipality: MunicipalityLink,
    session: SessionDep,
    pages: PagesDep,
) -> Response:
    lang = request_lang(request, municipality.language)
    documents = uploads.municipality_documents(session, municipality)
    reply_due = reply_open_until(session, municipality)
    return pages.upload(
        request, token, municipality, lang, documents=documents, reply_due=reply_due
    )


@router.post("/m/{token}")
def upload_plan(
    request: Request,
    token: str,
    municipality: MunicipalityLink,
    form: PostedForm,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
    background: BackgroundTasks,
) -> Response:
    raw_lang, upload = form.get("lang"), form.get("file")
    lang = pick_language(raw_lang if isinstance(raw_lang, str) else None, municipality.language)
    if not isinstance(upload, UploadFile) or not upload.filename:
        documents = uploads.municipality_documents(session, municipality)
        error = translator(lang).gettext("Please choose a file.")
        return pages.upload(
            request,
            token,
            municipality,
            lang,
            422,
            documents=documents,
            error=error,
            reply_due=reply_open_until(session, municipality),
        )
    file_name = Path(upload.filename).name[:200]
    outcome = uploads.receive_plan(session, settings, municipality, upload.file.read(), file_name)
    if outcome.taken_in:
        background.add_task(request.app.state.send_now, settings)  # the receipt
    documents = uploads.municipality_documents(session, municipality)
    items = [finding_view(f, lang) for f in outcome.findings]
    problems = [problem_in(p, lang) for p in outcome.problems] if outcome.taken_in else []
    status = 200 if outcome.taken_in else 422
    return pages.upload(
        request,
        token,
        municipality,
        lang,
        status,
        documents=documents,
        outcome=outcome,
        items=items,
        problems=problems,
        reply_due=reply_open_until(session, municipality),
    )
