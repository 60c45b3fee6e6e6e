"""`peerplan init` and `peerplan rubrics check`."""

from __future__ import annotations

from pathlib import Path

import typer

from review.cli.app import (
    app,
    console,
    err_console,
    installation_translator,
    settings,
    user_errors,
)
from review.coordinator.language import coordinator_translator
from review.db import migrate, schema_revision
from review.paths import RUBRICS_DIR
from review.rubric import check_rubrics, rubric_files

rubrics_app = typer.Typer(help="Rubric files (rubrics/*.yaml).", no_args_is_help=True)
app.add_typer(rubrics_app, name="rubrics")


@app.command()
@user_errors
def init() -> None:
    """Create or upgrade peerplan's database schema (SQLite by default, or PEERPLAN_DATABASE_URL)."""
    s = settings()
    migrate(s)
    t = coordinator_translator(s)
    console.print(
        t.gettext("database ready at schema %(revision)s: %(url)s")
        % {"revision": schema_revision(s), "url": s.database_url},
        highlight=False,
    )


@rubrics_app.command("check")
def rubrics_check(
    paths: list[Path] = typer.Argument(None, help="Rubric files; default: every file in rubrics/."),
) -> None:
    """Validate rubric files; name file, criterion and field of every problem."""
    files = paths or rubric_files(RUBRICS_DIR)
    errors = check_rubrics(files)
    for error in errors:
        for problem in error.problems:
            err_console.print(f"[red]{error.path}[/]: {problem}", highlight=False)
    if errors:
        raise typer.Exit(1)
    t = installation_translator()
    console.print(
        t.ngettext(
            "%(n)s rubric file valid: %(names)s", "%(n)s rubric files valid: %(names)s", len(files)
        )
        % {"n": t.format_decimal(len(files)), "names": ", ".join(p.name for p in files)},
        highlight=False,
    )
