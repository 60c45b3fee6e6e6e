"""Rendering the email templates in `templates/email/`, each in its recipient's language.

One template per message kind, `<kind>.txt`, written in English with `{% trans %}` and `_()`;
the catalogs in `locales/` translate it (see `review.i18n`). Its first line is `Subject: ...`,
then a blank line, then the plain-text body. Undefined variables are errors, so a template and
its caller cannot drift apart silently.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache, partial
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateNotFound

from review.errors import InvalidInput
from review.i18n import N_, Translator, install_i18n, jinja_context, state_name, translator
from review.notify.headers import header_value
from review.paths import TEMPLATES_DIR

EMAIL_TEMPLATES = TEMPLATES_DIR / "email"

#: Every kind of message peerplan sends, and who receives it.
KINDS: dict[str, str] = {
    "invitation": "reviewer",
    "invitation_list": "reviewer invited to several plans in one batch",
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
    "withdrawn_notice": "reviewer whose assignment the coordinator withdrew",
    "due_date_changed": "reviewer whose due date the coordinator changed",
    "plan_version": "reviewer who accepted a plan that got a new version (review.lifecycle)",
    "meeting_invitation": "participant of an exchange meeting (review.exchange.meeting_run)",
    "reply_open": "municipality whose draft review is open for its reply (review.exchange.replies)",
    "reply_reminder": "municipality whose reply to its draft review is due (review.exchange.replies)",
}

#: The kinds as the digest names them to the coordinator.
KIND_NAMES: dict[str, str] = {
    "invitation": N_("invitations"),
    "invitation_list": N_("invitations to several plans"),
    "replacement_invitation": N_("replacement invitations"),
    "acceptance_receipt": N_("acceptance receipts"),
    "reminder": N_("reminders"),
    "overdue_notice": N_("overdue notices"),
    "escalation": N_("escalations"),
    "released_notice": N_("release notices"),
    "decline_notice": N_("decline notices"),
    "submission_receipt": N_("submission receipts"),
    "plan_receipt": N_("plan receipts"),
    "digest": N_("digests"),
    "withdrawn_notice": N_("withdrawal notices"),
    "due_date_changed": N_("due date changes"),
    "plan_version": N_("new plan versions"),
    "meeting_invitation": N_("meeting invitations"),
    "reply_open": N_("reply invitations"),
    "reply_reminder": N_("reply reminders"),
}

#: One message of each kind, as a sentence about it begins ('Reminder to Rita Roth ... was not
#: sent', review.notify.undelivered).
KIND_ONE: dict[str, str] = {
    "invitation": N_("Invitation"),
    "invitation_list": N_("Invitation to several plans"),
    "replacement_invitation": N_("Invitation as a replacement"),
    "acceptance_receipt": N_("Acceptance receipt"),
    "reminder": N_("Reminder"),
    "overdue_notice": N_("Overdue notice"),
    "escalation": N_("Escalation"),
    "released_notice": N_("Release notice"),
    "decline_notice": N_("Decline notice"),
    "submission_receipt": N_("Submission receipt"),
    "plan_receipt": N_("Plan receipt"),
    "digest": N_("Daily digest"),
    "withdrawn_notice": N_("Withdrawal notice"),
    "due_date_changed": N_("Due date change"),
    "plan_version": N_("Notice of a new plan version"),
    "meeting_invitation": N_("Meeting invitation"),
    "reply_open": N_("Invitation to reply"),
    "reply_reminder": N_("Reminder to reply"),
}

#: The model's old default coordinator name: an English word, not a person's name.
_UNNAMED_COORDINATOR = "Coordinator"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(EMAIL_TEMPLATES)),
        undefined=StrictUndefined,
        autoescape=False,  # plain-text mail
        keep_trailing_newline=True,
    )
    install_i18n(env)
    return env


def format_day(value: date | datetime, language: str = "de") -> str:
    """A day as `language` writes it (30.11.2026, 30 Nov 2026)."""
    return translator(language).format_date(value)


def _surname(name: str) -> str:
    """The family name with its particles: 'Anna Schmidt' -> 'Schmidt', 'Jan de Vries' ->
    'de Vries', 'Ursula von der Leyen' -> 'von der Leyen'."""
    words = name.split()
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():
        start -= 1
    return " ".join(words[start:])


def greeting(t: Translator, name: str | None, salutation: str | None = None) -> str:
    """The opening line: by title and surname where the salutation is known ("Guten Tag Frau
    Schmidt,"), else by the full name ("Dear Anna Schmidt,"), a neutral form without a name."""
    name = (name or "").strip()
    if not name or name == _UNNAMED_COORDINATOR:
        return t.gettext("Hello,")
    surname = _surname(name)
    if salutation == "ms":
        return t.gettext("Dear Ms %(surname)s,") % {"surname": surname}
    if salutation == "mr":
        return t.gettext("Dear Mr %(surname)s,") % {"surname": surname}
    return t.gettext("Dear %(name)s,") % {"name": name}


def signature(t: Translator, coordinator_name: str | None) -> str:
    """The closing lines, signed by the coordinator's name or, without one, the coordination."""
    name = (coordinator_name or "").strip()
    if not name or name == _UNNAMED_COORDINATOR:
        name = t.gettext("The coordination team")
    closing = t.gettext("Kind regards,")
    return f"{closing}\n{name}"


def kind_name(t: Translator, kind: str) -> str:
    """A kind of message as the reader's language names it (in the digest)."""
    return t.gettext(KIND_NAMES.get(kind, kind))


def kind_said(t: Translator, kind: str) -> str:
    """One message of `kind` as a sentence about it begins, in the reader's language."""
    return t.gettext(KIND_ONE.get(kind, kind))


def render(kind: str, language: str, **context: Any) -> tuple[str, str]:
    """(subject, body) of message `kind` in `language` (English where it has no catalog)."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown message kind '{kind}' (known: {', '.join(KINDS)})")
    t = translator(language)
    subject, body = _templates(f"{kind}.txt")
    values = dict(
        **jinja_context(t),
        # The reviewer's salutation greets the reviewer, not the coordinator in the same context.
        greeting=lambda name: greeting(
            t,
            name,
            context.get("reviewer_salutation") if name == context.get("reviewer_name") else None,
        ),
        signature=lambda name: signature(t, name),
        state_name=partial(state_name, t),
        kind_name=partial(kind_name, t),
        **context,
    )
    # The subject is rendered on its own: a value with a line break (a Word title, a file name)
    # cannot push part of the subject into the body; `header_value` makes it one line.
    return header_value(subject.render(**values)), body.render(**values).lstrip("\n")


@lru_cache(maxsize=64)
def _templates(name: str) -> tuple[Template, Template]:
    """The subject line and the body of template `name`, compiled separately."""
    env = _environment()
    try:
        if env.loader is None:  # _environment() always gives one; a loader-less one is a bug
            raise RuntimeError("the email environment has no template loader")
        source, _, _ = env.loader.get_source(env, name)
    except TemplateNotFound:
        raise InvalidInput(f"no template {name} in {EMAIL_TEMPLATES}") from None
    first, _, body = source.partition("\n")
    if not first.startswith("Subject:"):
        raise InvalidInput(f"template {name} must start with a 'Subject:' line")
    return env.from_string(first.removeprefix("Subject:")), env.from_string(body)
