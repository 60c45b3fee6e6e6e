"""The lines a flow run logs for the coordinator (the Prefect UI shows them under the run) are in
the round's language: German for a German round, English for an English one."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from flows.assign_reviewers import AssignRequest, assign_reviewers
from flows.compile_reviews import CompileParameters, compile_reviews
from flows.escalate_deadlines import EscalationParameters, escalate_deadlines
from flows.intake_plans import IntakeRequest, intake_plans
from flows.review_round import RoundParameters, review_round
from review.config import Settings
from review.coordinator import run_log
from review.db import get_engine, session_scope
from review.i18n import N_, Phrase, translator
from review.rounds import create_round


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def logged() -> Iterator[Lines]:
    """What the flow runs log (Prefect's run loggers do not reach pytest's caplog)."""
    handler = Lines()
    logger = logging.getLogger("prefect.flow_runs")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_a_runs_log_speaks_the_rounds_language(
    prefect_harness, sqlite_settings: Settings, monkeypatch, tmp_path: Path, logged: Lines
) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    with session_scope(get_engine(sqlite_settings)) as session:
        create_round(session, name="Runde Log", due_date=date(2099, 12, 15), language="de")
        create_round(session, name="Round Log", due_date=date(2099, 12, 15), language="en")
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.4 nothing else")

    intake_plans(IntakeRequest(round_name="Runde Log", paths=[str(broken)]))
    assert "abgelehnt: kaputt.pdf" in logged.text()
    review_round(RoundParameters(round_name="Runde Log"))
    assert "Runde „Runde Log“: jetzt erledigt: nichts; als Nächstes: Pläne einlesen" in (
        logged.text()
    )
    escalate_deadlines(EscalationParameters(round_name="Runde Log"))
    assert "Postausgang: 0 gesendet, 0 entfallen, 0 fehlgeschlagen" in logged.text()

    logged.lines.clear()
    review_round(RoundParameters(round_name="Round Log"))
    assert "round 'Round Log': done now: nothing; next: take plans in" in logged.text()
    escalate_deadlines(EscalationParameters(round_name="Round Log"))
    assert "outbox: 0 sent, 0 cancelled, 0 failed" in logged.text()
    assert "Runde" not in logged.text() and "Postausgang" not in logged.text()

    # A run that fails on a user error says why in the round's language (the run's message).
    german = assign_reviewers(AssignRequest(round_name="Runde Log"), return_state=True)
    assert german.is_failed()
    assert "die Runde „Runde Log“ hat noch keine Pläne: nichts zuzuteilen" in german.message
    english = assign_reviewers(AssignRequest(round_name="Round Log"), return_state=True)
    assert "round 'Round Log' has no plans yet: nothing to assign" in english.message
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "de")  # no such round: the installation's language
    missing = compile_reviews(CompileParameters(round_name="Nope"), return_state=True)
    assert missing.is_failed() and "keine Runde namens „Nope“" in missing.message


def test_the_assignment_runs_lines_in_german_and_english() -> None:
    de, en = translator("de"), translator("en")
    why = [Phrase(N_("round '%(round)s'"), round="R"), "plain"]
    assert run_log.no_assignment(why, de) == "keine Zuteilung möglich: Runde „R“; plain"
    assert run_log.no_assignment(why, en) == "no assignment possible: round 'R'; plain"
    assert run_log.approved(1200, de) == "1.200 Zuteilungen freigegeben"
    assert run_log.approved(1, en) == "1 assignment approved"
    assert run_log.solving_again(2, 1, de) == (
        "neue Berechnung: 2 festgelegte Paare, 1 verbotenes Paar"
    )
    assert run_log.no_approval(3, de) == (
        "keine Freigabe nach 3 Überarbeitungen; starten Sie den Flow erneut"
    )


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_the_solvers_progress_is_logged_in_the_rounds_language(
    prefect_harness, sqlite_settings: Settings, monkeypatch, logged: Lines
) -> None:
    from tests.assignment.test_service import _round

    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    tasks = logging.getLogger("prefect.task_runs")  # the solver runs in the task `propose`
    tasks.addHandler(logged)
    try:
        with session_scope(get_engine(sqlite_settings)) as session:
            _round(session, name="Runde Fortschritt")
        assign_reviewers(AssignRequest(round_name="Runde Fortschritt", auto_approve=True))
    finally:
        tasks.removeHandler(logged)
    progress = logged.text()
    assert "Zuteilung 0," in progress and "Kandidaten aus der Datenbank: 90 Tripel" in progress
    assert "Flussrelaxation: Schranke " in progress and "Kandidatentripel" in progress
