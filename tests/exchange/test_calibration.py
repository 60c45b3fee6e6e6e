"""Calibration on a constructed lenient reviewer: found, measured, and marked when the data are
few; calibrated totals apart from the result."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from review.consolidation.exports import write_xlsx
from review.exchange.calibration import calibrated_totals, leniencies
from tests.support.exchange_round import dossier, rows_of

LENIENT = {"name": "Lena Generosa", "email": "lena@lenient.example"}
STRICT = {"name": "Stefan Streng", "email": "stefan@strict.example"}


def plan(plan_id: int, others_base: int, extra: dict | None = None):
    """Lena scores every criterion one point above the two others on each plan."""
    reviewers = [
        {"rubric": "technical", "base": others_base + 1, **LENIENT},
        {
            "rubric": "technical",
            "base": others_base,
            "name": f"Other {plan_id}a",
            "email": f"a{plan_id}@x.example",
        },
        {
            "rubric": "technical",
            "base": others_base,
            "name": f"Other {plan_id}b",
            "email": f"b{plan_id}@x.example",
        },
    ]
    if extra:
        reviewers.append(extra)
    return dossier(plan_id, f"Ort{plan_id}", reviewers)


def test_a_lenient_reviewer_is_found_and_measured() -> None:
    rows = rows_of(plan(1, 1), plan(2, 2), plan(3, 2, {"rubric": "technical", "base": 2, **STRICT}))
    seen = leniencies(rows)
    lena = seen["lena@lenient.example"]
    assert lena.leniency == 1.0  # one scale point above the co-reviewers, everywhere
    assert lena.total_leniency == 25.0  # one point of four is 25 of 100
    assert (lena.plans, lena.few) == (3, False)
    assert lena.comparisons == 3 * 8
    # The others score below Lena's (three others on plan 3: Lena lifts their mean a third).
    assert seen["a1@x.example"].leniency == -0.5
    # One plan is too little to read much into.
    stefan = seen["stefan@strict.example"]
    assert stefan.plans == 1 and stefan.few


def test_calibrated_totals_take_the_leniency_out_and_leave_the_result() -> None:
    rows = rows_of(plan(1, 1), plan(2, 2), plan(3, 2))
    seen = leniencies(rows)
    d, result = rows[1].dossier, rows[1].result
    calibrated = calibrated_totals(d, result, seen)
    assert result.rubrics[0].total == 50.0  # the median: the two others' 2
    # Lena 75 - 25 = 50; the others (one plan each: few data) stay at 50.
    assert calibrated["technical"] == 50.0


def test_the_coordinators_export_has_a_calibration_sheet_and_the_shared_one_not(
    tmp_path: Path,
) -> None:
    rows = rows_of(plan(1, 1), plan(2, 2), plan(3, 2))
    coordinator = load_workbook(write_xlsx(rows, tmp_path / "c.xlsx", identities=True))
    sheet = coordinator["calibration"]
    lines = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Lena Generosa", "lena@lenient.example", 1.0, 25.0, 3, 24, False] in lines
    shared = load_workbook(write_xlsx(rows, tmp_path / "s.xlsx", identities=False))
    assert "calibration" not in shared.sheetnames
