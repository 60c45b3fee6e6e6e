"""The file interface through the CLI: round trip, bad instances, `peerplan assign --dry-run`."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from review.assignment.instance import Result
from review.cli import app
from tests.assignment.test_service import _round
from tests.assignment.test_solver import random_instance

runner = CliRunner()


def test_instance_round_trip(tmp_path):
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(random_instance(0)), encoding="utf-8")
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["assign-instance", str(instance), "--out", str(out)])
    assert result.exit_code == 0, result.output
    parsed = Result.model_validate_json(out.read_text(encoding="utf-8"))
    assert parsed.status == "optimal" and parsed.objective == sum(
        a.affinity for a in parsed.assignments
    )
    assert {(a.plan) for a in parsed.assignments} == {p["id"] for p in random_instance(0)["plans"]}


def test_bad_instance_is_named_clearly(tmp_path, monkeypatch):
    data = random_instance(0)
    data["affinity"].append(["nobody", "P0", "technical", 1])
    data["reviewers"][0]["min_load"] = 5
    data["reviewers"][0]["max_load"] = 1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["assign-instance", str(path), "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 2  # no locale: German
    said = " ".join(result.output.split())  # wrapped at the terminal's width
    assert "reviewers.0: min_load 5 ist größer als max_load 1" in said
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "en")
    result = runner.invoke(app, ["assign-instance", str(path), "--out", str(tmp_path / "r.json")])
    assert "reviewers.0: min_load 5 is above max_load 1" in " ".join(result.output.split())
    monkeypatch.delenv("PEERPLAN_LANGUAGE")
    data["reviewers"][0]["min_load"] = 0
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["assign-instance", str(path), "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert "unknown reviewer 'nobody'" in " ".join(result.output.split())
    assert "Traceback" not in result.output
    path.write_text("{not json", encoding="utf-8")
    result = runner.invoke(app, ["assign-instance", str(path), "--out", str(tmp_path / "r.json")])
    assert result.exit_code == 2 and "kein JSON" in result.output  # no locale: German


def test_infeasible_instance_exits_1_with_reasons(tmp_path, monkeypatch):
    data = {
        "reviews_per_plan": 2,
        "min_per_rubric": {"technical": 2},
        "plans": [{"id": 1, "municipality": "Tulln", "language": "de"}],
        "reviewers": [
            {"id": 1, "municipality": "Graz", "languages": ["de"], "rubrics": ["technical"]},
            {"id": 2, "municipality": "Linz", "languages": ["de"], "rubrics": ["communication"]},
        ],
    }
    path = tmp_path / "i.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "r.json"
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "en")
    result = runner.invoke(app, ["assign-instance", str(path), "--out", str(out)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert (
        "no assignment possible: plan of Tulln (de): 1 eligible technical reviewers, 2 needed"
        in (said)
    )
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "de")  # the installation's language: German
    result = runner.invoke(app, ["assign-instance", str(path), "--out", str(out)])
    assert result.exit_code == 1
    assert (
        "keine Zuteilung möglich: Plan von Tulln (de): 1 infrage kommende Gutachter:innen für "
        "technical, 2 nötig"
    ) in " ".join(result.output.split())
    written = Result.model_validate_json(out.read_text())  # the file keeps English
    assert written.status == "infeasible"
    assert written.reasons == ["plan of Tulln (de): 1 eligible technical reviewers, 2 needed"]


def test_assign_dry_run_shows_table_and_stores_nothing(sqlite_settings, monkeypatch):
    from sqlmodel import select

    from review.db import get_engine, session_scope
    from review.models import Assignment

    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    with session_scope(get_engine(sqlite_settings)) as session:
        _round(session, name="CLI Runde")
    result = runner.invoke(app, ["assign", "--round", "CLI Runde", "--dry-run"])
    assert result.exit_code == 0, result.output
    # A German round: its coordinator reads the proposal in German.
    assert "würde 18 vorgeschlagene Zuteilungen anlegen" in result.output
    assert "Tulln (de)" in result.output and "Gutachter:in" in result.output
    # ... and the solver's progress lines while it runs
    progress = " ".join(result.output.split())
    assert "Zuteilung 0," in progress and "Kandidatentripel; Zeitbudget 60 s" in progress
    assert "Kandidaten aus der Datenbank: " in progress and ": optimal: " in progress
    with session_scope(get_engine(sqlite_settings)) as session:
        assert session.exec(select(Assignment)).first() is None
    result = runner.invoke(app, ["assign", "--round", "CLI Runde"])
    assert result.exit_code == 0 and "18 vorgeschlagene Zuteilungen angelegt" in result.output
    result = runner.invoke(app, ["assign", "--round", "Keine"])
    assert result.exit_code == 2 and "keine Runde namens „Keine“" in result.output


def test_the_solvers_progress_lines_in_the_installations_language(tmp_path, monkeypatch):
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(random_instance(0)), encoding="utf-8")
    out = tmp_path / "result.json"
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "de")
    german = runner.invoke(app, ["assign-instance", str(instance), "--out", str(out)])
    said = " ".join(german.output.split())
    assert german.exit_code == 0
    assert "verfügbare Gutachter:innen" in said and "Kandidatentripel; Zeitbudget 60 s" in said
    assert "Flussrelaxation: Schranke " in said and ", Abstand 0,0000 %, " in said
    assert "optimal: Zielwert " in said and " Zuteilungen, flow, " in said  # the answer's line
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "en")
    english = " ".join(
        runner.invoke(app, ["assign-instance", str(instance), "--out", str(out)]).output.split()
    )
    assert "reviewers available" in english and "candidate triples; budget 60 s" in english
    assert "flow relaxation: bound " in english and ", gap 0.0000 %, " in english
    assert "optimal: objective " in english and " assignments, flow, " in english
