"""What the intake calls missing follows the round's rubrics: a round of Climate City Contracts
reviewed with their own rubric is not told that every plan lacks a risk and vulnerability
assessment (a CCC is a mitigation plan), a round with the two standard rubrics is, as before."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from sqlmodel import Session, select
from typer.testing import CliRunner

from review import asked_parts
from review.asked_parts import INTAKE_CHECKS, asked_by, asked_in, findings_shown
from review.cli import app
from review.cli.intake import summary_table, what_is_missing
from review.config import Settings
from review.consolidation.gather import gather_round
from review.coordinator.artifacts import intake_rows
from review.coordinator.round_page import round_page
from review.db import get_engine
from review.i18n import translator
from review.intake import IntakeOutcome
from review.intake.checks import CHECKS
from review.models import Document, Municipality, Plan, Round
from review.paths import RUBRICS_DIR
from review.rubric import load_rubrics, rubric_files
from tests.support import plan_files
from tests.support.factories import make_municipality, make_plan, make_round
from tests.support.findings import findings_lacking

runner = CliRunner()
CCC = "climate-city-contract"

RVA_EN, RVA_DE = "no risk and vulnerability assessment", "keine Risiko- und Vulnerabilitätsanalyse"


@pytest.fixture
def two_rounds(sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A round of CCCs with their rubric, created as a coordinator does, and a SECAP round with
    the standard rubrics, each with the city Exampleton."""
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.delenv("PEERPLAN_DATABASE_URL", raising=False)
    created = runner.invoke(
        app,
        ["round", "create", "CCC", "--language", "en", "--rubric", CCC, "--reviews-per-plan", "2"],
    )
    assert created.exit_code == 0, created.output
    secap = runner.invoke(app, ["round", "create", "SECAP", "--language", "en"])
    assert secap.exit_code == 0, secap.output
    with Session(get_engine(sqlite_settings)) as session:
        for round_ in session.exec(select(Round)):
            make_municipality(session, round_, "Exampleton")
        session.commit()
    return sqlite_settings


def test_a_ccc_round_is_not_told_its_plan_lacks_a_risk_assessment_a_secap_round_is(
    two_rounds: Settings, tmp_path: Path
) -> None:
    plan = tmp_path / "Exampleton.docx"
    plan.write_bytes(plan_files.plan_docx(plan_files.PLAN_CCC))
    said = {}
    for round_name in ("CCC", "SECAP"):
        result = runner.invoke(app, ["intake", str(plan), "--round", round_name, "--workers", "1"])
        assert result.exit_code == 0, result.output
        said[round_name] = " ".join(result.output.split())
        shown = runner.invoke(
            app, ["intake", str(plan), "--round", round_name, "--json", "--workers", "1"]
        )
        said[round_name + " json"] = json.loads(shown.stdout)[0]
    # The CCC round: everything its rubric asks for was found, nothing is missing.
    assert RVA_EN not in said["CCC"] and "no adaptation actions" not in said["CCC"]
    assert "7/7" in said["CCC"]
    assert said["CCC json"]["missing"] == {"de": "nichts", "en": "nothing"}
    assert said["CCC json"]["completeness"] == "7/7"
    # The findings stay whole for programs: the reader did not find an assessment.
    rva = next(f for f in said["CCC json"]["findings"] if f["check"] == "risk_vulnerability")
    assert rva["present"] is False
    # The SECAP round still hears of both.
    assert f"Exampleton (7/9): {RVA_EN}; no adaptation actions" in said["SECAP"]
    assert said["SECAP json"]["missing"]["de"] == f"{RVA_DE}; keine Anpassungsmaßnahmen"


def test_the_round_page_and_the_consolidated_hints_follow_the_round(
    settings: Settings, session: Session
) -> None:
    rounds = {
        "CCC": make_round(session, language="en", min_per_rubric={CCC: 2}, reviews_per_plan=2),
        "SECAP": make_round(session, language="en"),
    }
    for round_ in rounds.values():
        home = make_municipality(session, round_, "Exampleton")
        plan = make_plan(session, round_, home)
        session.add(
            Document(
                round_id=round_.id,
                plan_id=plan.id,
                file_name="exampleton.pdf",
                sha256=f"{plan.id:064d}",
                media_type="application/pdf",
                size=1,
                stored_path="x",
                findings=findings_lacking(absent={"risk_vulnerability", "financing"}),
            )
        )
    session.commit()
    ccc, secap = (round_page(session, settings, rounds[name]).plans[0] for name in rounds)
    assert ccc.gaps("en") == ["no financing"] and ccc.gaps("de") == ["keine Finanzierung"]
    assert secap.gaps("en") == [RVA_EN, "no financing"]
    # The page lists the parts the round asks for, and the others the plan has.
    assert "risk_vulnerability" not in {f["check"] for f in ccc.findings}
    assert {"adaptation_actions", "financing"} <= {f["check"] for f in ccc.findings}
    # The consolidated documents: the hints say nothing of an assessment a CCC need not hold,
    # nor do its gates (its round does not ask about it); the SECAP plan's gate looks not met.
    (ccc_dossier,) = gather_round(session, rounds["CCC"])
    (secap_dossier,) = gather_round(session, rounds["SECAP"])
    assert "risk_vulnerability" not in {f["check"] for f in ccc_dossier.findings}
    ccc_hint = {gate.gate_id: gate.hint for gate in ccc_dossier.score().gates}
    secap_hint = {gate.gate_id: gate.hint for gate in secap_dossier.score().gates}
    assert "bei_rva" not in ccc_hint and secap_hint["bei_rva"] is False
    assert ccc_hint["council_approval"] is True


