"""The action list of a plan as a spreadsheet (`municipality/0007-tulln-actions.xlsx`), in the
municipality's language, blind-safe like its edition: reviewers' names redacted from the
recommendations in blind rounds. Every text cell is written as a string, never a formula
(`exports.add_sheet`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from review.consolidation.exchange_sections import action_rows
from review.consolidation.exports import add_sheet
from review.consolidation.gather import PlanDossier, ReviewerIdentity, reviewer_label
from review.consolidation.redaction import redactor_for
from review.consolidation.rules import PlanResult
from review.documents.text import clean
from review.exchange.actions import action_list
from review.i18n import Translator, translator
from review.rubric import Rubric

#: Column widths in characters: the recommendation wide enough for a merged action's wordings.
WIDTHS = (10, 32, 70, 14, 10, 12, 10)


@dataclass
class ActionReader:
    """A reader of a plan's action list outside its document (`exchange_sections.Reader`):
    this spreadsheet, the meeting pack. Blind-safe: reviewers' names redacted in a blind round,
    reviewers named by their label only."""

    lang: str
    t: Translator
    rubrics: dict[str, Rubric]
    text: Callable[[object], str]
    people: dict[str, ReviewerIdentity]

    @classmethod
    def of(cls, dossier: PlanDossier, lang: str) -> ActionReader:
        return cls(
            lang=lang,
            t=translator(lang),
            rubrics={ri.rubric.id: ri.rubric for ri in dossier.rubrics},
            text=redactor_for(dossier, lang) if dossier.blind else clean,
            people={info.label: info for info in dossier.reviewers},
        )

    def label(self, label: str) -> str:
        info = self.people.get(label)
        return reviewer_label(info.index, self.lang) if info is not None else label


def write_action_sheet(dossier: PlanDossier, result: PlanResult, path: Path) -> Path:
    lang = dossier.municipality_language or dossier.language
    reader = ActionReader.of(dossier, lang)
    actions = action_list(dossier, result, lang)
    t = reader.t
    header = [
        t.gettext("Priority"),
        t.gettext("Criterion"),
        t.gettext("Recommendation"),
        t.gettext("From"),
        t.gettext("Score"),
        t.gettext("Points open (of 100)"),
        t.gettext("Done"),
    ]
    records: list[list] = [
        [*row, action.score, action.points, ""]
        for row, action in zip(action_rows(reader, actions), actions, strict=True)
    ]
    workbook = Workbook(write_only=True)
    add_sheet(workbook, t.gettext("Action list")[:31], header, records, WIDTHS)
    workbook.properties.creator = "peerplan"
    workbook.properties.lastModifiedBy = "peerplan"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    workbook.save(tmp)
    os.replace(tmp, path)
    return path
