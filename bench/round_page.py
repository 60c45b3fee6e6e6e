"""Benchmark: the coordinator's round page of a large round, against `/healthz` of the same app.

    PYTHONPATH=. /work/main/.venv/bin/python bench/round_page.py [--plans 1000] [--repeat 5]

A round of N plans is seeded in bulk as bench/seeded_round.py does (three invited assignments a
plan, most reviews submitted, some late), and the local mailbox gets one `.eml` per outbox row
of the round with an 80 KB attachment (the Word form an invitation carries). Then the round page
(`/c/TOKEN`, the first page of plans) and `/healthz` are fetched `--repeat` times each through
the app in this process (Starlette's test client: no network); printed: the medians, their
ratio, the page's size and the load average. `--proposed`: the round waits for the approval of
its proposal instead (every assignment proposed, none approved): the page lists the proposed
reviewers of its plans, each plan with a link that opens its choice of reviewers to pin (one
plan's at a time, review.assignment.service.pin_choices); the page with the first plan's choice
open is timed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session, select, update

sys.path.insert(0, str(Path(__file__).parent))
import seeded_round

from review.config import load_settings
from review.coordinator import access
from review.db import get_engine, migrate
from review.models import Assignment, Outbox, Round
from review.portal.app import create_app


def fill_mailbox(folder: Path, message_ids: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    form = os.urandom(60_000)
    for number, message_id in enumerate(message_ids, 1):
        message = EmailMessage()
        message["Subject"], message["To"] = f"Invitation {number}", f"r{number}@example.org"
        message["Message-ID"], message["Date"] = message_id, "Tue, 01 Dec 2026 10:00:00 +0000"
        message.set_content("Dear reviewer,\n" * 50)
        message.add_attachment(form, maintype="application", subtype="octet-stream")
        (folder / f"{number:05d}.eml").write_bytes(message.as_bytes())


def median_seconds(client: TestClient, url: str, repeat: int) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--proposed", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        settings = load_settings(data_dir=Path(work) / "data")
        migrate(settings)
        total = 3 * args.plans
        seeded_round.seed(settings, args.plans, 5, set(range(1, total + 1, 7)))
        with Session(get_engine(settings)) as session:
            round_ = session.exec(select(Round)).one()
            pinning = ""
            if args.proposed:  # not invited yet: the proposal waits for its approval
                session.execute(
                    update(Assignment).values(status="proposed", approved_at=None, token_hash=None)
                )
                first = session.exec(select(Assignment.plan_id).order_by(Assignment.id)).first()
                pinning = f"&pin={first}"  # a plan's choice of reviewers to pin, opened
            ids = list(session.exec(select(Outbox.message_id)).all())
            token = access.issue(session, round_)
            session.commit()
        fill_mailbox(settings.data_dir / "mailbox", ids)
        client = TestClient(create_app(settings))
        client.get("/healthz")
        client.get(f"/c/{token}?lang=en")  # templates compiled, caches warm
        page, size = median_seconds(client, f"/c/{token}?lang=en", args.repeat)
        trivial, _ = median_seconds(client, "/healthz", args.repeat)
        opened = ""
        if pinning:
            seconds, opened_size = median_seconds(
                client, f"/c/{token}?lang=en{pinning}", args.repeat
            )
            opened = (
                f", with one plan's choice to pin open {seconds:.3f} s ({opened_size / 1e6:.2f} MB)"
            )
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"{'proposed: ' if args.proposed else ''}"
            f"{args.plans} plans, {len(ids)} messages in the mailbox: round page {page:.3f} s "
            f"({size / 1e6:.2f} MB){opened}, /healthz {trivial * 1000:.1f} ms, "
            f"ratio {page / trivial:.0f}x; "
            f"load {load}"
        )


if __name__ == "__main__":
    main()
