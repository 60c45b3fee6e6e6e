"""Confidentiality in a blind round: a test walks every surface the round produces and checks
who may be named where. The round runs through the real code: plans uploaded through the
municipalities' links, invitations over SMTP (aiosmtpd), reviewers working through the portal,
the escalation after the due date, compilation.

The rules, per surface:
- a reviewer's portal pages, downloads and emails: that reviewer only, never a co-reviewer;
- a municipality's upload page, its answers and its emails: no reviewer at all;
- the municipality edition of a consolidated review (every part of the package), the round
  summary and the blind exports (XLSX, CSV): no reviewer at all;
- the coordinator edition, the coordinator exports and the coordinator's emails: anything;
- logs and Prefect artifacts (operators'): never a personal link token; the compile artifact
  (a round summary) no reviewer either.
Identities are distinctive strings (names and emails), so a leak is found by a text search in
everything decoded: HTML, email headers and bodies and attachments, every zip part."""

from __future__ import annotations

import csv
import io
import logging
import re
import sqlite3
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from review.config import Settings
from review.db import engine_for
from review.models import Assignment, Outbox
from review.reviewing.links import issue_upload_link
from tests.reliability.portal_server import complete_fields
from tests.support.factories import make_municipality, make_reviewer, make_round
from tests.support.notify import Mailbox, start_smtp
from tests.support.portal_client import client_for, form_fields

TOKEN_IN_LINK = re.compile(r"/r/([A-Za-z0-9_\-]{20,})")
SURFACES: dict[str, int] = {}


@dataclass
class World:
    settings: Settings
    mailbox: Mailbox
    round_name: str
    reviewers: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (name, email)
    coreviewers: dict[int, set[int]] = field(default_factory=dict)  # reviewer -> others on plans
    tokens: dict[int, str] = field(default_factory=dict)  # reviewer id -> personal link token
    assignments: dict[int, list[int]] = field(default_factory=dict)  # reviewer -> assignment ids
    municipal: dict[int, str] = field(default_factory=dict)  # municipality id -> upload token
    municipal_emails: set[str] = field(default_factory=set)
    coordinator: str = "coordinator@round.example"
    pages: list[tuple[str, int | None, str]] = field(default_factory=list)  # (kind, who, text)

    def identities(self, reviewer_ids=None) -> list[str]:
        ids = self.reviewers if reviewer_ids is None else reviewer_ids
        return [s for r in ids for s in self.reviewers[r]]

    def others(self, reviewer_id: int) -> list[str]:
        return self.identities([r for r in self.reviewers if r != reviewer_id])


def text_of(data: bytes) -> str:
    """Bytes as searchable text; a zip (DOCX, XLSX) is every part, decoded, plus part names."""
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return "\n".join(
                    n + "\n" + z.read(n).decode("utf-8", "replace") for n in z.namelist()
                )
        except zipfile.BadZipFile:
            pass
    return data.decode("utf-8", "replace")


def mail_text(message) -> str:
    parts = [f"{k}: {v}" for k, v in message.items()]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if payload:
            parts.append(text_of(payload))
        if part.get_filename():
            parts.append(part.get_filename())
    return "\n".join(parts)


def assert_absent(identities: list[str], text: str, where: str) -> None:
    low = text.lower()
    found = [i for i in identities if i.lower() in low]
    assert not found, f"{where} reveals {found}"
    SURFACES[where.split(":")[0]] = SURFACES.get(where.split(":")[0], 0) + 1


