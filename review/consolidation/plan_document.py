"""Render, per plan: the consolidated review of one plan (DOCX), in two editions.

Built with python-docx on a styled base document (`templates/documents/consolidated.docx`), not
with docxtpl, because:
- the content is mostly variable-shaped tables (criteria x reviewers, gates, findings, a bar
  chart) that are plain loops in code but nested `{%tr for %}` tags inside Word cells with docxtpl;
- a coordinator restyling a docxtpl template in Word easily splits a `{{ tag }}` across runs and
  breaks it; restyling named styles, page setup, header and footer cannot break anything here;
- it needs no new dependency, and it is fast (no Jinja pass over the XML and re-parse): the
  benchmark compares it with a bare python-docx loop.
The chart of criterion scores is a table of text bars (block characters in two character styles):
native Word content, restyled with the template, no image library, no time cost.

Editions:
- municipality: what the reviewed municipality reads. In a blind round reviewers appear only as
  "Reviewer A/B/C", and their names, emails and home municipalities are redacted from every
  reviewer text; no emails in any round; no coordinator-only section (reviewer list, extra-review
  call, open problems). Document properties name no person.
- coordinator: everything, with names and emails, and a section for the coordinator.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Literal

from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK

from review.consolidation.exchange_sections import (
    actions_section,
    calibration_section,
    history_section,
    learning_section,
)
from review.consolidation.gather import PlanDossier, ReviewerIdentity, reviewer_label
from review.consolidation.plan_notes import coordinator_section, findings_section
from review.consolidation.redaction import redactor_for
from review.consolidation.reply_section import reply_section
from review.consolidation.rules import CriterionResult, PlanResult, RubricResult
from review.documents.docxkit import (
    COMMENT,
    FLAG,
    HEADER_SIZE,
    HINT,
    OUTCOME,
    PLAIN_TABLE,
    SMALL,
    TABLE,
    Styled,
    anonymise_properties,
    open_template,
)
from review.documents.text import clean
from review.eligibility import gate_label
from review.i18n import N_, state_name, translator
from review.rubric import Rubric

Edition = Literal["municipality", "coordinator"]
TEMPLATE = "consolidated.docx"


EDITION_NAMES: dict[str, str] = {
    "municipality": N_("Municipality edition"),
    "coordinator": N_("Coordinator edition – confidential, contains names"),
}
GATE_STATUS_NAMES: dict[str, str] = {
    "met": N_("met"),
    "failed": N_("not met"),
    "disputed": N_("disputed"),
    "unconfirmed": N_("not confirmed"),
}
OVERALL_NAMES: dict[str, str] = {
    "strengths": N_("Strengths"),
    "weaknesses": N_("Weaknesses"),
    "recommendations": N_("Recommendations"),
}


def edition_language(dossier: PlanDossier, edition: Edition) -> str:
    """The municipality's edition in the municipality's language, the coordinator's in the
    round's."""
    if edition == "municipality" and dossier.municipality_language:
        return dossier.municipality_language
    return dossier.language


