"""`peerplan replies ...`: the municipalities' reply to their draft reviews (#16): open a plan's
reply window with its deadline, remind those who have not replied (review.exchange.replies)."""

from __future__ import annotations

import typer
from sqlmodel import select

from review.cli.app import app, console, database, settings, user_errors
from review.errors import NotFound
from review.exchange.draft import write_draft
from review.exchange.replies import open_window
from review.exchange.reply_reminders import queue_reminders
from review.intake.register import find_municipality
from review.models import Plan
from review.rounds import get_round, parse_date

replies_app = typer.Typer(
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
        place = find_municipality(session, round_, plan)
        found = (
            session.exec(select(Plan).where(Plan.municipality_id == place.id)).first()
            if place is not None
            else None
        )
        if found is None:
            raise NotFound(f"no plan of '{plan}' in round '{round_name}'")
        window = open_window(
            session, found, parse_date(due, "reply deadline"), actor="cli", settings=current
        )
        # The draft the municipality reads on its reply page, as it stands now.
        draft = write_draft(session, current, round_, found)
        contact = place.contact_email if place is not None else None
    told = f"; the reply link goes to {contact}" if contact else "; no contact email to tell"
    console.print(f"{plan}: replies taken until {window.due_date.isoformat()}{told}")
    console.print(f"the draft it reads: {draft}")


@replies_app.command("remind")
@user_errors
def remind_command(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
) -> None:
    """Queue a reminder to each municipality whose reply is due within three days."""
    current = settings()
    with database(current) as session:
        count = queue_reminders(session, current, get_round(session, round_name))
    console.print(f"{count} reminder(s) queued")
