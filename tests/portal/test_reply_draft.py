"""The municipality downloads its draft document from its reply page (#16): the municipality's
edition of its own plan (no reviewer named in a blind round), never another municipality's;
until the draft is written the page says it is being prepared; a draft whose file is lost is
written again (review.exchange.draft_restore)."""

from __future__ import annotations

import io
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import docx
import pytest
from sqlmodel import Session, select

from review.config import Settings
from review.exchange import draft_restore
from review.exchange.draft import write_draft
from review.exchange.draft_restore import restore_draft
from review.exchange.replies import open_window
from review.models import Event, Municipality
from review.reviewing.links import issue_upload_link
from tests.support.portal_client import client_for
from tests.support.review_data import ReviewedPlan, reviewed_plan


def _open(session: Session, town: str, *, window: bool = True) -> tuple[str, ReviewedPlan]:
    reviewed = reviewed_plan(session, municipality=town)
    if window:
        open_window(session, reviewed.plan, date.today() + timedelta(days=7))
    token = issue_upload_link(session, session.get(Municipality, reviewed.plan.municipality_id))
    session.commit()
    return token, reviewed


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_link_downloads_its_own_plans_draft(session: Session, settings: Settings) -> None:
    token, reviewed = _open(session, "Musterstadt", window=False)
    client = client_for(settings)
    page = client.get(f"/m/{token}/reply?lang=en").text
    assert "being prepared" in page and f"/m/{token}/draft.docx" not in page
    assert client.get(f"/m/{token}/draft.docx").status_code == 404
    assert "Gutachtenentwurf wird gerade erstellt" in client.get(f"/m/{token}/reply?lang=de").text

    # `peerplan replies open`: the window and the draft.
    open_window(session, reviewed.plan, date.today() + timedelta(days=7))
    session.commit()
    write_draft(session, settings, reviewed.round_, reviewed.plan)
    page = client.get(f"/m/{token}/reply?lang=en").text
    assert f'href="/m/{token}/draft.docx"' in page and "being prepared" not in page
    assert f"/m/{token}/draft.pdf" not in page  # no PDF copy was made
    got = client.get(f"/m/{token}/draft.docx")
    assert got.status_code == 200, got.text
    assert "Musterstadt" in got.headers["content-disposition"]
    text = _text(got.content)
    assert "Klimaschutzkonzept Musterstadt" in text
    assert "Baseline" in text  # a criterion of the technical rubric
    # Blind round: the municipality's edition names none of its reviewers.
    assert reviewed.reviewers
    for reviewer in reviewed.reviewers:
        assert reviewer.name not in text and reviewer.email not in text
    assert client.get(f"/m/{token}/draft.pdf").status_code == 404
    assert client.get(f"/m/{token}/draft.xlsx").status_code == 404


def test_another_municipalitys_link_cannot_download_it(
    session: Session, settings: Settings
) -> None:
    token, reviewed = _open(session, "Musterstadt")
    write_draft(session, settings, reviewed.round_, reviewed.plan)
    other, other_reviewed = _open(session, "Altstadt", window=False)
    client = client_for(settings)
    # Its own draft is not written: nothing to download, and never Musterstadt's.
    assert client.get(f"/m/{other}/draft.docx").status_code == 404
    write_draft(session, settings, other_reviewed.round_, other_reviewed.plan)
    got = client.get(f"/m/{other}/draft.docx")
    assert got.status_code == 200
    assert "Altstadt" in _text(got.content) and "Musterstadt" not in _text(got.content)
    assert client.get("/m/not-a-link/draft.docx").status_code == 404


def _kinds(session: Session, plan_id: int) -> Counter[str]:
    session.expire_all()
    found = session.exec(select(Event).where(Event.entity == "plan", Event.entity_id == plan_id))
    return Counter(event.kind for event in found)


