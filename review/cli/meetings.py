"""`peerplan meetings plan --round NAME`: the round's exchange meetings from the programme, with
the coordinator's changes (date, host, agenda order); packs, calendar files and invitations
(review.exchange.meeting_run)."""

from __future__ import annotations

from datetime import date

import typer
from rich.markup import escape
from rich.table import Table

from review.cli.app import PeerplanTyper, app, console, database, settings, user_errors
from review.coordinator.language import coordinator_translator
from review.errors import InvalidInput
from review.exchange.meeting_run import run
from review.exchange.meetings import Changes
from review.exchange.programme import DEFAULT_PROGRAMME
from review.i18n import N_, said
from review.rounds import get_round, parse_date

meetings_app = PeerplanTyper(help="The exchange meetings of a round.", no_args_is_help=True)
app.add_typer(meetings_app, name="meetings")


def _pairs(values: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        meeting, sep, rest = value.partition("=")
        if not sep or not meeting.strip() or not rest.strip():
            raise InvalidInput(
                N_("%(what)s '%(value)s': write MEETING=%(upper)s"),
                what=what,
                value=value,
                upper=what.upper(),
            )
        pairs[meeting.strip()] = rest.strip()
    return pairs


@meetings_app.command("plan")
@user_errors
def plan_command(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    start: str = typer.Option(
        "", help="Day of the first meeting (YYYY-MM-DD); default two weeks after the deadline."
    ),
    spacing: int = typer.Option(7, min=0, max=90, help="Days between meetings."),
    on: list[str] = typer.Option([], "--date", help="MEETING=YYYY-MM-DD (repeatable)."),
    host: list[str] = typer.Option([], "--host", help="MEETING=MUNICIPALITY (repeatable)."),
    order: list[str] = typer.Option(
        [], "--first", help="A municipality the agendas take first (repeatable, in order)."
    ),
    programme: str = typer.Option(DEFAULT_PROGRAMME, help="Programme name or YAML file."),
    invite: bool = typer.Option(True, "--invite/--no-invite", help="Queue the invitations."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="PDF copies of the meeting packs."),
) -> None:
    """Plan the round's meetings: hosts, participants, agendas, packs and invitations."""
    dates: dict[str, date] = {k: parse_date(v) for k, v in _pairs(on, "date").items()}
    changes = Changes(
        start=parse_date(start) if start else None,
        spacing_days=spacing,
        dates=dates,
        hosts=_pairs(host, "host"),
        agenda_order=order,
    )
    settings_ = settings()
    with database(settings_) as session:
        round_ = get_round(session, round_name)
        t = coordinator_translator(settings_, round_.language)
        report = run(
            session,
            settings_,
            round_,
            changes,
            programme=programme,
            pdf=pdf,
            invite=invite,
            actor="cli",
        )
    _ = t.gettext
    meetings = len(report.plan.meetings)
    table = Table(
        title=t.ngettext("%(round)s: %(n)s meeting", "%(round)s: %(n)s meetings", meetings)
        % {"round": escape(round_name), "n": meetings}
    )
    for column in (_("meeting"), _("host"), _("when"), _("participants"), _("agenda")):
        table.add_column(column)
    for meeting in report.plan.meetings:
        table.add_row(
            meeting.id,
            escape(meeting.host),
            f"{t.format_date(meeting.starts)} {meeting.starts:%H:%M}",
            str(len(meeting.participants)),
            escape(", ".join(item.municipality for item in meeting.agenda)),
        )
    console.print(table)
    console.print(
        t.ngettext(
            "%(n)s invitation queued; meeting packs: %(packs)s",
            "%(n)s invitations queued; meeting packs: %(packs)s",
            report.invitations,
        )
        % {"n": report.invitations, "packs": len(report.packs)},
        highlight=False,
    )
    for note in report.notes:
        console.print(
            "[yellow]" + escape(_("note:")) + "[/] " + escape(str(said(t, note))), highlight=False
        )
