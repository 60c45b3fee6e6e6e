"""Exactly once across crashes: the escalation process (`python -m review escalate`) is killed
with SIGKILL at the worst moments, then run again.

The SMTP server itself pulls the trigger, so the moment is exact:
- case 1, between writing and sending: the rows are committed and the process is killed when it
  starts to hand over its first message (which the server does not keep). After the restart every
  message has arrived exactly once.
- case 2, between sending and marking: the server keeps the first message and kills the process
  before answering "250 OK", so the row is still pending. After the restart that one message
  arrives a second time WITH THE SAME Message-ID, every other exactly once. This is the guarantee
  that holds here: at-least-once with at most one duplicate per crash, recognisable by its
  Message-ID (no SMTP sender can do better without the server's help).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlmodel import select

from review.db import session_scope
from review.models import Outbox
from review.notify.delivery import deliver
from review.runs import run_invitations
from tests.support.notify import (
    Mailbox,
    approved_assignment,
    make_reviewer,
    small_round,
    start_smtp,
)

D = date(2026, 12, 15)
ROOT = Path(__file__).resolve().parents[2]


def _env(settings, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPLAN_")}
    env.update(
        PEERPLAN_DATA_DIR=str(settings.data_dir),
        PEERPLAN_DATABASE_URL=settings.database_url,
        PEERPLAN_SMTP_HOST="127.0.0.1",
        PEERPLAN_SMTP_PORT=str(port),
        PEERPLAN_PORTAL_BASE_URL=settings.portal_base_url,
    )
    return env


def _prepare(settings, engine, port) -> str:
    """A round whose four reviewers were invited at D-10; at D-7 four reminders and a digest
    are due."""
    with time_machine.travel(
        datetime.combine(D - timedelta(days=10), time(8), tzinfo=UTC), tick=False
    ):
        with session_scope(engine) as session:
            round_, towns, plans = small_round(session, due=D)
            for i in range(4):
                town, plan = ("Bergdorf", "Altstadt") if i % 2 else ("Altstadt", "Bergdorf")
                reviewer = make_reviewer(session, round_, towns[town], email=f"r{i}@example.org")
                approved_assignment(
                    session,
                    round_,
                    plans[plan],
                    reviewer,
                    rubric=("technical", "communication")[i // 2],
                )
            name = round_.name
        run_invitations(settings.model_copy(update={"smtp_port": port}), round_name=name)
    return name


def _escalate(settings, port: int, round_name: str) -> subprocess.Popen:
    now = datetime.combine(D - timedelta(days=7), time(8), tzinfo=UTC).isoformat()
    return subprocess.Popen(
        [sys.executable, "-m", "review", "escalate", "--round", round_name, "--now", now],
        cwd=ROOT,
        env=_env(settings, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
@pytest.mark.parametrize("keep_first", [False, True], ids=["before-send", "after-send"])
def test_killed_escalation_sends_each_message_once_after_restart(settings, engine, keep_first):
    box = Mailbox()
    controller = start_smtp(box)
    try:
        round_name = _prepare(settings, engine, controller.port)
        box.clear()
        process: dict[str, subprocess.Popen] = {}
        killed = threading.Event()

        def kill_on_first(message):
            if killed.is_set():
                return
            if not keep_first:
                box.messages.remove(message)  # the server never got it
            os.kill(process["p"].pid, signal.SIGKILL)
            process["p"].wait(timeout=30)
            killed.set()

        box.on_data = kill_on_first
        process["p"] = _escalate(settings, controller.port, round_name)
        process["p"].wait(timeout=120)
        assert process["p"].returncode == -signal.SIGKILL, process["p"].stderr.read().decode()
        with session_scope(engine) as session:
            rows = session.exec(select(Outbox).where(Outbox.kind != "invitation")).all()
            assert len(rows) == 5 and all(r.status == "pending" for r in rows)
            assert all(r.attempts == 1 for r in rows)  # claimed, then the process died
        before_restart = len(box.messages)

        restart = _escalate(settings, controller.port, round_name)
        out, err = restart.communicate(timeout=120)
        assert restart.returncode == 0, err.decode()
    finally:
        controller.stop()

    ids = Counter(m["Message-ID"] for m in box.messages)
    assert len(ids) == 5  # four reminders and the coordinator's digest
    after = [m["X-Peerplan-Kind"] for m in box.messages[before_restart:]]
    assert after.count("reminder") == 4
    if keep_first:
        # At-least-once: the message the server took before the kill came again, same id.
        assert before_restart == 1
        assert sorted(ids.values()) == [1, 1, 1, 1, 2]
        assert ids[box.messages[0]["Message-ID"]] == 2
    else:
        assert before_restart == 0
        assert set(ids.values()) == {1}  # exactly once
    with session_scope(engine) as session:
        statuses = session.exec(select(Outbox.status)).all()
        assert set(statuses) == {"sent"}
    # Sent rows are never sent again, whatever runs next.
    assert deliver(engine, settings.model_copy(update={"smtp_port": 1})).sent == []
