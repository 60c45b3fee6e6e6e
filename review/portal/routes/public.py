"""Routes without a link: they show nothing of any round."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from review.portal.deps import PagesDep
from review.portal.pages import INVALID_LINK, PORTAL, PORTAL_TEMPLATES, request_lang

router = APIRouter()


@router.get("/healthz")
async def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/static/portal.css")
async def stylesheet() -> Response:
    return Response((PORTAL_TEMPLATES / "portal.css").read_bytes(), media_type="text/css")


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, pages: PagesDep) -> Response:
    lang = request_lang(request)
    return pages.message(request, lang, 200, PORTAL, INVALID_LINK)
