"""`peerplan intake PATH... --round NAME`: take in plan files (a folder, files, manifest CSVs)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from review.cli.app import app, console, database, err_console, settings, user_errors
from review.config import Settings
from review.intake import IntakeOutcome, collect_sources, take_in_sources
from review.intake.report import json_view, missing
from review.private import private_path
from review.rounds import get_round

STATUS_STYLE = {
    "registered": "green",
    "new_version": "cyan",
    "unchanged": "dim",
    "refused": "bold red",
}


def log_to_file(s: Settings) -> Path:
    """Library warnings (pypdf's about fonts and broken xref tables) go to a log file, not the
    terminal: the user sees one clear line per file."""
    private_path(s.data_dir, directory=True)
    path = private_path(s.data_dir / "peerplan.log")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in ("pypdf", "pypdfium2"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


@app.command()
@user_errors
def intake(
    paths: list[Path] = typer.Argument(
        ...,
        help="Plan files (PDF, DOCX), folders of them, or "
        "manifest CSVs with the columns file,municipality.",
    ),
    round_name: str = typer.Option(..., "--round", help="The review round."),
    municipality: str | None = typer.Option(
        None, help="The municipality of every file given (else: the manifest, or the file name)."
    ),
    create_municipality: bool = typer.Option(
        False, "--create-municipality", help="Add municipalities not yet in the round."
    ),
    workers: int = typer.Option(0, min=0, help="Reading processes (0: one per core)."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcomes as JSON."),
    actor: str = typer.Option("coordinator", help="Who is taking the files in (audit log)."),
) -> None:
    """Take in action plans: read, pre-check completeness, register a version per municipality.

    Exit code 0 when every file was taken in, 1 when any was refused (each refusal says why).
    """
    s = settings()
    log_file = log_to_file(s)
    sources = collect_sources(paths, municipality)
    if not sources:
        err_console.print("no files found in " + ", ".join(map(str, paths)))
        raise typer.Exit(1)
    with database(s) as session:
        round_ = get_round(session, round_name)
        progress = Progress(
            TextColumn("[bold]intake"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=err_console,
            transient=True,
            disable=as_json,
        )
        with progress:
            task = progress.add_task("", total=len(sources))

            def advance(outcome: IntakeOutcome) -> None:
                progress.update(task, advance=1, description=outcome.file_name)

            outcomes = take_in_sources(
                session,
                s,
                round_=round_,
                sources=sources,
                actor=actor,
                create_municipality=create_municipality,
                workers=workers or None,
                on_outcome=advance,
            )
    refused = [o for o in outcomes if not o.taken_in]
    if as_json:
        print(json.dumps([_json(o) for o in outcomes], ensure_ascii=False, indent=2))
    else:
        console.print(summary_table(outcomes))
        for o in refused:
            err_console.print(f"[bold red]refused[/] {o.error}", highlight=False)
        counts = {k: sum(o.status == k for o in outcomes) for k in STATUS_STYLE}
        console.print(
            f"{len(outcomes)} file(s): {counts['registered']} registered, "
            f"{counts['new_version']} new version(s), {counts['unchanged']} unchanged, "
            f"{counts['refused']} refused. Reader warnings: {log_file}",
            highlight=False,
        )
    if refused:
        raise typer.Exit(1)


def _json(o: IntakeOutcome) -> dict:
    data = o.to_dict()
    data["findings"] = [json_view(f) for f in o.findings]
    data["missing"] = {"de": missing(o.findings, "de"), "en": missing(o.findings, "en")}
    return data


def _completeness(o: IntakeOutcome) -> str:
    """ "8/9: no financing": the count alone does not say what is missing."""
    gaps = missing(o.findings, "en")
    return f"{o.completeness}: {gaps}" if gaps not in ("", "nothing") else o.completeness


def summary_table(outcomes: list[IntakeOutcome]) -> Table:
    table = Table(title="Intake", show_lines=False)
    for column in (
        "file",
        "municipality",
        "status",
        "version",
        "length",
        "language",
        "completeness",
        "problems",
    ):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        style = STATUS_STYLE[o.status]
        table.add_row(
            o.file_name,
            o.municipality,
            f"[{style}]{o.status}[/]",
            str(o.version or ""),
            o.extent,
            o.language or "",
            _completeness(o),
            "; ".join(o.problems) if o.taken_in else (o.error_code or ""),
        )
    return table
