"""The `intake_plans` Prefect flow against a real (test) Prefect server and a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from review.config import Settings
from review.db import get_engine
from review.models import Document
from tests.support import plan_files
from tests.support.factories import make_municipality, make_round

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect")]


def test_flow_reads_in_parallel_registers_refuses_and_reports(
    prefect_harness: None,
    sqlite_settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.intake_plans import IntakeRequest, intake_plans

    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    with Session(get_engine(sqlite_settings)) as session:
        round_ = make_round(session, name="Flow Runde")
        for name in ("Musterstadt", "Exampleton"):
            make_municipality(session, round_, name)
        session.commit()
    folder = tmp_path / "eingang"
    folder.mkdir()
    (folder / "Musterstadt.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    (folder / "Exampleton.docx").write_bytes(plan_files.plan_docx(plan_files.PLAN_EN))
    (folder / "Musterstadt-alt.doc").write_bytes(plan_files.LEGACY_DOC)
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,municipality\neingang/Musterstadt-alt.doc,Musterstadt\n")

    outcomes = intake_plans(
        IntakeRequest(
            round_name="Flow Runde",
            paths=[str(folder / "Exampleton.docx"), str(folder / "Musterstadt.pdf"), str(manifest)],
        )
    )
    assert [(o["file_name"], o["status"]) for o in outcomes] == [
        ("Exampleton.docx", "registered"),
        ("Musterstadt.pdf", "registered"),
        ("Musterstadt-alt.doc", "refused"),
    ]
    assert "save it as .docx or PDF" in outcomes[2]["error"]
    assert outcomes[0]["language"] == "en" and outcomes[1]["pages"] == 4

    again = intake_plans(
        IntakeRequest(
            round_name="Flow Runde",
            paths=[str(folder / "Exampleton.docx"), str(folder / "Musterstadt.pdf")],
        )
    )
    assert [o["status"] for o in again] == ["unchanged", "unchanged"]
    with Session(get_engine(sqlite_settings)) as session:
        assert session.exec(select(func.count()).select_from(Document)).one() == 2

    async def artifact():
        async with get_client() as client:
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["intake-flow-runde"]))
            )
            return found[0]

    import asyncio

    table = asyncio.run(artifact())
    assert table.type == "table"
    # A German round: the coordinator's table speaks German, down to its column headers.
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data  # JSON: \u00e4
    assert {"Exampleton.docx", "Musterstadt.pdf"} <= {row["Datei"] for row in rows}
    assert all("Vollständigkeit" in row and "fehlt" in row for row in rows)
    assert table.description.startswith("Planeingang der Runde „Flow Runde“: 2 eingelesen, ")
