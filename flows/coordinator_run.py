"""What the coordinator's control flows share (not a flow): run the control, publish what it
did as an artifact and the round's progress, and end a refused control as a failed run with its
one-line reason instead of a traceback."""

from __future__ import annotations

from collections.abc import Callable

from prefect.artifacts import create_markdown_artifact
from prefect.states import Completed, Failed, State

from flows.artifacts import artifact_key, publish_round_progress
from review.errors import PeerplanError


def run_control(round_name: str, title: str, key: str, control: Callable[[], list[str]]) -> State:
    """`control` returns what it did, a line per change; a PeerplanError is the run's message."""
    try:
        done = control()
    except PeerplanError as exc:
        print(f"refused: {exc}")
        return Failed(message=str(exc))
    create_markdown_artifact(
        key=artifact_key(key, round_name),
        markdown="\n".join([f"# {title}: {round_name}", "", *[f"- {d}" for d in done]]) + "\n",
        description=title,
    )
    publish_round_progress(round_name, [])
    for line in done:
        print(line)
    return Completed(message="; ".join(done)[:500] or "nothing to do")
