"""The `peerplan` command. Each topic's commands live in their own module of this package."""

from review.cli import (  # noqa: F401  (each module registers its commands)
    intake,
    participants,
    rounds,
    setup,
    synthetic,
)
from review.cli.app import app


def main() -> None:
    app()
