"""`peerplan generate-plans`: synthetic plans for trying peerplan out, tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import cast, get_args

import typer

from review.cli.app import app, console, installation_translator, user_errors
from review.synthetic.generate import FormatChoice, LanguageChoice, generate_plans


@app.command("generate-plans")
@user_errors
def generate_plans_command(
    out_dir: Path = typer.Argument(..., help="Folder to write the plans into (created if needed)."),
    count: int = typer.Option(10, "--count", "-n", min=1, help="Number of plans."),
    seed: int = typer.Option(0, "--seed", help="Same seed, same plans (byte for byte)."),
    language: str = typer.Option("both", help="de, en or both (a German/English mix)."),
    format: str = typer.Option(
        "both", "--format", help="pdf, docx or both (alternating, one file per plan)."
    ),
    pages: int = typer.Option(0, min=0, help="Rough length of each plan in pages (0: short)."),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="The demo round's 8 follower plans and 10 "
        "municipalities (ignores --count and --language).",
    ),
    workers: int = typer.Option(
        0, min=0, help="Processes writing files (0: all cores from 50 plans on)."
    ),
    toc: bool = typer.Option(False, "--toc", help="Give each plan a table of contents."),
) -> None:
    """Write synthetic energy action plans, a manifest.csv (file,municipality) for
    `peerplan intake`, a participants.csv for `peerplan import` and a truth.json."""
    t = installation_translator()
    if language not in get_args(LanguageChoice):
        raise typer.BadParameter(t.gettext("--language must be de, en or both"))
    if format not in get_args(FormatChoice):
        raise typer.BadParameter(t.gettext("--format must be pdf, docx or both"))
    folder = generate_plans(
        out_dir,
        count=count,
        seed=seed,
        language=cast(LanguageChoice, language),  # checked just above
        format=cast(FormatChoice, format),
        pages=pages or None,
        demo=demo,
        workers=workers,
        table_of_contents=toc,
    )
    people = folder.participants
    n = t.format_decimal
    console.print(
        t.gettext(
            "%(n)s plans written to %(folder)s: %(pdf)s PDF, %(docx)s DOCX; %(places)s "
            "municipalities and %(reviewers)s reviewers in %(participants)s; manifest "
            "%(manifest)s"
        )
        % {
            "n": n(len(folder.plans)),
            "folder": folder.directory,
            "pdf": n(sum(p.format == "pdf" for p in folder.plans)),
            "docx": n(sum(p.format == "docx" for p in folder.plans)),
            "places": n(len(people.municipalities)),
            "reviewers": n(len(people.reviewers)),
            "participants": folder.participants_csv.name,
            "manifest": folder.manifest.name,
        },
        highlight=False,
        soft_wrap=True,
    )
