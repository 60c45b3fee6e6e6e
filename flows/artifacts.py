"""What the flows show a coordinator in the Prefect UI.

Artifact keys: one key per flow and round, so that each run adds a version of the same artifact
instead of a new one. Prefect allows lowercase ASCII letters, digits and dashes: 'Runde Münster'
-> 'runde-muenster'. The round's progress has one key that every flow updates (intake,
assignment, invitations, deadlines, each compile run), so the newest version is always where the
round stands. Flow runs are named after their round instead of Prefect's random names.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from review.config import load_settings
from review.coordinator import access
from review.coordinator import language as coordinator_language
from review.coordinator.language import coordinator_translator
from review.db import get_engine, session_scope
from review.documents.text import slug
from review.errors import PeerplanError
from review.i18n import Translator
from review.progress import round_progress
from review.progress_report import progress_markdown
from review.rounds import get_round


def artifact_key(prefix: str, round_name: str | None) -> str:
    return f"{prefix}-{slug(round_name or 'all rounds', 'round')}"


def progress_artifact_key(round_name: str) -> str:
    return artifact_key("round-progress", round_name)


def publish_round_progress(round_name: str, steps: list[str], did: Sequence[str] = ()) -> None:
    """The round's progress artifact, in the round's language; `steps` (`review.progress.Step`
    values, or a control's key) say what the run did, `did` a control's lines."""
    settings = load_settings()
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        progress = round_progress(session, round_)
        language = round_.language
        # A coordinator link in each version (Prefect's UI is the coordinator's already); the
        # earlier versions' links keep working for a day (review.coordinator.access).
        token = access.issue_for_artifact(session, round_)
    page_url = settings.portal_base_url.rstrip("/") + access.round_path(token)
    t = coordinator_translator(settings, language)
    create_markdown_artifact(
        key=progress_artifact_key(round_name),
        markdown=progress_markdown(progress, t, datetime.now(UTC).date(), steps, page_url, did),
        description=t.gettext("Where the round stands: plans and outstanding reviews"),
    )


def round_translator(round_name: str | None) -> Translator:
    """The translator of the artifacts about `round_name` (the round's language), or about
    every round (the installation's language): `review.coordinator.language`."""
    return coordinator_language.round_translator(load_settings(), round_name)


P = ParamSpec("P")
R = TypeVar("R")


def errors_said(func: Callable[P, R]) -> Callable[P, R]:
    """Put under `@flow`: a user error ends the run with its message in the coordinator's
    language (the round's, named by the run's parameters), as the Prefect UI shows it."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except PeerplanError as exc:
            round_name = _round_of({str(i): value for i, value in enumerate(args)} | kwargs)
            exc.args = (exc.text(round_translator(round_name).language),)
            raise

    # Prefect validates the parameters by the signature's annotations, which `from __future__
    # import annotations` leaves as names in the flow's module: resolved there, not here.
    wrapper.__signature__ = inspect.signature(func, eval_str=True)  # type: ignore[attr-defined]
    wrapper.__annotations__ = typing.get_type_hints(func)
    del wrapper.__wrapped__
    return wrapper


def _round_of(parameters: dict[str, Any]) -> str | None:
    for value in parameters.values():
        found = value.get("round_name") if isinstance(value, dict) else None
        found = found or getattr(value, "round_name", None)
        if found:
            return str(found)
    return None


def run_name(flow_label: str) -> Callable[[], str]:
    """`flow_run_name` for a flow whose parameter model has a `round_name`."""

    def name() -> str:
        return f"{flow_label}: {_round_of(dict(flow_run.parameters)) or 'every round'}"

    return name