def build_round(
    settings: Settings, plan_folder, mailbox: Mailbox, name: str = "Blind 2026", invite=None
) -> World:
    """Three municipalities upload their plans; each plan gets a technical and a communication
    reviewer from the two other municipalities; everyone is invited over SMTP."""
    from review.models import utcnow
    from review.runs import run_invitations

    world = World(settings, mailbox, name)
    engine = engine_for(str(settings.database_url))
    names = [
        ("Zebulon Quaxworth", "zq"),
        ("Philippa Vexmoor", "pv"),
        ("Ignatius Brumble", "ib"),
        ("Ottilie Farnsquire", "of"),
        ("Cornelius Wyndlebury", "cw"),
        ("Henrietta Pomfrey", "hp"),
    ]
    with Session(engine, expire_on_commit=False) as session:
        round_ = make_round(
            session,
            name=name,
            blind=True,
            coordinator_email=world.coordinator,
            due_date=datetime(2026, 12, 15).date(),
            languages=["de", "en"],
        )
        places = []
        for i in range(3):
            m = make_municipality(
                session,
                round_,
                f"Gemeinde {'ABC'[i]}",
                language="en",
                contact_email=f"plan@gemeinde-{'abc'[i]}.example",
            )
            world.municipal_emails.add(m.contact_email)
            places.append(m)
        people = []
        for i, m in enumerate(places):
            pair = []
            for k in range(2):
                full, short = names[2 * i + k]
                email = f"{short}.{i}{k}@reviewers.example"
                r = make_reviewer(
                    session,
                    round_,
                    m,
                    name=full,
                    email=email,
                    language="en",
                    languages=["de", "en"],
                )
                world.reviewers[r.id] = (r.name, r.email)
                pair.append(r)
            people.append(pair)
        for m in places:
            world.municipal[m.id] = issue_upload_link(session, m)
        session.commit()
    client = client_for(settings)
    files = [p.path for p in plan_folder.plans[:3]]
    for (mid, token), path in zip(world.municipal.items(), files, strict=True):
        page = client.get(f"/m/{token}?lang=en")
        assert page.status_code == 200
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        answer = client.post(
            f"/m/{token}",
            data={"csrf": csrf, "lang": "en"},
            files={"file": (path.name, path.read_bytes(), "application/pdf")},
        )
        assert answer.status_code == 200, answer.text[:2000]
        world.pages.append(("municipality", mid, page.text + answer.text))
    with Session(engine, expire_on_commit=False) as session:
        from review.models import Plan

        plans = {p.municipality_id: p for p in session.exec(select(Plan))}
        for i, m in enumerate(places):
            plan = plans[m.id]
            on_plan = []
            for k, rubric in enumerate(("technical", "communication")):
                reviewer = people[(i + 1 + k) % 3][k]
                on_plan.append(reviewer.id)
                session.add(
                    Assignment(
                        round_id=plan.round_id,
                        plan_id=plan.id,
                        reviewer_id=reviewer.id,
                        rubric=rubric,
                        due_date=datetime(2026, 12, 15).date(),
                        approved_at=utcnow(),
                    )
                )
            for r in on_plan:
                world.coreviewers.setdefault(r, set()).update(set(on_plan) - {r})
        session.commit()
    (invite or (lambda: run_invitations(settings, round_name=name)))()
    for message in mailbox.messages:
        match = TOKEN_IN_LINK.search(mail_text(message))
        if match:
            rid = next(r for r, (_, email) in world.reviewers.items() if email == message["To"])
            world.tokens[rid] = match.group(1)
    with Session(engine) as session:
        for a in session.exec(select(Assignment)):
            world.assignments.setdefault(a.reviewer_id, []).append(a.id)
    assert len(world.tokens) == 6, "every reviewer got an invitation with a personal link"
    return world


def work_through_the_portal(world: World) -> None:
    """Every reviewer opens every page and download; all but one accept and submit; the last
    stays open so the escalation has someone to remind."""
    client = client_for(world.settings)
    last = sorted(world.tokens)[-1]
    for rid, token in sorted(world.tokens.items()):
        seen_pages = [client.get(f"/r/{token}?lang=en").text]
        for aid in world.assignments[rid]:
            base = f"/r/{token}/a/{aid}"
            form = client.get(base + "?lang=en")
            seen_pages.append(form.text)
            for suffix in ("/findings?lang=en", "/word?lang=en", "/word?lang=de", "/plan"):
                response = client.get(base + suffix)
                assert response.status_code == 200, (suffix, response.status_code)
                seen_pages.append(text_of(response.content))
            if rid == last:
                continue
            fields = form_fields(form.text)
            client.post(base + "/accept", data={"csrf": fields["csrf"], "lang": "en"})
            with Session(engine_for(str(world.settings.database_url))) as session:
                rubric = session.get(Assignment, aid).rubric
            done = client.post(
                base + "/save",
                data=fields | complete_fields(rubric) | {"action": "submit", "lang": "en"},
            )
            assert done.status_code == 303, done.text[:3000]
            seen_pages.append(client.get(done.headers["location"]).text)
        world.pages.append(("reviewer", rid, "\n".join(seen_pages)))


ESCALATION_DAYS = (14, 16, 21)  # a reminder; overdue, escalation, digest; reassignment


def escalate_and_compile(world: World, tmp_path: Path):
    from review.consolidation.pipeline import compile_round
    from review.rounds import get_round
    from review.runs import run_escalation

    for day in ESCALATION_DAYS:
        run_escalation(
            world.settings, round_name=world.round_name, now=datetime(2026, 12, day, 8, tzinfo=UTC)
        )
    with Session(engine_for(str(world.settings.database_url)), expire_on_commit=False) as session:
        return compile_round(
            session,
            world.settings,
            get_round(session, world.round_name),
            tmp_path / "out",
            workers=1,
            pdf=False,
        )


