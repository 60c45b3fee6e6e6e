"""Sending soon after a request: the portal hands what it queued to one background sender per
process instead of waiting for the next scheduled run."""

from __future__ import annotations

import logging
import threading

from review.config import Settings
from review.db import get_engine
from review.notify.delivery import deliver

log = logging.getLogger(__name__)

_background_lock = threading.Lock()
_background_running = False
_background_again = False


def deliver_in_background(settings: Settings) -> None:
    """Send what is pending now without making the caller wait: for the portal, right after the
    request that queued a receipt or a replacement invitation has committed (otherwise those
    wait for the next hourly escalation run). One background sender per process; a call while it
    runs makes it look once more. Failures are only logged: the messages stay in the outbox and
    the scheduled run retries them and fails loudly."""
    global _background_running, _background_again
    with _background_lock:
        if _background_running:
            _background_again = True
            return
        _background_running = True
    threading.Thread(
        target=_background_loop, args=(settings,), name="peerplan-outbox", daemon=True
    ).start()


def _background_loop(settings: Settings) -> None:
    global _background_running, _background_again
    while True:
        try:
            report = deliver(get_engine(settings), settings, raise_on_failure=False)
            if report.failed or report.undeliverable:
                log.warning("outbox: %s; the next scheduled run retries", report.summary())
        except Exception:  # never let a background sender take the portal down
            log.exception("outbox: background delivery failed; the next scheduled run retries")
        with _background_lock:
            if not _background_again:
                _background_running = False
                return
            _background_again = False
