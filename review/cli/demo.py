"""`peerplan demo`: a complete synthetic review round on the embedded default."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from review.cli.app import app, console, installation_translator, user_errors
from review.cli.layout import say
from review.i18n import N_, Translator, state_name

if TYPE_CHECKING:
    from flows.demo import PlanSummary


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

    t = installation_translator()
    _ = t.gettext
    result = run_demo(
        out,
        seed=seed,
        pages=pages or None,
        echo=lambda line: console.print(line, highlight=False),
    )
    console.print(demo_table(result.plans, t))
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
        say(console, escape(line % values))


def demo_table(plans: Sequence[PlanSummary], t: Translator) -> Table:
    """The demo's plans in a table read whole in an 80-column terminal: four columns (eight cut
    every German word to seven letters, 'Fürste…', 'abgesc…'), the plan's length and language
    under its municipality, both rubrics' totals in one column ('35 / 68'), the flags under
    the outcome."""
    _ = t.gettext
    table = Table(title=_("MULTIPLY demo round: consolidated reviews"))
    totals_heading = " / ".join(_(name) for name in RUBRIC_NAMES.values())
    for heading in (_("municipality"), _("reviews"), totals_heading, _("outcome")):
        table.add_column(heading, overflow="fold")
    for plan in plans:
        municipality = (
            plan["municipality"]
            + "\n"
            + ", ".join(part for part in (plan["length"], plan["language"] or "") if part)
        )
        reviews = "\n".join(
            f"{n} {state_name(t, state)}" for state, n in sorted(plan["assignments"].items())
        )
        totals = " / ".join(
            "–" if (total := plan["totals"].get(rubric)) is None else t.format_decimal(total, 0)
            for rubric in RUBRIC_NAMES
        )
        outcome = plan["outcome"]
        if plan["flags"]:
            outcome += f"\n{_('flags')}: {plan['flags']}"
        table.add_row(escape(municipality), reviews, totals, escape(outcome))
    return table


#: The demo's two rubrics, by their short names.
RUBRIC_NAMES = {"technical": N_("technical"), "communication": N_("communication")}

#: How the demo's reviewers handed their reviews in (`flows.demo`'s counts).
FORM_NAMES = {"web form": N_("web form"), "word form": N_("Word form")}
