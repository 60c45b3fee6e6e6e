"""The exchange part of the demo round (#16), used by flows.demo: two municipalities reply to
their draft review on their own link, over HTTP like a browser; the round's meetings are planned
by the `plan_meetings` flow, with their packs, calendar files and invitations."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import httpx

from flows.plan_meetings import MeetingSettings, plan_meetings
from review.config import Settings
from review.db import get_engine, session_scope
from review.exchange.draft import write_draft
from review.exchange.meeting_run import MEETINGS_DIR
from review.exchange.replies import open_window
from review.exchange.reply_page import municipality_plan
from review.intake.register import find_municipality
from review.notify.delivery import deliver
from review.reviewing.links import issue_upload_link
from review.rounds import get_round
from review.synthetic.plans import PlanSpec
from review.synthetic.replies import municipality_replies

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _reply_link(settings: Settings, round_name: str, municipality: str, due: date) -> str:
    """Open the plan's reply window as `peerplan replies open` does: the municipality is told
    (its message waits in the outbox) and its draft is written for the reply page's download.
    Returns the path of its reply page: the link the message carries."""
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        place = find_municipality(session, round_, municipality)
        plan = municipality_plan(session, place) if place is not None else None
        if place is None or plan is None:
            raise LookupError(f"the demo's plan of {municipality} is gone")
        # The link first: the message then carries this same link (derived from the link key).
        token = issue_upload_link(session, place, settings=settings)
        open_window(session, plan, due, actor="demo", settings=settings)
        write_draft(session, settings, round_, plan)
    return f"/m/{token}/reply"


def reply_to_drafts(
    settings: Settings, round_name: str, specs: list[PlanSpec], due: date, count: int = 2
) -> list[str]:
    """The first `count` municipalities (by name) with something to reply reply through the
    portal: a correction of fact and a comment each. Returns their names."""
    replied = []
    for spec in sorted(specs, key=lambda s: s.municipality):
        replies = municipality_replies(spec)
        if not replies:
            continue
        path = _reply_link(settings, round_name, spec.municipality, due)
        with httpx.Client(base_url=settings.portal_base_url, timeout=30) as http:
            for reply in replies:
                page = http.get(path)
                page.raise_for_status()
                match = _CSRF.search(page.text)
                if match is None:
                    raise RuntimeError(f"the reply page of {spec.municipality} has no form")
                answer = http.post(
                    path,
                    data={
                        "csrf": match.group(1),
                        "lang": spec.language,
                        "rubric": reply.rubric_id,
                        "criterion": reply.criterion_id,
                        "kind": reply.kind,
                        "text": reply.text,
                    },
                    headers={"Origin": settings.portal_base_url},
                )
                answer.raise_for_status()
        replied.append(spec.municipality)
        if len(replied) == count:
            break
    return replied


def plan_the_meetings(settings: Settings, round_name: str, start: date, out_dir: Path) -> Path:
    """The `plan_meetings` flow, then the invitations over SMTP; the packs and calendar files
    are copied to `out_dir` (returned)."""
    plan_meetings(MeetingSettings(round_name=round_name, start=start))
    deliver(get_engine(settings), settings)
    written = settings.files_dir / MEETINGS_DIR
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(written, out_dir)
    return out_dir
