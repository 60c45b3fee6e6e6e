"""The Run forms' controls as a coordinator types them (the flows call review.coordinator.runs
with the form's values): 'muenster', 'Stadt Münster', 'MÜNSTER' find the plan of "Münster"; a
name that fits several or none is refused in the round's language naming the closest, and
nothing changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from review.config import Settings
from review.coordinator import runs
from review.coordinator.controls import Target
from review.errors import PeerplanError
from review.models import Assignment, Municipality, Outbox, Plan, Reviewer, Round
from review.queries import withdrawn_plans
from tests.support.factories import make_municipality, make_reviewer
from tests.support.reviewing_data import invited_assignment


@pytest.fixture
def round_name(session: Session, settings: Settings) -> str:
    """A German round whose one invited review is on the plan of "Münster"; it also holds
    "Kreis Offenbach" and "Stadt Offenbach"."""
    invited = invited_assignment(session, settings)
    assignment = session.get(Assignment, invited.assignment_id)
    plan = session.get(Plan, assignment.plan_id)
    session.get(Municipality, plan.municipality_id).name = "Münster"
    round_ = session.get(Round, assignment.round_id)
    for name in ("Kreis Offenbach", "Stadt Offenbach"):
        make_municipality(session, round_, name)
    session.commit()
    return round_.name


def _state(session: Session) -> tuple[list[tuple[str, date]], int]:
    """What a control changes: each review's status and due date, the messages queued."""
    session.expire_all()
    reviews = [(a.status, a.due_date) for a in session.exec(select(Assignment))]
    return reviews, session.exec(select(func.count()).select_from(Outbox)).one()


@pytest.mark.parametrize("typed", ["muenster", "Stadt Münster", "MÜNSTER"])
def test_the_controls_find_the_plan_as_the_coordinator_types_it(
    session: Session, settings: Settings, round_name: str, typed: str
) -> None:
    email = session.exec(select(Reviewer.email)).first()
    reminded = runs.remind(settings, round_name, Target(municipality=typed))
    assert len(reminded.done) == 1 and "Münster" in reminded.done[0]
    due = date.today() + timedelta(days=30)
    extended = runs.extend(settings, round_name, due, Target(municipality=typed), allow_past=False)
    assert len(extended.done) == 1
    assert session.exec(select(Assignment.due_date)).one() == due
    link = runs.new_link(settings, round_name, Target(municipality=typed, reviewer=email))
    assert len(link.done) == 1 and "neuer persönlicher Link" in link.done[0]
    withdrawn = runs.withdraw_plan(settings, round_name, typed, "zurückgezogen vom Rat")
    # the line names the municipality as the round writes it, not as it was typed
    assert withdrawn.done[0] == "Plan von Münster zurückgezogen"
    round_ = session.exec(select(Round).where(Round.name == round_name)).one()
    assert len(withdrawn_plans(session, round_.id)) == 1


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (
            "Offenbach",
            "„Offenbach“ passt zu mehr als einer Gemeinde der Runde „{round}“ (Kreis Offenbach, "
            "Stadt Offenbach): Geben Sie eine davon vollständig an",
        ),
        (
            "Muenstr",
            "keine Gemeinde „Muenstr“ in der Runde „{round}“; am ähnlichsten: Münster, ",
        ),
    ],
)
def test_a_name_fitting_several_or_none_is_refused_and_nothing_changes(
    session: Session, settings: Settings, round_name: str, typed: str, said: str
) -> None:
    email = session.exec(select(Reviewer.email)).first()
    before = _state(session)
    due = date.today() + timedelta(days=30)
    for control in (
        lambda: runs.remind(settings, round_name, Target(municipality=typed)),
        lambda: runs.extend(
            settings, round_name, due, Target(municipality=typed), allow_past=False
        ),
        lambda: runs.new_link(settings, round_name, Target(municipality=typed, reviewer=email)),
        lambda: runs.replace(
            settings, round_name, Target(municipality=typed, reviewer=email), backup=None, reason=""
        ),
        lambda: runs.withdraw_plan(settings, round_name, typed, "Grund"),
        lambda: runs.take_in_plan(settings, round_name, typed),
    ):
        with pytest.raises(PeerplanError) as refused:
            control()
        assert refused.value.text("de").startswith(said.format(round=round_name))
    assert _state(session) == before


def test_a_reviewer_is_found_as_typed_and_refused_naming_the_closest(
    session: Session, settings: Settings, round_name: str
) -> None:
    reviewer = session.exec(select(Reviewer)).one()
    reviewer.name = "Jörg Müller"
    round_ = session.exec(select(Round).where(Round.name == round_name)).one()
    home = session.exec(select(Municipality).where(Municipality.name == "Kreis Offenbach")).one()
    for name, email in (("Anna Berger", "a.berger@example.org"), ("Anna Berger", "ab@example.org")):
        make_reviewer(session, round_, home, name=name, email=email)
    session.commit()
    before = _state(session)
    for typed in ("joerg mueller", "Jorg Muller", "JÖRG MÜLLER"):
        found = runs.new_link(settings, round_name, Target(reviewer=typed))
        assert len(found.done) == 1 and found.done[0].startswith("Jörg Müller ("), found.done
    after_links = _state(session)
    with pytest.raises(PeerplanError) as unknown:
        runs.new_link(settings, round_name, Target(reviewer="Jörg Müler"))
    assert unknown.value.text("de").startswith(
        f"niemand namens „Jörg Müler“ unter den Gutachter:innen der Runde „{round_name}“; am "
        f"ähnlichsten: Jörg Müller ({reviewer.email}), Anna Berger"
    )
    with pytest.raises(PeerplanError) as several:
        runs.new_link(settings, round_name, Target(reviewer="anna berger"))
    assert several.value.text("de") == (
        "„anna berger“ passt auf 2 Gutachter:innen (Anna Berger (a.berger@example.org), Anna "
        "Berger (ab@example.org)); geben Sie stattdessen die E-Mail-Adresse an"
    )
    assert _state(session) == after_links and after_links[0] == before[0]
