"""Prefect flow `escalate_deadlines`: reminders, overdue notices, escalation to the coordinator,
reassignment after the grace period and the daily digest, then the outbox is delivered.

Scheduled hourly by the deployment registry (flows/deployments.py) and startable from the
Prefect UI. Each run publishes a markdown artifact saying what it queued and sent, and why. The
decisions, the exactly-once outbox and the sending are all in review.notify.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from prefect import flow
from prefect.artifacts import create_markdown_artifact

from flows.artifacts import (
    artifact_key,
    errors_said,
    publish_round_progress,
    round_translator,
    run_name,
)
from flows.forms import Form, optional
from review.config import load_settings
from review.coordinator import artifacts
from review.runs import run_escalation


class EscalationParameters(Form):
    """Reminders, overdue notices, escalation, reassignment / Erinnerungen, Mahnungen,
    Eskalation, Neuzuteilung (every hour by itself / stündlich von selbst)."""

    round_name: str | None = optional(
        "Only this round; empty: every round / Nur diese Runde; leer: alle Runden"
    )
    now: datetime | None = optional(
        "Act as if it were this time (UTC), e.g. to catch up after an outage; empty: now / "
        "So tun, als wäre es dieser Zeitpunkt (UTC), etwa nach einem Ausfall; leer: jetzt"
    )


EVERY_ROUND = EscalationParameters()


@flow(name="escalate_deadlines", flow_run_name=run_name("deadlines"), log_prints=True)
@errors_said
def escalate_deadlines(parameters: EscalationParameters = EVERY_ROUND) -> dict[str, Any]:
    """Send what the rounds' reminder policies call for now: reminders, overdue notices,
    escalations, reassignments, the coordinators' daily digests."""
    round_name = parameters.round_name
    run = run_escalation(load_settings(), round_name=round_name, now=parameters.now)
    t = round_translator(round_name)
    create_markdown_artifact(
        key=artifact_key("escalate-deadlines", round_name),
        markdown=artifacts.escalation_markdown(run.report, run.delivery, t, run.reviewed),
        description=artifacts.escalation_description(t),
    )
    for name in run.round_names:  # what the check found there, not only that it ran
        publish_round_progress(name, [run.found[name].said()])
    print(artifacts.escalation_text(run.report, t, run.plans))
    print(
        t.gettext("outbox: %(summary)s") % {"summary": artifacts.delivery_summary(run.delivery, t)}
    )
    run.raise_if_failed()  # SMTP trouble fails the run visibly; the messages wait in the outbox
    return {
        "queued": len(run.report.queued),
        "sent": len(run.delivery.sent),
        "cancelled": len(run.delivery.cancelled),
        # round name -> review.deadlines.report.Found's counts (review_round says them again)
        "found": {name: asdict(found) for name, found in run.found.items()},
    }


if __name__ == "__main__":
    escalate_deadlines()
