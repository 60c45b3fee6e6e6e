"""`peerplan assign-instance` (the file interface), `peerplan assign --round NAME` (propose) and
`peerplan approve --round NAME` (approve the proposal: review.lifecycle.approve_proposal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer
from rich.markup import escape

from review.assignment.budget import DEFAULT_BUDGET
from review.cli.app import (
    app,
    console,
    database,
    err_console,
    installation_translator,
    settings,
    user_errors,
)
from review.cli.layout import RowsWithLines, rows_with_lines, say
from review.coordinator.artifacts import proposal_quality, shell_word
from review.coordinator.language import coordinator_translator
from review.errors import InvalidInput
from review.i18n import N_, Translator, said
from review.rounds import get_round


@app.command("assign-instance")
@user_errors
def assign_instance(
    instance: Path = typer.Argument(..., help="INSTANCE.json (see review/assignment/instance.py)."),
    out: Path = typer.Option(..., "--out", help="Where to write RESULT.json."),
    budget: float = typer.Option(
        DEFAULT_BUDGET, "--budget", min=0.1, help="Seconds the solver may take (wall clock)."
    ),
) -> None:
    """Solve an assignment instance file: the optimum, or the reasons none exists."""
    from review.assignment.instance import load_instance
    from review.assignment.solver import solve

    t = installation_translator()
    result = solve(load_instance(instance), budget=budget, progress=progress_printer(t))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(result.model_dump_json(indent=2), encoding="utf-8")  # RESULT.json: English
    if not result.found:
        _print_reasons(result.status, result.reasons, t)
        raise typer.Exit(1)
    line = t.ngettext(
        "%(quality)s: objective %(objective)s, %(num)s assignment, %(method)s, %(seconds)s s",
        "%(quality)s: objective %(objective)s, %(num)s assignments, %(method)s, %(seconds)s s",
        len(result.assignments),
    ) % {
        "quality": proposal_quality(result.status, result.gap, result.bound, t),
        "objective": t.format_decimal(result.objective or 0, 3),
        "num": t.format_decimal(len(result.assignments)),
        "method": result.method,
        "seconds": t.format_decimal(result.seconds, 2),
    }
    if result.pruning:
        line += "; " + t.gettext(
            "pruned to %(candidates)s of %(eligible)s candidates (top %(top_k)s)"
        ) % {
            key: t.format_decimal(result.pruning[key])
            for key in ("candidates", "eligible", "top_k")
        }
    say(console, escape(f"{line} -> {out}"))


def _print_reasons(status: str, reasons: list[str], t: Translator) -> None:
    """Why the solver has no answer, a line per reason, in the coordinator's language."""
    label = proposal_quality(status, None, None, t)
    for reason in reasons:
        say(err_console, "[red]" + escape(label) + ":[/] " + escape(str(said(t, reason))))


def progress_printer(t: Translator) -> Callable[[str], None]:
    """The solver's progress lines in `t`'s language, on stderr so that tables on stdout stay
    clean."""

    def progress(line: str) -> None:
        say(err_console, escape(str(said(t, line))), style="dim")

    return progress


def proposal_table(session, proposal, t: Translator) -> RowsWithLines:
    title = t.gettext("proposal: objective %(value)s") % {
        "value": t.format_decimal(proposal.objective)
    }
    return pairs_table(session, proposal.rows, title, t)


def pairs_table(session, rows, title: str, t: Translator) -> RowsWithLines:
    """(plan id, reviewer id, rubric, affinity, why) rows by plan: plan, reviewer, rubric and
    affinity in columns, each pair's reasons on the line under it, as wide as the terminal.
    A column of reasons beside the others was 14 characters wide at 80 columns, a word or two
    a line ('Textähnlichkei' / 't 0,174')."""
    from sqlmodel import col, select

    from review.models import Municipality, Plan, Reviewer

    # Three queries for the whole table, not three per row (3,000 rows in a 1,000-plan round).
    plan_ids = {plan_id for plan_id, *_ in rows}
    plans = {p.id: p for p in session.exec(select(Plan).where(col(Plan.id).in_(plan_ids)))}
    towns = {m.id: m.name for m in session.exec(select(Municipality))}
    reviewer_ids = {reviewer_id for _, reviewer_id, *_ in rows}
    names = {
        r.id: r.name
        for r in session.exec(select(Reviewer).where(col(Reviewer.id).in_(reviewer_ids)))
    }
    _ = t.gettext

    def by_plan(row) -> tuple[str, str, str]:
        return (towns[plans[row[0]].municipality_id], row[2], names[row[1]])

    cells = []
    for plan_id, reviewer_id, rubric, value, why in sorted(rows, key=by_plan):
        plan = plans[plan_id]
        town = f"{towns[plan.municipality_id]} ({plan.language})"
        reason = str(said(t, why))
        cells.append(
            (
                (town, names[reviewer_id], rubric, t.format_decimal(value, 3)),
                [reason] if reason else [],
            )
        )
    header = (_("plan"), _("reviewer"), _("rubric"), _("affinity"))
    # Rubric and affinity as wide as their widest cell; plan and reviewer share the rest.
    return rows_with_lines(header, cells, title=title, fixed=(2, 3), right=(3,))


