"""Saving a draft over the draft the form was made from, the portal's most frequent post (one
guarded statement, `review.reviewing.in_place`): what the reviewer sees and what is stored, when
it goes through and when it must not."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import Session, col, select

from review.config import Settings
from review.models import Event, Review
from review.reviewing import drafts, in_place, links
from review.reviewing.form import ReviewInput
from review.rubric import load_rubrics
from tests.support.portal_client import client_for, form_fields, page, review_form
from tests.support.reviewing_data import invited_assignment


def _saves(session: Session) -> list[dict]:
    session.expire_all()
    events = session.exec(
        select(Event).where(Event.kind == "review.draft_saved").order_by(col(Event.id))
    )
    return [e.payload for e in events]


def _stored(session: Session) -> Review:
    session.expire_all()
    return session.exec(select(Review)).one()


def test_a_draft_saved_again_from_two_tabs_keeps_the_first_and_tells_the_second(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    first = client_for(settings)
    fields = form_fields(page(first, inv.token, inv.assignment_id).text)
    draft = {**fields, "action": "draft", "lang": "en"}
    r = first.post(url, data=draft | review_form({"T1": "2"}, {"T1": "first words"}))
    assert r.status_code == 303
    # Two tabs open the saved draft (revision 1.1); the first one saves again.
    tab1, tab2 = client_for(settings), client_for(settings)
    f1 = form_fields(page(tab1, inv.token, inv.assignment_id).text)
    f2 = form_fields(page(tab2, inv.token, inv.assignment_id).text)
    assert f1["seen"] == f2["seen"] == "1.1"
    edit = {"action": "draft", "lang": "en"}
    r = tab1.post(url, data=f1 | edit | review_form({"T1": "3"}, {"T1": "from tab one"}))
    assert r.status_code == 303 and "done=saved" in r.headers["location"]
    shown = tab1.get(r.headers["location"]).text
    assert "Draft saved." in shown and "from tab one" in shown
    assert form_fields(shown)["seen"] == "1.2"
    # The second tab's save was made from 1.1: refused with both texts, nothing overwritten.
    r = tab2.post(url, data=f2 | edit | review_form({"T1": "4"}, {"T1": "from tab two"}))
    assert r.status_code == 409
    assert "changed elsewhere" in r.text and "from tab one" in r.text and "from tab two" in r.text
    stored = _stored(session)
    assert (stored.version, stored.revision, stored.status) == (1, 2, "draft")
    assert stored.scores == {"T1": 3} and stored.comments == {"T1": "from tab one"}
    # One event per save that was written, none for the refused one.
    assert _saves(session) == [
        {"version": 1, "revision": 1, "source": "web"},
        {"version": 1, "revision": 2, "source": "web"},
    ]
    # Saving again from the refused page (based on 1.2) goes through as revision 3.
    r = tab2.post(
        url, data=form_fields(r.text) | edit | review_form({"T1": "4"}, {"T1": "from tab two"})
    )
    assert r.status_code == 303
    assert _stored(session).comments == {"T1": "from tab two"}
    assert [s["revision"] for s in _saves(session)] == [1, 2, 3]


def test_a_refused_save_of_a_draft_writes_nothing(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    client = client_for(settings)
    fields = form_fields(page(client, inv.token, inv.assignment_id).text)
    edit = {"action": "draft", "lang": "en"}
    r = client.post(url, data=fields | edit | review_form({"T1": "2"}, {"T1": "kept"}))
    assert r.status_code == 303
    fields = form_fields(client.get(r.headers["location"]).text)
    # A score off the scale: the error at its criterion, the input shown again.
    r = client.post(url, data=fields | edit | review_form({"T1": "9"}, {"T1": "typed anew"}))
    assert r.status_code == 422 and 'id="err-score-T1"' in r.text and "typed anew" in r.text
    # A revision marker no row can hold is a stale form, not a failure of the database.
    huge = fields | {"seen": "1.99999999999999999999"}
    r = client.post(url, data=huge | edit | review_form({"T1": "3"}, {"T1": "typed anew"}))
    assert r.status_code == 409 and "changed elsewhere" in r.text
    stored = _stored(session)
    assert (stored.revision, stored.scores, stored.comments) == (1, {"T1": 2}, {"T1": "kept"})
    assert len(_saves(session)) == 1


def test_a_first_save_from_two_tabs_keeps_the_first_and_tells_the_second(
    session: Session, settings: Settings
) -> None:
    # Nothing saved yet: both tabs' forms are made from "0.0", the first save starts version 1
    # (one guarded INSERT, `in_place`); the second tab's would start it again.
    inv = invited_assignment(session, settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    tab1, tab2 = client_for(settings), client_for(settings)
    f1 = form_fields(page(tab1, inv.token, inv.assignment_id).text)
    f2 = form_fields(page(tab2, inv.token, inv.assignment_id).text)
    assert f1["seen"] == f2["seen"] == "0.0"
    edit = {"action": "draft", "lang": "en"}
    r = tab1.post(url, data=f1 | edit | review_form({"T1": "2"}, {"T1": "from tab one"}))
    assert r.status_code == 303 and "done=saved" in r.headers["location"]
    assert form_fields(tab1.get(r.headers["location"]).text)["seen"] == "1.1"
    r = tab2.post(url, data=f2 | edit | review_form({"T1": "4"}, {"T1": "from tab two"}))
    assert r.status_code == 409
    assert "changed elsewhere" in r.text and "from tab one" in r.text and "from tab two" in r.text
    stored = _stored(session)  # one row: the second tab's made no second version 1 nor a 2
    assert (stored.version, stored.revision, stored.status) == (1, 1, "draft")
    assert stored.scores == {"T1": 2} and stored.comments == {"T1": "from tab one"}
    assert stored.created_at == stored.updated_at
    assert _saves(session) == [{"version": 1, "revision": 1, "source": "web"}]


def test_two_first_saves_at_the_same_moment_write_one_review(
    session: Session, settings: Settings
) -> None:
    # Both first saves are past their check that nothing is saved yet before either writes
    # (the first one's write not yet committed): the second must write nothing, not fail.
    inv = invited_assignment(session, settings)
    engine = session.get_bind()
    assignment = links.opened_by_token(session, inv.token, settings)
    assert assignment is not None
    rubrics = load_rubrics()

    def first_save(on: Session, comment: str) -> in_place.Saved | None:
        data = ReviewInput(scores={"T1": "2"}, comments={"T1": comment})
        return drafts.save_usual_draft(
            on, assignment, data, "0.0", actor="reviewer:1", rubrics=rubrics
        )

    with Session(engine) as one, Session(engine) as two:
        assert first_save(one, "one") is not None  # written, not yet committed
        if engine.dialect.name == "sqlite":
            # SQLite lets one writer at a time: the second waits for the first's commit, then
            # finds its row.
            one.commit()
            assert first_save(two, "two") is None
        else:
            # PostgreSQL: the second does not see the first's row yet and waits at the unique
            # version per assignment until the first commits, then writes nothing.
            with ThreadPoolExecutor(1) as pool:
                second = pool.submit(first_save, two, "two")
                time.sleep(0.3)
                assert not second.done()
                one.commit()
                assert second.result(timeout=10) is None
        two.commit()
    stored = _stored(session)
    assert (stored.version, stored.revision, stored.comments) == (1, 1, {"T1": "one"})
    assert _saves(session) == [{"version": 1, "revision": 1, "source": "web"}]
