"""`peerplan compile --round NAME --out DIR`: consolidated reviews, round summary, exports, PDFs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from review.cli.app import app, console, database, settings, user_errors
from review.consolidation.pipeline import compile_round
from review.coordinator.artifacts import compile_rows
from review.coordinator.language import coordinator_translator
from review.i18n import said
from review.rounds import get_round


@app.command("compile")
@user_errors
def compile_command(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    out: Path = typer.Option(
        None, "--out", help="Output folder (default: the data directory's output/<round>)."
    ),
    workers: int = typer.Option(0, min=0, help="Processes rendering documents (0: all cores)."),
    pdf: bool = typer.Option(
        True, "--pdf/--no-pdf", help="PDF copies when LibreOffice is installed."
    ),
) -> None:
    """Write the consolidated review of every plan (municipality and coordinator editions), the
    round summary and the score exports."""
    settings_ = settings()
    with database(settings_) as session:
        round_ = get_round(session, round_name)
        report = compile_round(session, settings_, round_, out, workers=workers or None, pdf=pdf)
        t = coordinator_translator(settings_, round_.language)
    _ = t.gettext
    table = Table(
        title=t.ngettext(
            "%(round)s: %(n)s plan in %(seconds)s s",
            "%(round)s: %(n)s plans in %(seconds)s s",
            len(report.plans),
        )
        % {
            "round": escape(report.round_name),
            "n": len(report.plans),
            "seconds": t.format_decimal(report.seconds, 1),
        }
    )
    rows = compile_rows(report.plans, t)
    columns = list(rows[0])[:6] if rows else []  # the editions' files are printed below
    for column in columns:
        # folded, not cut with '…': an outcome or a rubric's name must be read whole in 80 columns
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(escape(row[column]) for column in columns))
    console.print(table)
    for line, folder in (
        (_("municipality editions: %(folder)s"), "municipality"),
        (_("coordinator editions and exports (names inside): %(folder)s"), "coordinator"),
        (_("round summary and blind-safe exports: %(folder)s"), "summary"),
    ):
        console.print(line % {"folder": report.out_dir / folder}, highlight=False)
    if report.pdfs:
        copies = t.ngettext("%(n)s PDF copy", "%(n)s PDF copies", len(report.pdfs))
        console.print(copies % {"n": len(report.pdfs)}, highlight=False)
    for note in report.notes:
        console.print(
            "[yellow]" + escape(_("note:")) + "[/] " + escape(str(said(t, note))), highlight=False
        )
