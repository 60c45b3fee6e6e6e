"""`peerplan meetings plan`: the coordinator's changes on the command line, bad ones refused in
one line."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select
from typer.testing import CliRunner

from review.cli import app
from review.config import Settings
from review.db import engine_for
from review.i18n import translator
from review.models import Event, Municipality
from tests.support.factories import make_municipality
from tests.support.review_data import reviewed_plan


def test_plan_meetings_with_a_new_host_and_date(sqlite_settings: Settings, monkeypatch) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    with Session(engine_for(sqlite_settings.database_url)) as session:
        first = reviewed_plan(session, municipality="Tulln")
        make_municipality(session, first.round_, "Vorreith", role="frontrunner")
        name = first.round_.name
        session.commit()
    runner = CliRunner()
    args = ["meetings", "plan", "--round", name, "--no-pdf", "--start", "2027-03-01"]
    done = runner.invoke(
        app, [*args, "--host", "conference=Tulln", "--date", "planning-1=2027-05-04"]
    )
    assert done.exit_code == 0, done.output
    # an English round: its dates as the English write them
    assert "conference" in done.output and "4 May 2027" in done.output
    assert "invitations queued" in " ".join(done.output.split())
    with Session(engine_for(sqlite_settings.database_url)) as session:
        planned = {
            e.payload["meeting"]: e.payload
            for e in session.exec(select(Event).where(Event.kind == "meeting.planned")).all()
        }
    assert planned["conference"]["host"] == "Tulln"
    assert planned["planning-1"]["starts"].startswith("2027-05-04")
    refused = runner.invoke(app, [*args, "--host", "conference=Atlantis"])
    assert refused.exit_code == 2 and "no municipality 'Atlantis'" in refused.output
    refused = runner.invoke(app, [*args, "--date", "conference"])
    assert refused.exit_code == 2 and "MEETING=DATE" in refused.output


def test_open_a_reply_window_and_remind(sqlite_settings: Settings, monkeypatch) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    with Session(engine_for(sqlite_settings.database_url)) as session:
        reviewed = reviewed_plan(session, municipality="Melk")
        town = session.get(Municipality, reviewed.plan.municipality_id)
        town.contact_email = "klima@melk.example"
        session.add(town)
        name, plan_id = reviewed.round_.name, reviewed.plan.id
        session.commit()
    runner = CliRunner()
    due = (date.today() + timedelta(days=2)).isoformat()
    opened = runner.invoke(
        app, ["replies", "open", "--round", name, "--plan", "Melk", "--due", due]
    )
    day = translator("en").format_date(date.fromisoformat(due))  # an English round
    assert opened.exit_code == 0, opened.output
    assert f"Melk: replies taken until {day}; the reply link goes to klima@melk.example" in (
        opened.output
    )
    # The draft the municipality reads on its reply page is written as the window opens.
    drafts = list(sqlite_settings.output_dir.glob(f"*/municipality/{plan_id:04d}-melk.docx"))
    assert len(drafts) == 1
    nobody = runner.invoke(
        app, ["replies", "open", "--round", name, "--plan", "Atlantis", "--due", due]
    )
    assert nobody.exit_code == 2
    assert "no municipality 'Atlantis' in round" in " ".join(nobody.output.split())
    reminded = runner.invoke(app, ["replies", "remind", "--round", name])
    assert reminded.exit_code == 0 and "1 reminder queued" in reminded.output