class PlanWriter:
    def __init__(self, dossier: PlanDossier, result: PlanResult, edition: Edition) -> None:
        self.d, self.r, self.edition = dossier, result, edition
        self.lang = edition_language(dossier, edition)
        self.t = translator(self.lang)
        self.coordinator = edition == "coordinator"
        self.people = {info.label: info for info in dossier.reviewers}
        self.text: Callable[[object], str]
        if dossier.blind and not self.coordinator:
            self.text = redactor_for(dossier, self.lang)
        else:
            self.text = clean
        self.rubrics = {ri.rubric.id: ri.rubric for ri in dossier.rubrics}

    # -- numbers --------------------------------------------------------------------------
    def score(self, value: float | None) -> str:
        """A consolidated score: whole numbers as such, else one decimal (2 / 2,5 / n. z.)."""
        if value is None:
            return self.t.gettext("n/a")
        return self.t.format_decimal(value, 0 if value == int(value) else 1)

    def consolidated(self, crit: CriterionResult) -> str:
        """A criterion's consolidated score; '–' while no review of its rubric is in, not 'n/a':
        nobody said it does not apply (an incomplete plan's criteria read 'n. z.')."""
        return "–" if not crit.scores else self.score(crit.value)

    def total(self, value: float | None) -> str:
        return "–" if value is None else self.t.format_decimal(value, 1)

    # -- who ------------------------------------------------------------------------------
    def label(self, label: str) -> str:
        """A reviewer's blind name in this edition's language ("Reviewer A", "Gutachten A")."""
        info = self.people.get(label)
        return reviewer_label(info.index, self.lang) if info is not None else label

    def who(self, label: str, *, email: bool = True) -> str:
        """The reviewer as this edition names them; the coordinator's with the address unless
        `email` is False: in a table's narrow column of names an address broke mid-word
        ('<lars.horvath@m' 'almo.example>'), and the coordinator's own table lists them."""
        info = self.people.get(label)
        shown = self.label(label)
        if info is None or (self.d.blind and not self.coordinator):
            return shown
        if self.coordinator and email:
            return clean(f"{shown} – {info.name} <{info.email}>")
        return clean(f"{shown} – {info.name}")

    def looks(self, present: bool) -> str:
        return self.t.gettext("looks present") if present else self.t.gettext("looks missing")

    def info_row(self, info: ReviewerIdentity) -> tuple[str, ...]:
        submitted = (
            self.t.format_datetime(info.submitted_at, "short") + " UTC" if info.submitted_at else ""
        )
        return (
            self.label(info.label),
            info.name,
            info.email,
            info.municipality,
            self.rubrics[info.rubric].title(self.lang)
            if info.rubric in self.rubrics
            else info.rubric,
            state_name(self.t, info.status),
            submitted,
        )

    # -- parts ----------------------------------------------------------------------------
    def cover(self, doc: Styled) -> None:
        doc.para(self.t.gettext("Consolidated review"), "Title")
        doc.para(clean(self.d.plan_title or self.d.municipality), "Subtitle")
        rows = [
            (self.t.gettext("Municipality"), self.d.municipality),
            (self.t.gettext("Round"), self.d.round_name),
            (
                self.t.gettext("Date"),
                self.t.format_date(self.d.compiled_on),
            ),
            (self.t.gettext("Edition"), self.t.gettext(EDITION_NAMES[self.edition])),
        ]
        if self.d.document_name:
            rows.insert(
                1,
                (
                    self.t.gettext("Document"),
                    self.t.gettext("%(file)s (version %(version)s)")
                    % {"file": self.d.document_name, "version": self.d.document_version},
                ),
            )
        if self.d.newer_document:
            rows.insert(
                2,
                (
                    self.t.gettext("Newer version"),
                    self.t.gettext(
                        "%(file)s (version %(version)s), sent after the reviews: they assessed "
                        "the version above"
                    )
                    % {"file": self.d.newer_document, "version": self.d.newer_version},
                ),
            )
        if self.d.versions_reviewed:
            rows.insert(
                2,
                (
                    self.t.gettext("Versions reviewed"),
                    self.t.gettext(
                        "the reviews assessed different versions (%(versions)s); the hints are "
                        "of the newest"
                    )
                    % {"versions": ", ".join(str(v) for v in self.d.versions_reviewed)},
                ),
            )
        table = doc.table(0, 2, PLAIN_TABLE, [5.0, 12.0])
        for key, value in rows:
            cells = table.add_row().cells
            cells[0].text = key
            cells[1].text = clean(value)
        doc.para().add_run().add_break(WD_BREAK.PAGE)

    def summary(self, doc: Styled) -> None:
        lang, r = self.lang, self.r
        incomplete = self.t.gettext("Incomplete")
        doc.heading(self.t.gettext("Summary"), 1)
        if r.status == "incomplete":
            doc.para(self.t.gettext("Outcome: %(outcome)s") % {"outcome": incomplete}, OUTCOME)
            doc.para(
                self.t.gettext(
                    "Reviews are still missing. There is no outcome yet; provisional figures are "
                    "marked as such."
                ),
                FLAG,
            )
        else:
            assert r.outcome is not None
            outcome = r.outcome.label(lang)
            doc.para(self.t.gettext("Outcome: %(outcome)s") % {"outcome": outcome}, OUTCOME)
        # Every word whole, measured in DejaVu Sans as LibreOffice sets it, plus 0.4 cm of cell
        # margins: the bold 'Kommunikationsstrategie' 5.4 cm; 'Überarbeitung' 2.7 cm (it broke
        # as 'Überarbeitun/g' in 3 cm); the headers at 9 pt, 'Disagreements' 2.7 cm; and the
        # provisional total at 9 pt, '(provisional)' 2.0 cm (it broke as '(provisional/)' at
        # 10.5 pt in 2.6 cm). The five columns fill the 17 cm.
        table = doc.table(1, 5, TABLE, [5.9, 2.45, 3.2, 2.3, 3.15])
        names = (
            self.t.gettext("Rubric"),
            self.t.gettext("Total (0–100)"),
            self.t.gettext("Outcome"),
            self.t.gettext("Reviews"),
            self.t.gettext("Disagreements"),
        )
        doc.header(table, names)
        for res in r.rubrics:
            rubric = self.rubrics[res.rubric_id]
            cells = table.add_row().cells
            cells[0].text = rubric.title(lang)
            if res.status == "complete":
                cells[1].text = self.total(res.total)
                cells[2].text = res.outcome.label(lang) if res.outcome else ""
            elif res.partial_total is None:  # no review in yet: nothing to call provisional
                cells[1].text = "–"
                cells[2].text = incomplete
            else:
                cells[1].text = self.t.gettext("%(total)s (provisional)") % {
                    "total": self.total(res.partial_total)
                }
                for run in cells[1].paragraphs[0].runs:  # a figure to come, set a size smaller
                    run.font.size = HEADER_SIZE
                cells[2].text = incomplete
            cells[3].text = f"{res.received} / {res.expected}"
            cells[4].text = str(res.flags)
        if r.reasons:
            doc.heading(self.t.gettext("Why this outcome"), 3)
            for reason in self._reasons():
                doc.para(reason, "List Bullet")
        self.gates(doc)
        self.chart(doc)

    def _reasons(self) -> list[str]:
        lang, out = self.lang, []
        critical = self.t.gettext("Critical criterion below the minimum")
        gates, not_met = self.t.gettext("Eligibility criteria (JRC)"), self.t.gettext("not met")
        for res in self.r.rubrics:
            rubric = self.rubrics[res.rubric_id]
            for crit in res.criteria:
                if crit.critical_failed:
                    title = rubric.criterion(crit.criterion_id).title(lang)
                    out.append(
                        f"{crit.criterion_id} {title}: {critical} ({self.score(crit.value)})"
                    )
        for gate in self.r.gates:
            if gate.status == "failed":
                out.append(f"{gates}: {gate_label(gate.gate_id, lang)} – {not_met}")
        return out

    def gates(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(self.t.gettext("Eligibility criteria (JRC)"), 2)
        table = doc.table(1, 3, TABLE, [6.5, 6.5, 4.0])
        doc.header(
            table,
            (
                self.t.gettext("Criterion"),
                self.t.gettext("Confirmed by reviewers"),
                self.t.gettext("Automatic hint"),
            ),
        )
        for gate in self.r.gates:
            cells = table.add_row().cells
            cells[0].text = clean(gate_label(gate.gate_id, lang))
            votes = ", ".join(
                # The short name: who they are stands in the criteria's tables below.
                f"{self.label(label)}: {self.t.gettext('yes') if v else self.t.gettext('no')}"
                for label, v in gate.votes.items()
            )
            status = self.t.gettext(GATE_STATUS_NAMES.get(gate.status, gate.status))
            cells[1].text = status + (f" ({votes})" if votes else "")
            if gate.hint is None:
                cells[2].text = "–"
            else:
                cells[2].text = ""
                doc.restyle(cells[2].paragraphs[0], HINT)
                cells[2].paragraphs[0].add_run(self.looks(gate.hint))

    def chart(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(self.t.gettext("Scores per criterion"), 2)
        for res in self.r.rubrics:
            rubric = self.rubrics[res.rubric_id]
            low, high = rubric.scale.minimum, rubric.scale.maximum
            doc.para(rubric.title(lang), SMALL)
            table = doc.table(0, 3, PLAIN_TABLE, [7.0, 7.5, 2.5])
            for crit in res.criteria:
                cells = table.add_row().cells
                cells[
                    0
                ].text = f"{crit.criterion_id} {rubric.criterion(crit.criterion_id).title(lang)}"
                fraction = None if crit.value is None else (crit.value - low) / (high - low)
                doc.bar(cells[1].paragraphs[0], fraction)
                cells[2].text = self.consolidated(crit) + (" ⚑" if crit.flagged else "")

    def rubric_section(self, doc: Styled, res: RubricResult, rubric: Rubric) -> None:
        lang = self.lang
        weight, spread = self.t.gettext("weight"), self.t.gettext("Spread")
        consolidated = self.t.gettext("Consolidated")
        doc.heading(rubric.title(lang), 1)
        for crit in res.criteria:
            criterion = rubric.criterion(crit.criterion_id)
            doc.heading(
                f"{criterion.id} {criterion.title(lang)} "
                f"({weight} {self.t.format_decimal(criterion.weight)})",
                2,
            )
            line = (
                f"{consolidated}: {self.consolidated(crit)} · {spread}: "
                f"{crit.spread if crit.spread is not None else '–'}"
            )
            doc.para(line)
            if crit.flagged:
                doc.para(
                    self.t.gettext("⚑ Reviewers disagree: to be discussed at the exchange meeting"),
                    FLAG,
                )
            if crit.critical_failed:
                doc.para(self.t.gettext("Critical criterion below the minimum"), FLAG)
            if not crit.scores:
                continue
            table = doc.table(
                1,
                3,
                TABLE,
                [4.2 if self.coordinator else 3.0, 2.4, 10.4 if self.coordinator else 11.6],
            )
            doc.header(
                table,
                (self.t.gettext("Reviewer"), self.t.gettext("Score"), self.t.gettext("Comment")),
            )
            for label, score in crit.scores.items():
                review = self.d.review_of(label)
                cells = table.add_row().cells
                cells[0].text = self.who(label, email=False)
                cells[1].text = self.score(score)
                comment = review.comments.get(criterion.id, "") if review else ""
                doc.restyle(cells[2].paragraphs[0], COMMENT)
                cells[2].paragraphs[0].add_run(self.text(comment))

    def strengths(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(self.t.gettext("Strengths, weaknesses, recommendations"), 1)
        for ri in self.d.rubrics:
            for review in ri.reviews:
                doc.heading(f"{self.who(review.label)} · {ri.rubric.title(lang)}", 3)
                for key in ("strengths", "weaknesses", "recommendations"):
                    value = getattr(review, key)
                    para = doc.para("", COMMENT)
                    name = self.t.gettext(OVERALL_NAMES[key])
                    para.add_run(f"{name}: ").bold = True
                    para.add_run(self.text(value) if value else "–")

    def build(self, template_dir: Path | None = None) -> DocumentObject:
        doc = open_template(TEMPLATE, template_dir)
        styled = Styled(doc, TEMPLATE, template_dir)
        self.cover(styled)
        self.summary(styled)
        for res in self.r.rubrics:
            self.rubric_section(styled, res, self.rubrics[res.rubric_id])
        self.strengths(styled)
        reply_section(self, styled)
        history_section(self, styled)
        actions_section(self, styled)
        learning_section(self, styled)
        findings_section(self, styled)
        if self.coordinator:
            coordinator_section(self, styled)
            calibration_section(self, styled)
        when = datetime.combine(self.d.compiled_on, time(12), tzinfo=UTC)
        title = self.t.gettext("Consolidated review")
        anonymise_properties(
            doc,
            title=f"{title}: {clean(self.d.municipality)}",
            subject=clean(self.d.plan_title),
            language=self.lang,
            keywords=clean(self.d.round_name),
            when=when,
        )
        return doc


def build_consolidated(
    dossier: PlanDossier, result: PlanResult, edition: Edition, template_dir: Path | None = None
) -> DocumentObject:
    return PlanWriter(dossier, result, edition).build(template_dir)


def write_consolidated(
    dossier: PlanDossier,
    result: PlanResult,
    edition: Edition,
    path: Path,
    template_dir: Path | None = None,
) -> Path:
    """Written to a temporary name and renamed: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    build_consolidated(dossier, result, edition, template_dir).save(str(tmp))
    os.replace(tmp, path)
    return path
