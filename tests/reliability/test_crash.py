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


def intake_campaign(runner, plan_folder, trials: int, seed: int) -> Tally:
    """Per trial a new round: import (killed once, re-run), intake (killed once, re-run)."""
    tally = Tally()
    rng = random.Random(seed)
    n = len(plan_folder.plans)
    manifest = str(plan_folder.manifest)
    setup = runner.run(["round", "create", "R0", "--languages", "de,en"])
    assert setup.returncode == 0, setup.output
    timed_import = runner.run(["import", str(plan_folder.participants_csv), "--round", "R0"])
    timed_intake = runner.run(["intake", manifest, "--round", "R0", "--workers", "1"])
    assert timed_import.returncode == 0 and timed_intake.returncode == 0, timed_intake.output
    for trial in range(1, trials + 1):
        name = f"R{trial}"
        assert runner.run(["round", "create", name, "--languages", "de,en"]).returncode == 0
        crash_then_finish(runner, ["import", str(plan_folder.participants_csv), "--round", name],
                          timed_import.seconds, rng, tally, "import")
        crash_then_finish(runner, ["intake", manifest, "--round", name, "--workers", "1"],
                          timed_intake.seconds, rng, tally, "intake")
        counts = _counts(runner.settings, name)
        assert counts["plans"] == counts["documents"] == n, (trial, counts)
        assert counts["max_version"] == 1, (trial, counts)
        assert counts["municipalities"] == n and counts["reviewers"] == 2 * n, counts
        assert database_problems(runner.settings) == [], trial
    return tally


def test_intake_and_import_survive_kills(settings: Settings, plan_folder, tmp_path: Path) -> None:
    runner = ForkRunner(settings, tmp_path)
    runner.settings = settings
    try:
        tally = intake_campaign(runner, plan_folder, trials=3, seed=base_seed())
    finally:
        runner.close()
    TALLY.trials += tally.trials
    print("intake crash campaign:", tally.line())
    assert tally.kills >= 1, "no kill landed: the kill moments are drawn from the run's duration"


@pytest.mark.slow
def test_intake_and_import_survive_many_kills_in_fresh_processes(
        settings: Settings, plan_folder, tmp_path: Path) -> None:
    runner = ExecRunner(settings, tmp_path)
    runner.settings = settings
    tally = intake_campaign(runner, plan_folder, trials=12, seed=base_seed() + 1)
    print("intake crash campaign (exec):", tally.line())
    assert tally.kills >= 6
