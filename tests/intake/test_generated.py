"""Generated plans (review.synthetic) with known ground truth, German and English, PDF and DOCX:
the completeness pre-check finds what each plan holds, where it is, and not what it leaves out."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.config import Settings
from review.intake import read_document
from review.synthetic import KEY_SECTORS, plan_spec, write_docx, write_pdf

# synthetic part -> intake check
CHECK_OF = {
    "council_approval": "council_approval",
    "strategy": "target",
    "inventory": "inventory",
    "risk_assessment": "risk_vulnerability",
    "mitigation": "mitigation_actions",
    "adaptation": "adaptation_actions",
    "financing": "financing",
    "monitoring": "monitoring",
}
SECTOR_OF = {"municipal": "municipal_buildings"}
SEEDS = range(12)


def _write(seed: int, fmt: str, tmp_path: Path):
    spec = plan_spec(seed, "de" if seed % 2 else "en")
    writer = write_pdf if fmt == "pdf" else write_docx
    return writer(spec, tmp_path / f"plan-{seed}.{fmt}")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("seed", SEEDS)
def test_findings_match_the_generated_plan(
    sqlite_settings: Settings, tmp_path: Path, seed: int, fmt: str
) -> None:
    written = _write(seed, fmt, tmp_path)
    spec = written.spec
    doc = read_document(written.path.read_bytes(), written.path.name, sqlite_settings)
    assert doc.language == spec.language
    if fmt == "pdf":
        assert doc.pages == written.pages
    assert doc.meta.get("title") == spec.title
    found = {f["check"]: f for f in doc.findings}
    for part, check in CHECK_OF.items():
        assert found[check]["present"] == spec.has(part), f"{part}: {found[check]['evidence']}"
        if spec.has(part) and fmt == "pdf":
            pages = [e["page"] for e in found[check]["evidence"]]
            assert written.locations[part].page in pages, (part, pages)
    communicates = spec.has("communication") or spec.has("participation")
    assert found["participation"]["present"] == communicates
    if spec.has("strategy"):
        assert (found["target"]["percent"], found["target"]["year"]) == (
            spec.target_percent,
            spec.target_year,
        )
    if spec.has("inventory"):
        sectors = {SECTOR_OF.get(s, s) for s in found["inventory"]["sectors"]}
        # Hints may see a sector too many (a sector named near the inventory), never one too few.
        assert set(spec.inventory_sectors) & set(KEY_SECTORS) <= sectors
    if spec.has("mitigation"):
        sectors = {SECTOR_OF.get(s, s) for s in found["mitigation_actions"]["sectors"]}
        assert set(spec.mitigation_sectors) & set(KEY_SECTORS) <= sectors
