"""An intake spread over several runs (flows/intake_plans.py, `runs`): the parts it is split into
and the manifests the parts read."""

from pathlib import Path

from review.intake.batch import (
    Planned,
    Source,
    collect_sources,
    split_by_municipality,
    write_manifest,
)


def _planned(towns: list[str]) -> list[Planned]:
    return [
        Planned(i, Source(Path(f"/plans/{i}-{town}.pdf")), town) for i, town in enumerate(towns)
    ]


def test_every_file_of_a_municipality_is_in_one_part_in_its_order():
    towns = ["Tulln", "Krems", "Tulln", "Melk", "Ybbs", "Tulln", "Krems", "Zwettl"]
    parts = split_by_municipality(_planned(towns), 3)
    assert len(parts) == 3
    assert sorted(p.index for part in parts for p in part) == list(range(len(towns)))
    for part in parts:
        assert [p.index for p in part] == sorted(p.index for p in part)
    homes = {p.municipality: n for n, part in enumerate(parts) for p in part}
    for n, part in enumerate(parts):
        assert all(homes[p.municipality] == n for p in part)
    assert max(map(len, parts)) - min(map(len, parts)) <= 2


def test_fewer_parts_than_asked_when_there_are_fewer_municipalities():
    assert len(split_by_municipality(_planned(["Tulln", "Tulln", "Tulln"]), 4)) == 1


def test_a_part_manifest_reads_back_as_the_same_files_and_municipalities(tmp_path: Path):
    planned = _planned(["Tulln", "St. Pölten, Stadt"])
    manifest = write_manifest(tmp_path / "parts" / "run-1.csv", planned)
    assert collect_sources([manifest]) == [
        Source(Path("/plans/0-Tulln.pdf"), "Tulln"),
        Source(Path("/plans/1-St. Pölten, Stadt.pdf"), "St. Pölten, Stadt"),
    ]
