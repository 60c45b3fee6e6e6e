"""Round outputs: the round summary, a DOCX comparing plans (`summary/round-summary.docx`).

Outcomes, totals per rubric, disagreement counts and a heat map of consolidated criterion scores
per plan. No reviewer appears in it: it can go to every municipality of the round. The score
exports beside it are `review.consolidation.exports`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.shared import Cm

from review.consolidation.gather import PlanRow, rubrics_of
from review.documents.docxkit import (
    OUTCOME,
    PLAIN_TABLE,
    SMALL,
    TABLE,
    Styled,
    anonymise_properties,
    keep_whole,
    open_template,
    repeat_as_header,
    score_colour,
    shade,
    upright,
)
from review.documents.spool import EVERY, RowSpool
from review.documents.text import clean
from review.eligibility import gate_label
from review.exchange.history import progress
from review.exchange.learning import STRONG_MIN, WEAK_MAX, matches
from review.i18n import Translator, translator

TEMPLATE = "summary.docx"


def _outcome(row: PlanRow, t: Translator) -> str:
    if row.result.status == "incomplete" or row.result.outcome is None:
        return t.gettext("Incomplete")
    return row.result.outcome.label(t.language)


def _num(value: float | None, t: Translator) -> str:
    return "–" if value is None else t.format_decimal(value, 1)


def write_summary_docx(
    rows: Sequence[PlanRow],
    path: Path,
    *,
    round_name: str,
    language: str,
    template_dir: Path | None = None,
    spool_every: int = EVERY,
) -> Path:
    """The round summary: its tables have a row per plan, kept on disk while the document is
    built (`RowSpool`, every `spool_every` rows: the tree held about 1 GB at 10,000 plans)."""
    spool = RowSpool(path, spool_every)
    try:
        return _write_summary(rows, path, spool, round_name, language, template_dir)
    finally:
        spool.discard()


def _write_summary(
    rows: Sequence[PlanRow],
    path: Path,
    spool: RowSpool,
    round_name: str,
    language: str,
    template_dir: Path | None,
) -> Path:
    lang, t = language, translator(language)
    document = open_template(TEMPLATE, template_dir)
    doc = Styled(document, TEMPLATE, template_dir)
    doc.para(t.gettext("Review round summary"), "Title")
    doc.para(clean(round_name), "Subtitle")
    rubrics = rubrics_of(rows)
    counts: dict[str, int] = {}
    for row in rows:
        key = _outcome(row, t)
        counts[key] = counts.get(key, 0) + 1
    doc.para(" · ".join(f"{k}: {v}" for k, v in counts.items()) or "–", OUTCOME)

    doc.heading(t.gettext("Plans"), 1)
    head = (
        [t.gettext("Municipality"), t.gettext("Outcome")]
        + [r.title(lang) for r in rubrics]
        + [t.gettext("Disagreements")]
    )
    # The headers at 9 pt as in the plans' documents: a rubric's title is one long German word
    # ('Kommunikationsstrategie', 4.6 cm bold at 9 pt, 5.4 cm at 10.5 pt, broke as
    # 'Kommunikationsstrate/gie' in 5.2 cm); 'Abweichungen' needs 2.7 cm of the 3.2, and each
    # rubric's column the rest, 6.25 cm a rubric with the two shipped.
    rest = (25.7 - 6.0 - 4.0 - 3.2) / len(rubrics) if rubrics else 0.0
    table = doc.table(1, len(head), TABLE, [6.0, 4.0] + [rest] * len(rubrics) + [3.2])
    repeat_as_header(table.rows[0])
    doc.header(table, head)
    for row in rows:
        cells = keep_whole(spool.add_row(table)).cells
        cells[0].text = clean(row.dossier.municipality)
        cells[1].text = _outcome(row, t)
        by_id = {r.rubric_id: r for r in row.result.rubrics}
        for i, rubric in enumerate(rubrics, start=2):
            res = by_id.get(rubric.id)
            if res is None:
                cells[i].text = "–"
            elif res.status == "complete":
                cells[i].text = _num(res.total, t)
            elif res.partial_total is None:  # no review in yet: nothing to call provisional
                cells[i].text = "–"
            else:
                total = _num(res.partial_total, t)
                cells[i].text = t.gettext("%(total)s (provisional)") % {"total": total}
        cells[-1].text = str(row.result.flags)

    doc.heading(t.gettext("Criteria compared"), 1)
    criteria = [(rubric, c) for rubric in rubrics for c in rubric.criteria]
    cell_width = (25.7 - 4.0) / max(1, len(criteria))
    heat = doc.table(1, 1 + len(criteria), PLAIN_TABLE, [4.0] + [cell_width] * len(criteria))
    repeat_as_header(heat.rows[0])
    heat.rows[0].cells[0].text = t.gettext("Municipality")
    for cell, (_rubric, criterion) in zip(heat.rows[0].cells[1:], criteria, strict=True):
        cell.text = criterion.id
    for row in rows:
        cells = keep_whole(spool.add_row(heat)).cells
        cells[0].text = clean(row.dossier.municipality)
        values = {
            (res.rubric_id, c.criterion_id): c for res in row.result.rubrics for c in res.criteria
        }
        for cell, (rubric, criterion) in zip(cells[1:], criteria, strict=True):
            crit = values.get((rubric.id, criterion.id))
            value = crit.value if crit else None
            low, high = rubric.scale.minimum, rubric.scale.maximum
            cell.text = _num(value, t) if value is not None else ""
            if crit is not None and crit.flagged:
                cell.text += " ⚑"
            shade(cell, score_colour(None if value is None else (value - low) / (high - low)))
    legend = doc.para("", SMALL)
    legend.add_run(" · ".join(f"{c.id} {c.title(lang)}" for _r, c in criteria))
    learning_matrix(doc, rows, t, spool)
    progress_table(doc, rows, t, spool)
    title = t.gettext("Review round summary")
    anonymise_properties(
        document,
        title=f"{title}: {clean(round_name)}",
        subject="",
        language=lang,
        keywords=clean(round_name),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    spool.save(document, tmp)
    os.replace(tmp, path)
    return path


def learning_matrix(
    doc: Styled, rows: Sequence[PlanRow], t: Translator, spool: RowSpool | None = None
) -> None:
    """Who can learn from whom (`review.exchange.learning`): a row per plan with a weak point, a
    column per plan strong on one, the criteria (and JRC gates) in the cell. Left out when the
    round does not name peers to each other: the matrix would."""
    doc.heading(t.gettext("Learning from peers"), 1)
    if any(not row.dossier.peers_named for row in rows):
        doc.para(t.gettext("This round does not name peers to each other."), SMALL)
        return
    names = {row.dossier.plan_id: clean(row.dossier.municipality) for row in rows}
    pairs: dict[tuple[int, int], list[str]] = {}
    for learner, found in matches(rows).items():
        for kind, _rubric, item, peers in found:
            label = item if kind == "criterion" else f"JRC: {gate_label(item, t.language)}"
            for teacher in peers:
                pairs.setdefault((learner, teacher), []).append(label)
    doc.para(
        t.gettext(
            "A row per plan that is weak somewhere (a score of at most %(weak)s or an eligibility "
            "criterion not met), a column per plan that is strong there (at least %(strong)s)."
        )
        % {"weak": WEAK_MAX, "strong": STRONG_MIN},
        SMALL,
    )
    add_row = spool.add_row if spool else _add_row
    learners = sorted({a for a, _b in pairs}, key=lambda p: names[p])
    teachers = sorted({b for _a, b in pairs}, key=lambda p: names[p])
    if not pairs:
        doc.para(t.gettext("No plan is weak where another is strong."), SMALL)
        return
    width = (25.7 - 4.0) / len(teachers)
    table = doc.table(1, 1 + len(teachers), PLAIN_TABLE, [4.0] + [width] * len(teachers))
    # Upright names need a row as tall as the longest: about 0.2 cm a letter at 10 pt.
    longest = max(len(names[teacher]) for teacher in teachers)
    repeat_as_header(table.rows[0], Cm(min(8.0, 0.5 + 0.2 * longest)))
    table.rows[0].cells[0].text = t.gettext("learns ↓ from →")
    for cell, teacher in zip(table.rows[0].cells[1:], teachers, strict=True):
        cell.text = names[teacher]
        upright(cell)  # ten or more columns of 2 cm or less: names across broke mid-word
    for learner in learners:
        cells = keep_whole(add_row(table)).cells
        cells[0].text = names[learner]
        for cell, teacher in zip(cells[1:], teachers, strict=True):
            cell.text = "; ".join(pairs.get((learner, teacher), []))


def progress_table(
    doc: Styled, rows: Sequence[PlanRow], t: Translator, spool: RowSpool | None = None
) -> None:
    """Progress across rounds (`review.exchange.history`): per municipality whose plan came back,
    the totals then and now, criteria up and down, actions of the last list taken up. Written
    only when some plan has an earlier round."""
    back = [row for row in rows if row.dossier.history is not None]
    if not back:
        return
    rubrics = rubrics_of(rows)
    add_row = spool.add_row if spool else _add_row
    doc.heading(t.gettext("Progress since the last round"), 1)
    head = (
        [t.gettext("Municipality"), t.gettext("Last round")]
        + [r.title(t.language) for r in rubrics]
        + [t.gettext("Criteria ↑ / ↓"), t.gettext("Actions taken up")]
    )
    rest = (25.7 - 10.0) / (len(head) - 2)
    table = doc.table(1, len(head), TABLE, [5.0, 5.0] + [rest] * (len(head) - 2))
    repeat_as_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for row in back:
        past = row.dossier.history
        assert past is not None
        cells = keep_whole(add_row(table)).cells
        cells[0].text = clean(row.dossier.municipality)
        cells[1].text = clean(past.round_name)
        now = {
            r.rubric_id: r.total if r.total is not None else r.partial_total
            for r in row.result.rubrics
        }
        for i, rubric in enumerate(rubrics, start=2):
            cells[i].text = f"{_num(past.totals.get(rubric.id), t)} → {_num(now.get(rubric.id), t)}"
        up, down, taken, judged = progress(past)
        cells[-2].text = f"{up} / {down}"
        cells[-1].text = f"{taken} / {judged}"


def _add_row(table: Any) -> Any:
    """A row added in the tree (no spool: a small table)."""
    return table.add_row()
