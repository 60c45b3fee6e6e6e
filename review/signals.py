"""Telling the orchestrator what happened in the portal, as Prefect events.

When a plan's last review comes in, the portal announces `peerplan.plan.reviews-complete`; the
`compile-reviews` deployment has a trigger on it (flows/deployments.py), so the consolidated
documents are written within seconds rather than at the coordinator's next `review_round` run.
Without a Prefect API (a portal running alone) there is nobody to tell, and nothing is sent: the
next `review_round` run compiles the plan all the same (review.progress).
"""

from __future__ import annotations

import logging
import os
import threading

from review.config import Settings
from review.consolidation.gather import plan_complete
from review.db import get_engine, session_scope
from review.models import Plan, Round

PLAN_READY = "peerplan.plan.reviews-complete"
log = logging.getLogger(__name__)


def orchestrator_configured() -> bool:
    return bool(os.environ.get("PREFECT_API_URL"))


def announce_if_complete(settings: Settings, plan_id: int) -> bool:
    """Emit PLAN_READY when the plan has all its reviews; True when an event was emitted."""
    if not orchestrator_configured():
        return False
    with session_scope(get_engine(settings)) as session:
        if not plan_complete(session, plan_id):
            return False
        plan = session.get(Plan, plan_id)
        round_ = session.get(Round, plan.round_id) if plan else None
        if round_ is None:
            return False
        round_name = round_.name
    from prefect.events import emit_event  # noqa: PLC0415 (Prefect only where an orchestrator listens)

    emit_event(
        event=PLAN_READY,
        resource={
            "prefect.resource.id": f"peerplan.plan.{plan_id}",
            "prefect.resource.name": f"plan {plan_id} of {round_name}",
            "peerplan.round": round_name,
        },
        payload={"plan_id": plan_id, "round_name": round_name},
    )
    return True


def announce_in_background(settings: Settings, plan_id: int) -> None:
    """The same, without keeping the reviewer's request waiting; failures are only logged (the
    next review_round run compiles the plan anyway)."""

    def run() -> None:
        try:
            announce_if_complete(settings, plan_id)
        except Exception:
            log.exception("could not announce that plan %s has all its reviews", plan_id)

    if orchestrator_configured():
        threading.Thread(target=run, name="peerplan-announce", daemon=True).start()