def check_mail(world: World) -> None:
    kinds = set()
    for message in world.mailbox.messages:
        to, text = str(message["To"]), mail_text(message)
        kinds.add(str(message["X-Peerplan-Kind"]))
        if to == world.coordinator:
            continue  # the coordinator may know everything
        if to in world.municipal_emails:
            kind = message["X-Peerplan-Kind"]
            assert_absent(world.identities(), text, f"email: {kind} to a municipality")
            continue
        rid = next((r for r, (_, email) in world.reviewers.items() if email == to), None)
        assert rid is not None, f"a message went to an unknown address {to}"
        assert_absent(world.others(rid), text, f"email: {message['X-Peerplan-Kind']} to a reviewer")
        # A reviewer's mail carries their own link only.
        for token in TOKEN_IN_LINK.findall(text):
            for other, theirs in world.tokens.items():
                assert other == rid or theirs != token, "another reviewer's link in a mail"
    assert {"invitation", "plan_receipt"} <= kinds, kinds
    SURFACES["email kinds"] = len(kinds)


def check_documents(world: World, report) -> None:
    out = report.out_dir
    municipality = sorted((out / "municipality").glob("*"))
    summary = sorted((out / "summary").glob("*"))
    coordinator = sorted((out / "coordinator").glob("*"))
    assert municipality and summary and coordinator
    for path in municipality + summary:
        if path.name.startswith("."):
            continue
        text = text_of(path.read_bytes())
        if path.suffix == ".csv":
            text = "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
        assert_absent(world.identities(), text, f"document: {path.parent.name}/{path.suffix}")
    # The coordinator's edition does name them (else this test would prove nothing).
    named = "\n".join(text_of(p.read_bytes()) for p in coordinator)
    submitted = [r for r, aids in world.assignments.items() if r != sorted(world.tokens)[-1]]
    assert any(world.reviewers[r][0] in named for r in submitted)


def check_pages(world: World) -> None:
    for kind, who, text in world.pages:
        if kind == "municipality":
            assert_absent(world.identities(), text, "portal: municipality page")
        else:
            assert_absent(world.others(who), text, "portal: reviewer pages and downloads")


def check_logs(world: World, records: list[logging.LogRecord]) -> None:
    # The test's own parts log what they see: aiosmtpd ("mail.log", the mail server: its log is
    # the mail) and httpx/httpcore (the test's browser, which of course knows its URL).
    test_side = ("mail.log", "httpx", "httpcore")
    records = [r for r in records if not r.name.startswith(test_side)]
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in records)
    for token in list(world.tokens.values()) + list(world.municipal.values()):
        assert token not in text, "a personal link token in the logs"
    SURFACES["log records"] = len(records)


def test_blind_round_reveals_no_reviewer_where_it_must_not(
    sqlite_settings: Settings, plan_folder, tmp_path: Path, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    box = Mailbox()
    controller = start_smtp(box)
    try:
        settings = sqlite_settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": controller.port}
        )
        world = build_round(settings, plan_folder, box)
        work_through_the_portal(world)
        report = escalate_and_compile(world, tmp_path)
    finally:
        controller.stop()
    check_pages(world)
    check_mail(world)
    check_documents(world, report)
    check_logs(world, caplog.records)
    print(f"\nconfidentiality surfaces checked: {SURFACES}; {len(box.messages)} emails")


def test_no_personal_link_token_rests_in_the_database(sqlite_settings: Settings) -> None:
    """An invitation waiting in the outbox holds a placeholder, not its link (#17): the token is
    derived from the link key outside the database when the message is sent. Nothing in the
    database, dumped as text, holds the token; the email does, and it opens the portal."""
    from review.lifecycle import invite_round
    from review.models import utcnow
    from review.notify.delivery import deliver
    from review.reviewing.links import assignment_for_token
    from tests.support.factories import make_plan

    settings = sqlite_settings
    with Session(engine_for(str(settings.database_url)), expire_on_commit=False) as session:
        round_ = make_round(session, name="Tokens 2026")
        home, away = make_municipality(session, round_), make_municipality(session, round_)
        plan = make_plan(session, round_, home, title="Plan")
        reviewer = make_reviewer(session, round_, away)
        session.add(
            Assignment(
                round_id=round_.id,
                plan_id=plan.id,
                reviewer_id=reviewer.id,
                rubric="technical",
                due_date=round_.due_date,
                approved_at=utcnow(),
            )
        )
        session.flush()
        invite_round(session, settings, round_.id, actor="coordinator")
        session.commit()
        bodies = "\n".join(o.body for o in session.exec(select(Outbox)))
    assert "/r/{peerplan-link:a" in bodies  # the invitation was queued with its placeholder
    assert not TOKEN_IN_LINK.search(bodies), "a personal link token is stored in Outbox.body"
    dump = "\n".join(
        sqlite3.connect(str(settings.data_dir / "peerplan.db")).iterdump()
    )  # every table, as a backup holds it

    box = Mailbox()
    controller = start_smtp(box)
    try:
        sending = settings.model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": controller.port}
        )
        assert deliver(engine_for(str(settings.database_url)), sending).sent
    finally:
        controller.stop()
    (invitation,) = box.messages
    match = TOKEN_IN_LINK.search(mail_text(invitation))
    assert match, "the email carries the link"
    token = match.group(1)
    assert token not in dump, "the token rests somewhere in the database"
    with Session(engine_for(str(settings.database_url))) as session:
        assert assignment_for_token(session, token, settings) is not None  # and it works


