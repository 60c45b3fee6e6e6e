"""Files a reviewer downloads: the plan's newest document and the Word review form."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from review import storage
from review.documents import word_form
from review.errors import InvalidInput
from review.portal.deps import ReviewerAssignment, SessionDep, SettingsDep
from review.portal.pages import request_lang, safe_download_name
from review.reviewing import drafts, links, offline

router = APIRouter()
#: What a plan may be served as; anything else is a download of unknown type.
PLAN_TYPES = {"application/pdf": ".pdf", word_form.MEDIA_TYPE: ".docx"}


@router.get("/r/{token}/a/{assignment_id}/plan")
def plan_document(
    assignment: ReviewerAssignment, session: SessionDep, settings: SettingsDep
) -> Response:
    v = drafts.view(session, links.loaded(session, assignment))
    if v.document is None:
        raise HTTPException(404)
    try:
        path = storage.open_stored(settings, v.document.stored_path)
    except InvalidInput:  # not a store name, or the file is gone
        raise HTTPException(404) from None
    media = v.document.media_type
    if media not in PLAN_TYPES:
        media = "application/octet-stream"
    name = safe_download_name(
        f"plan {v.municipality.name} v{v.document.version}", PLAN_TYPES.get(media, ".bin")
    )
    return FileResponse(path, media_type=media, filename=name)


@router.get("/r/{token}/a/{assignment_id}/word")
def word_download(
    request: Request, assignment: ReviewerAssignment, session: SessionDep, settings: SettingsDep
) -> Response:
    """The Word review form of the assignment, filled in with what is saved."""
    v = drafts.view(session, links.loaded(session, assignment))
    lang = request_lang(request, v.reviewer.language)
    data = offline.build_word_form(session, v.assignment, lang)
    name = safe_download_name(
        f"review form {v.municipality.name} {assignment.rubric} {lang}", ".docx"
    )
    return Response(
        data,
        media_type=word_form.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
