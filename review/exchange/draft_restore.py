"""Writing a lost draft again (#16, `review.exchange.draft`): when the municipality's reply page
or its download finds the draft missing although it was written, the portal calls
`restore_in_background` and says meanwhile that the document is being written again. Nothing
else writes it before the next compile or a new `peerplan replies open` (which also records
the window again), so without this the page would say "being prepared" for good.

Who writes it and when: a thread of the portal process that noticed, started after the
request (the page is not held up: gathering reads the whole round, seconds at a hundred plans);
one per plan in a process, and across processes and machines one at a time by the claim
`peerplan draft <plan id>` (`review.claims`): a second claimant does not wait, it finds the
file there on the next page load. The writer looks again under the claim and writes only a
draft that is still lost, so a burst of page loads writes it once.

What it causes: the draft's files as a compile of the plan writes them (both editions and the
action sheet; no PDF copy, as when the window opens), and the audit event `draft.rewritten`
(payload: the file), once per rewrite; no `plan.compiled` (review.progress still waits for the
plan's compile) and no message. A failure is logged; a page load after it tries again, but not
sooner than a back-off that doubles with each failure of the plan in this process (30 s up to
15 minutes): gathering a round costs seconds, and a draft that cannot be written (a broken
rubric file, a full disk) must not cost them again at every reload of a municipality's page.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from review import events
from review.claims import held
from review.config import Settings
from review.db import get_engine, session_scope
from review.exchange.draft import draft_files, write_draft
from review.models import Municipality, Plan, Round

log = logging.getLogger(__name__)

_lock = threading.Lock()
_running: set[int] = set()  # plan ids this process is writing
_failed: dict[int, tuple[int, float]] = {}  # plan id -> (failures in a row, monotonic retry time)
FIRST_BACK_OFF = 30.0
LONGEST_BACK_OFF = 15 * 60.0
_now = time.monotonic  # the back-off's clock (tests move it)


def claim_name(plan_id: int) -> str:
    return f"peerplan draft {plan_id}"


def _lock_file(settings: Settings, plan_id: int) -> Path:
    return settings.data_dir / "draft-locks" / f"{plan_id}.lock"


def restore_draft(settings: Settings, plan_id: int, *, wait: float = 0.0) -> Path | None:
    """Write the plan's draft again if it is still lost, under the plan's claim (waiting up to
    `wait` seconds for it); returns the municipality's edition, or None when there was nothing
    to write (the file is there, the plan or its municipality is gone) or another process
    holds the claim."""
    engine = get_engine(settings)
    with held(engine, claim_name(plan_id), _lock_file(settings, plan_id), wait=wait) as got:
        if not got:
            return None
        with session_scope(engine) as session:
            plan = session.get(Plan, plan_id)
            municipality = session.get(Municipality, plan.municipality_id) if plan else None
            round_ = session.get(Round, plan.round_id) if plan else None
            if plan is None or municipality is None or round_ is None:
                return None
            files = draft_files(session, settings, municipality)
            if files is None or not files.lost:
                return None
            path = write_draft(session, settings, round_, plan)
            events.record(
                session,
                kind="draft.rewritten",
                actor="system",
                entity="plan",
                entity_id=plan_id,
                round_id=plan.round_id,
                payload={"file": path.name, "reason": "missing"},
            )
        log.warning("draft of plan %s was missing; written again: %s", plan_id, path)
        return path


def restore_in_background(settings: Settings, plan_id: int) -> threading.Thread | None:
    """`restore_draft` in a thread of this process, unless one for the plan is running here;
    returns the thread (tests join it), or None. After a failure, None until the back-off of the
    plan's failures has passed."""
    with _lock:
        if plan_id in _running:
            return None
        failures = _failed.get(plan_id)
        if failures is not None and _now() < failures[1]:
            return None
        _running.add(plan_id)
    thread = threading.Thread(
        target=_run, args=(settings, plan_id), name=f"peerplan-draft-{plan_id}", daemon=True
    )
    thread.start()
    return thread


def _run(settings: Settings, plan_id: int) -> None:
    try:
        restore_draft(settings, plan_id)
    except Exception:  # never let a background writer take the portal down
        with _lock:
            count = _failed.get(plan_id, (0, 0.0))[0] + 1
            wait = min(FIRST_BACK_OFF * 2 ** (count - 1), LONGEST_BACK_OFF)
            _failed[plan_id] = (count, _now() + wait)
        log.exception(
            "draft of plan %s: writing it again failed (%s in a row); a page load retries "
            "in %.0f s at the earliest",
            plan_id,
            count,
            wait,
        )
    else:
        with _lock:
            _failed.pop(plan_id, None)
    finally:
        with _lock:
            _running.discard(plan_id)