def test_a_lost_draft_is_written_again_and_the_municipality_gets_it(
    session: Session, settings: Settings
) -> None:
    """The file is gone (deleted, a lost volume, a new machine with only the database): the page
    says so and the draft is written again once, in the background, without the window or the
    compile recorded again; then the municipality downloads it as before."""
    token, reviewed = _open(session, "Musterstadt")
    written = write_draft(session, settings, reviewed.round_, reviewed.plan)
    session.commit()
    plan_id = reviewed.plan.id
    before = _kinds(session, plan_id)
    written.unlink()
    client = client_for(settings, restoring=True)

    page = client.get(f"/m/{token}/reply?lang=de").text
    assert "wird neu erstellt" in page and f"/m/{token}/draft.docx" not in page
    # A download in the meantime leads back to the page that says so.
    got = client.get(f"/m/{token}/draft.docx?lang=en")
    assert got.status_code == 303 and got.headers["location"] == f"/m/{token}/reply?lang=en#draft"
    deadline = time.monotonic() + 120
    while f'href="/m/{token}/draft.docx"' not in (page := client.get(f"/m/{token}/reply").text):
        assert time.monotonic() < deadline, "the draft was not written again in 120 s"
        assert "being written again" in page or "wird neu erstellt" in page
        time.sleep(0.2)
    got = client.get(f"/m/{token}/draft.docx")
    assert got.status_code == 200, got.text
    assert "Klimaschutzkonzept Musterstadt" in _text(got.content)
    # The writer records its event after the file is in place: wait for its commit (a new
    # transaction each look, or SQLite's snapshot would never show it).
    while not (after := _kinds(session, plan_id))["draft.rewritten"]:
        assert time.monotonic() < deadline, "the rewrite was not recorded"
        session.rollback()
        time.sleep(0.1)
    assert after - before == Counter({"draft.rewritten": 1})
    assert after["reply.opened"] == before["reply.opened"] == 1 and not after["plan.compiled"]


def test_two_writers_write_a_lost_draft_once(session: Session, settings: Settings) -> None:
    """Two portal processes notice the same lost draft (here on a machine that has the database
    and not even the round's output folder): the plan's claim lets one write it; the other
    finds it written (or the claim held) and writes nothing."""
    _token, reviewed = _open(session, "Musterstadt")
    written = write_draft(session, settings, reviewed.round_, reviewed.plan)
    shutil.rmtree(written.parent.parent)
    session.commit()
    plan_id = reviewed.plan.id
    with ThreadPoolExecutor(2) as pool:
        paths = list(pool.map(lambda _: restore_draft(settings, plan_id, wait=30), range(2)))
    assert sum(p is not None for p in paths) == 1
    assert _kinds(session, plan_id)["draft.rewritten"] == 1
    assert restore_draft(settings, plan_id) is None  # there now: nothing to write


def test_a_draft_that_cannot_be_written_is_not_tried_at_every_page_load(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    """Writing a draft gathers the whole round (seconds); when it fails (a broken rubric file, a
    full disk) a municipality reloading its page must not start that work again each time: the
    next try waits 30 s, then 60 s..., and a success clears the back-off."""
    tries: list[int] = []
    fail = True

    def writer(_settings: Settings, plan_id: int) -> None:
        tries.append(plan_id)
        if fail:
            raise OSError("No space left on device")

    clock = [1000.0]
    monkeypatch.setattr(draft_restore, "restore_draft", writer)
    monkeypatch.setattr(draft_restore, "_now", lambda: clock[0])
    monkeypatch.setattr(draft_restore, "_failed", {})

    def page_load() -> bool:
        thread = draft_restore.restore_in_background(settings, 7)
        if thread is not None:
            thread.join()
        return thread is not None

    assert page_load() and tries == [7]
    assert not page_load() and not page_load()  # reloads within the back-off: no new writer
    clock[0] += 29
    assert not page_load()
    clock[0] += 2
    assert page_load() and tries == [7, 7]  # 31 s later; now it waits 60 s
    clock[0] += 45
    assert not page_load()
    clock[0] += 20
    fail = False
    assert page_load() and page_load()  # written: no back-off any more
    assert tries == [7, 7, 7, 7]
