"""A new plan version sent while the plan is being reviewed: each reviewer who accepted and has
not submitted gets one email per version, in their language, with their personal link; their
form page says which version they are assessing; the coordinator's round page says it in the
plan's heading. Uploading or taking in the same file again sends nothing twice."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from typer.testing import CliRunner

from review import lifecycle
from review.cli import app as cli_app
from review.config import Settings
from review.coordinator import access
from review.db import engine_for
from review.lifecycle import plan_versions
from review.models import Assignment, AssignmentStatus, Event, Outbox, Plan, utcnow
from review.notify.delivery import deliver
from review.portal import create_app
from review.reviewing.links import issue_link, issue_upload_link
from review.states import transition
from tests.support import plan_files
from tests.support.factories import make_municipality, make_reviewer, make_round
from tests.support.notify import Mailbox, start_smtp
from tests.support.portal_client import CSRF

S = AssignmentStatus
PDF_V1 = plan_files.text_pdf(plan_files.PLAN_DE, title="Klimaschutzkonzept")
PDF_V2 = plan_files.text_pdf([*plan_files.PLAN_DE, ["Nachtrag 2025: Wärmeplan"]], title="K2")
PDF_V3 = plan_files.text_pdf([*plan_files.PLAN_DE, ["Nachtrag 2026"]], title="K3")


def _wait_for(box: Mailbox, count: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(box.messages) < count:
        time.sleep(0.05)


def _upload(client: TestClient, token: str, name: str, pdf: bytes):
    csrf = CSRF.search(client.get(f"/m/{token}").text).group(1)
    files = {"file": (name, pdf, "application/pdf")}
    return client.post(f"/m/{token}", data={"csrf": csrf, "lang": "de"}, files=files)


def _reviewer_on(session, settings, round_, plan, name, language, status) -> tuple[int, str]:
    """A reviewer of another municipality on the plan, invited (with a live link) and then
    moved on to `status`."""
    home = make_municipality(session, round_, f"Heimat {name}")
    reviewer = make_reviewer(
        session, round_, home, name=name, email=f"{name.lower()}@example.org", language=language
    )
    assignment = Assignment(
        round_id=round_.id,
        plan_id=plan.id,
        reviewer_id=reviewer.id,
        rubric="technical",
        due_date=round_.due_date,
    )
    session.add(assignment)
    session.flush()
    transition(session, assignment, S.invited, actor="test")
    token = issue_link(session, assignment, settings=settings)
    for step in {"invited": [], "accepted": [S.accepted], "submitted": [S.accepted, S.submitted]}[
        status
    ]:
        transition(session, assignment, step, actor="test")
    session.commit()
    return assignment.id, token


@pytest.fixture
def mid_review(sqlite_settings: Settings):
    """A German round whose plan of Musterstadt (version 1, uploaded on its link) has four
    reviewers: Anna (German) and Ben (English) accepted, Cem submitted, Dora only invited."""
    box = Mailbox()
    smtp = start_smtp(box)
    settings = sqlite_settings.model_copy(update={"smtp_port": smtp.port})
    engine = engine_for(settings.database_url)
    with Session(engine, expire_on_commit=False) as session:
        round_ = make_round(session, name="Runde Fassungen", language="de")
        town = make_municipality(
            session, round_, "Musterstadt", contact_email="klima@musterstadt.example"
        )
        upload_token = issue_upload_link(session, town)
        session.commit()
        client = TestClient(create_app(settings), follow_redirects=False)
        assert _upload(client, upload_token, "Klimaplan 2024.pdf", PDF_V1).status_code == 200
        plan = session.exec(select(Plan).where(Plan.municipality_id == town.id)).one()
        people = {
            name: _reviewer_on(session, settings, round_, plan, name, language, status)
            for name, language, status in [
                ("Anna", "de", "accepted"),
                ("Ben", "en", "accepted"),
                ("Cem", "de", "submitted"),
                ("Dora", "de", "invited"),
            ]
        }
        _wait_for(box, 1)  # the municipality's receipt of version 1
        box.clear()
        yield settings, session, client, upload_token, people, box, round_
    smtp.stop()


def test_each_reviewer_reading_the_plan_gets_one_email_per_new_version(mid_review) -> None:
    settings, session, client, upload_token, people, box, _round = mid_review
    sent = _upload(client, upload_token, "Klimaplan 2025.pdf", PDF_V2)
    assert sent.status_code == 200 and "Fassung 2" in sent.text
    _wait_for(box, 3)
    time.sleep(0.3)
    told = {m["To"]: m for m in box.messages if m["X-Peerplan-Kind"] == "plan_version"}
    assert set(told) == {"anna@example.org", "ben@example.org"}  # not Cem (submitted), not Dora
    anna, ben = told["anna@example.org"], told["ben@example.org"]
    assert anna["Content-Language"] == "de" and ben["Content-Language"] == "en"
    assert anna["Subject"].startswith("Neue Fassung des Plans, den Sie begutachten")
    assert ben["Subject"].startswith("New version of the plan you are reviewing")
    body = ben.get_content()
    assert "Klimaplan 2025.pdf (version 2)" in body and "It replaces version 1." in body
    link = re.search(r"https?://\S+/r/(\S+)/a/(\d+)", body)
    assert link is not None and link.group(1) == people["Ben"][1]  # the link in force
    assert int(link.group(2)) == people["Ben"][0]
    assert client.get(f"/r/{link.group(1)}/a/{link.group(2)}").status_code == 200
    assert "Klimaplan 2025.pdf (Fassung 2)" in anna.get_content()

    # The same file again, on the link or through the CLI's intake: nothing more is sent.
    box.clear()
    assert _upload(client, upload_token, "nochmal.pdf", PDF_V2).status_code == 200
    again = Path(settings.data_dir) / "Klimaplan 2025.pdf"
    again.write_bytes(PDF_V2)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
        env.setenv("PEERPLAN_DATABASE_URL", settings.database_url)
        env.setenv("PEERPLAN_SMTP_PORT", str(settings.smtp_port))
        result = CliRunner().invoke(
            cli_app,
            ["intake", str(again), "--round", "Runde Fassungen", "--municipality", "Musterstadt"],
        )
    assert result.exit_code == 0, result.output
    time.sleep(0.5)
    assert [
        m["X-Peerplan-Kind"] for m in box.messages if m["To"] != "klima@musterstadt.example"
    ] == []
    versions = session.exec(select(Outbox).where(Outbox.kind == "plan_version")).all()
    assert len(versions) == 2

    # A third version taken in by the coordinator (`peerplan intake`, the bulk registration):
    # one more message each, queued with the version (sent by the next mail run).
    third = Path(settings.data_dir) / "Klimaplan 2026.pdf"
    third.write_bytes(PDF_V3)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
        env.setenv("PEERPLAN_DATABASE_URL", settings.database_url)
        result = CliRunner().invoke(
            cli_app,
            ["intake", str(third), "--round", "Runde Fassungen", "--municipality", "Musterstadt"],
        )
    assert result.exit_code == 0, result.output
    session.expire_all()
    queued = session.exec(select(Outbox).where(Outbox.kind == "plan_version")).all()
    assert len(queued) == 4
    newest = [m for m in queued if "Klimaplan 2026.pdf" in m.body]
    assert sorted(m.recipient for m in newest) == ["anna@example.org", "ben@example.org"]


def test_the_form_page_and_the_round_page_say_which_version(mid_review) -> None:
    settings, session, client, upload_token, people, _box, round_ = mid_review
    anna_id, anna_token = people["Anna"]
    before = client.get(f"/r/{anna_token}/a/{anna_id}?lang=en").text
    assert 'id="newer-version"' not in before

    _upload(client, upload_token, "Klimaplan 2025.pdf", PDF_V2)
    page = client.get(f"/r/{anna_token}/a/{anna_id}?lang=en").text
    notice = page.split('id="newer-version"')[1].split("</p>")[0]
    assert "New version of the plan: Klimaplan 2025.pdf (version 2)" in notice
    assert "You are assessing version 2" in notice and "when version 1 was the newest" in notice
    german = client.get(f"/r/{anna_token}/a/{anna_id}").text
    assert "Sie begutachten Fassung 2" in german
    assert "(Fassung 2: Klimaplan 2025.pdf)" in german  # what the download gives
    dora_id, dora_token = people["Dora"]  # invited, not accepted: she reads the newest anyway
    assert 'id="newer-version"' not in client.get(f"/r/{dora_token}/a/{dora_id}").text

    token = access.issue(session, round_)
    session.commit()
    heading = client.get(f"/c/{token}?lang=en").text.split('class="box plan"')[1].split("</h3>")[0]
    assert "version 2 sent during the review" in heading and "2 reviewers told" in heading
    german_page = client.get(f"/c/{token}").text
    assert "Fassung 2 während der Begutachtung eingegangen" in german_page


def test_a_new_version_of_a_plan_nobody_reads_tells_nobody(session: Session, settings) -> None:
    round_ = make_round(session)
    town = make_municipality(session, round_, "Irgendwo")
    plan = Plan(round_id=round_.id, municipality_id=town.id, title="P", language="de")
    session.add(plan)
    session.flush()
    from review.models import Document

    document = Document(
        round_id=round_.id,
        plan_id=plan.id,
        version=2,
        file_name="p.pdf",
        sha256="0" * 64,
        media_type="application/pdf",
        size=1,
        stored_path="x",
    )
    session.add(document)
    session.flush()
    assert plan_versions.new_plan_version(session, settings, [document]) == []
    assert session.exec(select(Event).where(Event.kind == plan_versions.DURING_REVIEW)).all() == []


def test_telling_of_the_same_version_again_sends_and_records_nothing(mid_review) -> None:
    # A crash after the commit and a re-run of the consequence: exactly once all the same.
    settings, session, client, upload_token, _people, _box, _round = mid_review
    _upload(client, upload_token, "Klimaplan 2025.pdf", PDF_V2)
    from review.models import Document

    newest = session.exec(select(Document).where(Document.version == 2)).one()
    assert plan_versions.new_plan_version(session, settings, [newest]) == []
    session.commit()
    assert len(session.exec(select(Outbox).where(Outbox.kind == "plan_version")).all()) == 2
    told = session.exec(select(Event).where(Event.kind == plan_versions.TOLD)).all()
    assert len(told) == 2


def test_a_reminder_and_an_overdue_notice_carry_the_reviewers_personal_link(mid_review) -> None:
    """A reviewer reminded (or told the review is late) gets the link that opens this plan's form,
    not a pointer to an invitation that may be weeks down the inbox; found in the German
    walkthrough. Each message in the reviewer's language."""
    settings, session, client, _upload_token, people, box, _round = mid_review
    anna = session.get(Assignment, people["Anna"][0])
    ben = session.get(Assignment, people["Ben"][0])
    lifecycle.remind(session, settings, anna, window="d-2", days_left=2, reason="test")
    lifecycle.mark_overdue(
        session,
        settings,
        ben,
        window="d+1",
        reason="test",
        reassign_on=None,
        actor="test",
        now=utcnow(),
    )
    session.commit()
    deliver(engine_for(settings.database_url), settings)
    _wait_for(box, 3)
    by_kind = {m["X-Peerplan-Kind"]: m for m in box.messages}
    reminder, overdue = by_kind["reminder"].get_content(), by_kind["overdue_notice"].get_content()
    assert "Ihr persönlicher Link führt Sie zurück zu Ihrem Gutachten" in reminder
    assert "Please submit through your personal link" in overdue
    for body, (assignment_id, token) in ((reminder, people["Anna"]), (overdue, people["Ben"])):
        link = re.search(r"https?://\S+/r/(\S+)/a/(\d+)", body)
        assert link is not None, body
        assert (link.group(1), int(link.group(2))) == (token, assignment_id)
        assert client.get(f"/r/{link.group(1)}/a/{link.group(2)}").status_code == 200


