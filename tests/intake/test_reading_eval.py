"""The reader on the real plans, against the labels in tests/data/real_plans/labels.yaml: it
must not fall below the figures BENCHMARKS.md records ("Reading real plans", written by
`python bench/reading.py --write`) by more than one plan's worth."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
BENCH = Path(__file__).resolve().parents[2] / "bench" / "reading.py"
# One plan of 25 (tune) or 8 (holdout) read differently moves a precision by 0.04 to 0.15.
MARGIN = {"tune": 0.05, "holdout": 0.13}


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_reading", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return _bench()


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_precision_and_headline_targets_hold(bench: ModuleType, real_plans: Path, split: str):
    floor = bench.recorded(split)
    assert floor, f"BENCHMARKS.md records no {split} figures: run bench/reading.py --write"
    result = bench.evaluate(split, real=real_plans)
    assert result.plans >= 8
    for name, counts in result.checks.items():
        if name in floor and counts.precision is not None:
            assert counts.precision >= floor[name] - MARGIN[split], (
                f"{name}: precision {counts.precision:.2f}, recorded {floor[name]:.2f}"
            )
    rate = result.headline_right / result.headline_stated
    assert rate >= floor["headline"] - MARGIN[split], f"headline {rate:.2f}"


# The holdout's 3 known until session 10 were a labelling slip: the Münster progress report's
# attachment stamp "Anlage 1 zu V/0021/2019" stands once, above its title block, and was filed
# as a running header (labels.yaml says why it is corrected).
@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_no_evidence_from_a_table_of_contents_a_header_guidance_or_a_funding_note(
    bench: ModuleType, real_plans: Path, split: str
) -> None:
    result = bench.evaluate(split, real=real_plans)
    kinds = ("toc", "running_header", "template_guidance", "funding_acknowledgement")
    bad = [b for b in result.bad_evidence if any(f": {k} " in b for k in kinds)]
    assert not bad, bad
