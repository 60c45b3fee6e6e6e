"""Rendering the email templates in `templates/email/`.

One file per message kind and language, `<kind>.<language>.txt`. Its first line is
`Subject: ...`, then a blank line, then the plain-text body. Undefined variables are errors, so a
template and its caller cannot drift apart silently.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from review.errors import InvalidInput
from review.paths import TEMPLATES_DIR

EMAIL_TEMPLATES = TEMPLATES_DIR / "email"
LANGUAGES = ("de", "en")

#: Every kind of message peerplan sends, and who receives it.
KINDS: dict[str, str] = {
    "invitation": "reviewer",
    "replacement_invitation": "new reviewer after a reassignment",
    "acceptance_receipt": "reviewer",
    "reminder": "reviewer",
    "overdue_notice": "reviewer",
    "escalation": "coordinator",
    "released_notice": "released reviewer after a reassignment",
    "decline_notice": "coordinator",
    "submission_receipt": "reviewer",
    "plan_receipt": "municipality",
    "digest": "coordinator",
}


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(EMAIL_TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=False,  # plain-text mail
        keep_trailing_newline=True,
    )
    env.filters["day"] = format_day
    return env


def format_day(value: date | datetime, language: str = "de") -> str:
    if isinstance(value, datetime):
        value = value.date()
    return value.strftime("%d.%m.%Y") if language == "de" else value.isoformat()


def render(kind: str, language: str, **context: Any) -> tuple[str, str]:
    """(subject, body) of message `kind` in `language`."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown message kind '{kind}' (known: {', '.join(KINDS)})")
    language = language if language in LANGUAGES else "en"
    try:
        template = _environment().get_template(f"{kind}.{language}.txt")
    except TemplateNotFound:
        raise InvalidInput(f"no template {kind}.{language}.txt in {EMAIL_TEMPLATES}") from None
    text = template.render(**context)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject:"):
        raise InvalidInput(f"template {kind}.{language}.txt must start with a 'Subject:' line")
    return first.removeprefix("Subject:").strip(), body.lstrip("\n")
