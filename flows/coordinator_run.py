"""What the coordinator's control flows share (not a flow): run the control, publish what it
did as an artifact and the round's progress, and end a refused control as a failed run with its
one-line reason instead of a traceback."""

from __future__ import annotations

from collections.abc import Callable

from prefect.artifacts import create_markdown_artifact
from prefect.states import Completed, Failed, State

from flows.artifacts import artifact_key, publish_round_progress, round_translator
from review.coordinator import artifacts, run_log
from review.errors import PeerplanError


def run_control(round_name: str, key: str, control: Callable[[], list[str]]) -> State:
    """`control` returns what it did, a line per change in the round's language; a PeerplanError
    is the run's message. `key` names the control (`review.coordinator.artifacts.CONTROL_TITLES`)."""
    try:
        done = control()
    except PeerplanError as exc:
        t = round_translator(round_name)
        print(run_log.control_refused(exc, t))
        return Failed(message=artifacts.refusal(exc, t))
    t = round_translator(round_name)
    title = artifacts.control_title(key, t)
    create_markdown_artifact(
        key=artifact_key(key, round_name),
        markdown=artifacts.control_markdown(title, round_name, done),
        description=title,
    )
    publish_round_progress(round_name, [key] if done else [], done)
    for line in done:
        print(line)
    return Completed(message="; ".join(done)[:500] or t.gettext("nothing was due"))