def test_the_default_round_reports_exactly_as_before() -> None:
    """The standard rubrics ask for every check: a plan lacking every part, and its key sectors,
    is reported word for word as when every check counted (asked None)."""
    rubrics = load_rubrics()
    asked = asked_by([rubrics["technical"], rubrics["communication"]])
    assert asked == INTAKE_CHECKS == {check.id for check in CHECKS}
    assert asked_in(Round(name="R", due_date=date(2026, 12, 15))) is None  # every check
    findings = findings_lacking(absent={c.id for c in CHECKS} - {"inventory", "mitigation_actions"})
    for f in findings:
        if f["check"] in ("inventory", "mitigation_actions"):
            f.update(sectors=["transport"], jrc_min_sectors_met=False, jrc_min_sectors=3)
    outcome = IntakeOutcome(
        "a.pdf", "A", "registered", completeness="2/9", findings=findings, version=1
    )
    for language in ("de", "en"):
        t = translator(language)
        assert what_is_missing([outcome], t, asked) == what_is_missing([outcome], t)
        assert intake_rows([outcome], t, asked) == intake_rows([outcome], t)
        table, before = summary_table([outcome], t, asked), summary_table([outcome], t)
        assert _shown(table) == _shown(before)
    assert "no risk and vulnerability assessment" in what_is_missing([outcome], translator("en"))[0]
    assert findings_shown(findings, asked) == findings


def test_the_ccc_rubric_asks_for_the_parts_of_a_ccc_and_no_risk_assessment() -> None:
    rubric = load_rubrics()[CCC]
    assert sum(c.weight for c in rubric.criteria) == 100
    assert asked_by([rubric]) == {
        "inventory",
        "target",
        "mitigation_actions",
        "financing",
        "monitoring",
        "council_approval",
        "participation",
    }
    # A round of CCCs reviewed also with the technical rubric asks for the assessment again.
    assert "risk_vulnerability" in asked_by([rubric, load_rubrics()["technical"]])


def test_round_create_picks_rubrics_and_refuses_unknown_ones(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.delenv("PEERPLAN_DATABASE_URL", raising=False)
    both = ["--rubric", f"{CCC}=2", "--rubric", "communication", "--reviews-per-plan", "3"]
    mixed_round = runner.invoke(app, ["round", "create", "Mixed", *both])
    assert mixed_round.exit_code == 0, mixed_round.output
    assert (  # no locale: German
        "Bewertungsbögen: Klimastadtvertrag (mindestens 2 je Plan); Kommunikationsstrategie "
        "(mindestens 1 je Plan)" in " ".join(mixed_round.output.split())
    )
    unknown = runner.invoke(app, ["round", "create", "X", "--rubric", "ccc"])
    assert unknown.exit_code != 0
    assert "ccc: Bewertungsbogen nicht gefunden; vorhanden sind climate-city-contract" in " ".join(
        unknown.output.split()
    )  # no locale: German
    both_ways = ["--rubric", CCC, "--technical", "2"]
    refused = runner.invoke(app, ["round", "create", "Y", *both_ways])
    assert refused.exit_code != 0 and "nicht mit beidem" in " ".join(refused.output.split())
    too_few = runner.invoke(app, ["round", "create", "Z", "--rubric", f"{CCC}=4"])
    assert too_few.exit_code != 0  # 3 reviews per plan cannot meet 4
    with Session(get_engine(sqlite_settings)) as session:
        (round_,) = session.exec(select(Round))
        assert round_.min_per_rubric == {CCC: 2, "communication": 1}
        assert not session.exec(select(Municipality)).all()
        assert not session.exec(select(Plan)).all()


def test_an_edited_rubric_file_changes_what_its_rounds_ask_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a round asks for is kept while the rubric files stay as they are (loading them costs
    as much as a reviewer's form page, which counts the hints), and read again once edited."""

    source = (RUBRICS_DIR / f"{CCC}.yaml").read_text(encoding="utf-8")
    (tmp_path / f"{CCC}.yaml").write_text(source, encoding="utf-8")
    monkeypatch.setattr(asked_parts, "rubric_files", lambda: rubric_files(tmp_path))
    monkeypatch.setattr(asked_parts, "load_rubrics", lambda: load_rubrics(tmp_path))
    round_ = Round(name="R", due_date=date(2026, 12, 15), min_per_rubric={CCC: 2})
    assert "adaptation_actions" not in (asked_in(round_) or ())
    (tmp_path / f"{CCC}.yaml").write_text(
        source.replace(
            "intake_checks: [target, mitigation_actions]",
            "intake_checks: [target, mitigation_actions, adaptation_actions]",
        ),
        encoding="utf-8",
    )
    assert "adaptation_actions" in (asked_in(round_) or ())


def test_the_intake_artifact_of_a_ccc_round_leaves_out_what_no_rubric_asks_for() -> None:
    """The intake flow's table in the Prefect UI, in the coordinator's language."""
    round_ = Round(name="R", due_date=date(2026, 12, 15), min_per_rubric={CCC: 2})
    findings = findings_lacking({"risk_vulnerability", "adaptation_actions", "financing"})
    outcome = IntakeOutcome("a.docx", "A", "registered", completeness="6/9", findings=findings)
    for language, completeness, missing in (
        ("en", "completeness", "missing"),
        ("de", "Vollständigkeit", "fehlt"),
    ):
        (row,) = intake_rows([outcome], translator(language), asked_in(round_))
        assert row[completeness] == "6/7"
        assert row[missing] == ("no financing" if language == "en" else "keine Finanzierung")


def _shown(renderable: object) -> str:
    """What the terminal shows of a table, at 80 columns."""
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()
