"""Round outputs: XLSX and CSV exports of every score and comment, in two editions.

- `summary/round-scores.xlsx` and `.csv` (shared, blind-safe): every score and comment under the
  reviewer's label only; in blind rounds reviewer names, emails and home municipalities are
  redacted from the comments. No coordinator-only fields (extra-review calls, open problems).
- `coordinator/round-scores-coordinator.xlsx` and `.csv`: the same plus reviewer name, email and
  home municipality, the extra-review call and the open problems; for the coordinator only.

Spreadsheets treat text starting with = + - @ as a formula: in the XLSX every text cell is
written as a string; in the CSV such text gets a leading apostrophe (OWASP's advice against CSV
injection), and so does such text after a `,` `;` tab or line break inside a value, where a
spreadsheet splitting on another separator than the comma (German Excel: `;`) starts a cell.
Illegal XML characters are removed as in the DOCX.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from review.consolidation.gather import PlanRow, rubrics_of
from review.consolidation.redaction import redactor_for
from review.documents.text import clean
from review.exchange.calibration import leniencies
from review.i18n import N_, translator

SWR = ("strengths", "weaknesses", "recommendations")
SWR_NAMES = {
    "strengths": N_("Strengths"),
    "weaknesses": N_("Weaknesses"),
    "recommendations": N_("Recommendations"),
}


def _text_for(row: PlanRow, identities: bool) -> Callable[[object], str]:
    if identities or not row.dossier.blind:
        return clean
    return redactor_for(row.dossier)


def review_records(
    rows: Sequence[PlanRow], *, identities: bool
) -> tuple[list[str], Iterator[list]]:
    """Every score and comment, one line per reviewer and criterion (plus strengths, weaknesses,
    recommendations). `identities`: add name, email and home municipality (coordinator only).
    The lines are made one by one as they are written (330,000 at 10,000 plans: a list of them
    was built whole for each of the four exports)."""
    header = ["plan_id", "municipality", "plan", "rubric", "item", "item_title", "reviewer"]
    if identities:
        header += ["reviewer_name", "reviewer_email", "reviewer_municipality"]
    header += ["score", "comment", "consolidated", "spread", "disagreement"]
    return header, _review_lines(rows, identities)


def _review_lines(rows: Sequence[PlanRow], identities: bool) -> Iterator[list]:
    for row in rows:
        d, lang = row.dossier, row.dossier.language
        text = _text_for(row, identities)
        people = {info.label: info for info in d.reviewers}
        results = {r.rubric_id: r for r in row.result.rubrics}
        for ri in d.rubrics:
            res = results[ri.rubric.id]
            crits = {c.criterion_id: c for c in res.criteria}
            for review in ri.reviews:
                who = [review.label]
                if identities:
                    info = people.get(review.label)
                    who += [info.name, info.email, info.municipality] if info else ["", "", ""]
                base = [d.plan_id, clean(d.municipality), clean(d.plan_title), ri.rubric.id]
                for criterion in ri.rubric.criteria:
                    crit = crits[criterion.id]
                    yield (
                        base
                        + [criterion.id, criterion.title(lang)]
                        + who
                        + [
                            review.scores.get(criterion.id),
                            text(review.comments.get(criterion.id, "")),
                            crit.value,
                            crit.spread,
                            crit.flagged,
                        ]
                    )
                for key in SWR:
                    yield (
                        base
                        + [key, translator(lang).gettext(SWR_NAMES[key])]
                        + who
                        + [None, text(getattr(review, key)), None, None, None]
                    )


def plan_records(rows: Sequence[PlanRow], *, identities: bool) -> tuple[list[str], list[list]]:
    rubrics = rubrics_of(rows)
    header = ["plan_id", "municipality", "plan", "status", "outcome"]
    header += [f"total_{r.id}" for r in rubrics] + ["disagreements"]
    if identities:
        header += ["extra_review", "open_points"]
    out = []
    for row in rows:
        res = {r.rubric_id: r for r in row.result.rubrics}
        line = [
            row.dossier.plan_id,
            clean(row.dossier.municipality),
            clean(row.dossier.plan_title),
            row.result.status,
            row.result.outcome.id if row.result.outcome else "",
        ]
        line += [res[r.id].total if r.id in res else None for r in rubrics]
        line.append(row.result.flags)
        if identities:
            line.append("; ".join(x for r in row.result.rubrics for x in r.extra_review_reasons))
            line.append(
                "; ".join([x for r in row.result.rubrics for x in r.problems] + row.result.reasons)
            )
        out.append(line)
    return header, out


def calibration_records(rows: Sequence[PlanRow]) -> tuple[list[str], list[list]]:
    """Each reviewer's leniency against co-reviewers (`review.exchange.calibration`): for the
    coordinator only, it names people."""
    header = [
        "reviewer_name",
        "reviewer_email",
        "leniency_score_points",
        "leniency_total_points",
        "plans_compared",
        "scores_compared",
        "few_data",
    ]
    out: list[list] = [
        [x.name, x.email, x.leniency, x.total_leniency, x.plans, x.comparisons, x.few]
        for x in leniencies(rows).values()
    ]
    return header, out


# Where a spreadsheet may start a cell: at the start of the text and, in a program that splits on
# another separator than ours (German Excel splits on ";", others on tabs) or ends a row on a line
# break inside a quoted field, after each of those. A cell there that begins with a formula
# character, after any quotes, gets an apostrophe: shown as text, never run.
_CELL_START = re.compile(r"(^|[,;\t\r\n])(?=\"*[=+\-@\t\r])")


def neutralise_formulas(text: str) -> str:
    """`text` with an apostrophe before every part a spreadsheet could read as a formula."""
    return _CELL_START.sub(r"\1'", text)


def _csv_safe(value: object) -> object:
    return neutralise_formulas(value) if isinstance(value, str) else value


def write_csv(header: list[str], records: Iterable[list], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig: Excel opens umlauts and emoji correctly only with the byte-order mark.
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for record in records:
            writer.writerow([_csv_safe(v) for v in record])
    return path


def add_sheet(
    workbook: Workbook,
    title: str,
    header: list[str],
    records: Iterable[list],
    widths: Sequence[float] = (),
) -> None:
    """A sheet of `header` and `records`; `widths`: of the first columns, in characters."""
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    wrapped = Alignment(wrap_text=True, vertical="top")
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = bold, fill
        cells.append(cell)
    sheet.append(cells)
    for record in records:
        row = []
        for value in record:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
                if "\n" in value:  # shown as lines (a merged action's wordings, a comment's)
                    cell.alignment = wrapped
                row.append(cell)
            else:
                row.append(value)
        sheet.append(row)


def write_xlsx(rows: Sequence[PlanRow], path: Path, *, identities: bool) -> Path:
    # Write-only mode: rows stream out; the normal mode's row lookups grow with the sheet.
    workbook = Workbook(write_only=True)
    add_sheet(workbook, "plans", *plan_records(rows, identities=identities))
    add_sheet(workbook, "reviews", *review_records(rows, identities=identities))
    if identities:
        add_sheet(workbook, "calibration", *calibration_records(rows))
    workbook.properties.creator = "peerplan"
    workbook.properties.lastModifiedBy = "peerplan"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
