"""Crash tests: each step of a round is SIGKILLed at a seeded random moment, then run again to
completion; afterwards nothing is duplicated, nothing submitted is lost, the audit log matches
the state, and every message went out (a Message-ID twice only where the outbox allows it).

The default run does a few seeded trials per step on a warm fork server; `-m slow` runs many
more, in fresh `python -m review` processes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from review.config import Settings
from tests.reliability.conftest import base_seed
from tests.reliability.crash_harness import (
    ExecRunner,
    ForkRunner,
    Tally,
    crash_then_finish,
    database_problems,
)

TALLY = Tally()  # the figures of this session, printed at the end (see RELIABILITY.md)


def _counts(settings: Settings, round_name: str) -> dict[str, int]:
    from tests.reliability.crash_harness import _rows

    rid = _rows(settings, "SELECT id FROM round WHERE name = :n", n=round_name)[0][0]
    one = lambda sql: _rows(settings, sql, r=rid)[0][0]  # noqa: E731
    return {
        "municipalities": one("SELECT COUNT(*) FROM municipality WHERE round_id = :r"),
        "reviewers": one("SELECT COUNT(*) FROM reviewer WHERE round_id = :r"),
        "plans": one("SELECT COUNT(*) FROM plan WHERE round_id = :r"),
        "documents": one("SELECT COUNT(*) FROM document WHERE round_id = :r"),
        "max_version": one("SELECT COALESCE(MAX(version), 0) FROM document WHERE round_id = :r"),
    }


def _assignments(settings: Settings, round_name: str) -> list[tuple]:
    from tests.reliability.crash_harness import _rows

    return _rows(
        settings,
        "SELECT m.name, r.email, a.rubric, a.status FROM assignment a "
        "JOIN plan p ON p.id = a.plan_id JOIN municipality m ON m.id = p.municipality_id "
        "JOIN reviewer r ON r.id = a.reviewer_id JOIN round o ON o.id = a.round_id "
        "WHERE o.name = :n ORDER BY m.name, r.email",
        n=round_name,
    )


def intake_campaign(runner, plan_folder, trials: int, seed: int) -> Tally:
    """Per trial a new round: import, intake, assign, each killed once and re-run."""
    tally = Tally()
    rng = random.Random(seed)
    n = len(plan_folder.plans)
    manifest = str(plan_folder.manifest)
    setup = runner.run(["round", "create", "R0", "--languages", "de,en"])
    assert setup.returncode == 0, setup.output
    timed_import = runner.run(["import", str(plan_folder.participants_csv), "--round", "R0"])
    timed_intake = runner.run(["intake", manifest, "--round", "R0", "--workers", "1"])
    assert timed_import.returncode == 0 and timed_intake.returncode == 0, timed_intake.output
    timed_assign = runner.run(["assign", "--round", "R0"])
    assert timed_assign.returncode == 0, timed_assign.output
    wanted = _assignments(runner.settings, "R0")
    assert wanted, "the solver proposed nothing"
    assert runner.run(["assign", "--round", "R0"]).returncode == 0
    assert _assignments(runner.settings, "R0") == wanted, "a re-run of assign changed the proposal"
    for trial in range(1, trials + 1):
        name = f"R{trial}"
        assert runner.run(["round", "create", name, "--languages", "de,en"]).returncode == 0
        crash_then_finish(
            runner,
            ["import", str(plan_folder.participants_csv), "--round", name],
            timed_import.seconds,
            rng,
            tally,
            "import",
        )
        crash_then_finish(
            runner,
            ["intake", manifest, "--round", name, "--workers", "1"],
            timed_intake.seconds,
            rng,
            tally,
            "intake",
        )
        counts = _counts(runner.settings, name)
        assert counts["plans"] == counts["documents"] == n, (trial, counts)
        assert counts["max_version"] == 1, (trial, counts)
        assert counts["municipalities"] == n and counts["reviewers"] == 2 * n, counts
        crash_then_finish(
            runner, ["assign", "--round", name], timed_assign.seconds, rng, tally, "assign"
        )
        # The same proposal as the uninterrupted round (same data, deterministic solver), once.
        assert _assignments(runner.settings, name) == wanted, trial
        assert database_problems(runner.settings) == [], trial
    return tally


def test_intake_and_import_survive_kills(
    sqlite_settings: Settings, plan_folder, tmp_path: Path
) -> None:
    settings = sqlite_settings  # PostgreSQL: the slow campaign
    runner = ForkRunner(settings, tmp_path)
    runner.settings = settings
    try:
        tally = intake_campaign(runner, plan_folder, trials=2, seed=base_seed())
    finally:
        runner.close()
    TALLY.trials += tally.trials
    print("intake crash campaign:", tally.line())
    assert tally.kills >= 1, "no kill landed: the kill moments are drawn from the run's duration"


@pytest.mark.slow
def test_intake_and_import_survive_many_kills_in_fresh_processes(
    settings: Settings, plan_folder, tmp_path: Path
) -> None:
    runner = ExecRunner(settings, tmp_path)
    runner.settings = settings
    tally = intake_campaign(runner, plan_folder, trials=8, seed=base_seed() + 1)
    print("intake crash campaign (exec):", tally.line())
    assert tally.kills >= 4, f"only {tally.kills} kills landed: {tally.line()}"


# --------------------------------------------------------------------------- invite, escalate


def seed_round(settings: Settings, name: str, plans: int = 4) -> dict[str, int]:
    """A round with approved, not yet invited assignments: each plan gets a technical and a
    communication reviewer from two other municipalities."""
    from datetime import date

    from sqlmodel import Session

    from review.db import engine_for
    from review.models import Assignment, utcnow
    from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round

    with Session(engine_for(str(settings.database_url)), expire_on_commit=False) as session:
        round_ = make_round(
            session,
            name=name,
            due_date=date(2026, 12, 15),
            coordinator_email="coordinator@round.example",
        )
        places = [
            make_municipality(
                session,
                round_,
                f"{name} Gemeinde {i}",
                contact_email=f"plan{i}@{name.lower()}.example",
            )
            for i in range(plans)
        ]
        people = [
            [
                make_reviewer(
                    session,
                    round_,
                    m,
                    name=f"{name} Person {i}{k}",
                    email=f"p{i}{k}@{name.lower()}.example",
                )
                for k in range(2)
            ]
            for i, m in enumerate(places)
        ]
        for i, m in enumerate(places):
            plan = make_plan(session, round_, m, title=f"Plan {m.name}")
            for k, rubric in enumerate(("technical", "communication")):
                reviewer = people[(i + 1 + k) % plans][k]
                session.add(
                    Assignment(
                        round_id=round_.id,
                        plan_id=plan.id,
                        reviewer_id=reviewer.id,
                        rubric=rubric,
                        due_date=round_.due_date,
                        approved_at=utcnow(),
                    )
                )
        session.commit()
        return {"round_id": round_.id}


def submit_one(settings: Settings, round_id: int) -> None:
    """A reviewer submits a complete review (in this process, as the portal would)."""
    from sqlmodel import Session, select

    from review.db import engine_for
    from review.lifecycle import submit
    from review.models import Assignment
    from review.reviewing.drafts import form_state
    from tests.support.reviewing_data import complete_review

    with Session(engine_for(str(settings.database_url)), expire_on_commit=False) as session:
        a = session.exec(
            select(Assignment)
            .where(
                Assignment.round_id == round_id,
                Assignment.rubric == "technical",
                Assignment.status == "invited",
            )
            .order_by(Assignment.id)
        ).first()
        assert a is not None
        submit(
            session,
            a,
            complete_review("technical"),
            settings=settings,
            seen_revision=form_state(session, a).seen,
            actor="reviewer",
        )
        session.commit()


ALL_DAYS = ("2026-12-14T08:00", "2026-12-16T08:00", "2026-12-21T08:00")


def notify_campaign(
    runner, settings: Settings, mailbox, trials: int, seed: int, days: tuple[str, ...] = ALL_DAYS
) -> Tally:
    """Per trial a new round: invite, then escalation runs on `days` (a reminder; overdue,
    escalation and digest; reassignment with replacement invitations), each killed once."""
    from tests.reliability.crash_harness import mail_problems, submitted_reviews

    tally = Tally()
    rng = random.Random(seed)
    seed_round(settings, "N0")
    timed = {
        "invite": runner.run(["invite", "--round", "N0"]),
        "escalate": runner.run(["escalate", "--round", "N0", "--now", "2026-12-16T08:00"]),
    }
    for run in timed.values():
        assert run.returncode == 0, run.output
    sending_kills = 0
    for trial in range(1, trials + 1):
        name = f"N{trial}"
        ids = seed_round(settings, name)
        steps = [("invite", ["invite", "--round", name], timed["invite"].seconds)]
        steps += [
            ("escalate", ["escalate", "--round", name, "--now", when], timed["escalate"].seconds)
            for when in days
        ]
        before: dict = {}
        for number, (step, argv, seconds) in enumerate(steps):
            kills = tally.kills
            crash_then_finish(runner, argv, seconds, rng, tally, step)
            sending_kills += tally.kills - kills
            if number == 0:
                submit_one(settings, ids["round_id"])
                before = submitted_reviews(settings)
        after = submitted_reviews(settings)
        lost = {k: v for k, v in before.items() if after.get(k) != v}
        assert not lost, f"submitted reviews lost or changed: {lost}"
        assert database_problems(settings) == [], trial
        box, _ = mailbox
        assert mail_problems(settings, box.messages, sending_kills) == [], trial
    from collections import Counter

    ids = Counter(str(m["Message-ID"]) for m in mailbox[0].messages)
    tally.by_step["mails"] = len(mailbox[0].messages)
    tally.by_step["same Message-ID twice (allowed)"] = sum(1 for n in ids.values() if n == 2)
    return tally


def test_invitation_and_escalation_survive_kills(
    sqlite_mail_settings: Settings, mailbox, tmp_path: Path
) -> None:
    runner = ForkRunner(sqlite_mail_settings, tmp_path)  # PostgreSQL: the slow campaign
    try:
        tally = notify_campaign(
            runner,
            sqlite_mail_settings,
            mailbox,
            trials=1,
            seed=base_seed() + 2,
            days=ALL_DAYS[1:2],
        )
    finally:
        runner.close()
    print("invite/escalate crash campaign:", tally.line(), f"{len(mailbox[0].messages)} mails")
    assert tally.kills >= 1


@pytest.mark.slow
def test_invitation_and_escalation_survive_many_kills_in_fresh_processes(
    mail_settings: Settings, mailbox, tmp_path: Path
) -> None:
    runner = ExecRunner(mail_settings, tmp_path)
    tally = notify_campaign(runner, mail_settings, mailbox, trials=4, seed=base_seed() + 3)
    print("invite/escalate crash campaign (exec):", tally.line())
    assert tally.kills >= 4, f"only {tally.kills} kills landed: {tally.line()}"


# --------------------------------------------------------------------------- compile


def seed_reviewed_round(settings: Settings, name: str, plans: int = 4) -> None:
    from sqlmodel import Session

    from review.db import engine_for
    from tests.support.factories import make_round
    from tests.support.review_data import reviewed_plan

    with Session(engine_for(str(settings.database_url)), expire_on_commit=False) as session:
        round_ = make_round(session, name=name, blind=True, language="en")
        for i in range(plans):
            reviewed_plan(session, round_=round_, municipality=f"{name} Stadt {i}")


def output_problems(out: Path) -> tuple[list[str], set[str]]:
    """Every visible output file complete and readable; returns (problems, visible names)."""
    import csv
    import zipfile

    from docx import Document as Docx
    from openpyxl import load_workbook

    problems, names = [], set()
    for path in sorted(out.rglob("*")):
        if not path.is_file() or path.name.startswith("."):
            continue
        names.add(str(path.relative_to(out)))
        try:
            if path.suffix == ".docx":
                Docx(str(path))
            elif path.suffix == ".xlsx":
                load_workbook(path, read_only=True).close()
            elif path.suffix == ".csv":
                rows = list(csv.reader(path.open(encoding="utf-8-sig")))
                assert len(rows) > 1
            if path.suffix in (".docx", ".xlsx"):
                assert zipfile.ZipFile(path).testzip() is None
        except Exception as exc:  # any failure to read is the finding
            problems.append(f"{path.relative_to(out)}: {type(exc).__name__}: {exc}")
    return problems, names


def compile_campaign(runner, settings: Settings, trials: int, seed: int, tmp_path: Path) -> Tally:
    tally = Tally()
    rng = random.Random(seed)
    seed_reviewed_round(settings, "C0")
    before = table_counts(settings)
    reference = tmp_path / "reference"
    timed = runner.run(
        ["compile", "--round", "C0", "--out", str(reference), "--workers", "1", "--no-pdf"]
    )
    assert timed.returncode == 0, timed.output
    _, expected = output_problems(reference)
    assert len(expected) >= 4 * 2 + 3
    leftovers = 0
    for trial in range(1, trials + 1):
        out = tmp_path / f"out{trial}"
        crash_then_finish(
            runner,
            ["compile", "--round", "C0", "--out", str(out), "--workers", "1", "--no-pdf"],
            timed.seconds,
            rng,
            tally,
            "compile",
        )
        problems, names = output_problems(out)
        assert problems == [], problems
        assert names == expected, names ^ expected
        leftovers += sum(1 for p in out.rglob(".*.tmp"))
    tally.by_step["temporary files left by killed runs"] = leftovers
    # Compiling only reads: the hand-made round (no stored files) is left exactly as it was.
    assert table_counts(settings) == before
    return tally


def table_counts(settings: Settings) -> dict[str, int]:
    from tests.reliability.crash_harness import _rows

    tables = ("plan", "document", "assignment", "review", "outbox")
    return {t: _rows(settings, f"SELECT COUNT(*) FROM {t}")[0][0] for t in tables}


def test_compile_survives_kills(sqlite_settings: Settings, tmp_path: Path) -> None:
    runner = ForkRunner(sqlite_settings, tmp_path)
    try:
        tally = compile_campaign(runner, sqlite_settings, 1, base_seed() + 4, tmp_path)
    finally:
        runner.close()
    print("compile crash campaign:", tally.line())


@pytest.mark.slow
def test_compile_survives_many_kills_in_fresh_processes(settings: Settings, tmp_path: Path) -> None:
    tally = compile_campaign(ExecRunner(settings, tmp_path), settings, 6, base_seed() + 5, tmp_path)
    print("compile crash campaign (exec):", tally.line())
    assert tally.kills >= 4