def test_sent_messages_keep_no_personal_link(sqlite_settings: Settings) -> None:
    """Once the SMTP server has an invitation, the database keeps no usable link to it; the
    reviewer's email does."""
    from review.lifecycle import invite_round
    from review.models import utcnow
    from review.notify.delivery import deliver
    from tests.support.factories import make_plan

    box = Mailbox()
    controller = start_smtp(box)
    settings = sqlite_settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": controller.port}
    )
    engine = engine_for(str(settings.database_url))
    try:
        with Session(engine, expire_on_commit=False) as session:
            round_ = make_round(session, name="Sent tokens 2026")
            home, away = make_municipality(session, round_), make_municipality(session, round_)
            plan = make_plan(session, round_, home, title="Plan")
            reviewer = make_reviewer(session, round_, away)
            session.add(
                Assignment(
                    round_id=round_.id,
                    plan_id=plan.id,
                    reviewer_id=reviewer.id,
                    rubric="technical",
                    due_date=round_.due_date,
                    approved_at=utcnow(),
                )
            )
            session.flush()
            invite_round(session, settings, round_.id, actor="coordinator")
            session.commit()
        assert deliver(engine, settings).sent
    finally:
        controller.stop()
    with Session(engine) as session:
        bodies = "\n".join(o.body for o in session.exec(select(Outbox)))
    assert "/r/[link sent by email]" in bodies
    assert not TOKEN_IN_LINK.search(bodies), "a sent message keeps a personal link token"
    assert any(TOKEN_IN_LINK.search(mail_text(m)) for m in box.messages)


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_prefect_artifacts_and_flow_logs_of_a_blind_round(
    prefect_harness, sqlite_settings: Settings, plan_folder, tmp_path: Path, monkeypatch
) -> None:
    """The same round driven by the Prefect flows: their artifacts and run logs (what anyone
    with access to the Prefect UI reads) carry no personal link; the compile artifact, a round
    summary, names no reviewer."""
    from prefect.client.orchestration import get_client

    from flows.compile_reviews import CompileParameters, compile_reviews
    from flows.escalate_deadlines import EscalationParameters, escalate_deadlines
    from flows.send_invitations import InvitationParameters, send_invitations

    box = Mailbox()
    controller = start_smtp(box)
    settings = sqlite_settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": controller.port}
    )
    for key, value in {
        "DATA_DIR": settings.data_dir,
        "DATABASE_URL": settings.database_url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": controller.port,
        "PORTAL_BASE_URL": settings.portal_base_url,
    }.items():
        monkeypatch.setenv(f"PEERPLAN_{key}", str(value))
    name = "Blind Prefect 2026"
    try:
        world = build_round(
            settings,
            plan_folder,
            box,
            name=name,
            invite=lambda: send_invitations(InvitationParameters(round_name=name)),
        )
        work_through_the_portal(world)
        for day in ESCALATION_DAYS:
            escalate_deadlines(
                EscalationParameters(round_name=name, now=datetime(2026, 12, day, 8, tzinfo=UTC))
            )
        compile_reviews(
            CompileParameters(round_name=name, out_dir=str(tmp_path / "out"), workers=1, pdf=False)
        )
    finally:
        controller.stop()
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts()
        logs = client.read_logs()
    keys = {a.key for a in artifacts}
    assert {
        "send-invitations-blind-prefect-2026",
        "escalate-deadlines-blind-prefect-2026",
        "compile-reviews-blind-prefect-2026",
    } <= keys, keys
    secrets = list(world.tokens.values()) + list(world.municipal.values())
    for artifact in artifacts:
        text = f"{artifact.description}\n{artifact.data}"
        for token in secrets:
            assert token not in text, f"a personal link token in the artifact {artifact.key}"
        if (artifact.key or "").startswith("compile-reviews"):
            assert_absent(world.identities(), text, "prefect: compile artifact")
    log_text = "\n".join(log.message for log in logs)
    assert logs, "the flows logged nothing"
    for token in secrets:
        assert token not in log_text, "a personal link token in a Prefect flow-run log"
    SURFACES["prefect artifacts"] = len(artifacts)
    SURFACES["prefect log lines"] = len(logs)
    print(f"\nprefect surfaces: {len(artifacts)} artifacts, {len(logs)} log lines")
