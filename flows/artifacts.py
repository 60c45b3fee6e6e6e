"""Keys of the artifacts the flows publish: one key per flow and round, so that each run adds a
version of the same artifact in the Prefect UI instead of a new one. Prefect allows lowercase
ASCII letters, digits and dashes: 'Runde Münster' -> 'runde-muenster'."""

from __future__ import annotations

from review.documents.text import slug


def artifact_key(prefix: str, round_name: str | None) -> str:
    return f"{prefix}-{slug(round_name or 'all rounds', 'round')}"
