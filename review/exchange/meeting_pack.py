"""The meeting pack: what participants read before a meeting (DOCX; the run adds a PDF copy).

The meeting's title, day, host and topics; the agenda with a time slot per plan; per plan the
consolidated review's outcome, totals and the criteria on which reviewers disagreed, the
reviewers' recommendations of high priority (a merged one with each reviewer's wording) and the
municipality's reply; and the learning matrix of the round
(`review.consolidation.summary.learning_matrix`). No reviewer is named (labels only, texts
redacted in a blind round): the pack goes to every participant.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from review.consolidation.action_sheet import ActionReader
from review.consolidation.exchange_sections import action_rows
from review.consolidation.gather import PlanRow
from review.consolidation.reply_section import KIND_NAMES
from review.consolidation.rules import score_plan
from review.consolidation.summary import TEMPLATE, learning_matrix
from review.documents.docxkit import SMALL, TABLE, Styled, anonymise_properties, open_template
from review.documents.text import clean
from review.exchange.actions import action_list
from review.exchange.meetings import Meeting
from review.i18n import translator


def _totals(row: PlanRow, language: str) -> str:
    t = translator(language)
    titles = {ri.rubric.id: ri.rubric.title(language) for ri in row.dossier.rubrics}
    parts = []
    for result in row.result.rubrics:
        total = result.total if result.status == "complete" else result.partial_total
        value = "–" if total is None else t.format_decimal(total, 1)
        parts.append(f"{titles.get(result.rubric_id, result.rubric_id)} {value}")
    return "; ".join(parts)


def _reasons(row: PlanRow, language: str) -> list[str]:
    """Why the outcome is what it is, in the pack's language (the rules write them in the
    language they are run in; the round's by default)."""
    if language == row.dossier.language:
        return row.result.reasons
    d = row.dossier
    return score_plan(d.rubrics, d.findings, language, d.gates).reasons


def _disagreements(row: PlanRow) -> str:
    return (
        ", ".join(c.criterion_id for r in row.result.rubrics for c in r.criteria if c.flagged)
        or "–"
    )


def _high_actions(doc: Styled, row: PlanRow, language: str) -> None:
    """The reviewers' recommendations of high priority, as the plan's action list has them: a
    merged one with each reviewer's own wording (by label: the pack names no reviewer; redacted
    in a blind round). The rubric's next-level hints stay in the documents."""
    reader = ActionReader.of(row.dossier, language)
    high = [
        a
        for a in action_list(row.dossier, row.result, language)
        if a.priority == "high" and a.source == "reviewer"
    ]
    if not high:
        return
    doc.para(reader.t.gettext("The reviewers' recommendations of high priority"))
    for action, (_priority, criterion, text, who) in zip(
        high, action_rows(reader, high), strict=True
    ):
        if len(action.wordings) <= 1:
            doc.para(clean(f"• {criterion} ({who}): {text}"), SMALL)
            continue
        doc.para(clean(f"• {criterion} ({who}):"), SMALL)
        for wording in action.wordings:  # each in its own words, after who wrote it
            writers = ", ".join(reader.label(label) for label in wording.labels)
            doc.para(clean(f"    {writers}: {reader.text(wording.text)}"), SMALL)


def write_meeting_pack(
    meeting: Meeting, rows: Sequence[PlanRow], path: Path, language: str
) -> Path:
    t = translator(language)
    document = open_template(TEMPLATE)
    doc = Styled(document, TEMPLATE)
    title = meeting.kind.title(language)
    doc.para(title, "Title")
    doc.para(
        f"{clean(meeting.round_name)} · {t.format_date(meeting.starts)} "
        f"{meeting.starts:%H:%M}–{meeting.ends:%H:%M} · {clean(meeting.host)}",
        "Subtitle",
    )
    doc.heading(t.gettext("Topics"), 1)
    for topic in meeting.kind.topics:
        doc.para(f"• {topic(language)}")

    doc.heading(t.gettext("Agenda"), 1)
    by_plan = {row.dossier.plan_id: row for row in rows}
    head = [
        t.gettext("Time"),
        t.gettext("Municipality"),
        t.gettext("Outcome"),
        t.gettext("Totals"),
        t.gettext("Disagreements"),
    ]
    table = doc.table(1, len(head), TABLE, [2.5, 6.0, 4.2, 8.0, 5.0])
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for item in meeting.agenda:
        row = by_plan[item.plan_id]
        outcome = row.result.outcome
        cells = table.add_row().cells
        cells[0].text = f"{item.starts:%H:%M}"
        cells[1].text = clean(item.municipality)
        cells[2].text = outcome.label(language) if outcome else t.gettext("incomplete")
        cells[3].text = _totals(row, language)
        cells[4].text = _disagreements(row)
    doc.para(
        t.gettext(
            "Plans with the most disagreement among their reviewers come first, then those with "
            "the most to learn from and to teach their peers."
        ),
        SMALL,
    )

    doc.heading(t.gettext("The consolidated reviews"), 1)
    for item in meeting.agenda:
        row = by_plan[item.plan_id]
        doc.heading(clean(item.municipality), 2)
        if row.dossier.plan_title:
            doc.para(clean(row.dossier.plan_title), SMALL)
        outcome = row.result.outcome
        doc.para(
            f"{t.gettext('Outcome')}: "
            + (outcome.label(language) if outcome else t.gettext("incomplete"))
        )
        doc.para(f"{t.gettext('Totals')}: {_totals(row, language)}")
        for reason in _reasons(row, language):
            doc.para(f"• {clean(reason)}", SMALL)
        _high_actions(doc, row, language)
        if row.dossier.replies:
            doc.para(t.gettext("The municipality's reply"))
            for reply in row.dossier.replies:
                kind = t.gettext(KIND_NAMES[reply.kind])
                doc.para(f"• {reply.criterion_id} ({kind}): {clean(reply.text)}", SMALL)

    learning_matrix(doc, rows, t)
    anonymise_properties(
        document,
        title=f"{title}: {clean(meeting.round_name)}",
        subject="",
        language=language,
        keywords=clean(meeting.round_name),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    document.save(str(tmp))
    os.replace(tmp, path)
    return path
