"""`peerplan intake PATH... --round NAME`: take in plan files (a folder, files, manifest CSVs)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from review.asked_parts import asked_in
from review.cli.app import app, console, database, err_console, settings, user_errors
from review.cli.layout import RowsWithLines, rows_with_lines, say
from review.config import Settings
from review.coordinator.artifacts import INTAKE_STATUS
from review.coordinator.language import coordinator_translator
from review.i18n import Translator
from review.intake import IntakeOutcome, collect_sources, take_in_sources
from review.intake.report import gaps, json_view, missing
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


def warnings_since(log_file: Path, offset: int) -> int:
    """The warnings and errors logged since `offset` (the readers' processes write to the same
    file). Every run said "Reader warnings: <log>", and the log of a round of 30 plans held none:
    a coordinator opened it for nothing."""
    with open(log_file, "rb") as log:
        log.seek(offset)
        lines = log.read().decode("utf-8", "replace").splitlines()
    # "<date> <time> LEVEL logger: message"; a traceback's lines do not start so
    return sum(line.split(" ", 3)[2:3] in (["WARNING"], ["ERROR"], ["CRITICAL"]) for line in lines)


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
    log_start = log_file.stat().st_size
    sources = collect_sources(paths, municipality)
    if not sources:
        t = coordinator_translator(s)
        say(
            err_console,
            escape(
                t.gettext("no files found in %(paths)s") % {"paths": ", ".join(map(str, paths))}
            ),
        )
        raise typer.Exit(1)
    with database(s) as session:
        round_ = get_round(session, round_name)
        t = coordinator_translator(s, round_.language)
        asked = asked_in(round_)  # what the round's rubrics ask a plan for
        progress = Progress(
            TextColumn("[bold]" + escape(t.gettext("intake"))),
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
        print(json.dumps([_json(o, asked) for o in outcomes], ensure_ascii=False, indent=2))
    else:
        console.print(summary_table(outcomes, t, asked))
        for line in what_is_missing(outcomes, t, asked):
            console.print(escape(line), highlight=False)
        for o in refused:
            say(
                err_console,
                "[bold red]"
                + escape(t.gettext("refused"))
                + "[/] "
                + escape(o.error_in(t.language) or ""),
            )
        counts = {k: sum(o.status == k for o in outcomes) for k in STATUS_STYLE}
        files, new = len(outcomes), counts["new_version"]
        console.print(
            t.gettext(
                "%(files)s: %(registered)s registered, %(new)s, %(unchanged)s unchanged, "
                "%(refused)s refused."
            )
            % {
                "files": t.ngettext("%(num)s file", "%(num)s files", files) % {"num": files},
                "registered": counts["registered"],
                "new": t.ngettext("%(num)s new version", "%(num)s new versions", new)
                % {"num": new},
                "unchanged": counts["unchanged"],
                "refused": counts["refused"],
            },
            highlight=False,
        )
        if warned := warnings_since(log_file, log_start):
            console.print(
                t.ngettext(
                    "%(num)s warning while reading the files: %(log)s",
                    "%(num)s warnings while reading the files: %(log)s",
                    warned,
                )
                % {"num": warned, "log": log_file},
                highlight=False,
            )
    if refused:
        raise typer.Exit(1)


def _json(o: IntakeOutcome, asked: frozenset[str] | None = None) -> dict:
    """An outcome for programs: every finding (what the reader found), and what is missing and
    the completeness of what the round asks for."""
    data = o.to_dict()
    data["findings"] = [json_view(f) for f in o.findings]
    data["completeness"] = o.completeness_in(asked)
    data["missing"] = {lang: missing(o.findings, lang, asked) for lang in ("de", "en")}
    return data


def what_is_missing(
    outcomes: list[IntakeOutcome], t: Translator, asked: frozenset[str] | None = None
) -> list[str]:
    """One line per plan the check found gaps or problems in, under the table ("Münster (5/9):
    no financing; ..."): in the table's cell the list broke into pieces of seven letters.
    `asked`: the checks the round asks for (review.asked_parts); None: every check."""
    lines = []
    for o in outcomes:
        if not o.taken_in:
            continue  # a refusal's reason has its own line
        said = [*(gaps(o.findings or [], t.language, asked) or []), *o.problems]
        if said:
            lines.append(f"{o.municipality} ({o.completeness_in(asked)}): {'; '.join(said)}")
    return lines


def summary_table(
    outcomes: list[IntakeOutcome], t: Translator, asked: frozenset[str] | None = None
) -> RowsWithLines:
    """A row a file: municipality, status, length and completeness in columns, the file's name
    on the line under it (in a column it folded mid-name: '001-little-w' / 'eyfield.pdf');
    what a plan lacks is said under the table (`what_is_missing`), the reason for a refusal
    too."""
    _ = t.gettext
    rows = []
    for o in outcomes:
        status = _(INTAKE_STATUS[o.status])
        if o.version and o.status != "new_version":
            status += " " + _("version %(v)s") % {"v": o.version}
        elif o.version:
            status += " " + str(o.version)
        length = ", ".join(part for part in (o.extent_in(t.language), o.language or "") if part)
        # a refused file: its reason follows the table, said whole (the error code is for --json)
        completeness = o.completeness_in(asked) if o.taken_in else "–"
        cells = (o.municipality, Text(status, style=STATUS_STYLE[o.status]), length, completeness)
        rows.append((cells, [o.file_name]))
    header = (_("municipality"), _("status"), _("length"), _("completeness"))
    return rows_with_lines(header, rows, title=_("Intake"), fixed=(1, 2, 3))
