"""`peerplan demo`: a complete synthetic review round on the embedded default."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from review.cli.app import app, console, installation_translator, user_errors
from review.i18n import N_, state_name


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
    t = installation_translator()
    _ = t.gettext
    table = Table(title=_("MULTIPLY demo round: consolidated reviews"))
    for column in (
        _("municipality"),
        _("language"),
        _("length"),
        _("reviews"),
        _("technical"),
        _("communication"),
        _("flags"),
        _("outcome"),
    ):
        table.add_column(column)
    for plan in result.plans:
        totals = plan["totals"]
        assignments = plan["assignments"]
        reviews = ", ".join(f"{v} {state_name(t, k)}" for k, v in sorted(assignments.items()))
        table.add_row(
            str(plan["municipality"]),
            str(plan["language"]),
            plan["length"],
            reviews,
            *(
                "-" if (total := totals.get(r)) is None else t.format_decimal(total, 0)
                for r in ("technical", "communication")
            ),
            str(plan["flags"]),
            str(plan["outcome"]),
        )
    console.print(table)
    mails = ", ".join(f"{n} {k}" for k, n in result.messages.most_common())
    ways = ", ".join(f"{_(FORM_NAMES.get(k, k))} {n}" for k, n in sorted(result.submitted.items()))
    for line, values in (
        (
            _("emails over SMTP (%(n)s): %(kinds)s"),
            {"n": sum(result.messages.values()), "kinds": mails},
        ),
        (_("reviews submitted by the reviewers: %(ways)s"), {"ways": ways}),
        (_("replies to the drafts: %(names)s"), {"names": ", ".join(result.replied)}),
        (_("consolidated documents: %(folder)s"), {"folder": result.documents_dir}),
        (
            _("meeting packs (.docx, .pdf) and invitations (.ics): %(folder)s"),
            {"folder": result.meetings_dir},
        ),
        (_("the next round's: %(folder)s"), {"folder": result.out_dir / "documents-next-round"}),
        (_("emails as .eml files: %(folder)s"), {"folder": result.out_dir / "mail"}),
        (_("done in %(seconds)s s"), {"seconds": t.format_decimal(round(result.seconds))}),
    ):
        console.print(line % values, highlight=False, soft_wrap=True)


#: How the demo's reviewers handed their reviews in (`flows.demo`'s counts).
FORM_NAMES = {"web form": N_("web form"), "word form": N_("Word form")}
