"""The coordinator's control deployments on a Prefect test server: a refused input ends the run
as failed with its one-line reason and changes nothing; a good one does what the form says and
publishes it. (The controls themselves: tests/coordinator/.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from prefect.artifacts import Artifact
from sqlmodel import Session

from flows.extend_deadline import ExtendParameters, extend_deadline
from flows.new_personal_link import NewLinkParameters, new_personal_link
from flows.remind_reviewers import RemindParameters, remind_reviewers
from flows.replace_reviewer import ReplaceParameters, replace_reviewer
from flows.update_round import Blindness, RoundSettings, update_round
from flows.withdraw_plan import WithdrawPlanParameters, withdraw_plan
from review.db import engine_for
from review.models import Assignment, Municipality, Plan, Reviewer, Round
from tests.support.factories import make_municipality
from tests.support.reviewing_data import invited_assignment


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_the_control_flows_refuse_with_one_line_and_act(
    prefect_harness, sqlite_settings, monkeypatch
) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", "1")  # nothing listens: messages stay queued
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        invited = invited_assignment(session, sqlite_settings)
        round_ = session.get(Round, invited.round_id)
        email = session.get(Reviewer, invited.reviewer_id).email
    name = round_.name
    past = date.today() - timedelta(days=3)

    refused = extend_deadline(
        ExtendParameters(round_name=name, due_date=past, reviewer=email), return_state=True
    )
    assert refused.is_failed() and "liegt in der Vergangenheit" in refused.message  # German round
    assert "\n" not in refused.message and "Traceback" not in refused.message
    new_due = date.today() + timedelta(days=20)
    done = extend_deadline(
        ExtendParameters(round_name=name, due_date=new_due, reviewer=email), return_state=True
    )
    assert done.is_completed(), done.message
    artifact = Artifact.get(f"extend-deadline-{name.lower().replace(' ', '-')}")
    assert artifact is not None and f"fällig am {new_due:%d.%m.%Y}" in artifact.data
    assert artifact.data.startswith(f"# Frist verlängert: {name}")  # the round is German

    assert remind_reviewers(RemindParameters(round_name=name), return_state=True).is_completed()
    # walk10: the progress artifact said 'Dieser Lauf: nichts zu tun' after reminders went out
    progress = Artifact.get(f"round-progress-{name.lower().replace(' ', '-')}")
    assert progress is not None and "Dieser Lauf: Erinnerungen verschickt" in progress.data
    assert "- Erinnerung an " in progress.data and f"({email}): " in progress.data
    link = new_personal_link(NewLinkParameters(round_name=name, reviewer=email), return_state=True)
    assert link.is_completed() and "der bisherige gilt nicht mehr" in link.message
    nobody = replace_reviewer(
        ReplaceParameters(round_name=name, municipality="Atlantis", reviewer=email),
        return_state=True,
    )
    assert nobody.is_failed() and "keine Gemeinde „Atlantis“" in nobody.message
    settings_run = update_round(
        RoundSettings(round_name=name, reviews_per_plan=2, coordinator_name="Dr. Eva Koch"),
        return_state=True,
    )
    assert settings_run.is_completed() and "Name der Koordination" in settings_run.message

    with Session(engine_for(sqlite_settings.database_url)) as session:
        assert session.get(Assignment, invited.assignment_id).due_date == new_due
        changed = session.get(Round, invited.round_id)
        assert changed.reviews_per_plan == 2 and changed.coordinator_name == "Dr. Eva Koch"
        assert changed.blind  # the form left blindness as it was


def test_the_round_settings_form_keeps_a_blind_round_blind_unless_told() -> None:
    # walk10: Prefect's form showed "blind" as a switch, sent 'no' when untouched, and giving
    # the coordinator's address made the German round open (reviewers named to municipalities).
    field = RoundSettings.model_json_schema()["properties"]["blind"]
    assert field.get("type") != "boolean" and "unchanged" in str(field)
    assert RoundSettings(round_name="R").blind == Blindness.unchanged
    as_sent = RoundSettings.model_validate({"round_name": "R", "coordinator_email": "a@b.example"})
    assert as_sent.blind == Blindness.unchanged
    assert RoundSettings.model_validate({"round_name": "R", "blind": "open"}).blind == "open"


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_the_forms_take_a_municipality_as_the_coordinator_types_it(
    prefect_harness, sqlite_settings, monkeypatch
) -> None:
    # The Run forms matched the municipality only case and spacing aside: 'muenster' was 'no
    # municipality' while a file 'muenster.pdf' was taken in for "Münster".
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    monkeypatch.setenv("PEERPLAN_SMTP_PORT", "1")  # nothing listens: messages stay queued
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        invited = invited_assignment(session, sqlite_settings)
        round_ = session.get(Round, invited.round_id)
        plan = session.get(Plan, session.get(Assignment, invited.assignment_id).plan_id)
        session.get(Municipality, plan.municipality_id).name = "Münster"
        for name in ("Kreis Offenbach", "Stadt Offenbach"):
            make_municipality(session, round_, name)
        session.commit()
    name = round_.name

    reminded = remind_reviewers(
        RemindParameters(round_name=name, municipality="muenster"), return_state=True
    )
    assert reminded.is_completed() and "Münster" in reminded.message, reminded.message
    ambiguous = withdraw_plan(
        WithdrawPlanParameters(round_name=name, municipality="Offenbach", reason="Ratsbeschluss"),
        return_state=True,
    )
    assert ambiguous.is_failed() and ambiguous.message == (
        f"„Offenbach“ passt zu mehr als einer Gemeinde der Runde „{name}“ (Kreis Offenbach, "
        "Stadt Offenbach): Geben Sie eine davon vollständig an"
    )
    unknown = extend_deadline(
        ExtendParameters(
            round_name=name, due_date=date.today() + timedelta(days=9), municipality="Münstr"
        ),
        return_state=True,
    )
    assert unknown.is_failed()
    assert unknown.message.startswith(
        f"keine Gemeinde „Münstr“ in der Runde „{name}“; am ähnlichsten: Münster, "
    )
    withdrawn = withdraw_plan(
        WithdrawPlanParameters(round_name=name, municipality="MÜNSTER", reason="Ratsbeschluss"),
        return_state=True,
    )
    assert withdrawn.is_completed() and withdrawn.message.startswith(
        "Plan von Münster zurückgezogen"
    )
    with Session(engine_for(sqlite_settings.database_url)) as session:
        assert session.get(Assignment, invited.assignment_id).status == "withdrawn"