def test_a_new_version_notice_to_a_reviewer_who_submitted_before_it_went_out_is_dropped(
    mid_review,
) -> None:
    """The notice is queued for a review still open; when the reviewer submits before the next
    mail run, that run drops it (review.notify.outbox.ONLY_WHILE_OPEN) and says so: in its
    report, on the message's row and in an event. The other reviewer's notice goes out."""
    from review.coordinator.artifacts import delivery_markdown
    from review.i18n import translator
    from tests.support.reviewing_data import complete_review

    settings, session, _client, _upload_token, people, box, _round = mid_review
    second = Path(settings.data_dir) / "Klimaplan 2025.pdf"
    second.write_bytes(PDF_V2)
    with pytest.MonkeyPatch.context() as env:  # taken in by the coordinator: queued, not sent
        env.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
        env.setenv("PEERPLAN_DATABASE_URL", settings.database_url)
        result = CliRunner().invoke(
            cli_app,
            ["intake", str(second), "--round", "Runde Fassungen", "--municipality", "Musterstadt"],
        )
    assert result.exit_code == 0, result.output
    session.expire_all()
    queued = {
        m.recipient: m for m in session.exec(select(Outbox).where(Outbox.kind == "plan_version"))
    }
    assert set(queued) == {"anna@example.org", "ben@example.org"}
    assert {m.status for m in queued.values()} == {"pending"}

    anna = session.get(Assignment, people["Anna"][0])
    lifecycle.submit(
        session, anna, complete_review(), settings=settings, seen_revision="0.0", actor="Anna"
    )
    session.commit()
    box.clear()
    report = deliver(engine_for(settings.database_url), settings)

    dropped = queued["anna@example.org"].key
    assert report.cancelled == [(dropped, "the assignment is now 'submitted'")]
    # What the hourly run's artifact says under "Delivery" (review.coordinator.artifacts).
    told = delivery_markdown(report, translator("en"))
    assert "2 sent, 1 cancelled, 0 failed" in told  # Ben's notice, Anna's submission receipt
    # the message by recipient and subject, not the outbox's key
    assert (
        "- cancelled to anna@example.org: “Neue Fassung des Plans, den Sie begutachten: K2”: "
        in told
    )
    assert told.endswith("the assignment is now 'submitted'") and dropped not in told
    kinds = sorted((m["To"], m["X-Peerplan-Kind"]) for m in box.messages)
    assert ("ben@example.org", "plan_version") in kinds
    assert ("anna@example.org", "plan_version") not in kinds
    assert ("anna@example.org", "submission_receipt") in kinds
    session.expire_all()
    row = session.get(Outbox, queued["anna@example.org"].id)
    assert row.status == "cancelled" and row.sent_at is None
    assert row.last_error == "cancelled: the assignment is now 'submitted'"
    said = session.exec(select(Event).where(Event.kind == "outbox.cancelled")).one()
    assert said.payload["kind"] == "plan_version" and said.payload["to"] == "anna@example.org"
    assert session.get(Outbox, queued["ben@example.org"].id).status == "sent"
