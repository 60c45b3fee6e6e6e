"""The real municipal documents beside the project (../shared/data/plans)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from review.config import Settings
from review.intake import read_document

PAGES = {
    "Sachstandsbericht_2017-2018.pdf": 32,
    "Klimabilanz_2015_Bericht_2017_07_12.pdf": 22,
    "darmstadt-dieburg.pdf": 2,
}
pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def read_by(real_plans: Path, tmp_path_factory: pytest.TempPathFactory):
    from review.config import load_settings

    base = load_settings(data_dir=tmp_path_factory.mktemp("real"))
    cache: dict[tuple[str, str], object] = {}

    def read(name: str, reader: str = "pypdf"):
        if (name, reader) not in cache:
            settings: Settings = base.model_copy(update={"pdf_reader": reader})
            cache[name, reader] = read_document((real_plans / name).read_bytes(), name, settings)
        return cache[name, reader]

    return read


@pytest.mark.slow
@pytest.mark.parametrize("reader", ["pypdf", "pypdfium2"])
@pytest.mark.parametrize("name", list(PAGES))
def test_real_plans_page_count_and_language(read_by, name: str, reader: str) -> None:
    doc = read_by(name, reader)
    assert doc.pages == PAGES[name]
    assert doc.language == "de"
    assert doc.has_text_layer and doc.problems == []


@pytest.mark.parametrize("reader", ["pypdf", "pypdfium2"])
def test_inventory_is_found_in_the_klimabilanz_with_its_page(read_by, reader: str) -> None:
    doc = read_by("Klimabilanz_2015_Bericht_2017_07_12.pdf", reader)
    inventory = next(f for f in doc.findings if f["check"] == "inventory")
    assert inventory["present"]
    first = inventory["evidence"][0]
    assert first["page"] == 1 and "Energie- und Klimabilanz" in first["snippet"]
    # The Münster report balances by heat, electricity and transport, households and business:
    assert {"residential", "transport"} <= set(inventory["sectors"])
    target = next(f for f in doc.findings if f["check"] == "target")
    assert (95.0, 2050) in {(t["percent"], t["year"]) for t in target["targets"]}
    assert any(t["evidence"]["page"] == 4 for t in target["targets"])


def test_progress_report_shows_actions_monitoring_and_council(read_by) -> None:
    doc = read_by("Sachstandsbericht_2017-2018.pdf")
    found = {f["check"]: f for f in doc.findings}
    assert found["mitigation_actions"]["present"] and found["monitoring"]["present"]
    assert found["council_approval"]["evidence"][0]["page"] == 1  # "Anlage 1 zu V/0021/2019"


def shingles(text: str, n: int = 5) -> set[str]:
    """Runs of n letters or digits of the text with everything else removed: the two readers
    differ in spaces, line breaks and hyphens (pypdf splits words wrapped in table cells, pdfium
    joins them), not in the words themselves."""
    stream = "".join(re.findall(r"[a-zäöüß0-9]+", text.lower()))
    return {stream[i : i + n] for i in range(len(stream) - n + 1)}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(PAGES))
def test_pypdf_and_pypdfium2_read_equivalent_text(read_by, name: str) -> None:
    """Equivalent: on every page, at least 95 % of the 5-letter runs either reader finds are
    found by the other; and the findings agree."""
    a, b = read_by(name, "pypdf"), read_by(name, "pypdfium2")
    assert a.pages == b.pages
    for page_a, page_b in zip(a.units, b.units, strict=True):
        sa, sb = shingles(page_a.text), shingles(page_b.text)
        if len(sa | sb) < 50:
            continue
        overlap = len(sa & sb) / len(sa | sb)
        assert overlap >= 0.95, f"{name} page {page_a.number}: {overlap:.1%} in common"
    assert [f["present"] for f in a.findings] == [f["present"] for f in b.findings]