@app.command("assign")
@user_errors
def assign(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the proposal, store nothing."),
    budget: float = typer.Option(
        DEFAULT_BUDGET,
        "--budget",
        min=0.1,
        help="Seconds the solver may take (wall clock); then the best answer found, with its gap.",
    ),
    pin: str = typer.Option(
        "",
        "--pin",
        help="Solve the standing proposal again with this reviewer (name or email) on the plan "
        "of --plan, keeping its pins and left-out pairs (the round page's Pin and solve again).",
    ),
    plan: str = typer.Option("", "--plan", help="With --pin: the plan, by its municipality."),
    rubric: str = typer.Option(
        "", "--rubric", help="With --pin: the rubric (default: the reviewer's only one)."
    ),
) -> None:
    """Propose reviewers for every plan of a round (status proposed, to be approved)."""
    from review.assignment import service
    from review.coordinator import controls

    if (pin or plan or rubric) and not (pin and plan and not dry_run):
        raise InvalidInput(
            N_("--pin needs --plan (the plan's municipality) and stores a proposal (no --dry-run)")
        )
    settings_ = settings()
    with database(settings_) as session:
        round_ = get_round(session, round_name)
        t = coordinator_translator(settings_, round_.language)
        if pin:
            proposal = controls.pin_reviewer(
                session, round_, plan, pin, rubric=rubric or None, actor="cli", budget=budget
            )
        else:
            proposal = service.propose(
                session,
                round_,
                actor="cli",
                dry_run=dry_run,
                budget=budget,
                progress=progress_printer(t),
            )
        if not proposal.found:
            _print_reasons(proposal.status, proposal.reasons, t)
            raise typer.Exit(1)
        console.print(proposal_table(session, proposal, t))
        counts = {
            "created": proposal.created,
            "updated": proposal.updated,
            "removed": proposal.removed,
            "quality": proposal_quality(proposal.status, proposal.gap, proposal.bound, t),
            "method": proposal.method,
            "seconds": t.format_decimal(proposal.seconds, 1),
        }
        if dry_run:
            line = t.gettext(
                "would create %(created)s, update %(updated)s and remove %(removed)s proposed "
                "assignments (%(quality)s; %(method)s, %(seconds)s s)"
            )
        else:
            line = t.gettext(
                "created %(created)s, updated %(updated)s, removed %(removed)s proposed "
                "assignments (%(quality)s; %(method)s, %(seconds)s s); approve them with "
                "`peerplan approve --round %(round)s`, on the round page or in the Prefect flow "
                "assign_reviewers"
            )
        console.print(line % {**counts, "round": shell_word(round_.name)}, highlight=False)


@app.command("approve")
@user_errors
def approve(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
) -> None:
    """Approve the round's proposed reviewers (shown first), so that `invite` invites them."""
    from review import lifecycle
    from review.coordinator.artifacts import APPROVAL_SAID, approval_outcome

    settings_ = settings()
    with database(settings_) as session:
        round_ = get_round(session, round_name)
        t = coordinator_translator(settings_, round_.language)
        approval = lifecycle.approve_proposal(session, round_, actor="cli")
        if approval.approved:
            why = "why_de" if t.language == "de" else "why"
            rows = [
                (
                    a.plan_id,
                    a.reviewer_id,
                    a.rubric,
                    a.affinity,
                    (a.explanation or {}).get(why) or (a.explanation or {}).get("why", ""),
                )
                for a in approval.approved
            ]
            title = t.ngettext(
                "approved: %(num)s proposed reviewer",
                "approved: %(num)s proposed reviewers",
                len(rows),
            ) % {"num": len(rows)}
            console.print(pairs_table(session, rows, title, t))
        said = t.gettext(APPROVAL_SAID[approval_outcome(approval)])
    console.print(said, highlight=False)  # wrapped at words: no path or link in it
