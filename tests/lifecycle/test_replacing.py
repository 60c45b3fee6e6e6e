"""lifecycle.replace: a declined or silent reviewer is replaced by the best eligible backup,
who is invited at once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from review import lifecycle
from review.errors import InvalidInput
from review.models import Assignment, Event, Outbox
from review.reviewing.links import assignment_for_token, issue_link
from review.states import IllegalTransition, transition
from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)


def _invited(session, round_, plan, reviewer, rubric="technical"):
    a = Assignment(
        round_id=round_.id,
        plan_id=plan.id,
        reviewer_id=reviewer.id,
        rubric=rubric,
        due_date=round_.due_date,
        approved_at=NOW,
    )
    session.add(a)
    session.flush()
    transition(session, a, "invited", actor="test")
    return a


def test_reassign_picks_best_eligible_backup(session, settings):
    round_ = make_round(session, due_date=date(2026, 12, 12))
    tulln = make_municipality(session, round_, "Tulln")
    graz = make_municipality(session, round_, "Graz")
    linz = make_municipality(session, round_, "Linz")
    wels = make_municipality(session, round_, "Wels")
    plan = make_plan(session, round_, tulln, title="Plan Tulln")
    first = make_reviewer(session, round_, graz)
    make_reviewer(session, round_, tulln)  # own municipality: never
    make_reviewer(session, round_, linz, languages=["en"], language="en")  # cannot read German
    make_reviewer(session, round_, linz, expertise=["communication"])  # no technical expertise
    full = make_reviewer(session, round_, linz, max_load=1)
    other_plan = make_plan(session, round_, wels)
    _invited(session, round_, other_plan, full)  # at its maximum load
    backup = make_reviewer(session, round_, wels, keywords="Photovoltaik Wärmeplanung")
    old = _invited(session, round_, plan, first)

    new = lifecycle.replace(
        session, settings, old, actor="deadline", reason="declined", now=NOW
    ).new

    assert new is not None and new.reviewer_id == backup.id
    assert (new.status, new.rubric, new.replaces_id) == ("invited", "technical", old.id)
    assert new.approved_at == NOW
    assert new.due_date == date(2026, 12, 17)  # old due 12-12 is too close: today + 7 days
    assert old.status == "reassigned"
    kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id))]
    assert "assignment.reassigned" in kinds and "assignment.backup_proposed" in kinds
    outbox = session.exec(select(Outbox).where(Outbox.assignment_id == new.id)).one()
    assert outbox.kind == "replacement_invitation"
    # Calling it again changes nothing and returns the same replacement.
    again = lifecycle.replace(session, settings, old, actor="deadline", reason="declined", now=NOW)
    assert again.new is not None and again.new.id == new.id
    assert len(session.exec(select(Outbox).where(Outbox.assignment_id == new.id)).all()) == 1


def test_reassign_leaves_declined_and_returns_none_when_nobody_is_eligible(session, settings):
    round_ = make_round(session)
    tulln = make_municipality(session, round_, "Tulln")
    graz = make_municipality(session, round_, "Graz")
    plan = make_plan(session, round_, tulln)
    first = make_reviewer(session, round_, graz)
    make_reviewer(session, round_, graz)  # same municipality as the decliner? allowed once he left
    old = _invited(session, round_, plan, first)
    transition(session, old, "declined", actor="reviewer", changes={"decline_reason": "ill"})

    new = lifecycle.replace(
        session, settings, old, actor="deadline", reason="declined", now=NOW
    ).new
    # The colleague from Graz may step in: the declined assignment no longer counts.
    assert new is not None and new.reviewer_id != first.id
    assert old.status == "declined"


def test_reassign_returns_none_with_a_reason_when_nobody_is_eligible(session, settings):
    round_ = make_round(session)
    tulln = make_municipality(session, round_, "Tulln")
    graz = make_municipality(session, round_, "Graz")
    wels = make_municipality(session, round_, "Wels")
    plan = make_plan(session, round_, tulln)
    other = make_plan(session, round_, wels)
    first = make_reviewer(session, round_, graz)
    busy = make_reviewer(session, round_, wels, max_load=1)
    _invited(session, round_, other, make_reviewer(session, round_, graz, max_load=1))
    old = _invited(session, round_, plan, first)
    # The Wels reviewer is at the cap once we give them one more plan.
    _invited(session, round_, make_plan(session, round_, make_municipality(session, round_)), busy)

    result = lifecycle.replace(session, settings, old, actor="deadline", reason="silent", now=NOW)
    # In the round's language (German here): the coordinator reads it.
    assert result.new is None and "keine geeignete Ersatzperson" in result.problem
    assert old.status == "reassigned"
    failed = session.exec(select(Event).where(Event.kind == "assignment.reassign_failed")).one()
    assert failed.payload["reason"] == "silent"
    assert "keine geeignete Ersatzperson" in failed.payload["why"]
    assert session.exec(select(Assignment).where(Assignment.replaces_id == old.id)).first() is None


def test_withdrawing_revokes_the_link_and_tells_the_invited_reviewer(session, settings):
    round_ = make_round(session)
    tulln = make_municipality(session, round_, "Tulln")
    graz = make_municipality(session, round_, "Graz")
    plan = make_plan(session, round_, tulln)
    make_reviewer(session, round_, graz)  # a possible backup: withdrawing seeks none
    reviewer = make_reviewer(session, round_, graz, email="eva@graz.example")
    a = Assignment(
        round_id=round_.id,
        plan_id=plan.id,
        reviewer_id=reviewer.id,
        rubric="technical",
        due_date=round_.due_date,
        approved_at=NOW,
    )
    session.add(a)
    session.flush()
    lifecycle.invite(session, settings, [a], actor="coordinator", now=NOW)
    token = issue_link(session, a, settings=settings)
    assert assignment_for_token(session, token, settings, now=NOW) is not None

    with pytest.raises(InvalidInput, match="needs a reason"):
        lifecycle.withdraw(session, settings, a, reason=" ", actor="coordinator")
    assert a.status == "invited"
    lifecycle.withdraw(
        session, settings, a, reason="conflict of interest found", actor="coordinator", now=NOW
    )

    assert (a.status, a.token_hash) == ("withdrawn", None)
    assert assignment_for_token(session, token, settings, now=NOW) is None
    notice = session.exec(
        select(Outbox).where(Outbox.assignment_id == a.id, Outbox.kind == "withdrawn_notice")
    ).one()
    assert notice.recipient == "eva@graz.example"
    assert "conflict of interest found" in notice.body
    assert session.exec(select(Assignment).where(Assignment.replaces_id == a.id)).first() is None
    with pytest.raises(IllegalTransition):
        lifecycle.withdraw(session, settings, a, reason="again", actor="coordinator")


def test_withdrawing_a_proposal_tells_nobody(session, settings):
    round_ = make_round(session)
    tulln = make_municipality(session, round_, "Tulln")
    plan = make_plan(session, round_, tulln)
    reviewer = make_reviewer(session, round_, make_municipality(session, round_, "Graz"))
    a = Assignment(
        round_id=round_.id,
        plan_id=plan.id,
        reviewer_id=reviewer.id,
        rubric="technical",
        due_date=round_.due_date,
    )
    session.add(a)
    session.flush()
    lifecycle.withdraw(session, settings, a, reason="plan withdrawn", actor="coordinator")
    assert a.status == "withdrawn"
    assert session.exec(select(Outbox)).all() == []
