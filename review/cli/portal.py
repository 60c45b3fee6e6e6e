"""`peerplan portal` (the reviewer portal) and `peerplan upload-link` (a municipality's link)."""

from __future__ import annotations

from urllib.parse import urlsplit

import typer

from review.cli.app import app, console, database, settings, user_errors
from review.coordinator.language import coordinator_translator
from review.db import migrate
from review.errors import NotFound
from review.i18n import N_
from review.municipality_names import NoMunicipalityNamed, municipality_named
from review.reviewing.links import issue_upload_link
from review.rounds import get_round


@app.command("portal")
@user_errors
def portal(
    host: str = typer.Option(
        "", help="Address to listen on (default 127.0.0.1; 0.0.0.0 behind a reverse proxy)."
    ),
    port: int = typer.Option(0, help="Port (default: from PEERPLAN_PORTAL_BASE_URL, else 8765)."),
) -> None:
    """Run the reviewer portal (personal links, rubric forms, Word forms, plan upload)."""
    import uvicorn

    from review.portal.serving import UVICORN_OPTIONS, ready_app

    current = settings()
    migrate(current)
    base = urlsplit(current.portal_base_url)
    port = port or base.port or 8765
    host = host or "127.0.0.1"
    t = coordinator_translator(current)
    console.print(
        t.gettext("peerplan portal on %(address)s (links point to %(base)s)")
        % {"address": f"http://{host}:{port}", "base": current.portal_base_url},
        highlight=False,
    )
    uvicorn.run(ready_app(current), host=host, port=port, log_level="info", **UVICORN_OPTIONS)


@app.command("upload-link")
@user_errors
def upload_link(
    municipality: str = typer.Argument(..., help="Name of the municipality in the round."),
    round_name: str = typer.Option(..., "--round", help="Name of the round."),
) -> None:
    """Issue a municipality's personal plan-upload link (replaces any earlier link)."""
    current = settings()
    with database(current) as session:
        round_ = get_round(session, round_name)
        try:
            place = municipality_named(session, round_, municipality)
        except NoMunicipalityNamed as exc:
            if exc.closest:
                raise
            raise NotFound(
                N_(
                    "no municipality '%(name)s' in round '%(round)s'; import it with "
                    "`peerplan import`"
                ),
                name=municipality,
                round=round_.name,
            ) from None
        token = issue_upload_link(session, place, settings=current)
    console.print(
        f"{current.portal_base_url.rstrip('/')}/m/{token}", highlight=False, soft_wrap=True
    )
