"""`peerplan compile --round NAME --out DIR`: consolidated reviews, round summary, exports, PDFs."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from review.cli.app import app, console, database, settings, user_errors
from review.consolidation.pipeline import compile_round
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
    table = Table(
        title=f"{report.round_name}: {len(report.plans)} plan(s) in {report.seconds:.1f} s"
    )
    for column in ("plan", "municipality", "outcome", "totals", "flags", "extra review"):
        table.add_column(column)
    for plan in report.plans:
        totals = ", ".join(
            f"{k} {'–' if v is None else f'{v:.1f}'}" for k, v in plan.totals.items()
        )
        table.add_row(
            str(plan.plan_id),
            plan.municipality,
            plan.outcome,
            totals,
            str(plan.flags),
            "yes" if plan.extra_review else "",
        )
    console.print(table)
    console.print(f"municipality editions: {report.out_dir / 'municipality'}")
    console.print(
        f"coordinator editions and exports (names inside): {report.out_dir / 'coordinator'}"
    )
    console.print(f"round summary and blind-safe exports: {report.out_dir / 'summary'}")
    if report.pdfs:
        console.print(f"{len(report.pdfs)} PDF copies")
    for note in report.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
