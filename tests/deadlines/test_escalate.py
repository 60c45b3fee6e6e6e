"""Deadline escalation end to end: a round moved through time against a real SMTP server, and
the pure decision rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from sqlmodel import select

from review import lifecycle
from review.coordinator.artifacts import escalation_markdown
from review.db import session_scope
from review.deadlines.decide import Facts, decide
from review.i18n import translator
from review.models import Assignment, Event, Review, Reviewer
from review.notify import notices
from review.notify.policy import Policy, policy_for
from review.runs import EscalationRun, run_escalation, run_invitations
from review.states import transition
from tests.support.factories import make_municipality
from tests.support.notify import (
    Mailbox,
    approved_assignment,
    make_reviewer,
    small_round,
    start_smtp,
)

D = date(2026, 12, 15)


# --- the pure rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (-10, None),
        (-7, ("reminder", "d-7")),
        (-6, ("reminder", "d-7")),
        (-2, ("reminder", "d-2")),
        (0, ("reminder", "d0")),
        (1, ("overdue", "d+1")),
        (4, ("overdue", "d+1")),
        (5, ("reassign", "d+5")),
        (30, ("reassign", "d+5")),
    ],
)
def test_decide_picks_the_latest_passed_window(day, expected):
    facts = Facts(1, "invited", D, invited_on=D - timedelta(days=20))
    decision = decide(facts, Policy(), D + timedelta(days=day))
    assert ((decision.action, decision.window) if decision else None) == expected


def test_nothing_for_done_declined_or_released_assignments():
    for status in ("submitted", "declined", "reassigned", "withdrawn", "proposed"):
        assert decide(Facts(1, status, D), Policy(), D + timedelta(days=3)) is None


def test_no_reminder_for_a_window_that_passed_before_the_invitation():
    late_invite = Facts(1, "invited", D, invited_on=D - timedelta(days=3))
    assert decide(late_invite, Policy(), D - timedelta(days=3)) is None  # d-7 passed before
    assert decide(late_invite, Policy(), D - timedelta(days=2)).window == "d-2"


def test_policy_overrides_and_bad_policies():
    policy = policy_for({"reminders": [3], "reassign_after_days": None})
    assert policy.reminders == (-3,) and policy.reassign_after_days is None
    assert decide(Facts(1, "overdue", D), policy, D + timedelta(days=40)).action == "overdue"
    from review.errors import InvalidInput

    with pytest.raises(InvalidInput, match="reminder policy"):
        policy_for({"remind_me": [1]})
    with pytest.raises(InvalidInput, match="must not come before"):
        policy_for({"overdue_after_days": 3, "reassign_after_days": 2})


def test_a_bad_policy_is_refused_when_the_round_is_created(session):
    from review.errors import InvalidInput
    from tests.support.factories import make_round

    with pytest.raises(InvalidInput, match="reminders"):
        make_round(session, reminder_policy={"reminders": ["soon"]})


def test_a_round_whose_stored_policy_is_invalid_is_skipped_in_the_coordinators_words(
    settings, engine
):
    """Changed in the database behind the round's back: the other rounds go on, and the
    coordinator reads why this one was not checked in their language (was English in a German
    artifact: 'Runde: skipped, invalid reminder policy ...')."""
    from review.deadlines.escalate import escalate
    from review.models import Round
    from review.notify.delivery import DeliveryReport

    with session_scope(engine) as session:
        round_, _towns, _plans = small_round(session, due=D, name="Runde Kaputt")
        round_.reminder_policy = {"reminders": ["soon"]}
        session.add(round_)
    with session_scope(engine) as session:
        report = escalate(session, settings, now=_at(-2))
        assert session.get(Round, round_.id) is not None
    german = escalation_markdown(report, DeliveryReport(), translator("de"))
    assert (
        "- Runde Kaputt: Fristen nicht geprüft, die Erinnerungsregeln der Runde sind ungültig: "
        "ungültige Erinnerungsregeln {'reminders': ['soon']}: reminders: "
    ) in german
    assert "skipped" not in german and "invalid reminder policy" not in german
    english = escalation_markdown(report, DeliveryReport(), translator("en"))
    assert (
        "- Runde Kaputt: deadlines not checked, the round's reminder policy is invalid: "
        "invalid reminder policy {'reminders': ['soon']}: reminders: "
    ) in english


# --- a round moved through time --------------------------------------------------------------


def _at(offset: int, hour: int = 8) -> datetime:
    return datetime.combine(D + timedelta(days=offset), time(hour), tzinfo=UTC)


def _submit(session, settings, assignment: Assignment) -> None:
    # What the portal does on submission; its form validation is tested by the portal's tests.
    review = Review(assignment_id=assignment.id, status="submitted", submitted_at=datetime.now(UTC))
    session.add(review)
    session.flush()
    transition(session, assignment, "submitted", actor="reviewer")
    notices.submission_receipt(session, settings, assignment, review)


@pytest.mark.slow
def test_a_round_from_ten_days_before_to_ten_days_after_the_due_date(settings, engine):
    box = Mailbox()
    controller = start_smtp(box)
    settings = settings.model_copy(update={"smtp_port": controller.port})
    try:
        _run_round(settings, engine, box)
    finally:
        controller.stop()


def _run_round(settings, engine, box):
    with time_machine.travel(_at(-11), tick=False), session_scope(engine) as session:
        round_, towns, plans = small_round(session, due=D, blind=True)
        chemnitz = make_municipality(session, round_, "Chemnitz")
        dorfen = make_municipality(session, round_, "Dorfen")
        elsdorf = make_municipality(session, round_, "Elsdorf")
        both = ["de", "en"]
        people = {
            "early": make_reviewer(
                session, round_, towns["Bergdorf"], email="early@b.example", expertise=["technical"]
            ),
            "late": make_reviewer(
                session,
                round_,
                chemnitz,
                email="late@c.example",
                language="en",
                languages=both,
                expertise=["communication"],
                max_load=1,
            ),
            "never": make_reviewer(
                session, round_, towns["Altstadt"], email="never@a.example", expertise=["technical"]
            ),
            "decline": make_reviewer(
                session,
                round_,
                chemnitz,
                email="decline@c.example",
                language="en",
                languages=both,
                expertise=["communication"],
            ),
            "backup_comm": make_reviewer(
                session, round_, dorfen, email="backup-comm@d.example", expertise=["communication"]
            ),
            "backup_tech": make_reviewer(
                session,
                round_,
                elsdorf,
                email="backup-tech@e.example",
                language="en",
                languages=both,
                expertise=["technical"],
            ),
        }
        work = {
            "early": approved_assignment(session, round_, plans["Altstadt"], people["early"]),
            "late": approved_assignment(
                session, round_, plans["Altstadt"], people["late"], rubric="communication"
            ),
            "never": approved_assignment(session, round_, plans["Bergdorf"], people["never"]),
            "decline": approved_assignment(
                session, round_, plans["Bergdorf"], people["decline"], rubric="communication"
            ),
        }
        round_name, ids = round_.name, {k: a.id for k, a in work.items()}

    def act(offset: int, name: str, what: str) -> None:
        with time_machine.travel(_at(offset, 7), tick=False), session_scope(engine) as session:
            assignment = session.get(Assignment, ids[name])
            if what == "accept":
                lifecycle.accept(session, settings, assignment, actor="reviewer")
                notices.acceptance_receipt(session, settings, assignment)  # queued once only
            elif what == "decline":
                lifecycle.decline(
                    session, settings, assignment, "Keine Zeit im Dezember", actor="reviewer"
                )
                # Replacing again changes nothing and names the backup the decline invited.
                new = lifecycle.replace(
                    session,
                    settings,
                    assignment,
                    actor="reviewer",
                    reason="declined",
                    now=datetime.now(UTC),
                ).new
                ids["backup_comm"] = new.id
            elif what == "draft":
                session.add(
                    Review(
                        assignment_id=assignment.id,
                        status="draft",
                        strengths="Gute Bestandsaufnahme",
                    )
                )
            else:
                _submit(session, settings, assignment)

    script = {
        -9: [("late", "accept")],
        -8: [("decline", "decline")],
        -5: [("early", "submit")],
        -1: [("backup_comm", "submit")],
        0: [("never", "draft")],
        3: [("late", "submit")],
    }
    arrived: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    runs: dict[tuple[int, int], EscalationRun] = {}
    for offset in range(-10, 11):
        for name, what in script.get(offset, []):
            act(offset, name, what)
        for hour in (8, 14):  # twice a day: the second run must add nothing
            with time_machine.travel(_at(offset, hour), tick=False):
                if offset == -10 and hour == 8:
                    invited = run_invitations(settings, round_name=round_name)
                    assert [i.outcome for i in invited.invited] == ["invited"] * 4
                run = run_escalation(settings, round_name=round_name)
                run.raise_if_failed()
                runs[offset, hour] = run
        arrived[offset] = box.summary()
        box.clear()

    digests = {o: [m for m in msgs if m[1] == "digest"] for o, msgs in arrived.items()}
    assert all(d == [("coord@example.org", "digest", "de")] for d in digests.values()), digests
    got = {o: sorted(m for m in msgs if m[1] != "digest") for o, msgs in arrived.items()}
    got = {o: msgs for o, msgs in got.items() if msgs}
    coord = "coord@example.org"
    expected = {
        -10: [
            ("decline@c.example", "invitation", "en"),
            ("early@b.example", "invitation", "de"),
            ("late@c.example", "invitation", "en"),
            ("never@a.example", "invitation", "de"),
        ],
        -9: [("late@c.example", "acceptance_receipt", "en")],
        -8: [
            ("backup-comm@d.example", "replacement_invitation", "de"),
            (coord, "decline_notice", "de"),
        ],
        -7: [
            ("backup-comm@d.example", "reminder", "de"),
            ("early@b.example", "reminder", "de"),
            ("late@c.example", "reminder", "en"),
            ("never@a.example", "reminder", "de"),
        ],
        -5: [("early@b.example", "submission_receipt", "de")],
        -2: [
            ("backup-comm@d.example", "reminder", "de"),
            ("late@c.example", "reminder", "en"),
            ("never@a.example", "reminder", "de"),
        ],
        -1: [("backup-comm@d.example", "submission_receipt", "de")],
        0: [("late@c.example", "reminder", "en"), ("never@a.example", "reminder", "de")],
        1: [
            (coord, "escalation", "de"),
            (coord, "escalation", "de"),
            ("late@c.example", "overdue_notice", "en"),
            ("never@a.example", "overdue_notice", "de"),
        ],
        3: [("late@c.example", "submission_receipt", "en")],
        5: [
            ("backup-tech@e.example", "replacement_invitation", "en"),
            ("never@a.example", "released_notice", "de"),
        ],
        10: [("backup-tech@e.example", "reminder", "en")],  # its own due date is D+12
    }
    assert got == expected
    # walk10: the German artifact's state changes were English ('assignment 3 (...) -> overdue')
    released = runs[5, 8]
    german = escalation_markdown(released.report, released.delivery, translator("de"))
    (line,) = [x for x in german.splitlines() if "(never@a.example), Zuteilung" in x]
    assert ": freigegeben, " in line and line.endswith(" an ihrer Stelle eingeladen")

    with session_scope(engine) as session:
        never = session.get(Assignment, ids["never"])
        assert never.status == "reassigned"
        replacements = session.exec(
            select(Assignment).where(Assignment.replaces_id == never.id)
        ).all()
        assert len(replacements) == 1
        backup = session.get(Reviewer, replacements[0].reviewer_id)
        assert backup.email == "backup-tech@e.example"
        assert replacements[0].due_date == D + timedelta(days=12)
        assert session.get(Assignment, ids["late"]).status == "submitted"
        # The released reviewer's draft is kept (not deleted), and stays a draft of a released
        # assignment: nothing submitted, so consolidation never uses it.
        drafts = session.exec(select(Review).where(Review.assignment_id == never.id)).all()
        assert [(d.status, d.strengths) for d in drafts] == [("draft", "Gute Bestandsaufnahme")]
        sends = session.exec(select(Event).where(Event.kind == "outbox.sent")).all()
        assert len(sends) == sum(len(m) for m in got.values()) + 21
        escalations = session.exec(select(Event).where(Event.kind == "assignment.escalated")).all()
        assert sorted(e.entity_id for e in escalations) == sorted([ids["late"], ids["never"]])
