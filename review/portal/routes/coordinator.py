"""The coordinator's round page (`/c/{token}`), opened through a personal coordinator link
(review.coordinator.access): where each plan and reviewer stands, the intake's findings, every
document of the round to download, and the local mailbox's messages of the round. Pages are in
the round's language unless `?lang=` asks for another."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from review import storage
from review.coordinator import mailbox
from review.coordinator.round_page import LINK_STATES, output_folder, round_page
from review.errors import InvalidInput, NotFound
from review.portal.deps import CoordinatorRound, PagesDep, SessionDep, SettingsDep
from review.portal.pages import finding_view, request_lang
from review.progress_report import PLAN_STATES

router = APIRouter()


@router.get("/c/{token}")
def show_round(
    request: Request,
    token: str,
    round_: CoordinatorRound,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    lang = request_lang(request, round_.language)
    page = round_page(session, settings, round_)
    findings = {p.plan_id: [finding_view(f, lang) for f in p.findings] for p in page.plans}
    return pages.render(
        request,
        "round.html",
        lang,
        token=token,
        page=page,
        findings=findings,
        mail=mailbox.round_mail(session, settings, round_),
        done=request.query_params.get("done", ""),
        plan_states=PLAN_STATES,
        link_states=LINK_STATES,
        controls=False,
    )


@router.get("/c/{token}/files/{folder}/{name}")
def download(
    token: str, folder: str, name: str, round_: CoordinatorRound, settings: SettingsDep
) -> Response:
    """A document of the round: a plan's edition, the summary, an export, a PDF copy."""
    try:
        path = storage.open_output(output_folder(settings, round_), f"{folder}/{name}")
    except InvalidInput:
        raise HTTPException(404) from None
    media = storage.OUTPUT_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(path, media_type=media, filename=path.name)


@router.get("/c/{token}/mail/{name}")
def mail(
    request: Request,
    token: str,
    name: str,
    round_: CoordinatorRound,
    session: SessionDep,
    settings: SettingsDep,
    pages: PagesDep,
) -> Response:
    """One message of the round in the local mailbox, as text."""
    lang = request_lang(request, round_.language)
    try:
        message = mailbox.read_mail(session, settings, round_, name)
    except NotFound:
        raise HTTPException(404) from None
    return pages.render(request, "mail.html", lang, token=token, round=round_, m=message)
