"""`peerplan generate-plans`: a folder of plans with the manifest the intake reads."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import docx
import pypdf
import pytest
from typer.testing import CliRunner

from review.cli import app


def run(*args: str) -> str:
    result = CliRunner().invoke(app, ["generate-plans", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_writes_plans_manifest_participants_and_truth(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "de")  # the installation's language
    output = run(str(tmp_path), "--count", "6", "--seed", "4")
    assert "6 Pläne in " in output
    rows = list(csv.DictReader((tmp_path / "manifest.csv").open(encoding="utf-8")))
    assert list(rows[0]) == ["file", "municipality"]
    assert len(rows) == 6 and len({r["municipality"] for r in rows}) == 6
    suffixes = {Path(r["file"]).suffix for r in rows}
    assert suffixes == {".pdf", ".docx"}
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    for row in rows:
        path = tmp_path / row["file"]
        assert path.exists()
        record = truth[row["file"]]
        assert record["municipality"] == row["municipality"]
        if path.suffix == ".pdf":
            assert len(pypdf.PdfReader(path).pages) == record["pages"]
        else:
            assert docx.Document(str(path)).core_properties.title == record["title"]
    participants = (tmp_path / "participants.csv").read_text(encoding="utf-8")
    assert all(r["municipality"] in participants for r in rows)


def test_same_seed_same_bytes_and_language_format_choices(tmp_path: Path) -> None:
    run(str(tmp_path / "a"), "-n", "3", "--seed", "1", "--language", "de", "--format", "pdf")
    run(str(tmp_path / "b"), "-n", "3", "--seed", "1", "--language", "de", "--format", "pdf")
    a = sorted((tmp_path / "a").iterdir())
    b = sorted((tmp_path / "b").iterdir())
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert all(p.suffix in {".pdf", ".csv", ".json"} for p in a)
    truth = json.loads((tmp_path / "a" / "truth.json").read_text(encoding="utf-8"))
    assert {t["language"] for t in truth.values()} == {"de"}


def test_demo_round(tmp_path: Path) -> None:
    run(str(tmp_path), "--demo", "--format", "docx")
    rows = list(csv.DictReader((tmp_path / "manifest.csv").open(encoding="utf-8")))
    assert len(rows) == 8 and all(r["file"].endswith(".docx") for r in rows)
    people = list(csv.DictReader((tmp_path / "participants.csv").open(encoding="utf-8")))
    assert sum(p["kind"] == "reviewer" for p in people) == 20


def test_bad_choice_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["generate-plans", str(tmp_path), "--format", "odt"])
    assert result.exit_code != 0
    assert "--format" in result.output


@pytest.mark.slow  # two spawned worker processes: several seconds on a busy machine
def test_parallel_writing_gives_the_same_files(tmp_path: Path) -> None:
    from review.synthetic.generate import generate_plans

    one = generate_plans(tmp_path / "one", count=6, seed=2, workers=1)
    two = generate_plans(tmp_path / "two", count=6, seed=2, workers=2)
    files = sorted(p.name for p in one.directory.iterdir())
    assert files == sorted(p.name for p in two.directory.iterdir())
    for name in files:
        assert (one.directory / name).read_bytes() == (two.directory / name).read_bytes(), name
    assert [w.locations for w in one.plans] == [w.locations for w in two.plans]
