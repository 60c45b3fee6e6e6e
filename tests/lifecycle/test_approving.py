"""Approving the proposed reviewers without Prefect: `peerplan approve` and the one function it,
the round page and the Prefect flow call. Approving twice approves nothing twice; after the
invitations nothing changes, and the coordinator is told which it was, in their language."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from review import lifecycle
from review.assignment import service
from review.assignment.proposal import pending_approval
from review.cli import app
from review.config import Settings
from review.db import get_engine, session_scope
from review.lifecycle.approving import proposal_mark
from review.models import Assignment, Event, Plan, Reviewer, utcnow
from review.rounds import get_round
from review.states import StaleVersion, amend_all, transition
from tests.assignment.test_service import _round as six_towns
from tests.support.notify import Mailbox, start_smtp

runner = CliRunner()


def _assignments(session: Session, round_) -> list[Assignment]:
    return list(session.exec(select(Assignment).where(Assignment.round_id == round_.id)))


def _approvals(session: Session) -> list[Event]:
    return list(session.exec(select(Event).where(Event.kind == "assignment.approved")))


def test_an_approval_approves_the_proposal_once_and_says_what_it_found(session: Session) -> None:
    round_ = six_towns(session)
    assert lifecycle.approve_proposal(session, round_, actor="c").approved == []  # no proposal
    service.propose(session, round_, actor="c")
    shown = proposal_mark(pending_approval(session, round_))

    first = lifecycle.approve_proposal(session, round_, actor="c", shown=shown)
    assert len(first.approved) == 18 and (first.waiting, first.invited) == (0, 0)
    assert all(a.approved_at is not None for a in _assignments(session, round_))
    again = lifecycle.approve_proposal(session, round_, actor="c", shown=shown)
    assert again.approved == [] and again.waiting == 18  # approved already, not invited yet
    assert len(_approvals(session)) == 1

    for a in _assignments(session, round_):
        transition(session, a, "invited", actor="test")
    after = lifecycle.approve_proposal(session, round_, actor="c")
    assert (after.approved, after.waiting, after.invited) == ([], 0, 18)
    assert len(_approvals(session)) == 1


def test_an_approval_of_a_proposal_that_changed_since_it_was_shown_approves_nothing(
    session: Session,
) -> None:
    round_ = six_towns(session)
    service.propose(session, round_, actor="c")
    shown = proposal_mark(pending_approval(session, round_))
    gone = _assignments(session, round_)[0]
    service.propose(session, round_, actor="c", forbidden=[(gone.reviewer_id, gone.plan_id)])
    with pytest.raises(lifecycle.ProposalChanged) as refused:
        lifecycle.approve_proposal(session, round_, actor="c", shown=shown)
    assert "reload" in refused.value.text("en") and "neu" in refused.value.text("de")
    assert all(a.approved_at is None for a in _assignments(session, round_))


def test_a_shown_proposal_is_approved_elsewhere_only_by_an_approval_made_since(
    session: Session,
) -> None:
    # What a paused assign_reviewers run asks while it waits (flows: its watcher).
    round_ = six_towns(session)
    service.propose(session, round_, actor="c")
    shown = lifecycle.shown_proposal(session, round_)
    assert lifecycle.approved_since(session, round_, shown) is None  # it waits

    # Solved again meanwhile: the proposal shown waits no more, but nobody approved anything.
    gone = _assignments(session, round_)[0]
    lifecycle.leave_out(session, round_, gone.id, actor="coordinator")
    assert lifecycle.approved_since(session, round_, shown) is None

    # ... and then approved on the round page: the round's reviewers are approved.
    lifecycle.approve_proposal(session, round_, actor="coordinator")
    found = lifecycle.approved_since(session, round_, shown)
    assert found is not None and (found.count, found.actor) == (18, "coordinator")
    # Shown after that approval, nothing new is approved since.
    assert (
        lifecycle.approved_since(session, round_, lifecycle.shown_proposal(session, round_)) is None
    )


def test_of_two_approvals_at_once_the_second_writes_nothing(session: Session, engine) -> None:
    # Two clicks at once: both read the proposal, the first writes; the second's guarded
    # update finds versions it did not read and its transaction rolls back.
    round_ = six_towns(session)
    service.propose(session, round_, actor="c")
    session.commit()
    seen = pending_approval(session, round_)
    session.commit()
    with Session(engine, expire_on_commit=False) as other:
        lifecycle.approve_proposal(other, get_round(other, round_.name), actor="first")
        other.commit()
    with pytest.raises(StaleVersion):
        amend_all(session, seen, {"approved_at": utcnow()})
    session.rollback()
    assert [e.actor for e in _approvals(session)] == ["first"]


@pytest.fixture
def cli(sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    controller = start_smtp(Mailbox())
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", str(controller.port))
    with session_scope(get_engine(sqlite_settings)) as session:
        six_towns(session, name="Runde CLI", language="de")
        six_towns(session, name="CLI round", language="en")
    yield lambda *args: runner.invoke(app, list(args))
    controller.stop()


def test_peerplan_approve_shows_and_approves_the_proposal_then_says_why_nothing_is_left(
    cli, sqlite_settings: Settings
) -> None:
    nothing = cli("approve", "--round", "Runde CLI")
    assert nothing.exit_code == 0, nothing.output
    assert "Nichts freizugeben: Die Runde hat keine vorgeschlagenen Gutachter:innen" in (
        " ".join(nothing.output.split())
    )
    proposed = cli("assign", "--round", "Runde CLI")
    assert proposed.exit_code == 0, proposed.output
    said_proposed = " ".join(proposed.output.split())
    # The command as it can be copied (the name has a space) and the objective as German
    # writes it (34,864, not 34.864, which reads as thirty-four thousand).
    assert "`peerplan approve --round 'Runde CLI'`" in said_proposed
    assert re.search(r"Vorschlag: Zielwert \d+,\d{3}\b", said_proposed), said_proposed
    # Inviting before the approval invites nobody, and says why and where to approve.
    early = cli("invite", "--round", "Runde CLI")
    assert early.exit_code == 0, early.output
    said_early = " ".join(early.output.split())
    assert "0 eingeladen" in said_early
    assert "18 vorgeschlagene Zuteilungen warten auf Ihre Freigabe" in said_early
    assert "peerplan approve --round 'Runde CLI'" in said_early

    approved = cli("approve", "--round", "Runde CLI")
    assert approved.exit_code == 0, approved.output
    said = " ".join(approved.output.split())
    assert "freigegeben: 18 vorgeschlagene Gutachter:innen" in said  # the table's title
    assert "Tulln (de)" in said and "Fachgebiet" in said  # who and why, in German
    assert "Die vorgeschlagenen Gutachter:innen sind freigegeben" in said
    with session_scope(get_engine(sqlite_settings)) as session:
        round_ = get_round(session, "Runde CLI")
        assert all(a.approved_at for a in _assignments(session, round_))
        assert len(_approvals(session)) == 1

    twice = " ".join(cli("approve", "--round", "Runde CLI").output.split())
    assert "bereits freigegeben" in twice and "Nichts wurde geändert" in twice
    assert "Tulln (de)" not in twice

    invited = cli("invite", "--round", "Runde CLI")
    assert invited.exit_code == 0, invited.output
    assert "Freigabe" not in invited.output  # none waits any more
    # each line says who reviews which plan with which rubric (was 'Zuteilung 7, address')
    said_invited = " ".join(invited.output.split())
    assert said_invited.count("eingeladen: ") == 18 and "Zuteilung" not in said_invited
    assert re.search(
        r"eingeladen: [^<]+ <\S+@\S+> für Tulln \((Technische Begutachtung|"
        r"Kommunikationsstrategie)\)",
        said_invited,
    ), said_invited
    late = " ".join(cli("approve", "--round", "Runde CLI").output.split())
    assert "bereits eingeladen" in late and "Nichts wurde geändert" in late
    with session_scope(get_engine(sqlite_settings)) as session:
        assert len(_approvals(session)) == 1

    cli("assign", "--round", "CLI round")
    english = " ".join(cli("approve", "--round", "CLI round").output.split())
    assert "approved: 18 proposed reviewers" in english
    assert "The proposed reviewers are approved" in english
    unknown = cli("approve", "--round", "Nope")
    assert unknown.exit_code == 2 and "Nope" in unknown.output


def test_leaving_out_a_pair_solves_again_and_keeps_earlier_ones_out(session: Session) -> None:
    round_ = six_towns(session)
    service.propose(session, round_, actor="cli")
    first = pending_approval(session, round_)[0]
    lifecycle.leave_out(session, round_, first.id, actor="page")
    pairs = {(a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)}
    assert (first.reviewer_id, first.plan_id) not in pairs and len(pairs) == 18
    second = pending_approval(session, round_)[0]
    lifecycle.leave_out(session, round_, second.id, actor="page")
    pairs = {(a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)}
    assert not {(first.reviewer_id, first.plan_id), (second.reviewer_id, second.plan_id)} & pairs
    # A proposal solved without them (`peerplan assign` with another forbid) starts afresh.
    third = pending_approval(session, round_)[0]
    service.propose(session, round_, actor="cli", forbidden=[(third.reviewer_id, third.plan_id)])
    fourth = pending_approval(session, round_)[0]
    lifecycle.leave_out(session, round_, fourth.id, actor="page")
    last = session.exec(
        select(Event).where(Event.kind == "assignment.proposed").order_by(Event.id.desc())
    ).first()
    assert last.payload["forbidden"] == [
        [third.reviewer_id, third.plan_id],
        [fourth.reviewer_id, fourth.plan_id],
    ]


def test_leaving_out_the_only_eligible_reviewer_changes_nothing_and_says_why(
    session: Session,
) -> None:
    from review.models import Document
    from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round

    round_ = make_round(
        session, reviews_per_plan=1, min_per_rubric={"technical": 1, "communication": 0}
    )
    for i, town in enumerate(["Aheim", "Bdorf"]):
        place = make_municipality(session, round_, town)
        plan = make_plan(session, round_, place, title=f"Plan {town}")
        session.add(
            Document(
                round_id=round_.id,
                plan_id=plan.id,
                file_name="p.pdf",
                sha256=f"{i + 7:064d}",
                media_type="application/pdf",
                size=1,
                stored_path=f"y/{i}",
                text="Photovoltaik",
            )
        )
        make_reviewer(session, round_, place, expertise=["technical"])
    session.flush()
    service.propose(session, round_, actor="c")
    before = [(a.id, a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)]
    with pytest.raises(lifecycle.NoAssignmentWithout) as refused:
        lifecycle.leave_out(session, round_, before[0][0], actor="page")
    assert "no assignment is possible" in str(refused.value)
    assert "keine Zuteilung möglich" in refused.value.text("de")
    after = [(a.id, a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)]
    assert after == before


def _pairs(session: Session, round_) -> set[tuple[int, int]]:
    return {(a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)}


def _newcomer(session: Session, round_, plan_id: int, rubric: str = "technical", but=None):
    """A reviewer the plan may get pinned on it who is not proposed for it (nor `but`, a pair
    left out: pinning it takes it back)."""
    choices = service.pin_choices(session, round_, [plan_id])[plan_id]
    return next(
        c
        for c in choices
        if c.rubric == rubric and (but is None or (c.reviewer_id, plan_id) != but)
    )


def test_pinning_a_reviewer_solves_again_with_the_pair_and_keeps_the_earlier_words(
    session: Session,
) -> None:
    round_ = six_towns(session)
    service.propose(session, round_, actor="cli")
    left = pending_approval(session, round_)[0]
    lifecycle.leave_out(session, round_, left.id, actor="page")
    plans = sorted({a.plan_id for a in pending_approval(session, round_)})

    out = (left.reviewer_id, left.plan_id)
    first = _newcomer(session, round_, plans[0], but=out)
    shown = proposal_mark(pending_approval(session, round_))
    lifecycle.pin(
        session, round_, plans[0], first.reviewer_id, "technical", actor="page", shown=shown
    )
    pairs = _pairs(session, round_)
    assert (first.reviewer_id, plans[0]) in pairs and len(pairs) == 18
    assert (left.reviewer_id, left.plan_id) not in pairs  # left out before: still out
    pinned = next(
        a
        for a in pending_approval(session, round_)
        if a.reviewer_id == first.reviewer_id and a.plan_id == plans[0]
    )
    assert pinned.rubric == "technical"

    second = _newcomer(session, round_, plans[1], "communication", but=out)
    lifecycle.pin(session, round_, plans[1], second.reviewer_id, "communication", actor="page")
    pairs = _pairs(session, round_)
    assert {(first.reviewer_id, plans[0]), (second.reviewer_id, plans[1])} <= pairs
    assert (left.reviewer_id, left.plan_id) not in pairs
    last = session.exec(
        select(Event).where(Event.kind == "assignment.proposed").order_by(Event.id.desc())
    ).first()
    assert last.payload["pinned"] == [
        [first.reviewer_id, plans[0], "technical"],
        [second.reviewer_id, plans[1], "communication"],
    ]
    assert last.payload["forbidden"] == [[left.reviewer_id, left.plan_id]]

    # Leaving a pinned reviewer out drops the pin (the newest word holds); the other pin stays.
    lifecycle.leave_out(session, round_, pinned.id, actor="page")
    pairs = _pairs(session, round_)
    assert (first.reviewer_id, plans[0]) not in pairs
    assert (second.reviewer_id, plans[1]) in pairs
    # And pinning a pair left out before takes it back in.
    lifecycle.pin(session, round_, left.plan_id, left.reviewer_id, left.rubric, actor="page")
    assert (left.reviewer_id, left.plan_id) in _pairs(session, round_)


def test_a_pin_no_assignment_allows_is_refused_with_the_solvers_reasons(
    session: Session,
) -> None:
    round_ = six_towns(session)
    service.propose(session, round_, actor="c")
    busy = pending_approval(session, round_)[0]
    transition(session, busy, "invited", actor="test")  # invited: kept whatever is solved
    reviewer = session.get(Reviewer, busy.reviewer_id)
    reviewer.max_load = 1
    session.add(reviewer)
    session.flush()
    # A full load: the solver's reason, not a rule on the pair (the page offers the pin).
    plans = {a.plan_id for a in pending_approval(session, round_)} - {busy.plan_id}
    target, rubric = next(
        (plan_id, c.rubric)
        for plan_id, choices in sorted(service.pin_choices(session, round_, plans).items())
        for c in choices
        if c.reviewer_id == busy.reviewer_id
    )
    before = [(a.id, a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)]
    with pytest.raises(lifecycle.NoAssignmentWith) as refused:
        lifecycle.pin(session, round_, target, busy.reviewer_id, rubric, actor="page")
    said = str(refused.value)
    assert said.startswith("with this reviewer on the plan no assignment is possible: ")
    assert said.split(": ", 1)[1].strip()  # the solver's reasons
    assert "keine Zuteilung möglich" in refused.value.text("de")
    after = [(a.id, a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)]
    assert after == before


def test_a_reviewer_who_can_never_review_the_plan_cannot_be_pinned_and_is_told_why(
    session: Session,
) -> None:
    round_ = six_towns(session)
    service.propose(session, round_, actor="c")
    proposed = pending_approval(session, round_)[0]
    plan = session.get(Plan, proposed.plan_id)
    own = session.exec(
        select(Reviewer).where(Reviewer.municipality_id == plan.municipality_id)
    ).first()
    assert own.id not in {
        c.reviewer_id for c in service.pin_choices(session, round_, [plan.id])[plan.id]
    }
    before = _pairs(session, round_)
    with pytest.raises(lifecycle.CannotPin) as refused:
        lifecycle.pin(session, round_, plan.id, own.id, "technical", actor="page")
    assert "from the plan's municipality" in str(refused.value)
    assert "Gemeinde des Plans" in refused.value.text("de")
    with pytest.raises(lifecycle.CannotPin) as again:
        lifecycle.pin(session, round_, plan.id, proposed.reviewer_id, proposed.rubric, actor="p")
    assert "on the plan already" in str(again.value)
    assert _pairs(session, round_) == before


def test_a_pin_from_a_page_whose_proposal_is_not_the_standing_one_changes_nothing(
    session: Session,
) -> None:
    round_ = six_towns(session)
    service.propose(session, round_, actor="c")
    shown = proposal_mark(pending_approval(session, round_))
    lifecycle.leave_out(session, round_, pending_approval(session, round_)[0].id, actor="other")
    standing = _pairs(session, round_)
    plan_id = sorted(p for _, p in standing)[0]
    choice = _newcomer(session, round_, plan_id)
    with pytest.raises(lifecycle.ProposalChanged) as refused:
        lifecycle.pin(
            session, round_, plan_id, choice.reviewer_id, "technical", actor="page", shown=shown
        )
    assert "reload" in refused.value.text("en")
    assert _pairs(session, round_) == standing


def test_peerplan_assign_pins_a_reviewer_on_a_plan_as_the_round_page_does(
    cli, sqlite_settings: Settings
) -> None:
    from review.models import Municipality

    assert cli("assign", "--round", "CLI round").exit_code == 0
    with session_scope(get_engine(sqlite_settings)) as session:
        round_ = get_round(session, "CLI round")
        left = pending_approval(session, round_)[0]
        lifecycle.leave_out(session, round_, left.id, actor="page")
        plan_id = next(a.plan_id for a in pending_approval(session, round_))
        choice = _newcomer(session, round_, plan_id, but=(left.reviewer_id, left.plan_id))
        plan = session.get(Plan, plan_id)
        town = session.get(Municipality, plan.municipality_id).name
        email = session.get(Reviewer, choice.reviewer_id).email
        own = session.exec(
            select(Reviewer).where(Reviewer.municipality_id == plan.municipality_id)
        ).all()
        (one,) = [r.email for r in own if len(r.expertise) == 1]
        (both,) = [r.email for r in own if len(r.expertise) == 2]

    pinned = cli(
        "assign", "--round", "CLI round", "--pin", email, "--plan", town, "--rubric", "technical"
    )
    assert pinned.exit_code == 0, pinned.output
    assert "created" in pinned.output
    with session_scope(get_engine(sqlite_settings)) as session:
        pairs = _pairs(session, get_round(session, "CLI round"))
    assert (choice.reviewer_id, plan_id) in pairs
    assert (left.reviewer_id, left.plan_id) not in pairs  # the page's left-out pair stays out

    # The reviewer's only rubric is taken; of two, the coordinator names one.
    refused = cli("assign", "--round", "CLI round", "--pin", one, "--plan", town)
    assert refused.exit_code == 2
    assert "is from the plan's municipality" in " ".join(refused.output.split())
    refused = cli("assign", "--round", "CLI round", "--pin", both, "--plan", town)
    assert refused.exit_code == 2
    assert "Name the rubric" in refused.output and "communication, technical" in refused.output
    alone = cli("assign", "--round", "CLI round", "--pin", email)
    assert alone.exit_code == 2 and "--plan" in alone.output
    with session_scope(get_engine(sqlite_settings)) as session:
        assert _pairs(session, get_round(session, "CLI round")) == pairs


def test_the_table_of_pairs_reads_each_reason_whole_in_80_columns(session: Session) -> None:
    # Seen in a German round: 'Textähnlichke…' in the column of reasons of `peerplan assign`,
    # then, folded, two words a line ('Textähnlichkei' / 't 0,174') in its 14 characters.
    from rich.console import Console

    from review.cli.assign import pairs_table
    from review.i18n import translator

    round_ = six_towns(session)
    service.propose(session, round_, actor="c")
    a = pending_approval(session, round_)[0]
    reason = "Fachgebiet 1, eigene Sprache 0,5, gleiches Land 0,3, Textähnlichkeit 0,174"
    for width in (80, 60):
        table = pairs_table(
            session, [(a.plan_id, a.reviewer_id, a.rubric, 1.9, reason)], "", translator("de")
        )
        console = Console(width=width, record=True)
        console.print(table)
        shown = console.export_text()
        assert "…" not in shown, shown
        lines = [line.strip() for line in shown.splitlines()]
        assert lines[0].split() == ["Plan", "Gutachter:in", "Bewertungsbogen", "Passung"]
        if width == 80:
            assert reason in lines, shown  # on a line of its own, under its pair
        else:
            assert " ".join(lines[2:]) == reason, shown  # wrapped at its words
