"""The reviewer portal: a FastAPI app built by `create_app(settings)` (nothing at import time).

Reviewers open `/r/{token}`, municipalities `/m/{token}`. Routes check the link, the CSRF token
and the form, then call the domain (`review.reviewing`, `review.documents.word_form`,
`review.intake`); they hold no SQL and no rules of their own. Every answer carries the security
headers; errors never show a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from review import reviewing, signals
from review.config import Settings
from review.db import get_engine, session_scope
from review.documents import word_form
from review.errors import PeerplanError
from review.models import Assignment, Municipality
from review.notify import outbox
from review.paths import TEMPLATES_DIR
from review.portal import security
from review.portal.texts import TEXTS, pick_language
from review.rubric import Rubric, load_rubrics
from review.states import IllegalTransition, StaleVersion

log = logging.getLogger("peerplan.portal")
T = TypeVar("T")
PORTAL_TEMPLATES = TEMPLATES_DIR / "portal"
#: Room for the form fields around an uploaded file.
FORM_OVERHEAD = 256 * 1024


class Denied(Exception):
    """The link is unknown, expired or revoked, or opens nothing of this reviewer's."""


class CsrfFailed(Exception):
    """A form came without the CSRF token of the browser's cookie."""


class Locked(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(PORTAL_TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def safe_download_name(stem: str, suffix: str) -> str:
    """An ASCII file name for Content-Disposition, never taken from an uploaded name."""
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-")[:60] or "file"
    return f"{slug}{suffix}"


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="peerplan portal", docs_url=None, redoc_url=None, openapi_url=None)
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, security.RedactTokens) for f in access_log.filters):
        access_log.addFilter(security.RedactTokens())  # link tokens never reach a log
    engine = get_engine(settings)
    rubrics: dict[str, Rubric] = load_rubrics()
    env = _environment()
    throttle = security.Throttle()
    app.state.settings, app.state.throttle, app.state.rubrics = settings, throttle, rubrics
    max_mb = max(1, settings.max_upload_bytes // (1024 * 1024))

    # Messages queued by a request (receipts, the replacement's invitation) go out right after
    # it commits, in a background sender; tests without an SMTP server swap this out.
    app.state.send_now = outbox.deliver_in_background

    def send_now() -> None:
        app.state.send_now(settings)

    # ------------------------------------------------------------------ helpers

    def db(fn: Callable[..., T], *args: Any, **kw: Any) -> Any:
        """Run `fn(session, ...)` in its own transaction, in a worker thread."""

        def work() -> T:
            with session_scope(engine) as session:
                return fn(session, *args, **kw)

        return run_in_threadpool(work)

    def render(
        request: Request, name: str, lang: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        t = TEXTS[lang]
        html = env.get_template(name).render(
            t=t,
            lang=lang,
            other=("en" if lang == "de" else "de"),
            csrf=security.csrf_token(request),
            request_path=request.url.path,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        security.set_csrf_cookie(request, response)
        return response

    def message_page(
        request: Request, lang: str, status: int, title_key: str, text: str
    ) -> HTMLResponse:
        return render(
            request, "message.html", lang, status, title=TEXTS[lang][title_key], text=text
        )

    def request_lang(request: Request, default: str | None = None) -> str:
        return pick_language(request.query_params.get("lang"), default)

    async def check_client(request: Request) -> None:
        seconds = throttle.locked_for(security.client_key(request))
        if seconds:
            raise Locked(seconds)

    async def bad_token(request: Request) -> None:
        delay = throttle.fail(security.client_key(request))
        if delay:
            await asyncio.sleep(delay)
        raise Denied

    async def open_assignment(
        request: Request, token: str, assignment_id: int | None = None
    ) -> Assignment:
        """The assignment a reviewer's link opens, or Denied (counted as a bad try)."""
        await check_client(request)

        def find(session):
            via = reviewing.assignment_for_token(session, token, settings)
            if via is None or assignment_id is None:
                return via
            return reviewing.own_assignment(session, via, assignment_id)

        assignment = await db(find)
        if assignment is None:
            await bad_token(request)
        return assignment

    async def read_form(request: Request) -> Any:
        form = await request.form(max_files=2, max_fields=200)
        if not security.csrf_ok(request, form):
            raise CsrfFailed
        return form

    def page_url(token: str, assignment_id: int, lang: str, **query: str) -> str:
        extra = "".join(f"&{k}={v}" for k, v in query.items())
        return f"/r/{token}/a/{assignment_id}?lang={lang}{extra}"

    # ------------------------------------------------------------------ errors

    @app.exception_handler(Denied)
    async def denied(request: Request, _exc: Denied) -> Response:
        lang = request_lang(request)
        return message_page(request, lang, 404, "invalid_link_title", TEXTS[lang]["invalid_link"])

    @app.exception_handler(Locked)
    async def locked(request: Request, exc: Locked) -> Response:
        lang = request_lang(request)
        minutes = max(1, round(exc.seconds / 60))
        response = message_page(
            request, lang, 429, "locked_title", TEXTS[lang]["locked"].format(minutes=minutes)
        )
        response.headers["Retry-After"] = str(int(exc.seconds) + 1)
        return response

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        lang = request_lang(request)
        return message_page(request, lang, 403, "csrf_title", TEXTS[lang]["csrf"])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = request_lang(request)
        if exc.status_code == 404:
            return message_page(
                request, lang, 404, "invalid_link_title", TEXTS[lang]["invalid_link"]
            )
        return PlainTextResponse(str(exc.detail), status_code=exc.status_code)

    def error_page(scope: dict) -> Response:
        query = dict(
            p.split("=", 1) for p in scope.get("query_string", b"").decode().split("&") if "=" in p
        )
        lang = pick_language(query.get("lang"), None)
        html = env.get_template("message.html").render(
            t=TEXTS[lang],
            lang=lang,
            other="en",
            csrf="",
            title=TEXTS[lang]["error_title"],
            text=TEXTS[lang]["error"],
            request_path="",
        )
        return HTMLResponse(html, status_code=500)

    def too_large() -> Response:
        return PlainTextResponse(
            f"{TEXTS['de']['too_large'].format(mb=max_mb)}\n{TEXTS['en']['too_large'].format(mb=max_mb)}",
            status_code=413,
        )

    # ------------------------------------------------------------------ plain routes

    @app.get("/healthz")
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/static/portal.css")
    async def stylesheet() -> Response:
        return Response((PORTAL_TEMPLATES / "portal.css").read_bytes(), media_type="text/css")

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        lang = request_lang(request)
        return message_page(request, lang, 200, "portal", TEXTS[lang]["invalid_link"])

    # ------------------------------------------------------------------ reviewer routes

    @app.get("/r/{token}")
    async def overview(request: Request, token: str) -> Response:
        via = await open_assignment(request, token)

        def load(session):
            own = reviewing.own_assignments(session, via)
            return [reviewing.view(session, a) for a in own], reviewing.view(session, via).reviewer

        views, reviewer = await db(load)
        lang = request_lang(request, reviewer.language)
        if len(views) == 1:
            return RedirectResponse(page_url(token, views[0].assignment.id, lang), status_code=303)
        return render(request, "assignments.html", lang, token=token, views=views, rubrics=rubrics)

    async def form_page(
        request: Request,
        token: str,
        assignment: Assignment,
        lang: str | None = None,
        *,
        status: int = 200,
        data: reviewing.ReviewInput | None = None,
        errors: dict[str, str] | None = None,
        stale: reviewing.StaleSave | None = None,
        upload_error: str | None = None,
        upload_errors: dict[str, str] | None = None,
    ) -> Response:
        def load(session):
            fresh = session.get(Assignment, assignment.id)
            return (
                reviewing.view(session, fresh),
                reviewing.form_state(session, fresh),
                [r for r in reviewing.reviews(session, fresh) if r.status == "submitted"],
            )

        v, state, submitted = await db(load)
        lang = lang or request_lang(request, v.reviewer.language)
        rubric = rubrics[assignment.rubric]
        seen = stale.stored if (stale and stale.stored) else state.seen
        return render(
            request,
            "form.html",
            lang,
            status,
            token=token,
            v=v,
            a=v.assignment,
            rubric=rubric,
            state=state,
            data=data or state.data,
            submitted=submitted,
            errors=errors or {},
            stale=stale,
            seen=str(seen),
            done=request.query_params.get("done", ""),
            eligibility=reviewing.ELIGIBILITY,
            upload_error=upload_error,
            upload_errors=upload_errors or {},
            edit_deadline=reviewing.edit_deadline(v.round, assignment).date().isoformat(),
            field_labels=_field_labels(rubric, lang),
            score_of=_score_of,
        )

    @app.get("/r/{token}/a/{assignment_id}")
    async def show(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        return await form_page(request, token, assignment)

    @app.post("/r/{token}/a/{assignment_id}/save")
    async def save(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        form = await read_form(request)
        lang = pick_language(form.get("lang"), None)
        rubric = rubrics[assignment.rubric]
        data = reviewing.ReviewInput.from_form(rubric, form)
        final = form.get("action") == "submit"
        seen = str(form.get("seen") or "0.0")

        def store(session):
            a = session.get(Assignment, assignment.id)
            if final:
                return reviewing.submit(
                    session,
                    a,
                    data,
                    settings=settings,
                    seen_revision=seen,
                    actor=f"reviewer:{a.reviewer_id}",
                    rubrics=rubrics,
                    language=lang,
                )
            return reviewing.save_draft(
                session,
                a,
                data,
                seen_revision=seen,
                actor=f"reviewer:{a.reviewer_id}",
                rubrics=rubrics,
                language=lang,
            )

        try:
            await db(store)
        except reviewing.InvalidReview as exc:
            return await form_page(
                request, token, assignment, lang, status=422, data=data, errors=exc.errors
            )
        except reviewing.StaleSave as exc:
            return await form_page(
                request, token, assignment, lang, status=409, data=data, stale=exc
            )
        except PeerplanError as exc:
            return await form_page(
                request,
                token,
                assignment,
                lang,
                status=409,
                data=data,
                errors={"form": say(exc, lang)},
            )
        except (StaleVersion, IllegalTransition):
            return await form_page(
                request,
                token,
                assignment,
                lang,
                status=409,
                data=data,
                errors={"form": TEXTS[lang]["changed"]},
            )
        if final:
            send_now()
            signals.announce_in_background(settings, assignment.plan_id)
        done = "submitted" if final else "saved"
        return RedirectResponse(page_url(token, assignment.id, lang, done=done), status_code=303)

    @app.post("/r/{token}/a/{assignment_id}/accept")
    async def accept(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        form = await read_form(request)
        lang = pick_language(form.get("lang"), None)

        def work(session):
            a = session.get(Assignment, assignment.id)
            reviewing.accept(session, settings, a, actor=f"reviewer:{a.reviewer_id}")

        try:
            await db(work)
        except PeerplanError as exc:
            return await form_page(
                request, token, assignment, lang, status=409, errors={"form": say(exc, lang)}
            )
        except (StaleVersion, IllegalTransition):
            return await form_page(
                request,
                token,
                assignment,
                lang,
                status=409,
                errors={"form": TEXTS[lang]["changed"]},
            )
        send_now()
        return RedirectResponse(
            page_url(token, assignment.id, lang, done="accepted"), status_code=303
        )

    @app.post("/r/{token}/a/{assignment_id}/decline")
    async def decline(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        form = await read_form(request)
        lang = pick_language(form.get("lang"), None)
        reason = form.get("reason") if isinstance(form.get("reason"), str) else ""

        def work(session):
            a = session.get(Assignment, assignment.id)
            reviewing.decline(session, settings, a, reason, actor=f"reviewer:{a.reviewer_id}")

        try:
            await db(work)
        except PeerplanError as exc:
            return await form_page(
                request, token, assignment, lang, status=422, errors={"reason": say(exc, lang)}
            )
        except (StaleVersion, IllegalTransition):
            return await form_page(
                request,
                token,
                assignment,
                lang,
                status=409,
                errors={"form": TEXTS[lang]["changed"]},
            )
        send_now()  # the coordinator's notice and the replacement's invitation
        return message_page(request, lang, 200, "declined_title", TEXTS[lang]["declined_text"])

    @app.get("/r/{token}/a/{assignment_id}/plan")
    async def plan_document(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        v = await db(reviewing.view, assignment)
        if v.document is None:
            raise StarletteHTTPException(404)
        files = settings.files_dir.resolve()
        path = (files / v.document.stored_path).resolve()
        if not path.is_relative_to(files) or not path.is_file():
            raise StarletteHTTPException(404)
        known = {"application/pdf": ".pdf", word_form.MEDIA_TYPE: ".docx"}
        media = (
            v.document.media_type if v.document.media_type in known else "application/octet-stream"
        )
        name = safe_download_name(
            f"plan {v.municipality.name} v{v.document.version}", known.get(media, ".bin")
        )
        data = await run_in_threadpool(path.read_bytes)
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/r/{token}/a/{assignment_id}/findings")
    async def findings(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        v = await db(reviewing.view, assignment)
        lang = request_lang(request, v.reviewer.language)
        items = [_finding_view(f, lang) for f in (v.document.findings if v.document else [])]
        return render(request, "findings.html", lang, token=token, v=v, a=assignment, items=items)

    @app.get("/r/{token}/a/{assignment_id}/word")
    async def word_download(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        v = await db(reviewing.view, assignment)
        lang = request_lang(request, v.reviewer.language)
        data = await db(
            lambda s: word_form.build_word_form(s, settings, s.get(Assignment, assignment.id), lang)
        )
        name = safe_download_name(
            f"review form {v.municipality.name} {assignment.rubric} {lang}", ".docx"
        )
        return Response(
            data,
            media_type=word_form.MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.post("/r/{token}/a/{assignment_id}/word")
    async def word_upload(request: Request, token: str, assignment_id: int) -> Response:
        assignment = await open_assignment(request, token, assignment_id)
        form = await read_form(request)
        lang = pick_language(form.get("lang"), None)
        upload = form.get("file")
        final = form.get("action") == "submit"
        if upload is None or isinstance(upload, str):
            return await form_page(
                request, token, assignment, lang, status=422, upload_error=TEXTS[lang]["no_file"]
            )
        data = await upload.read()

        def store(session):
            a = session.get(Assignment, assignment.id)
            return word_form.apply_word_form(
                session,
                settings,
                a,
                data,
                submit=final,
                actor=f"reviewer:{a.reviewer_id}",
                language=lang,
            )

        try:
            await db(store)
        except reviewing.InvalidReview as exc:
            return await form_page(
                request,
                token,
                assignment,
                lang,
                status=422,
                upload_errors=exc.errors,
                upload_error=TEXTS[lang]["upload_error"],
            )
        except reviewing.StaleSave as exc:
            return await form_page(
                request, token, assignment, lang, status=409, stale=exc, upload_error=say(exc, lang)
            )
        except PeerplanError as exc:
            return await form_page(
                request, token, assignment, lang, status=422, upload_error=say(exc, lang)
            )
        except (StaleVersion, IllegalTransition):
            return await form_page(
                request, token, assignment, lang, status=409, upload_error=TEXTS[lang]["changed"]
            )
        if final:
            send_now()
            signals.announce_in_background(settings, assignment.plan_id)
        done = "uploaded_submit" if final else "uploaded_draft"
        return RedirectResponse(page_url(token, assignment.id, lang, done=done), status_code=303)

    # ------------------------------------------------------------------ municipality routes

    async def open_municipality(request: Request, token: str) -> Municipality:
        await check_client(request)
        municipality = await db(reviewing.municipality_for_token, token)
        if municipality is None:
            await bad_token(request)
        return municipality

    def upload_page(
        request: Request,
        token: str,
        municipality: Municipality,
        lang: str,
        status: int = 200,
        **context: Any,
    ) -> Response:
        return render(
            request,
            "upload.html",
            lang,
            status,
            token=token,
            m=municipality,
            max_mb=max_mb,
            **context,
        )

    @app.get("/m/{token}")
    async def upload_form(request: Request, token: str) -> Response:
        municipality = await open_municipality(request, token)
        lang = request_lang(request, municipality.language)
        documents = await db(reviewing.municipality_documents, municipality)
        return upload_page(request, token, municipality, lang, documents=documents)

    @app.post("/m/{token}")
    async def upload_plan(request: Request, token: str) -> Response:
        municipality = await open_municipality(request, token)
        form = await read_form(request)
        lang = pick_language(form.get("lang"), municipality.language)
        upload = form.get("file")
        if upload is None or isinstance(upload, str) or not upload.filename:
            documents = await db(reviewing.municipality_documents, municipality)
            return upload_page(
                request,
                token,
                municipality,
                lang,
                422,
                documents=documents,
                error=TEXTS[lang]["no_file"],
            )
        data = await upload.read()
        file_name = Path(upload.filename or "plan").name[:200]
        outcome = await db(reviewing.receive_plan, settings, municipality, data, file_name)
        if outcome.taken_in:
            send_now()
        documents = await db(reviewing.municipality_documents, municipality)
        items = [_finding_view(f, lang) for f in outcome.findings]
        return upload_page(
            request,
            token,
            municipality,
            lang,
            200 if outcome.taken_in else 422,
            documents=documents,
            outcome=outcome,
            items=items,
        )

    app.add_middleware(
        security.PortalMiddleware,
        max_body=settings.max_upload_bytes + FORM_OVERHEAD,
        too_large=too_large,
        error_page=error_page,
    )
    return app


# ---------------------------------------------------------------------- presentation helpers


def say(exc: Exception, lang: str) -> str:
    """A user error's message in the page's language."""
    return exc.text(lang) if isinstance(exc, reviewing.Bilingual) else str(exc)


def _field_labels(rubric: Rubric, lang: str) -> dict[str, str]:
    t = TEXTS[lang]
    labels: dict[str, str] = {}
    for c in rubric.criteria:
        labels[f"score-{c.id}"] = f"{c.id} {c.title(lang)}: {t['scale']}"
        labels[f"comment-{c.id}"] = f"{c.id} {c.title(lang)}: {t['comment']}"
    for key, label in reviewing.ELIGIBILITY.items():
        labels[f"elig-{key}"] = label(lang)
    for name in reviewing.OVERALL_FIELDS:
        labels[name] = t[name]
    labels["reason"] = t["decline_reason"]
    labels["form"] = t["form_title"]
    return labels


def _score_of(data: reviewing.ReviewInput, criterion_id: str) -> str:
    return reviewing.normalise_score(data.scores.get(criterion_id, ""))


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("de") or "")
    return "" if value is None else str(value)


def _finding_view(finding: dict[str, Any], lang: str) -> dict[str, Any]:
    """A finding as the page shows it, read tolerantly (the intake owns the format)."""
    evidence = finding.get("evidence") or []
    if isinstance(evidence, dict):
        evidence = [evidence]
    refs = []
    for item in evidence if isinstance(evidence, list) else []:
        if isinstance(item, dict):
            refs.append(
                {
                    "page": item.get("page"),
                    "paragraph": item.get("paragraph"),
                    "snippet": _text(item.get("snippet"), lang),
                }
            )
    if not refs and (finding.get("page") or finding.get("snippet")):
        refs.append(
            {
                "page": finding.get("page"),
                "paragraph": finding.get("paragraph"),
                "snippet": _text(finding.get("snippet"), lang),
            }
        )
    present = finding.get("present")
    return {
        "label": _text(
            finding.get("label") or finding.get("message") or finding.get("check"), lang
        ),
        "present": present if isinstance(present, bool) else None,
        "refs": refs,
        "note": _text(finding.get("note"), lang),
    }
