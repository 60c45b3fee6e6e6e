"""The CSV exports never hand a spreadsheet a formula, whichever separator it splits on (#17):
German Excel opens a CSV with `;`, so a formula after a `;` inside a comment starts a cell there."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import Session, select

from review.consolidation.exports import neutralise_formulas
from review.consolidation.pipeline import compile_round
from review.models import Review
from tests.support.review_data import reviewed_plan

FORMULAS = (
    "=SUM(A1:A9)",
    'Siehe Anhang;=HYPERLINK("http://evil.example";"hier")',
    "Kosten,+1+cmd|' /C calc'!A0",
    "Zeile eins\n@SUM(1+1)",
    'Tab\t-2+3;"=1+1"',
)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("ok;=HYPERLINK(1)", "ok;'=HYPERLINK(1)"),
        ("a,+1", "a,'+1"),
        ("Zeile\n@x", "Zeile\n'@x"),
        ('x;"=1"', 'x;\'"=1"'),
        ("a; -10 % bis 2030", "a; -10 % bis 2030"),  # a space first: a spreadsheet reads text
        ("1,5 Mio. Euro; gut", "1,5 Mio. Euro; gut"),
    ],
)
def test_formula_starts_are_neutralised_after_every_separator(text: str, safe: str) -> None:
    assert neutralise_formulas(text) == safe


def _cells(raw: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(raw), delimiter=delimiter) for cell in row]


def _is_formula(cell: str) -> bool:
    return cell.lstrip('"')[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_no_spreadsheet_reads_a_formula_from_the_csv_exports(
    session: Session, tmp_path: Path
) -> None:
    data = reviewed_plan(session, blind=True)
    first = session.exec(select(Review).order_by(Review.id)).first()
    assert first is not None
    first.comments = {**first.comments, **{f"T{i + 1}": f for i, f in enumerate(FORMULAS)}}
    session.add(first)
    session.commit()
    compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    for path in (
        tmp_path / "summary" / "round-scores.csv",
        tmp_path / "coordinator" / "round-scores-coordinator.csv",
    ):
        raw = path.read_text("utf-8-sig")
        # As written (","), as German Excel splits it (";"), as tab- or line-split tools see it.
        for delimiter in (",", ";", "\t"):
            formulas = [c for c in _cells(raw, delimiter) if _is_formula(c)]
            assert not formulas, (path.name, delimiter, formulas)
        formulas = [line for line in raw.splitlines() if _is_formula(line)]
        assert not formulas, (path.name, "line break", formulas)
        # The text itself is all there, behind its apostrophes.
        comments = [r["comment"] for r in csv.DictReader(io.StringIO(raw))]
        assert "'=SUM(A1:A9)" in comments
        assert 'Siehe Anhang;\'=HYPERLINK("http://evil.example";"hier")' in comments
