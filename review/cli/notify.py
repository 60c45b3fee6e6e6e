"""`peerplan invite`, `peerplan escalate`, `peerplan outbox`."""

from __future__ import annotations

from datetime import UTC, datetime

import typer
from rich.markup import escape
from rich.padding import Padding
from rich.text import Text
from sqlmodel import col, select

from review.cli.app import app, console, database, settings, user_errors
from review.cli.layout import RowsWithLines
from review.coordinator.artifacts import (
    LINE_OUTCOMES,
    awaiting_approval_text,
    delivery_summary,
    escalation_text,
)
from review.coordinator.language import coordinator_translator, round_translator
from review.db import migrate
from review.errors import InvalidInput
from review.i18n import N_, Translator, said
from review.models import Outbox
from review.notify.context import rubric_title
from review.notify.outbox import failure_reason
from review.rounds import get_round
from review.runs import run_escalation, run_invitations


def _parse_now(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            N_("--now must be an ISO date or time like 2026-12-16T08:00, not '%(value)s'"),
            value=value,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@app.command()
@user_errors
def invite(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
) -> None:
    """Invite the round's approved assignments (personal link, Word form) and send the mail."""
    s = settings()
    migrate(s)
    run = run_invitations(s, round_name=round_name)
    t = round_translator(s, round_name)
    went: dict[str, int] = {}
    for item in [*run.invited, *run.earlier]:
        outcome, key, error = item.outcome, "", ""
        if outcome == "invited":
            # 'invited' only once the mail went: before, the line said so of messages the
            # server never took.
            key, fate, error = run.delivery_of(item.assignment_id)
            outcome = {"sent": "invited"}.get(fate, fate)
            went[fate] = went.get(fate, 0) + 1
        said_outcome = t.gettext(INVITE_OUTCOMES.get(outcome, outcome))
        if item.reviewer:
            line = t.gettext("%(outcome)s: %(reviewer)s <%(email)s> for %(plan)s (%(rubric)s)") % {
                "outcome": said_outcome,
                "reviewer": item.reviewer,
                "email": item.reviewer_email,
                "plan": item.municipality,
                "rubric": rubric_title(item.rubric, t.language),
            }
        else:
            line = t.gettext("%(outcome)s: assignment %(id)s, %(email)s") % {
                "outcome": said_outcome,
                "id": item.assignment_id,
                "email": item.reviewer_email,
            }
        if item.why:
            line += f" ({said(t, item.why)})"
        if error:
            line += " – " + failure_reason(key, error, run.delivery.unanswered, t)
        console.print(escape(line), highlight=False)
    summary = t.gettext("%(n)s invited; outbox: %(summary)s") % {
        "n": went.get("sent", 0),
        "summary": delivery_summary(run.delivery, t),
    }
    not_sent = went.get("failed", 0) + went.get("undeliverable", 0)
    if not_sent:
        summary = t.gettext("%(n)s invited, %(not_sent)s not sent; outbox: %(summary)s") % {
            "n": went.get("sent", 0),
            "not_sent": not_sent,
            "summary": delivery_summary(run.delivery, t),
        }
    console.print(summary, highlight=False)
    if waiting := awaiting_approval_text(round_name, run.awaiting_approval, t):
        console.print(escape(waiting), highlight=False)
    run.raise_if_not_sent()


#: What became of an assignment `peerplan invite` took up (`InvitationRun.delivery_of`).
INVITE_OUTCOMES = {
    **LINE_OUTCOMES,
    "sent": N_("invited"),
    "failed": N_("not sent"),
    "undeliverable": N_("cannot be delivered"),
    "queued": N_("invited, mail waiting"),
}


@app.command()
@user_errors
def escalate(
    round_name: str = typer.Option("", "--round", help="Only this round (default: all)."),
    now: str = typer.Option("", help="Pretend it is this UTC time (ISO), e.g. to catch up."),
) -> None:
    """Send due reminders, overdue notices, escalations, reassignments and the daily digest."""
    s = settings()
    migrate(s)
    run = run_escalation(s, round_name=round_name or None, now=_parse_now(now))
    t = round_translator(s, round_name or None)
    for line in escalation_text(run.report, t, run.plans).splitlines():
        # an indented line stays indented where the terminal's width wraps it
        indent = len(line) - len(line.lstrip())
        console.print(Padding(Text(line.strip()), (0, 0, 0, indent)), highlight=False)
    console.print(
        t.gettext("outbox: %(summary)s") % {"summary": delivery_summary(run.delivery, t)},
        highlight=False,
    )
    run.raise_if_failed()


@app.command()
@user_errors
def outbox(
    round_name: str = typer.Option("", "--round", help="Only this round (default: all)."),
    limit: int = typer.Option(50, help="Show at most this many messages, newest first."),
) -> None:
    """List queued and sent messages: status, attempts, last error."""
    s = settings()
    with database(s) as session:
        statement = select(Outbox).order_by(col(Outbox.id).desc())
        t = coordinator_translator(s)
        if round_name:
            round_ = get_round(session, round_name)
            statement = statement.where(Outbox.round_id == round_.id)
            t = coordinator_translator(s, round_.language)
        rows = list(session.exec(statement.limit(limit)))
        if not rows:
            console.print(t.gettext("the outbox is empty"), highlight=False)
            return
        console.print(outbox_table(rows, t))


def outbox_table(rows: list[Outbox], t: Translator) -> RowsWithLines:
    """The messages, newest first: status, when sent and to whom in columns; the subject on the
    line under each, and its last error under that. In an 80-column terminal the table's
    columns folded addresses and showed the outbox's keys ('invitation_list:r8:a7') for what a
    message is; the errors, listed by key under the table, were hard to match to their row."""
    _ = t.gettext
    lines = []
    for row in rows:
        when = row.sent_at.strftime("%Y-%m-%d %H:%M") if row.sent_at else "-"
        under = [t.quote(row.subject)]
        if row.last_error:
            under.append(
                _("attempts=%(n)s error: %(error)s") % {"n": row.attempts, "error": row.last_error}
            )
        status = _(OUTBOX_STATES.get(row.status, row.status))
        lines.append(((status, when, f"{row.recipient} ({row.language})"), under))
    return RowsWithLines((_("status"), _("sent"), _("to")), lines, fixed=(0, 1))


#: The outbox's states as the listing names them (`review.models.OutboxStatus`).
OUTBOX_STATES = {
    "pending": N_("pending"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "cancelled": N_("cancelled"),
}
