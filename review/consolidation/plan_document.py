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

from review.consolidation.gather import PlanDossier, ReviewerIdentity
from review.consolidation.rules import PlanResult, RubricResult
from review.documents.docxkit import (
    COMMENT,
    FLAG,
    HINT,
    OUTCOME,
    PLAIN_TABLE,
    SMALL,
    TABLE,
    Styled,
    anonymise_properties,
    open_template,
)
from review.documents.labels import t
from review.documents.text import Redactor, clean
from review.eligibility import finding_evidence, finding_gate, finding_met, finding_text, gate_label
from review.rubric import Rubric

Edition = Literal["municipality", "coordinator"]
TEMPLATE = "consolidated.docx"


def _fmt(value: float | None, language: str) -> str:
    if value is None:
        return t("na", language)
    text = f"{value:.1f}" if value != int(value) else f"{int(value)}"
    return text.replace(".", ",") if language == "de" else text


def _fmt_total(value: float | None, language: str) -> str:
    if value is None:
        return t("none", language)
    text = f"{value:.1f}"
    return text.replace(".", ",") if language == "de" else text


class _Writer:
    def __init__(self, dossier: PlanDossier, result: PlanResult, edition: Edition) -> None:
        self.d, self.r, self.edition = dossier, result, edition
        self.lang = dossier.language
        self.coordinator = edition == "coordinator"
        self.people = {info.label: info for info in dossier.reviewers}
        self.text: Callable[[object], str]
        if dossier.blind and not self.coordinator:
            terms: list[str] = []
            for info in dossier.reviewers:
                terms += [info.name, info.email]
                if info.municipality and info.municipality != dossier.municipality:
                    terms.append(info.municipality)
            self.text = Redactor(terms, self.lang)
        else:
            self.text = clean
        self.rubrics = {ri.rubric.id: ri.rubric for ri in dossier.rubrics}

    # -- who ------------------------------------------------------------------------------
    def who(self, label: str) -> str:
        info = self.people.get(label)
        if info is None or (self.d.blind and not self.coordinator):
            return label
        if self.coordinator:
            return clean(f"{label} – {info.name} <{info.email}>")
        return clean(f"{label} – {info.name}")

    # -- parts ----------------------------------------------------------------------------
    def cover(self, doc: Styled) -> None:
        lang = self.lang
        doc.para(t("title", lang), "Title")
        doc.para(clean(self.d.plan_title or self.d.municipality), "Subtitle")
        rows = [
            (t("municipality", lang), self.d.municipality),
            (t("round", lang), self.d.round_name),
            (
                t("date", lang),
                self.d.compiled_on.strftime("%d.%m.%Y" if lang == "de" else "%Y-%m-%d"),
            ),
            (t("edition", lang), t(f"edition_{self.edition}", lang)),
        ]
        if self.d.document_name:
            rows.insert(
                1,
                (
                    t("document", lang),
                    f"{self.d.document_name} ({t('version', lang)} {self.d.document_version})",
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
        doc.heading(t("summary", lang), 1)
        if r.status == "incomplete":
            doc.para(f"{t('outcome', lang)}: {t('incomplete', lang)}", OUTCOME)
            doc.para(t("incomplete_note", lang), FLAG)
        else:
            assert r.outcome is not None
            doc.para(f"{t('outcome', lang)}: {r.outcome.label(lang)}", OUTCOME)
        table = doc.table(1, 5, TABLE, [5.0, 3.2, 4.0, 2.4, 2.4])
        head = table.rows[0].cells
        for cell, key in zip(head, ("rubric", "total", "outcome", "reviews", "flags"), strict=True):
            cell.text = t(key, lang)
        for res in r.rubrics:
            rubric = self.rubrics[res.rubric_id]
            cells = table.add_row().cells
            cells[0].text = rubric.title(lang)
            if res.status == "complete":
                cells[1].text = _fmt_total(res.total, lang)
                cells[2].text = res.outcome.label(lang) if res.outcome else ""
            else:
                cells[1].text = f"{_fmt_total(res.partial_total, lang)} ({t('provisional', lang)})"
                cells[2].text = t("incomplete", lang)
            cells[3].text = f"{res.received} / {res.expected}"
            cells[4].text = str(res.flags)
        if r.reasons:
            doc.heading(t("reasons", lang), 3)
            for reason in self._reasons():
                doc.para(reason, "List Bullet")
        self.gates(doc)
        self.chart(doc)

    def _reasons(self) -> list[str]:
        lang, out = self.lang, []
        for res in self.r.rubrics:
            rubric = self.rubrics[res.rubric_id]
            for crit in res.criteria:
                if crit.critical_failed:
                    title = rubric.criterion(crit.criterion_id).title(lang)
                    out.append(
                        f"{crit.criterion_id} {title}: {t('critical', lang)} "
                        f"({_fmt(crit.value, lang)})"
                    )
        for gate in self.r.gates:
            if gate.status == "failed":
                out.append(
                    f"{t('gates', lang)}: {gate_label(gate.gate_id, lang)} – {t('failed', lang)}"
                )
        return out

    def gates(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(t("gates", lang), 2)
        table = doc.table(1, 3, TABLE, [6.5, 6.5, 4.0])
        head = table.rows[0].cells
        head[0].text, head[1].text, head[2].text = (
            t("gate", lang),
            t("gate_status", lang),
            t("gate_hint", lang),
        )
        for gate in self.r.gates:
            cells = table.add_row().cells
            cells[0].text = clean(gate_label(gate.gate_id, lang))
            votes = ", ".join(
                f"{self.who(label)}: {t('yes' if v else 'no', lang)}"
                for label, v in gate.votes.items()
            )
            cells[1].text = t(gate.status, lang) + (f" ({votes})" if votes else "")
            if gate.hint is None:
                cells[2].text = t("none", lang)
            else:
                cells[2].text = ""
                doc.restyle(cells[2].paragraphs[0], HINT)
                cells[2].paragraphs[0].add_run(
                    t("looks_present" if gate.hint else "looks_missing", lang)
                )

    def chart(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(t("chart", lang), 2)
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
                cells[2].text = _fmt(crit.value, lang) + (" ⚑" if crit.flagged else "")

    def rubric_section(self, doc: Styled, res: RubricResult, rubric: Rubric) -> None:
        lang = self.lang
        doc.heading(rubric.title(lang), 1)
        for crit in res.criteria:
            criterion = rubric.criterion(crit.criterion_id)
            doc.heading(
                f"{criterion.id} {criterion.title(lang)} "
                f"({t('weight', lang)} {criterion.weight:g})",
                2,
            )
            line = (
                f"{t('consolidated', lang)}: {_fmt(crit.value, lang)} · "
                f"{t('spread', lang)}: "
                f"{crit.spread if crit.spread is not None else t('none', lang)}"
            )
            doc.para(line)
            if crit.flagged:
                doc.para(t("disagreement", lang), FLAG)
            if crit.critical_failed:
                doc.para(t("critical", lang), FLAG)
            if not crit.scores:
                continue
            table = doc.table(
                1,
                3,
                TABLE,
                [4.2 if self.coordinator else 3.0, 1.8, 11.0 if self.coordinator else 12.2],
            )
            head = table.rows[0].cells
            head[0].text, head[1].text, head[2].text = (
                t("reviewer", lang),
                t("score", lang),
                t("comment", lang),
            )
            for label, score in crit.scores.items():
                review = self.d.review_of(label)
                cells = table.add_row().cells
                cells[0].text = self.who(label)
                cells[1].text = _fmt(score, lang)
                comment = review.comments.get(criterion.id, "") if review else ""
                doc.restyle(cells[2].paragraphs[0], COMMENT)
                cells[2].paragraphs[0].add_run(self.text(comment))

    def strengths(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(t("swr", lang), 1)
        for ri in self.d.rubrics:
            for review in ri.reviews:
                doc.heading(f"{self.who(review.label)} · {ri.rubric.title(lang)}", 3)
                for key in ("strengths", "weaknesses", "recommendations"):
                    value = getattr(review, key)
                    para = doc.para("", COMMENT)
                    para.add_run(f"{t(key, lang)}: ").bold = True
                    para.add_run(self.text(value) if value else t("none", lang))

    def findings(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(t("findings", lang), 1)
        doc.para(t("findings_note", lang), HINT)
        if not self.d.findings:
            doc.para(t("no_findings", lang), HINT)
            return
        for finding in self.d.findings:
            if not isinstance(finding, dict):
                continue
            met = finding_met(finding)
            gate = finding_gate(finding)
            head = clean(finding_text(finding, lang) or (gate_label(gate, lang) if gate else ""))
            if met is not None:
                head += f" – {t('looks_present' if met else 'looks_missing', lang)}"
            para = doc.para("", HINT)
            para.add_run(head).bold = True
            for where, snippet in finding_evidence(finding):
                doc.para(clean(f"{where}: „{snippet}“" if where else f"„{snippet}“"), HINT)

    def coordinator_section(self, doc: Styled) -> None:
        lang = self.lang
        doc.heading(t("coordinator", lang), 1)
        table = doc.table(1, 7, TABLE, [2.0, 2.6, 3.4, 2.6, 2.4, 2.0, 2.0])
        keys = ("reviewer", "name", "email", "municipality", "rubric", "status", "submitted_at")
        for cell, key in zip(table.rows[0].cells, keys, strict=True):
            cell.text = t(key, lang)
        for info in self.d.reviewers:
            cells = table.add_row().cells
            values = _info_row(info)
            for cell, value in zip(cells, values, strict=True):
                cell.text = clean(value)
        for res in self.r.rubrics:
            title = self.rubrics[res.rubric_id].title(lang)
            if res.extra_review:
                doc.para(f"{title}: {t('extra_review', lang)}", FLAG)
                for reason in res.extra_review_reasons:
                    doc.para(reason, "List Bullet")
            if res.problems:
                doc.para(f"{title}: {t('problems', lang)}", FLAG)
                for problem in res.problems:
                    doc.para(clean(problem), "List Bullet")
        if self.r.reasons:
            doc.para(t("reasons", lang), FLAG)
            for reason in self.r.reasons:
                doc.para(clean(reason), "List Bullet")

    def build(self, template_dir: Path | None = None) -> DocumentObject:
        doc = open_template(TEMPLATE, template_dir)
        styled = Styled(doc, TEMPLATE, template_dir)
        self.cover(styled)
        self.summary(styled)
        for res in self.r.rubrics:
            self.rubric_section(styled, res, self.rubrics[res.rubric_id])
        self.strengths(styled)
        self.findings(styled)
        if self.coordinator:
            self.coordinator_section(styled)
        when = datetime.combine(self.d.compiled_on, time(12), tzinfo=UTC)
        anonymise_properties(
            doc,
            title=f"{t('title', self.lang)}: {clean(self.d.municipality)}",
            subject=clean(self.d.plan_title),
            language=self.lang,
            keywords=clean(self.d.round_name),
            when=when,
        )
        return doc


def _info_row(info: ReviewerIdentity) -> tuple[str, ...]:
    submitted = info.submitted_at.strftime("%Y-%m-%d %H:%M") if info.submitted_at else ""
    return (
        info.label,
        info.name,
        info.email,
        info.municipality,
        info.rubric,
        info.status,
        submitted,
    )


def build_consolidated(
    dossier: PlanDossier, result: PlanResult, edition: Edition, template_dir: Path | None = None
) -> DocumentObject:
    return _Writer(dossier, result, edition).build(template_dir)


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
