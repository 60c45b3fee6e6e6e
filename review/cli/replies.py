"""`peerplan replies ...`: the municipalities' reply to their draft reviews (#16): open a plan's
reply window with its deadline, remind those who have not replied (review.exchange.replies)."""

from __future__ import annotations

import typer

from review.cli.app import PeerplanTyper, app, console, database, settings, user_errors
from review.coordinator.controls import plan_of
from review.coordinator.language import coordinator_translator
from review.exchange.draft import write_draft
from review.exchange.replies import open_window
from review.exchange.reply_reminders import queue_reminders
from review.i18n import N_, Message
from review.municipality_names import municipality_named
from review.rounds import get_round, parse_date

replies_app = PeerplanTyper(
    help="The municipalities' reply to their draft reviews.", no_args_is_help=True
)
app.add_typer(replies_app, name="replies")


@replies_app.command("open")
@user_errors
def open_command(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    plan: str = typer.Option(..., "--plan", help="The plan, by its municipality."),
    due: str = typer.Option(..., "--due", help="Last day a reply is taken (YYYY-MM-DD)."),
) -> None:
    """Open (or move) a plan's reply window and write the plan's draft document as it stands;
    its contact gets the reply link and the deadline (once per deadline), and reads the draft
    and replies on its link's reply page."""
    current = settings()
    with database(current) as session:
        round_ = get_round(session, round_name)
        place = municipality_named(session, round_, plan)
        found = plan_of(session, round_, place.name)
        window = open_window(
            session,
            found,
            parse_date(due, Message(N_("reply deadline"))),
            actor="cli",
            settings=current,
        )
        # The draft the municipality reads on its reply page, as it stands now.
        draft = write_draft(session, current, round_, found)
        contact = place.contact_email
        t = coordinator_translator(current, round_.language)
    values = {"plan": place.name, "day": t.format_date(window.due_date), "contact": contact}
    if contact:
        line = t.gettext(
            "%(plan)s: replies taken until %(day)s; the reply link goes to %(contact)s"
        )
    else:
        line = t.gettext("%(plan)s: replies taken until %(day)s; no contact email to tell")
    console.print(line % values, highlight=False)
    console.print(t.gettext("the draft it reads: %(path)s") % {"path": draft}, highlight=False)


@replies_app.command("remind")
@user_errors
def remind_command(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
) -> None:
    """Queue a reminder to each municipality whose reply is due within three days."""
    current = settings()
    with database(current) as session:
        round_ = get_round(session, round_name)
        count = queue_reminders(session, current, round_)
        t = coordinator_translator(current, round_.language)
    console.print(
        t.ngettext("%(num)s reminder queued", "%(num)s reminders queued", count) % {"num": count},
        highlight=False,
    )
