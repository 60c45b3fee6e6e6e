"""`peerplan round create` and `peerplan round update`."""

from __future__ import annotations

from datetime import date, timedelta

import typer

from review.cli.app import PeerplanTyper, app, console, database, settings, user_errors
from review.coordinator.artifacts import round_change_lines
from review.coordinator.language import coordinator_translator
from review.notify.context import rubric_title
from review.rounds import (
    DUE_DATE,
    FINAL_DEADLINE,
    create_round,
    get_round,
    minimum_per_rubric,
    parse_date,
    update_round,
)

round_app = PeerplanTyper(help="Review rounds.", no_args_is_help=True)
app.add_typer(round_app, name="round")


def _split(values: str) -> list[str]:
    return [v.strip() for v in values.split(",") if v.strip()]


@round_app.command("create")
@user_errors
def round_create(
    name: str = typer.Argument(..., help="Unique name, e.g. 'MULTIPLY DE 2026'."),
    country: str = typer.Option("DE", help="Country code of the round."),
    language: str = typer.Option("de", help="Language of the round's documents (de or en)."),
    languages: str = typer.Option("", help="Plan languages in the round, comma-separated."),
    reviews_per_plan: int = typer.Option(3, min=1, help="Reviews each plan gets."),
    technical: int | None = typer.Option(
        None, min=0, help="At least this many technical reviews per plan (default 1)."
    ),
    communication: int | None = typer.Option(
        None, min=0, help="At least this many communication reviews (default 1)."
    ),
    rubrics: list[str] = typer.Option(
        [],
        "--rubric",
        metavar="RUBRIC[=N]",
        help="Review with this rubric (a file in rubrics/), at least N reviews per plan "
        "(default 1); repeat for more rubrics. Instead of --technical and --communication.",
    ),
    due: str = typer.Option("", help="Due date of the reviews (YYYY-MM-DD); default in 4 weeks."),
    blind: bool = typer.Option(
        True, "--blind/--open", help="Hide reviewer names from the plans' municipalities."
    ),
    avoid_reciprocal: bool = typer.Option(False, help="Never let A review B while B reviews A."),
    coordinator_email: str = typer.Option("coordinator@example.org", help="Escalations go here."),
    allow_past: bool = typer.Option(False, help="Accept a due date before today."),
) -> None:
    """Create a review round."""
    due_date = parse_date(due, DUE_DATE) if due else date.today() + timedelta(weeks=4)
    settings_ = settings()
    with database(settings_) as session:
        round_ = create_round(
            session,
            name=name,
            country=country,
            language=language,
            languages=_split(languages) or None,
            reviews_per_plan=reviews_per_plan,
            min_per_rubric=minimum_per_rubric(rubrics, technical, communication),
            due_date=due_date,
            blind=blind,
            avoid_reciprocal=avoid_reciprocal,
            coordinator_email=coordinator_email,
            allow_past=allow_past,
        )
        t = coordinator_translator(settings_, round_.language)
        line = (
            t.gettext(
                "round '%(round)s' created: %(n)s reviews per plan, due %(day)s, blind (the "
                "municipalities do not learn who reviewed their plan)"
            )
            if round_.blind
            else t.gettext(
                "round '%(round)s' created: %(n)s reviews per plan, due %(day)s, open (the "
                "municipalities learn who reviewed their plan)"
            )
        )
        console.print(
            line
            % {
                "round": round_.name,
                "n": round_.reviews_per_plan,
                "day": t.format_date(round_.due_date),
            },
            highlight=False,
        )
        # Which rubrics the round reviews with decides what its intake calls missing: said once.
        said = "; ".join(
            t.gettext("%(rubric)s (at least %(n)s per plan)")
            % {"rubric": rubric_title(rubric_id, t.language), "n": n}
            for rubric_id, n in round_.min_per_rubric.items()
        )
        console.print(t.gettext("rubrics: %(rubrics)s") % {"rubrics": said}, highlight=False)


@round_app.command("update")
@user_errors
def round_update(
    # round_name: an error is said in this round's language (user_errors)
    round_name: str = typer.Argument(..., metavar="NAME", help="The round to change."),
    final_deadline: str = typer.Option("", help="When personal links close (YYYY-MM-DD)."),
    reviews_per_plan: int | None = typer.Option(None, min=1, help="Reviews each plan gets."),
    blind: bool | None = typer.Option(
        None, "--blind/--open", help="Hide reviewer names from the plans' municipalities."
    ),
    avoid_reciprocal: bool | None = typer.Option(
        None, "--avoid-reciprocal/--allow-reciprocal", help="A reviews B while B reviews A?"
    ),
    peers_named: bool | None = typer.Option(
        None,
        "--name-peers/--hide-peers",
        help="Name the plans a municipality can learn from in its document (reviewers stay "
        "hidden in blind rounds either way).",
    ),
    language: str = typer.Option("", help="Language of the coordinator's messages (de or en)."),
    coordinator_name: str = typer.Option("", help="Name that signs the coordinator's messages."),
    coordinator_email: str = typer.Option("", help="Where escalations go."),
    allow_past: bool = typer.Option(False, help="Accept a final deadline before today."),
) -> None:
    """Change a round's settings and print what changed (a review's due date is its own)."""
    changes = {
        "final_deadline": parse_date(final_deadline, FINAL_DEADLINE) if final_deadline else None,
        "reviews_per_plan": reviews_per_plan,
        "blind": blind,
        "avoid_reciprocal": avoid_reciprocal,
        "peers_named": peers_named,
        "language": language or None,
        "coordinator_name": coordinator_name or None,
        "coordinator_email": coordinator_email or None,
    }
    settings_ = settings()
    with database(settings_) as session:
        round_ = get_round(session, round_name)
        changed = update_round(
            session,
            round_,
            changes={k: v for k, v in changes.items() if v is not None},
            allow_past=allow_past,
        )
        t = coordinator_translator(settings_, round_.language)  # the new one, when it changed
    for line in round_change_lines(changed, t):
        console.print(
            t.gettext("round '%(round)s': %(change)s") % {"round": round_name, "change": line},
            highlight=False,
        )
