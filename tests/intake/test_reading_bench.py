"""bench/reading.py's trap count for a quoted target as the headline: it looks at the snippet the
reader shows as the headline's evidence, not at the whole PDF page it stands on (snippets of
Angers p. 111 and Florence p. 133)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parents[2] / "bench" / "reading.py"

NATIONAL = {
    "kind": "national_target",
    "where": "p. 111",
    "quote": "a 47% reduction in greenhouse gas emissions by 2030 compared with 2012, and carbon "
    "neutrality by 2050",
}
EU = {
    "kind": "eu_target",
    "where": "p. 133",
    "quote": "exceeding the target set by the European Commission (which means the reduction of "
    "40-55% CO₂ compared to the 2005 baseline of the city)",
}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reading_traps", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _from(trap: dict[str, Any], snippet: str, own_quote: str = "") -> list[str]:
    headline = {"evidence": {"page": int(trap["where"][3:]), "snippet": snippet}}
    return _bench()._bad_evidence(trap, None, {}, headline, own_quote)


def test_the_citys_own_target_on_a_page_that_quotes_the_nations_is_no_trap() -> None:
    own = (
        "…ng local adaptation capacities and protecting the environment and health The objective "
        "of carbon neutrality for Angers Loire Métropole in 2030 implies a residual emission "
        "level of 52,393 teqCO2 exc…"
    )
    assert _from(NATIONAL, own) == []


def test_a_headline_shown_from_the_quoted_target_is_one() -> None:
    quoted = (
        "…r the region: a 47% reduction in greenhouse gas emissions by 2030 compared with 2012, "
        "and carbon neutrality by 2050. The ALM context is as follows: - Adoption of the "
        "Territorial Climate-Air-Energy…"
    )
    assert _from(NATIONAL, quoted) == ["headline from p. 111"]


def test_the_citys_own_statement_going_on_to_the_eus_target() -> None:
    """The snippet shows both; with the headline's values right and the labelled statement of
    the city in it, it is the city's. Without them (the headline wrong), it is the EU's."""
    snippet = (
        "…C 3 Key priorities and strategic interventions Florence is committed to reach climate "
        "neutrality by 2030, exceeding the target set by the European Commission (which means "
        "the reduction o…"
    )
    own = "Florence is committed to reach climate neutrality by 2030"
    assert _from(EU, snippet, own) == []
    assert _from(EU, snippet) == ["headline from p. 133"]
