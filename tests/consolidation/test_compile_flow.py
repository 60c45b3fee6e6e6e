"""The Prefect flow `compile_reviews` and the `peerplan compile` command on a real round."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from review.cli import app
from review.db import get_engine, session_scope
from tests.consolidation.test_documents import docx_text
from tests.support.review_data import reviewed_plan


def _round(settings) -> tuple[str, list[int]]:
    with session_scope(get_engine(settings)) as session:
        first = reviewed_plan(session, municipality="Tulln")
        second = reviewed_plan(
            session, municipality="Krems", round_=first.round_, submit=(True, False, True)
        )
        return first.round_.name, [first.plan.id, second.plan.id]


def test_cli_compiles_a_round_and_prints_the_outcomes(
    sqlite_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    name, ids = _round(sqlite_settings)
    result = CliRunner().invoke(
        app, ["compile", "--round", name, "--out", str(tmp_path), "--workers", "1", "--no-pdf"]
    )
    assert result.exit_code == 0, result.output
    assert "Tulln" in result.output and "Minor revision" in result.output
    assert "incomplete" in result.output
    assert (tmp_path / "municipality" / f"{ids[0]:04d}-tulln.docx").is_file()
    assert (tmp_path / "summary" / "round-summary.docx").is_file()


def test_cli_in_a_german_round_reads_whole_in_80_columns(
    sqlite_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("COLUMNS", "80")
    with session_scope(get_engine(sqlite_settings)) as session:
        name = reviewed_plan(session, municipality="Tulln", language="de").round_.name
    result = CliRunner().invoke(
        app, ["compile", "--round", name, "--out", str(tmp_path), "--workers", "1", "--no-pdf"]
    )
    assert result.exit_code == 0, result.output
    assert ": 1 Plan in " in result.output and "Plan/Pläne" not in result.output
    assert "…" not in result.output, result.output  # folded, never cut off
    assert "Technische" in result.output and "Begutachtung" in result.output
    # The action list says a step to the rubric's next level comes from the rubric, by the
    # word the rest of the document uses ('Bewertungsbogen', was 'Raster').
    (document,) = (tmp_path / "municipality").glob("*tulln.docx")
    said = docx_text(document)
    assert "Nächste Stufe" in said and "Raster" not in said


def test_cli_names_an_unknown_round(
    sqlite_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    result = CliRunner().invoke(app, ["compile", "--round", "Nope", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "keine Runde namens „Nope“" in result.output  # no locale: German


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_flow_compiles_every_plan_and_publishes_a_table(
    prefect_harness, sqlite_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import get_client

    from flows.artifacts import artifact_key
    from flows.compile_reviews import CompileParameters, compile_reviews

    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    name, ids = _round(sqlite_settings)
    result = compile_reviews(
        CompileParameters(round_name=name, out_dir=str(tmp_path), workers=2, pdf=False)
    )
    assert result["plans"] == {ids[0]: "minor_revision", ids[1]: "incomplete"}
    assert Path(result["summary"]).is_file()
    assert len(list((tmp_path / "municipality").glob("*.docx"))) == 2

    import asyncio

    async def latest_artifact():
        async with get_client() as client:
            return await client.read_latest_artifacts()

    artifacts = [
        a for a in asyncio.run(latest_artifact()) if a.key == artifact_key("compile-reviews", name)
    ]
    assert artifacts and "Tulln" in str(artifacts[0].data)
