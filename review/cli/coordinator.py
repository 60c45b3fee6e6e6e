"""`peerplan coordinator ...`: the coordinator's personal link to a round's page on the portal
(`link`, `revoke`: review.coordinator.access) and the controls (`extend`, `remind`, `new-link`,
`replace`: review.coordinator.controls)."""

from __future__ import annotations

import typer
from rich.markup import escape

from review.cli.app import PeerplanTyper, app, console, database, settings, user_errors
from review.cli.layout import say
from review.coordinator import access, runs
from review.coordinator.artifacts import delivery_summary
from review.coordinator.controls import Target
from review.coordinator.language import coordinator_translator
from review.coordinator.runs import ControlRun
from review.i18n import translator
from review.rounds import NEW_DUE_DATE, get_round, parse_date

coordinator_app = PeerplanTyper(
    help="The coordinator's access to a round's page on the portal.", no_args_is_help=True
)
app.add_typer(coordinator_app, name="coordinator")


@coordinator_app.command("link")
@user_errors
def link(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    label: str = typer.Option(
        "cli", help="Who the link is for ('cli', 'serve'); the earlier link of the label stops."
    ),
) -> None:
    """Print a new personal link to the round's page (the earlier one of its label stops)."""
    current = settings()
    with database(current) as session:
        round_ = get_round(session, round_name)
        token = access.issue(session, round_, label=label)
    url = current.portal_base_url.rstrip("/") + access.round_path(token)
    console.print(url, highlight=False, soft_wrap=True)


@coordinator_app.command("revoke")
@user_errors
def revoke(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    label: str = typer.Option("", help="Only the links of this label; default: every link."),
) -> None:
    """Revoke the round's coordinator links (all, or those of one label)."""
    with database() as session:
        round_ = get_round(session, round_name)
        count = access.revoke(session, round_, label=label or None)
        t = coordinator_translator(settings(), round_.language)
    console.print(
        t.ngettext(
            "revoked %(n)s coordinator link of round '%(round)s'",
            "revoked %(n)s coordinator links of round '%(round)s'",
            count,
        )
        % {"n": count, "round": round_name},
        highlight=False,
    )


PLAN = typer.Option("", "--plan", help="Only the plan of this municipality.")
REVIEWER = typer.Option("", "--reviewer", help="Only this reviewer (name or email).")


def _target(plan: str, reviewer: str) -> Target:
    return Target(municipality=plan or None, reviewer=reviewer or None)


def _report(result: ControlRun) -> None:
    t = translator(result.language)
    for line in result.done:
        say(console, escape(line))
    console.print(
        t.gettext("mail: %(summary)s") % {"summary": delivery_summary(result.delivery, t)},
        highlight=False,
    )


@coordinator_app.command("extend")
@user_errors
def extend(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    due: str = typer.Option(..., "--due", help="The new due date, YYYY-MM-DD."),
    plan: str = PLAN,
    reviewer: str = REVIEWER,
    allow_past: bool = typer.Option(False, help="Accept a due date before today."),
) -> None:
    """Extend the deadline of the round, a plan's reviews or one review (--plan and --reviewer)."""
    due_date = parse_date(due, NEW_DUE_DATE)
    _report(
        runs.extend(
            settings(), round_name, due_date, _target(plan, reviewer), allow_past=allow_past
        )
    )


@coordinator_app.command("remind")
@user_errors
def remind(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    plan: str = PLAN,
    reviewer: str = REVIEWER,
) -> None:
    """Remind now everyone who owes a review (in the round, a plan, or one reviewer)."""
    _report(runs.remind(settings(), round_name, _target(plan, reviewer)))


@coordinator_app.command("new-link")
@user_errors
def new_link(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    reviewer: str = typer.Option(..., "--reviewer", help="The reviewer (name or email)."),
    plan: str = PLAN,
) -> None:
    """Send a reviewer a new personal link with the invitation; the old link stops working."""
    _report(runs.new_link(settings(), round_name, _target(plan, reviewer)))


@coordinator_app.command("replace")
@user_errors
def replace(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    plan: str = typer.Option(..., "--plan", help="The plan, by its municipality."),
    reviewer: str = typer.Option(..., "--reviewer", help="The reviewer to replace."),
    backup: str = typer.Option("", help="The backup reviewer; default: the best eligible one."),
    reason: str = typer.Option("", help="Why (kept in the event log)."),
) -> None:
    """Give one review to a named backup or the best eligible reviewer, invited at once."""
    _report(
        runs.replace(
            settings(), round_name, _target(plan, reviewer), backup=backup or None, reason=reason
        )
    )


@coordinator_app.command("withdraw-plan")
@user_errors
def withdraw_plan(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    plan: str = typer.Option(..., "--plan", help="The plan, by its municipality."),
    reason: str = typer.Option(..., help="Why (the invited reviewers are told)."),
) -> None:
    """Take a plan out of the round: its open reviews are withdrawn, their links stop."""
    _report(runs.withdraw_plan(settings(), round_name, plan, reason))


@coordinator_app.command("take-in")
@user_errors
def take_in(
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
    plan: str = typer.Option(..., "--plan", help="The plan, by its municipality."),
) -> None:
    """Take a withdrawn or late plan (back) into the round; the next round run assigns it."""
    _report(runs.take_in_plan(settings(), round_name, plan))
