"""Targets stated as rows of an indicator table, not as sentences.

Climate City Contracts give their targets in the impact pathway and indicator tables of the
template: a header row of years ("2025 | 2027 | 2030") and, below it, an indicator row whose
label names the reduction and whose last cells hold the values ("Reduction of GHG emissions
(2018 baseline) | ... | GHG reduction (CO2e, %) | 30% | 50% | 68%"). Read as text, each value is
a sentence of its own with no year and no emissions, and the target is lost. Here the values
are put under their years (right-aligned: the cells left empty are dropped when a Word table is
read), and the value of the latest year becomes a candidate with the row's base year.

Only tables read as rows of cells (" | " between cells, a row per line: Word tables); a PDF's
tables arrive as loose lines and are left to the sentence readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from review.intake.document import Unit
from review.intake.facts.headline import Candidate
from review.intake.facts.target_words import (
    BASE,
    EMISSIONS,
    NOT_EMISSIONS,
    REDUCE,
    scope_of,
    target_score,
)
from review.intake.facts.text import Sentence, percent_value

_YEAR_CELL = re.compile(r"(?:19[89]\d|20[0-6]\d)")
# A header cell naming its column's year and role: "Baseline (2019)", "Target 2030", "Ziel 2030".
_ROLE_YEAR_CELL = re.compile(
    r"(?P<role>baseline|base year|basis(?:jahr)?|reference(?: year)?|target|goal|ziel(?:wert)?)?"
    r"\W{0,3}(?P<year>19[89]\d|20[0-6]\d)\W{0,3}(?P<after>target|goal|ziel|baseline)?\W{0,2}"
)
_BASE_ROLE = ("baseline", "base year", "basis", "basisjahr", "reference", "reference year")
_PERCENT_CELL = re.compile(r"[-–−]?\s?(?P<pct>\d{1,3}(?:[.,]\d{1,2})?)\s?%")
# "(2018 baseline)", "2018 base year": the year before the word (BASE has it after).
_BASE_BEFORE = re.compile(r"\b(?P<year>19[89]\d|20[0-2]\d)\s(?:baseline|base year|basis)\b")
# An indicator row is the plan's own measure of its target: as strong as "our own target".
INDICATOR_SCORE = 4
FIRST_TARGET_YEAR = 2020


def indicator_targets(units: list[tuple[Unit, str]], city: str | None) -> list[Candidate]:
    found: list[Candidate] = []
    for index, (unit, text) in enumerate(units):
        if unit.kind != "table" or "%" not in text:
            continue
        years: list[int] = []
        header_base: int | None = None
        for start, row in _rows(text):
            cells = [_ROLE_YEAR_CELL.fullmatch(c.strip().lower()) for c in row.split(" | ")]
            header = [m for m in cells if m]
            if len(header) >= 2:
                years = [int(m.group("year")) for m in header]
                based = [m for m in header if (m.group("role") or m.group("after")) in _BASE_ROLE]
                header_base = int(based[0].group("year")) if based else None
                continue
            if years and (candidate := _row_target(unit, index, start, row, years, city)):
                if candidate.base_year is None and header_base is not None:
                    candidate.base_year = header_base  # the header's "Baseline (2019)" column
                found.append(candidate)
    return found


def _rows(text: str) -> Iterator[tuple[int, str]]:
    at = 0
    for row in text.split("\n"):
        yield at, row
        at += len(row) + 1


def _row_target(
    unit: Unit, index: int, start: int, row: str, years: list[int], city: str | None
) -> Candidate | None:
    """The target of one indicator row: its values right-aligned under the header's years."""
    cells = row.split(" | ")
    values: list[tuple[int, re.Match[str]]] = []  # (cell offset, match) of the trailing values
    offset = len(row)
    for cell in reversed(cells):
        offset -= len(cell)
        m = _PERCENT_CELL.fullmatch(cell.strip())
        if m is None:
            break
        values.append((offset + (len(cell) - len(cell.lstrip())), m))
        offset -= len(" | ")
    if not values or len(values) > len(years):
        return None
    label = row[: offset + len(" | ")] if offset > 0 else ""
    at, m = values[0]  # the last cell: the latest year
    minus = m.group(0).lstrip().startswith(("-", "–", "−"))  # "-80 %": a cut, in the cell
    if not (EMISSIONS.search(label) and (minus or REDUCE.search(label))):
        return None
    if NOT_EMISSIONS.search(label):
        return None
    percent = percent_value(m.group("pct"))
    year = years[-1]
    if percent is None or year < FIRST_TARGET_YEAR:
        return None
    base_m = _BASE_BEFORE.search(label) or BASE.search(label)
    base = int(base_m.group("year") or base_m.group("year2")) if base_m else None
    if base is not None and base >= year:
        return None
    sentence = Sentence(unit, index, start, start + len(row), " ".join(row.split()))
    return Candidate(
        "reduction",
        percent,
        year,
        base,
        scope_of(label, len(label), city),
        target_score(row, 0, city) + INDICATOR_SCORE,
        sentence,
        (start + at, start + at + len(m.group(0))),
    )
