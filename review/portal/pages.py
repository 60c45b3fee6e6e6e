"""The portal's pages: one Jinja environment, and the pages more than one route (or the error
handler) shows. Reading what a page needs goes through the domain (`review.reviewing`); this
module only arranges it for the templates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from review import reviewing
from review.models import Municipality
from review.paths import TEMPLATES_DIR
from review.portal import security
from review.portal.texts import TEXTS, pick_language
from review.rubric import Rubric

PORTAL_TEMPLATES = TEMPLATES_DIR / "portal"


def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(PORTAL_TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def request_lang(request: Request, default: str | None = None) -> str:
    """The page's language: `?lang=`, else the person's own, else German."""
    return pick_language(request.query_params.get("lang"), default)


def say(exc: Exception, lang: str) -> str:
    """A user error's message in the page's language."""
    return exc.text(lang) if isinstance(exc, reviewing.Bilingual) else str(exc)


@dataclass
class Pages:
    """Renders the portal's templates; created once per app by `create_app`."""

    env: Environment
    rubrics: dict[str, Rubric]
    max_mb: int

    def render(
        self, request: Request, name: str, lang: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        html = self.env.get_template(name).render(
            t=TEXTS[lang],
            lang=lang,
            other=("en" if lang == "de" else "de"),
            csrf=security.csrf_token(request),
            request_path=request.url.path,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        security.set_csrf_cookie(request, response)
        return response

    def message(
        self, request: Request, lang: str, status: int, title_key: str, text: str
    ) -> HTMLResponse:
        return self.render(
            request, "message.html", lang, status, title=TEXTS[lang][title_key], text=text
        )

    def form(
        self,
        request: Request,
        session: Session,
        token: str,
        assignment_id: int,
        lang: str | None = None,
        *,
        status: int = 200,
        data: reviewing.ReviewInput | None = None,
        errors: dict[str, str] | None = None,
        stale: reviewing.StaleSave | None = None,
        upload_error: str | None = None,
        upload_errors: dict[str, str] | None = None,
    ) -> Response:
        """An assignment's form page as it is stored now, with the reviewer's refused input
        (`data`) and what was wrong with it, when there is any."""
        page = reviewing.form_page(session, assignment_id)
        lang = lang or request_lang(request, page.view.reviewer.language)
        assignment = page.view.assignment
        rubric = self.rubrics[assignment.rubric]
        seen = stale.stored if (stale and stale.stored) else page.state.seen
        return self.render(
            request,
            "form.html",
            lang,
            status,
            token=token,
            v=page.view,
            a=assignment,
            rubric=rubric,
            state=page.state,
            data=data or page.state.data,
            submitted=page.submitted,
            errors=errors or {},
            stale=stale,
            seen=str(seen),
            done=request.query_params.get("done", ""),
            eligibility=reviewing.ELIGIBILITY,
            upload_error=upload_error,
            upload_errors=upload_errors or {},
            edit_deadline=reviewing.edit_deadline(page.view.round, assignment).date().isoformat(),
            field_labels=field_labels(rubric, lang),
            score_of=score_of,
        )

    def upload(
        self,
        request: Request,
        token: str,
        municipality: Municipality,
        lang: str,
        status: int = 200,
        **context: Any,
    ) -> Response:
        return self.render(
            request,
            "upload.html",
            lang,
            status,
            token=token,
            m=municipality,
            max_mb=self.max_mb,
            **context,
        )

    def server_error(self, query_string: bytes) -> Response:
        """The page of a bug: no traceback, no request state (it may be what broke)."""
        query = dict(p.split("=", 1) for p in query_string.decode().split("&") if "=" in p)
        lang = pick_language(query.get("lang"), None)
        html = self.env.get_template("message.html").render(
            t=TEXTS[lang],
            lang=lang,
            other="en",
            csrf="",
            title=TEXTS[lang]["error_title"],
            text=TEXTS[lang]["error"],
            request_path="",
        )
        return HTMLResponse(html, status_code=500)

    def too_large(self) -> Response:
        mb = self.max_mb
        return PlainTextResponse(
            f"{TEXTS['de']['too_large'].format(mb=mb)}\n{TEXTS['en']['too_large'].format(mb=mb)}",
            status_code=413,
        )


# ---------------------------------------------------------------------- presentation helpers


def safe_download_name(stem: str, suffix: str) -> str:
    """An ASCII file name for Content-Disposition, never taken from an uploaded name."""
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-")[:60] or "file"
    return f"{slug}{suffix}"


def field_labels(rubric: Rubric, lang: str) -> dict[str, str]:
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


def score_of(data: reviewing.ReviewInput, criterion_id: str) -> str:
    return reviewing.normalise_score(data.scores.get(criterion_id, ""))


def _text(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or value.get("de") or "")
    return "" if value is None else str(value)


def finding_view(finding: dict[str, Any], lang: str) -> dict[str, Any]:
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
