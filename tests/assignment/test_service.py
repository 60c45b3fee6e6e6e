"""propose / approve on a real database: constraints hold, re-runs change nothing, a decline
changes only what it must and never pushes a load past the cap."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from review.assignment import service
from review.models import Assignment, Document, Event
from review.states import ACTIVE, transition
from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round

TOWNS = ["Tulln", "Graz", "Linz", "Wels", "Krems", "Steyr"]


def _round(session, **kw):
    round_ = make_round(session, **kw)
    for i, town in enumerate(TOWNS):
        m = make_municipality(session, round_, town, role="frontrunner" if i < 2 else "follower")
        plan = make_plan(session, round_, m, title=f"Klimaschutzkonzept {town}")
        session.add(
            Document(
                round_id=round_.id,
                plan_id=plan.id,
                file_name="p.pdf",
                sha256=f"{i:064d}",
                media_type="application/pdf",
                size=1,
                stored_path=f"x/{i}",
                text="Photovoltaik Wärmepumpen Radverkehr"
                if i % 2
                else "Öffentlichkeitsarbeit Kampagne Bürgerbeteiligung",
            )
        )
        make_reviewer(
            session, round_, m, expertise=["technical"], keywords="Photovoltaik Wärmepumpen"
        )
        make_reviewer(
            session,
            round_,
            m,
            expertise=["technical", "communication"],
            keywords="Kampagne Öffentlichkeitsarbeit",
        )
    session.flush()
    return round_


def _rows(session, round_):
    return list(
        session.exec(
            select(Assignment).where(Assignment.round_id == round_.id).order_by(Assignment.id)
        )
    )


def _check_rules(session, round_):
    from review.models import Municipality, Plan, Reviewer

    active = [a for a in _rows(session, round_) if a.status in {s.value for s in ACTIVE}]
    plan_muni = {p.id: p.municipality_id for p in session.exec(select(Plan))}
    reviewers = {r.id: r for r in session.exec(select(Reviewer))}
    per_plan = Counter(a.plan_id for a in active)
    assert set(per_plan.values()) == {round_.reviews_per_plan}
    for plan_id in per_plan:
        on = [a for a in active if a.plan_id == plan_id]
        assert any(a.rubric == "technical" for a in on) and any(
            a.rubric == "communication" for a in on
        )
        munis = [reviewers[a.reviewer_id].municipality_id for a in on]
        assert len(set(munis)) == len(munis)
        assert plan_muni[plan_id] not in munis
    for rid, n in Counter(a.reviewer_id for a in active).items():
        assert n <= reviewers[rid].max_load
        assert all(a.rubric in reviewers[rid].expertise for a in active if a.reviewer_id == rid)
    del Municipality


def test_propose_stores_an_explained_optimum_and_rerun_changes_nothing(session):
    round_ = _round(session)
    proposal = service.propose(session, round_, actor="coordinator")
    assert proposal.status == "optimal" and proposal.created == 18
    _check_rules(session, round_)
    rows = _rows(session, round_)
    assert all(a.status == "proposed" and a.approved_at is None for a in rows)
    assert all(a.explanation["why"].startswith("expertise") or a.explanation["why"] for a in rows)
    assert any("text similarity" in a.explanation["why"] for a in rows)
    before = [(a.id, a.reviewer_id, a.plan_id, a.rubric, a.version) for a in rows]
    events_before = len(list(session.exec(select(Event))))

    again = service.propose(session, round_, actor="coordinator")
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert [
        (a.id, a.reviewer_id, a.plan_id, a.rubric, a.version) for a in _rows(session, round_)
    ] == before
    assert len(list(session.exec(select(Event)))) == events_before

    assert service.approve(session, round_, actor="coordinator") == 18
    assert all(a.approved_at is not None for a in _rows(session, round_))
    assert service.approve(session, round_, actor="coordinator") == 0
    assert session.exec(select(Event).where(Event.kind == "assignment.approved")).one()


def test_dry_run_writes_nothing(session):
    round_ = _round(session)
    proposal = service.propose(session, round_, actor="coordinator", dry_run=True)
    assert proposal.status == "optimal" and len(proposal.rows) == 18
    assert _rows(session, round_) == []


def test_decline_then_propose_changes_only_what_must_change(session):
    round_ = _round(session)
    service.propose(session, round_, actor="coordinator")
    service.approve(session, round_, actor="coordinator")
    for a in _rows(session, round_):
        transition(session, a, "invited", actor="notify")
    before = {(a.reviewer_id, a.plan_id, a.rubric) for a in _rows(session, round_)}
    gone = _rows(session, round_)[4]
    transition(session, gone, "declined", actor="reviewer", changes={"decline_reason": "busy"})

    proposal = service.propose(session, round_, actor="coordinator")
    assert (proposal.created, proposal.removed) == (1, 0)
    _check_rules(session, round_)
    new = [a for a in _rows(session, round_) if a.status == "proposed"]
    assert (
        len(new) == 1 and new[0].plan_id == gone.plan_id and new[0].reviewer_id != gone.reviewer_id
    )
    assert {
        (a.reviewer_id, a.plan_id, a.rubric)
        for a in _rows(session, round_)
        if a.status == "invited"
    } == before - {(gone.reviewer_id, gone.plan_id, gone.rubric)}
    # again: nothing changes, and the declined pair never comes back
    again = service.propose(session, round_, actor="coordinator")
    assert (again.created, again.updated, again.removed) == (0, 0, 0)


def test_pin_and_forbid(session):
    round_ = _round(session)
    first = service.propose(session, round_, actor="coordinator")
    plan_id, reviewer_id, rubric, *_ = first.rows[0]
    # another reviewer (not the forbidden one: a pin would win over the forbid) on another plan
    other = next(
        a for a in _rows(session, round_) if a.plan_id != plan_id and a.reviewer_id != reviewer_id
    )
    proposal = service.propose(
        session,
        round_,
        actor="coordinator",
        forbidden=[(reviewer_id, plan_id)],
        pinned=[(other.reviewer_id, plan_id)]
        if _muni_ok(session, other.reviewer_id, plan_id)
        else [],
    )
    pairs = {(a.reviewer_id, a.plan_id) for a in _rows(session, round_)}
    assert (reviewer_id, plan_id) not in pairs
    assert proposal.status == "optimal"
    _check_rules(session, round_)


def _muni_ok(session, reviewer_id, plan_id):
    from review.models import Plan, Reviewer

    return (
        session.get(Reviewer, reviewer_id).municipality_id
        != session.get(Plan, plan_id).municipality_id
    )


def test_infeasible_round_explains_and_keeps_the_earlier_proposal(session):
    from review.models import Plan

    round_ = _round(session)
    tulln = session.exec(select(Plan).where(Plan.title == "Klimaschutzkonzept Tulln")).one()
    tulln.language = "en"
    session.add(tulln)
    session.flush()
    proposal = service.propose(session, round_, actor="coordinator")
    assert proposal.status == "infeasible"
    assert "plan of Tulln (en): 0 eligible reviewers from different municipalities, 3 needed" in (
        proposal.reasons
    )
    # as the coordinator of a German round reads them (the CLI, the artifact, the run's log)
    assert (
        "Plan von Tulln (en): 0 infrage kommende Gutachter:innen aus verschiedenen Gemeinden, "
        "3 nötig"
    ) in [reason("de") for reason in proposal.reasons]
    assert _rows(session, round_) == []
    assert session.exec(select(Event).where(Event.kind == "assignment.proposal_infeasible")).one()


def test_decline_when_everyone_is_full_reports_instead_of_raising_a_load(session):
    """openreview-py#2347: a re-run must never push a reviewer past the cap to fill a gap."""
    from review.models import Reviewer

    round_ = _round(session)
    service.propose(session, round_, actor="coordinator")
    service.approve(session, round_, actor="coordinator")
    rows = _rows(session, round_)
    for a in rows:
        transition(session, a, "invited", actor="notify")
    load = Counter(a.reviewer_id for a in rows)
    for reviewer in session.exec(select(Reviewer).where(Reviewer.round_id == round_.id)):
        reviewer.max_load = load[reviewer.id]  # everyone exactly at the cap
        session.add(reviewer)
    gone = rows[0]
    transition(session, gone, "declined", actor="reviewer", changes={"decline_reason": "busy"})
    session.flush()

    proposal = service.propose(session, round_, actor="coordinator")
    assert proposal.status == "infeasible" and proposal.reasons
    assert [a for a in _rows(session, round_) if a.status == "proposed"] == []
    assert service.propose_backup(session, gone, actor="deadline", reason="declined") is None


def test_reviewer_without_expertise_gets_nothing(session):
    round_ = _round(session)
    from review.models import Municipality

    extra = session.exec(select(Municipality).where(Municipality.name == "Tulln")).one()
    idle = make_reviewer(session, round_, extra, expertise=[])
    proposal = service.propose(session, round_, actor="coordinator")
    assert proposal.status == "optimal"
    assert all(a.reviewer_id != idle.id for a in _rows(session, round_))
