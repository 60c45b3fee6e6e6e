"""The `peerplan` command. Each topic's commands live in their own module of this package."""

import os

from review.cli import (  # noqa: F401  (each module registers its commands)
    assign,
    compile,
    coordinator,
    demo,
    intake,
    meetings,
    notify,
    participants,
    portal,
    replies,
    rounds,
    serve,
    setup,
    synthetic,
)
from review.cli.app import app


def main() -> None:
    # Prefect's ephemeral server needs 24-26 s to start on a fresh machine and gives up at its
    # default of 20 s; set before anything imports Prefect (it reads its settings once).
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    # Telemetry writes to the embedded server's SQLite at startup and can hit "database is
    # locked" on a busy machine (PrefectHQ/prefect#18934); peerplan sends nothing home anyway.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    app()
