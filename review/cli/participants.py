"""`peerplan import` and `peerplan status`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from review.cli.app import app, console, database, user_errors
from review.notify.outbox import failure_line
from review.participants import import_participants
from review.rounds import get_round
from review.status import round_status


@app.command("import")
@user_errors
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or XLSX participants."),
    round_name: str = typer.Option(..., "--round", help="The round to import into."),
) -> None:
    """Import municipalities and reviewers; re-import updates. A bad row imports nothing."""
    with database() as session:
        report = import_participants(session, get_round(session, round_name), file)
    for kind, plural in (("municipality", "municipalities"), ("reviewer", "reviewers")):
        console.print(
            f"{plural}: {report.created[kind]} created, {report.updated[kind]} updated, "
            f"{report.unchanged[kind]} unchanged"
        )


@app.command()
@user_errors
def status(
    round_name: str = typer.Option(..., "--round", help="The round to show."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Plans, documents and assignments of a round."""
    with database() as session:
        data = round_status(session, get_round(session, round_name))
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"Round {data['round']['name']}: plans")
    for column in ("municipality", "language", "length", "versions", "assignments", "problems"):
        table.add_column(column)
    for plan in data["plans"]:
        table.add_row(
            plan["municipality"],
            str(plan["language"]),
            plan["length"] or "-",
            str(plan["versions"]),
            ", ".join(f"{k} {v}" for k, v in sorted(plan["assignments"].items())) or "-",
            "; ".join(plan["problems"]) or "-",
        )
    console.print(table)
    counts = ", ".join(f"{k} {v}" for k, v in data["assignments"].items() if v) or "none yet"
    console.print(f"assignments: {counts}; reviews submitted: {data['reviews_submitted']}")
    messages = ", ".join(f"{k} {v}" for k, v in sorted(data["messages"].items())) or "none yet"
    console.print(f"messages: {messages}", highlight=False)
    for item in data["undeliverable"]:
        console.print(
            "[bold red]not sent:[/] "
            + escape(failure_line(item["key"], item["to"], item["why"] or "")),
            highlight=False,
        )
