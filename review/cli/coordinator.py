"""`peerplan coordinator link` and `peerplan coordinator revoke`: the coordinator's personal link
to a round's page on the portal (review.coordinator.access)."""

from __future__ import annotations

import typer

from review.cli.app import app, console, database, settings, user_errors
from review.coordinator import access
from review.rounds import get_round

coordinator_app = typer.Typer(
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
    console.print(f"revoked {count} coordinator link(s) of round '{round_name}'", highlight=False)
