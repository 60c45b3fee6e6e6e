"""A draft save whose link's look-up is in the save's own statement (on PostgreSQL,
`deps.saved_through_link`, once the form page was opened): one statement, and never a write
where the link would be refused. Every case runs on both databases: on SQLite the save goes the
usual way, and must answer the same."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event
from sqlmodel import Session, col, select

from review.config import Settings
from review.models import Assignment, AssignmentStatus, Event, Review
from review.states import transition
from tests.support.portal_client import client_for, form_fields, page, review_form
from tests.support.reviewing_data import invited_assignment

DRAFT = {"action": "draft", "lang": "en"}


def _written(session: Session) -> tuple[list[Review], list[Event]]:
    session.expire_all()
    saves = select(Event).where(Event.kind == "review.draft_saved").order_by(col(Event.id))
    return list(session.exec(select(Review))), list(session.exec(saves))


def test_a_draft_save_after_its_form_page_is_one_statement_on_postgresql(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    statements: list[str] = []
    engine = client.app.state.engine

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    fields = form_fields(page(client, inv.token, inv.assignment_id).text)
    for step, words in enumerate(["first", "second"]):
        event.listen(engine, "before_cursor_execute", count)
        try:
            r = client.post(url, data=fields | DRAFT | review_form({"T1": "2"}, {"T1": words}))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert r.status_code == 303 and "done=saved" in r.headers["location"]
        fields = form_fields(client.get(r.headers["location"]).text)
        assert fields["seen"] == f"1.{step + 1}"
        if engine.dialect.name == "postgresql":  # the link, the save and its event
            assert len(statements) == 1, statements
        statements.clear()
    reviews, saves = _written(session)
    assert [(r.version, r.revision, r.comments) for r in reviews] == [(1, 2, {"T1": "second"})]
    assignment = session.get(Assignment, inv.assignment_id)
    assert assignment is not None
    assert [(e.actor, e.round_id, e.payload) for e in saves] == [
        (
            f"reviewer:{assignment.reviewer_id}",
            assignment.round_id,
            {"version": 1, "revision": 1, "source": "web"},
        ),
        (
            f"reviewer:{assignment.reviewer_id}",
            assignment.round_id,
            {"version": 1, "revision": 2, "source": "web"},
        ),
    ]


@pytest.mark.parametrize("first", [True, False], ids=["first save", "saved before"])
@pytest.mark.parametrize(
    "change",
    ["round over", "link expired", "withdrawn", "declined", "reassigned", "locked out"],
)
def test_a_draft_save_through_a_link_refused_since_its_page_writes_nothing(
    session: Session, settings: Settings, change: str, first: bool
) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    guard = client.app.state.throttle
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    fields = form_fields(page(client, inv.token, inv.assignment_id).text)
    if not first:
        r = client.post(url, data=fields | DRAFT | review_form({"T1": "2"}, {"T1": "kept"}))
        fields = form_fields(client.get(r.headers["location"]).text)
    before = _written(session)
    assignment = session.get(Assignment, inv.assignment_id)
    assert assignment is not None
    # Due 15 Dec 2026, final deadline + 14 days, grace 28 days: dead on 27 Jan 2027.
    when = datetime(2027, 1, 27, 0, 0, 1, tzinfo=UTC)
    if change == "link expired":
        assignment.token_expires_at = datetime.now(UTC) - timedelta(seconds=1)
        session.add(assignment)
    elif change == "locked out":
        for _ in range(guard.max_failures):
            guard.fail("testclient")
    elif change != "round over":
        transition(session, assignment, AssignmentStatus(change), actor="coordinator")
    session.commit()
    post = fields | DRAFT | review_form({"T1": "4"}, {"T1": "not saved"})
    if change == "round over":
        with time_machine.travel(when):
            r = client.post(url, data=post)
    else:
        r = client.post(url, data=post)
    assert r.status_code == (429 if change == "locked out" else 404)
    assert "not saved" not in r.text
    assert _written(session) == before


def test_a_draft_save_of_a_client_with_a_bad_try_goes_through_the_usual_way(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    fields = form_fields(page(client, inv.token, inv.assignment_id).text)
    assert client.get(f"/r/{'x' * 32}/a/{inv.assignment_id}").status_code == 404  # one bad try
    r = client.post(url, data=fields | DRAFT | review_form({"T1": "3"}, {"T1": "saved"}))
    assert r.status_code == 303
    reviews, saves = _written(session)
    assert [r.comments for r in reviews] == [{"T1": "saved"}] and len(saves) == 1


def test_another_reviewers_link_saves_nothing_on_an_assignment_opened_before(
    session: Session, settings: Settings
) -> None:
    a = invited_assignment(session, settings)
    b = invited_assignment(session, settings)
    client = client_for(settings)
    client.app.state.throttle.max_failures = 1000
    fields_a = form_fields(page(client, a.token, a.assignment_id).text)
    page(client, b.token, b.assignment_id)
    # B's link with A's assignment (this process opened both): refused, nothing written for A.
    r = client.post(
        f"/r/{b.token}/a/{a.assignment_id}/save",
        data=fields_a | DRAFT | review_form({"T1": "4"}, {"T1": "by B"}),
    )
    assert r.status_code == 404 and "by B" not in r.text
    assert _written(session) == ([], [])
