"""`peerplan import` and `peerplan status`."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from review.cli.app import app, console, database, settings, user_errors
from review.cli.notify import OUTBOX_STATES
from review.coordinator.language import coordinator_translator
from review.i18n import state_name
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
    settings_ = settings()
    with database(settings_) as session:
        round_ = get_round(session, round_name)
        report = import_participants(session, round_, file)
        t = coordinator_translator(settings_, round_.language)
    for kind, line in (
        ("municipality", t.gettext("municipalities: %(new)s created, %(changed)s updated, "
                                   "%(same)s unchanged")),
        ("reviewer", t.gettext("reviewers: %(new)s created, %(changed)s updated, "
                               "%(same)s unchanged")),
    ):  # fmt: skip
        counts = {
            "new": report.created[kind],
            "changed": report.updated[kind],
            "same": report.unchanged[kind],
        }
        console.print(line % counts, highlight=False)


@app.command()
@user_errors
def status(
    round_name: str = typer.Option(..., "--round", help="The round to show."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Plans, documents and assignments of a round."""
    settings_ = settings()
    with database(settings_) as session:
        round_ = get_round(session, round_name)
        t = coordinator_translator(settings_, round_.language)
        # --json keeps its English values (programs read it); the table is the coordinator's
        data = round_status(session, round_, "en" if as_json else t.language)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    _ = t.gettext

    def states(counts: dict[str, int]) -> str:
        return ", ".join(f"{state_name(t, k)} {v}" for k, v in sorted(counts.items()) if v)

    # quoted: a round named "Runde Nord 2026" read "Runde Runde Nord 2026: Pläne"
    title = _("Round %(round)s: plans") % {"round": t.quote(data["round"]["name"])}
    table = Table(title=escape(title))
    # Four columns, the language beside the length and the problems under the table, as the
    # intake's table has them, each folded, not cut with '…': a municipality's long name is read
    # whole in 80 columns ('Landkreis Darmstadt-Di…' with six columns).
    for column in (_("municipality"), _("length"), _("versions"), _("assignments")):
        table.add_column(column, overflow="fold")
    for plan in data["plans"]:
        length = ", ".join(str(part) for part in (plan["length"], plan["language"]) if part)
        table.add_row(
            escape(plan["municipality"]),
            length or "-",
            str(plan["versions"]),
            states(plan["assignments"]) or "-",
        )
    console.print(table)
    for plan in data["plans"]:
        if plan["problems"]:
            line = f"{plan['municipality']}, {_('problems')}: {'; '.join(plan['problems'])}"
            console.print(escape(line), highlight=False)
    console.print(
        _("assignments: %(counts)s; reviews submitted: %(n)s")
        % {"counts": states(data["assignments"]) or _("none yet"), "n": data["reviews_submitted"]},
        highlight=False,
    )
    messages = ", ".join(
        f"{_(OUTBOX_STATES.get(k, k))} {v}" for k, v in sorted(data["messages"].items())
    )
    console.print(
        _("messages: %(counts)s") % {"counts": messages or _("none yet")}, highlight=False
    )
    for item in data["undeliverable"]:  # which message to whom about which plan, and why
        console.print("[bold red]" + escape(item["said"]) + "[/]", highlight=False)
    for said in data["unreplaced"]:  # who left which review, and how to give it to someone
        console.print("[bold red]" + escape(said) + "[/]", highlight=False)
