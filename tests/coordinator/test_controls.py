"""The coordinator's controls, as the CLI runs them: extend a deadline, remind now, a new
personal link, replace a reviewer. Each refuses bad input with one line and writes nothing."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from review.assignment import affinity
from review.cli import app
from review.config import Settings
from review.coordinator import controls, runs
from review.coordinator.controls import Target
from review.errors import InvalidInput, NotFound
from review.models import (
    Assignment,
    AssignmentStatus,
    Event,
    Municipality,
    Outbox,
    Plan,
    Reviewer,
    Round,
)
from review.notify.envelope import body_as_sent
from review.progress import round_progress
from review.rounds import get_round
from review.states import transition
from tests.support.factories import make_municipality, make_reviewer
from tests.support.portal_client import client_for
from tests.support.reviewing_data import invited_assignment

runner = CliRunner()
TOKEN = re.compile(r"/r/([A-Za-z0-9_-]{20,})")


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", "1")  # nothing listens: messages stay queued

    def invoke(*args: str):
        return runner.invoke(app, ["coordinator", *args])

    return invoke


def _names(session: Session, assignment_id: int) -> tuple[str, str, str]:
    """(round, municipality of the plan, reviewer's email) of an assignment."""
    a = session.get(Assignment, assignment_id)
    plan = session.get(Plan, a.plan_id)
    place = session.get(Municipality, plan.municipality_id)
    reviewer = session.get(Reviewer, a.reviewer_id)
    return get_round_name(session, a.round_id), place.name, reviewer.email


def get_round_name(session: Session, round_id: int) -> str:
    return session.get(Round, round_id).name


def test_extend_one_review_brings_an_overdue_one_back(cli, session: Session, settings) -> None:
    late = invited_assignment(session, settings)
    assignment = session.get(Assignment, late.assignment_id)
    assignment.due_date = date.today() - timedelta(days=2)
    transition(session, assignment, AssignmentStatus.overdue, actor="test")
    session.commit()
    round_name, place, email = _names(session, late.assignment_id)
    new_due = date.today() + timedelta(days=10)
    result = cli(
        "extend",
        "--round",
        round_name,
        "--due",
        new_due.isoformat(),
        "--plan",
        place,
        "--reviewer",
        email,
    )
    assert result.exit_code == 0, result.output
    assert f"fällig am {new_due:%d.%m.%Y}" in result.output  # the round's German
    session.expire_all()
    assignment = session.get(Assignment, late.assignment_id)
    assert assignment.due_date == new_due and assignment.status == "invited"


def test_a_due_date_in_the_past_is_refused_unless_confirmed(
    cli, session: Session, settings
) -> None:
    invited = invited_assignment(session, settings)
    round_name, place, email = _names(session, invited.assignment_id)
    past = (date.today() - timedelta(days=1)).isoformat()
    refused = cli("extend", "--round", round_name, "--due", past, "--reviewer", email)
    # a German round: its coordinator reads the refusal in German
    assert refused.exit_code == 2 and "liegt in der Vergangenheit" in refused.output
    # one message (wrapped at the terminal's width), no traceback
    assert refused.output.startswith("Fehler: ") and refused.output.count("Fehler") == 1
    assert cli("extend", "--round", round_name, "--due", "2026-13-40").exit_code == 2
    session.expire_all()
    assert session.get(Assignment, invited.assignment_id).due_date != date.fromisoformat(past)
    confirmed = cli(
        "extend", "--round", round_name, "--due", past, "--reviewer", email, "--allow-past"
    )
    assert confirmed.exit_code == 0, confirmed.output
    session.expire_all()
    assert session.get(Assignment, invited.assignment_id).due_date == date.fromisoformat(past)


def test_extending_the_round_moves_only_earlier_reviews_and_the_round(
    session: Session, settings: Settings
) -> None:
    first = invited_assignment(session, settings)
    round_ = get_round(session, _names(session, first.assignment_id)[0])
    second = invited_assignment(session, settings, round_=round_)
    later = date.today() + timedelta(days=60)
    session.get(Assignment, second.assignment_id).due_date = later
    session.commit()
    new_due = date.today() + timedelta(days=30)
    moved = controls.extend_deadline(session, settings, round_, new_due, Target())
    session.commit()
    assert [a.id for a in moved] == [first.assignment_id]
    assert session.get(Assignment, second.assignment_id).due_date == later
    assert round_.due_date == new_due
    with pytest.raises(NotFound, match="no municipality 'x'"):
        controls.extend_deadline(session, settings, round_, new_due, Target(municipality="x"))


def test_a_reminder_run_names_the_reviewer_the_plan_and_the_rubric(
    session: Session, settings: Settings
) -> None:
    # walk10: the reminder artifact listed bare addresses; a reviewer of two plans read as
    # reminded twice, and the coordinator could not tell who was reminded of what.
    invited = invited_assignment(session, settings)
    round_name, place, email = _names(session, invited.assignment_id)
    name = session.get(Reviewer, session.get(Assignment, invited.assignment_id).reviewer_id).name
    german = runs.remind(settings, round_name, Target()).done
    assert german == [f"Erinnerung an {name} ({email}): {place}, Technische Begutachtung"]
    round_ = get_round(session, round_name)
    round_.language = "en"
    session.commit()
    time.sleep(1.1)  # a second apart: each reminder has its own window
    english = runs.remind(settings, round_name, Target()).done
    assert english == [f"reminder to {name} ({email}): {place}, Technical assessment"]


def test_remind_now_sends_each_time_it_is_asked(cli, session: Session, settings) -> None:
    invited = invited_assignment(session, settings)
    round_name, place, email = _names(session, invited.assignment_id)
    for _ in range(2):
        result = cli("remind", "--round", round_name, "--plan", place)
        assert result.exit_code == 0 and f"({email}): {place}, " in result.output
        time.sleep(1.1)  # a second apart: each reminder has its own window
    reminders = session.exec(
        select(Outbox).where(
            Outbox.assignment_id == invited.assignment_id, Outbox.kind == "reminder"
        )
    ).all()
    assert len(reminders) == 2
    nobody = cli("remind", "--round", round_name, "--reviewer", "nobody@example.org")
    assert nobody.exit_code == 2 and "niemand namens „nobody@example.org“" in nobody.output


def test_a_new_link_works_and_the_old_one_stops(cli, session: Session, settings) -> None:
    invited = invited_assignment(session, settings)
    round_name, _place, email = _names(session, invited.assignment_id)
    portal = client_for(settings)
    assert portal.get(f"/r/{invited.token}").status_code in (200, 303)
    result = cli("new-link", "--round", round_name, "--reviewer", email)
    said = " ".join(result.output.split())  # wrapped at the terminal's width
    assert result.exit_code == 0 and "der bisherige gilt nicht mehr" in said, result.output
    invitation = session.exec(
        select(Outbox)
        .where(Outbox.assignment_id == invited.assignment_id, Outbox.kind == "invitation")
        .order_by(col(Outbox.id).desc())
    ).first()
    # The stored body holds a placeholder; the link is derived when it is sent (#17).
    new_token = TOKEN.search(body_as_sent(invitation.body, settings)).group(1)
    assert new_token != invited.token
    assert portal.get(f"/r/{invited.token}").status_code == 404
    assert portal.get(f"/r/{new_token}").status_code in (200, 303)
    missing = cli("new-link", "--round", round_name, "--reviewer", "Nobody Here")
    assert missing.exit_code == 2


def _with_backups(session: Session, settings: Settings):
    invited = invited_assignment(session, settings)
    a = session.get(Assignment, invited.assignment_id)
    round_ = get_round(session, get_round_name(session, a.round_id))
    best = make_reviewer(session, round_, make_municipality(session, round_), name="Berta Best")
    named = make_reviewer(session, round_, make_municipality(session, round_), name="Nina Named")
    # From the plan's own municipality: never eligible.
    own = session.get(Plan, a.plan_id).municipality_id
    home = make_reviewer(session, round_, session.get(Municipality, own), name="Hanna Home")
    session.commit()
    return invited, round_, best, named, home


def test_replace_with_a_named_backup(cli, session: Session, settings: Settings) -> None:
    invited, round_, _best, named, home = _with_backups(session, settings)
    _r, place, email = _names(session, invited.assignment_id)
    refused = cli(
        "replace",
        "--round",
        round_.name,
        "--plan",
        place,
        "--reviewer",
        email,
        "--backup",
        home.name,
    )
    assert refused.exit_code == 2 and "kann diese Begutachtung (technical) nicht" in refused.output
    session.expire_all()
    assert session.get(Assignment, invited.assignment_id).status == "invited"
    result = cli(
        "replace",
        "--round",
        round_.name,
        "--plan",
        place,
        "--reviewer",
        email,
        "--backup",
        "nina named",
        "--reason",
        "conflict of interest",
    )
    assert result.exit_code == 0 and "Nina Named" in result.output, result.output
    session.expire_all()
    assert session.get(Assignment, invited.assignment_id).status == "reassigned"
    new = session.exec(
        select(Assignment).where(Assignment.replaces_id == invited.assignment_id)
    ).one()
    assert new.reviewer_id == named.id and new.status == "invited"
    reasons = [
        e.payload.get("reason")
        for e in session.exec(select(Event).where(Event.entity_id == new.id))
    ]
    assert "conflict of interest" in reasons


def test_replace_with_the_best_eligible_one(session: Session, settings: Settings) -> None:
    invited, round_, best, named, home = _with_backups(session, settings)
    _r, place, email = _names(session, invited.assignment_id)
    replacement = controls.replace_reviewer(
        session, settings, round_, Target(municipality=place, reviewer=email)
    )
    session.commit()
    assert replacement.new is not None
    assert replacement.new.reviewer_id in {best.id, named.id}
    with pytest.raises(InvalidInput, match="0 open reviews"):
        controls.replace_reviewer(
            session, settings, round_, Target(municipality=place, reviewer=email)
        )
    with pytest.raises(NotFound):
        controls.replace_reviewer(session, settings, round_, Target(municipality="Atlantis"))


def test_a_withdrawn_plan_holds_nothing_up_and_can_come_back(
    cli, session: Session, settings: Settings
) -> None:
    invited = invited_assignment(session, settings)
    round_name, place, _email = _names(session, invited.assignment_id)
    round_ = get_round(session, round_name)
    assert (
        cli("withdraw-plan", "--round", round_name, "--plan", place, "--reason", " ").exit_code == 2
    )
    result = cli("withdraw-plan", "--round", round_name, "--plan", place, "--reason", "merged")
    assert result.exit_code == 0 and "Gutachten zurückgezogen" in result.output, result.output
    session.expire_all()
    assert session.get(Assignment, invited.assignment_id).status == "withdrawn"
    assert client_for(settings).get(f"/r/{invited.token}").status_code == 404
    assert round_progress(session, round_).plans == []  # nothing to wait for
    assert all(p.municipality != place for p in affinity.gather(session, round_).plans)
    again = cli("withdraw-plan", "--round", round_name, "--plan", place, "--reason", "x")
    assert again.exit_code == 2 and "ist bereits zurückgezogen" in again.output

    back = cli("take-in", "--round", round_name, "--plan", place)
    assert back.exit_code == 0 and "seine Gutachter:innen zur Freigabe vor" in back.output, (
        back.output
    )
    session.expire_all()
    plans = round_progress(session, round_).plans
    assert [p.municipality for p in plans] == [place] and plans[0].state == "unassigned"
    missing = cli("take-in", "--round", round_name, "--plan", "Atlantis")
    assert missing.exit_code == 2
    assert "keine Gemeinde „Atlantis“ in der Runde" in " ".join(missing.output.split())
