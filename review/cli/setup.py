"""`peerplan init` and `peerplan rubrics check`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from review.cli.app import (
    PeerplanTyper,
    app,
    console,
    err_console,
    installation_translator,
    settings,
    user_errors,
)
from review.cli.layout import say
from review.coordinator.language import coordinator_translator
from review.db import migrate, schema_revision
from review.i18n import said
from review.paths import RUBRICS_DIR
from review.rubric import check_rubrics, rubric_files

rubrics_app = PeerplanTyper(help="Rubric files (rubrics/*.yaml).", no_args_is_help=True)
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
    t = installation_translator()
    for error in errors:
        for problem in error.problems:  # in the installation's language
            say(err_console, f"[red]{escape(str(error.path))}[/]: {escape(str(said(t, problem)))}")
    if errors:
        raise typer.Exit(1)
    console.print(
        t.ngettext(
            "%(n)s rubric file valid: %(names)s", "%(n)s rubric files valid: %(names)s", len(files)
        )
        % {"n": t.format_decimal(len(files)), "names": ", ".join(p.name for p in files)},
        highlight=False,
    )
