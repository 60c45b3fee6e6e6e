"""Prefect flow `send_invitations`: invite a round's approved assignments (personal link, Word
form attached), deliver the outbox, publish who was invited as an artifact.

Re-running it invites nobody twice (review.lifecycle.invite)."""

from __future__ import annotations

from prefect import flow
from prefect.artifacts import create_markdown_artifact
from pydantic import Field

from flows.artifacts import (
    artifact_key,
    errors_said,
    publish_round_progress,
    round_translator,
    run_name,
)
from flows.forms import Form
from review.config import load_settings
from review.coordinator import artifacts
from review.runs import run_invitations


class InvitationParameters(Form):
    """Invite the approved reviewers / Freigegebene Gutachter:innen einladen."""

    round_name: str = Field(
        description="The round whose approved reviewers to invite / "
        "Die Runde, deren freigegebene Gutachter:innen eingeladen werden"
    )


@flow(name="send_invitations", flow_run_name=run_name("invitations"), log_prints=True)
@errors_said
def send_invitations(parameters: InvitationParameters) -> dict[str, int]:
    """Invite every approved, not yet invited reviewer of the round by email."""
    round_name = parameters.round_name
    run = run_invitations(load_settings(), round_name=round_name, actor="send_invitations")
    t = round_translator(round_name)
    create_markdown_artifact(
        key=artifact_key("send-invitations", round_name),
        markdown=artifacts.invitations_markdown(
            round_name, run.invited, run.delivery, t, run.awaiting_approval
        ),
        description=artifacts.invitations_description(t),
    )
    publish_round_progress(round_name, ["invite"])
    invited = sum(item.outcome == "invited" for item in run.invited)
    print(
        t.gettext("%(n)s invited; outbox: %(summary)s")
        % {"n": invited, "summary": artifacts.delivery_summary(run.delivery, t)}
    )
    if waiting := artifacts.awaiting_approval_text(round_name, run.awaiting_approval, t):
        print(waiting)
    run.raise_if_failed()
    return {"invited": invited, "sent": len(run.delivery.sent)}
