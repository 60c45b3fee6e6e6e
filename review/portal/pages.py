"""The portal's pages: one Jinja environment, and the pages more than one route (or the error
handler) shows. Reading what a page needs goes through the domain (`review.reviewing`); this
module only arranges it for the templates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from review.asked_parts import gates_in
from review.errors import PeerplanError
from review.i18n import (
    N_,
    Translator,
    html_gettext,
    install_i18n,
    jinja_context,
    languages,
    pick_language,
    state_name,
    translator,
)
from review.intake.outcome import document_extent
from review.lifecycle.plan_versions import READING, newer_version
from review.models import Municipality, saved_id
from review.paths import TEMPLATES_DIR
from review.portal import security
from review.portal.form_view import FormViews
from review.reviewing import drafts
from review.reviewing.errors import StaleSave
from review.reviewing.form import ReviewInput, asked_eligibility, normalise_score
from review.rubric import Rubric

PORTAL_TEMPLATES = TEMPLATES_DIR / "portal"

PORTAL = N_("peerplan – peer review")
INVALID_LINK_TITLE = N_("Link not valid")
INVALID_LINK = N_(
    "This link is not valid or has expired. Please contact the coordinator of the review round."
)
CHANGED = N_(
    "This assignment was just changed elsewhere (for example by the coordinator). Nothing was "
    "saved; please reload the page."
)


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(PORTAL_TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_i18n(env)
    return env


def page_context(t: Translator) -> dict[str, Any]:
    """What every page is rendered with: `_()` and the formats in the page's language, the
    languages to switch to, and the names of assignment states."""
    return {
        **jinja_context(t),
        "_": html_gettext(t),  # every portal page escapes; the i18n extension's `_` costs more
        "languages": languages(),
        "state_name": partial(state_name, t),
        "document_extent": document_extent,  # a plan version's pages (PDF) or paragraphs (DOCX)
    }


def request_lang(request: Request, default: str | None = None) -> str:
    """The page's language: `?lang=`, else the person's own, else German."""
    return pick_language(request.query_params.get("lang"), default)


def say(exc: Exception, lang: str) -> str:
    """A user error's message in the page's language."""
    return exc.text(lang) if isinstance(exc, PeerplanError) else str(exc)


@dataclass
class Pages:
    """Renders the portal's templates; created once per app by `create_app`."""

    env: Environment
    rubrics: dict[str, Rubric]
    max_mb: int
    views: FormViews = field(init=False)

    def __post_init__(self) -> None:
        self.views = FormViews(self.rubrics, self.env)

    def warm(self) -> None:
        """Compile every page's template and work out the form's views of every rubric in every
        language now, before the first request. Done lazily, the first form pages paid for it:
        the form's template takes ~0.2-0.5 s to compile on this machine, and the reviewers who
        open their forms in the first moments after a start each compiled it again in their own
        thread (Jinja does not hold the others back while one compiles), one after another on
        the interpreter's lock: seconds for the first of 50 (#14). `review.cli.serve` calls it
        for the served portal; tests' apps stay lazy."""
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)
        for rubric in self.rubrics:
            for lang in languages():
                self.views.get(rubric, lang)

    def render(
        self, request: Request, name: str, lang: str, status: int = 200, **context: Any
    ) -> HTMLResponse:
        html = self.env.get_template(name).render(
            **page_context(translator(lang)),
            csrf=security.csrf_token(request),
            request_path=request.url.path,
            **context,
        )
        response = HTMLResponse(html, status_code=status)
        security.set_csrf_cookie(request, response)
        return response

    def message(
        self, request: Request, lang: str, status: int, title: str, text: str, **variables: Any
    ) -> HTMLResponse:
        """A page with one message; `title` and `text` are source texts, translated here."""
        t = translator(lang)
        return self.render(
            request,
            "message.html",
            lang,
            status,
            title=t.gettext(title),
            text=t.gettext(text) % variables if variables else t.gettext(text),
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
        data: ReviewInput | None = None,
        errors: dict[str, str] | None = None,
        stale: StaleSave | None = None,
        upload_error: str | None = None,
        upload_errors: dict[str, str] | None = None,
    ) -> Response:
        """An assignment's form page as it is stored now, with the reviewer's refused input
        (`data`) and what was wrong with it, when there is any."""
        page = drafts.form_page(session, assignment_id)
        lang = lang or request_lang(request, page.view.reviewer.language)
        assignment = page.view.assignment
        view = self.views.get(assignment.rubric, lang)
        seen = stale.stored if (stale and stale.stored) else page.state.seen
        document = page.view.document
        newer = None
        if document is not None and document.version > 1 and assignment.status in READING:
            newer = newer_version(session, saved_id(assignment))  # one query, only then
        return self.render(
            request,
            "form.html",
            lang,
            status,
            token=token,
            v=page.view,
            a=assignment,
            rubric=view,
            state=page.state,
            data=data or page.state.data,
            submitted=page.submitted,
            errors=errors or {},
            stale=stale,
            seen=str(seen),
            done=request.query_params.get("done", ""),
            eligibility=asked_eligibility(gates_in(page.view.round)),
            upload_error=upload_error,
            upload_errors=upload_errors or {},
            edit_deadline=translator(lang).format_date(
                drafts.edit_deadline(page.view.round, assignment)
            ),
            field_labels=view.field_labels,
            score_of=score_of,
            newer=newer,
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
        t = translator(pick_language(query.get("lang")))
        html = self.env.get_template("message.html").render(
            **page_context(t),
            csrf="",
            title=t.gettext("Something went wrong"),
            text=t.gettext(
                "Something went wrong; your input was not saved. Please try again or contact "
                "the coordinator."
            ),
            request_path="",
        )
        return HTMLResponse(html, status_code=500)

    def too_large(self) -> Response:
        # Before the body is read nobody knows the page's language: every language, one a line.
        text = N_("The file is larger than allowed (%(mb)s MB).")
        return PlainTextResponse(
            "\n".join(translator(code).gettext(text) % {"mb": self.max_mb} for code in languages()),
            status_code=413,
        )


# ---------------------------------------------------------------------- presentation helpers


def safe_download_name(stem: str, suffix: str) -> str:
    """An ASCII file name for Content-Disposition, never taken from an uploaded name."""
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_).strip("-")[:60] or "file"
    return f"{slug}{suffix}"


def score_of(data: ReviewInput, criterion_id: str) -> str:
    return normalise_score(data.scores.get(criterion_id, ""))


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
                    "page_label": item.get("page_label"),
                    "paragraph": item.get("paragraph"),
                    "table": item.get("table"),
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
        "summary": _text(finding.get("summary"), lang),
        "refs": refs,
        "note": _text(finding.get("note"), lang),
    }
