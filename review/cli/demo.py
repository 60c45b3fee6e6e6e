"""`peerplan demo`: a complete synthetic review round on the embedded default."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from review.cli.app import app, console, user_errors


@app.command()
@user_errors
def demo(
    out: Path = typer.Option(
        Path("demo-output"), help="Folder for everything the demo writes (emptied first)."
    ),
    seed: int = typer.Option(2026, help="Seed of the generated plans, participants and reviews."),
    pages: int = typer.Option(
        0, min=0, help="Length of every plan in pages (0: between 20 and 60 pages each)."
    ),
) -> None:
    """Run a complete review round with generated plans, twenty simulated reviewers, a local
    SMTP server, the reviewer portal and a simulated clock; print where the documents are."""
    # review/cli is the application shell: the one place in review/ that may reach into flows/.
    from flows.demo import run_demo

    result = run_demo(
        out,
        seed=seed,
        pages=pages or None,
        echo=lambda line: console.print(line, highlight=False),
    )
    table = Table(title="MULTIPLY demo round: consolidated reviews")
    for column in (
        "municipality",
        "lang",
        "length",
        "reviews",
        "technical",
        "communication",
        "flags",
        "outcome",
    ):
        table.add_column(column)
    for plan in result.plans:
        totals = plan["totals"]
        assignments = plan["assignments"]
        reviews = ", ".join(f"{v} {k}" for k, v in sorted(assignments.items()))
        table.add_row(
            str(plan["municipality"]),
            str(plan["language"]),
            plan["length"],
            reviews,
            *(
                f"{totals[r]:.0f}" if totals.get(r) is not None else "-"
                for r in ("technical", "communication")
            ),
            str(plan["flags"]),
            str(plan["outcome"]),
        )
    console.print(table)
    mails = ", ".join(f"{n} {k}" for k, n in result.messages.most_common())
    console.print(f"emails over SMTP ({sum(result.messages.values())}): {mails}")
    console.print(f"reviews submitted by the reviewers: {dict(result.submitted)}")
    console.print(f"replies to the drafts:  {', '.join(result.replied)}")
    console.print(f"consolidated documents: {result.documents_dir}")
    console.print(f"meeting packs (.docx, .pdf) and invitations (.ics): {result.meetings_dir}")
    console.print(f"the next round's:       {result.out_dir / 'documents-next-round'}")
    console.print(f"emails as .eml files:   {result.out_dir / 'mail'}")
    console.print(f"done in {result.seconds:.0f} s")
