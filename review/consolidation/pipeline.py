"""Compiling a round: the two functions the CLI (`peerplan compile`) and the flow
(`compile_reviews`) both call, and `compile_round`, which is the two in a row.

- `compile_plans`, per plan: gather (`gather`), score (`rules`), write both editions of the
  consolidated review (`render`, `plan_document`), record the audit event `plan.compiled`;
- `compile_round_outputs`, per round: the round summary (`summary`), the shared and coordinator
  exports (`exports`) over every plan of the round, and PDF copies of what was written.

The output folder, laid out so that what may be shared is apart:

    OUT/municipality/0007-tulln.docx (.pdf)      one per plan, for the plan's municipality
    OUT/municipality/0007-tulln-actions.xlsx      its action list
    OUT/summary/round-summary.docx (.pdf)         comparing plans; no reviewer in it
    OUT/summary/round-scores.xlsx, .csv           every score and comment, blind-safe
    OUT/coordinator/0007-tulln-coordinator.docx   with names and emails
    OUT/coordinator/round-scores-coordinator.xlsx, .csv
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path

from pydantic import BaseModel, Field
from sqlmodel import Session

from review import events
from review.config import Settings
from review.consolidation.exports import review_records, write_csv, write_xlsx
from review.consolidation.gather import PlanDossier, PlanRow, gather_earlier, gather_round
from review.consolidation.render import (
    COORDINATOR_DIR,
    SUMMARY_DIR,
    PlanReport,
    render_plans,
)
from review.consolidation.summary import write_summary_docx
from review.documents.pdf import convert_to_pdf
from review.documents.text import slug
from review.exchange.calibration import leniencies, plan_leniencies
from review.exchange.history import histories
from review.exchange.learning import lessons
from review.models import Round
from review.rubric import Rubric


class RoundOutputs(BaseModel):
    summary_docx: Path
    exports: list[Path]
    pdfs: list[Path]
    notes: list[str]
    timings: dict[str, float] = Field(default_factory=dict)  # seconds: summary, pdf


class CompileReport(BaseModel):
    round_name: str
    out_dir: Path
    plans: list[PlanReport]
    summary_docx: Path | None
    exports: list[Path]
    pdfs: list[Path]
    notes: list[str]
    seconds: float
    timings: dict[str, float] = {}  # seconds per step: plans, summary, pdf

    @property
    def files(self) -> list[Path]:
        docs = [p.municipality_docx for p in self.plans] + [p.coordinator_docx for p in self.plans]
        docs += [p.actions_xlsx for p in self.plans if p.actions_xlsx is not None]
        return docs + ([self.summary_docx] if self.summary_docx else []) + self.exports + self.pdfs


def default_out_dir(settings: Settings, round_name: str) -> Path:
    """Where a round's documents go unless told otherwise: `<output dir>/<round slug>`."""
    return settings.output_dir / slug(round_name, "round")


def record_compiled(
    session: Session, round_id: int, report: PlanReport, *, actor: str = "system"
) -> None:
    """Audit event `plan.compiled`: `review.progress` counts a plan as compiled when this event is
    newer than its last submitted review. The payload names files, never a reviewer."""
    events.record(
        session,
        kind="plan.compiled",
        actor=actor,
        entity="plan",
        entity_id=report.plan_id,
        round_id=round_id,
        payload={
            "status": report.status,
            "outcome": report.outcome_id,
            "totals": report.totals,
            "flags": report.flags,
            "extra_review": report.extra_review,
            "files": [report.municipality_docx.name, report.coordinator_docx.name],
        },
    )


def with_exchange(
    dossiers: Sequence[PlanDossier],
    plan_ids: list[int] | None = None,
    earlier: dict[int, PlanDossier] | None = None,
) -> list[PlanDossier]:
    """The dossiers of `plan_ids` (default: all) with what the exchange adds from the whole
    round (`dossiers` holds every plan of it): the lessons from peers, the reviewers' leniency,
    and the history against `earlier` (plan id -> the same municipality's earlier dossier)."""
    rows = [PlanRow(d, d.score()) for d in dossiers]
    learned = lessons(rows, plan_ids)
    calibration = leniencies(rows)
    wanted = set(plan_ids) if plan_ids is not None else None
    chosen = [row for row in rows if wanted is None or row.dossier.plan_id in wanted]
    past = histories(chosen, earlier or {})
    return [
        row.dossier.model_copy(
            update={
                "lessons": learned.get(row.dossier.plan_id, []),
                "leniency": plan_leniencies(row.dossier, calibration),
                "history": past.get(row.dossier.plan_id),
            }
        )
        for row in chosen
    ]


def gather_with_exchange(
    session: Session,
    round_: Round,
    *,
    plan_ids: list[int] | None = None,
    rubrics: dict[str, Rubric] | None = None,
) -> list[PlanDossier]:
    """`gather_round` for `plan_ids` (default: every plan) with the exchange's additions, read
    from the whole round and from the municipalities' plans in earlier rounds."""
    dossiers = gather_round(session, round_, rubrics=rubrics)
    targets = only_plans(dossiers, plan_ids)
    earlier = gather_earlier(session, round_, targets, rubrics=rubrics)
    return with_exchange(dossiers, plan_ids, earlier)


def only_plans(dossiers: Sequence[PlanDossier], plan_ids: list[int] | None) -> list[PlanDossier]:
    """The dossiers of `plan_ids` (default: all), in their order. A plan's exchange additions do
    not depend on which other plans were asked for, so the whole round gathered once serves a
    run for some plans too."""
    if plan_ids is None:
        return list(dossiers)
    wanted = set(plan_ids)
    return [d for d in dossiers if d.plan_id in wanted]


def compile_plans(
    session: Session,
    round_: Round,
    out_dir: Path,
    *,
    plan_ids: list[int] | None = None,
    workers: int | None = None,
    renderers: Executor | None = None,
    rubrics: dict[str, Rubric] | None = None,
) -> list[PlanReport]:
    """Both editions of the consolidated review of every plan of the round (or of `plan_ids`),
    each recorded as `plan.compiled`. Rendering runs in `renderers` when given (a pool shared
    between calls), else in a pool of `workers` processes started for this call."""
    dossiers = gather_with_exchange(session, round_, plan_ids=plan_ids, rubrics=rubrics)
    return compile_dossiers(
        session, round_, dossiers, out_dir, workers=workers, renderers=renderers
    )


def compile_dossiers(
    session: Session,
    round_: Round,
    dossiers: Sequence[PlanDossier],
    out_dir: Path,
    *,
    workers: int | None = None,
    renderers: Executor | None = None,
) -> list[PlanReport]:
    """`compile_plans` for dossiers gathered once (`gather_with_exchange`) and rendered in
    chunks (the flow's tasks): the gathering reads the whole round, so a chunk that gathered
    again would read it once per chunk."""
    assert round_.id is not None
    reports = render_plans(dossiers, Path(out_dir), workers=workers, renderers=renderers)
    for report in reports:
        record_compiled(session, round_.id, report)
    session.flush()
    return reports


def write_round_outputs(
    round_name: str,
    language: str,
    dossiers: Sequence[PlanDossier],
    reports: Sequence[PlanReport],
    out_dir: Path,
    template_dir: Path | None = None,
) -> tuple[Path, list[Path]]:
    """The summary DOCX and the shared and coordinator exports, over every plan in `dossiers`
    (plans not rendered in this run are scored again: cheap, and the summary stays whole)."""
    results = {r.plan_id: r.result for r in reports}
    rows = [PlanRow(d, results[d.plan_id] if d.plan_id in results else d.score()) for d in dossiers]
    summary = write_summary_docx(
        rows,
        out_dir / SUMMARY_DIR / "round-summary.docx",
        round_name=round_name,
        language=language,
        template_dir=template_dir,
    )
    exports = [
        write_xlsx(rows, out_dir / SUMMARY_DIR / "round-scores.xlsx", identities=False),
        write_csv(
            *review_records(rows, identities=False), out_dir / SUMMARY_DIR / "round-scores.csv"
        ),
        write_xlsx(
            rows, out_dir / COORDINATOR_DIR / "round-scores-coordinator.xlsx", identities=True
        ),
        write_csv(
            *review_records(rows, identities=True),
            out_dir / COORDINATOR_DIR / "round-scores-coordinator.csv",
        ),
    ]
    return summary, exports


def compile_round_outputs(
    session: Session,
    round_: Round,
    reports: Sequence[PlanReport],
    out_dir: Path,
    *,
    pdf: bool = True,
    workers: int | None = None,
    rubrics: dict[str, Rubric] | None = None,
    dossiers: Sequence[PlanDossier] | None = None,
    documents_pdf: bool = True,
) -> RoundOutputs:
    """The round summary and the four exports over every plan of the round, then PDF copies of
    the documents in `reports` (unless `documents_pdf` is False: the parts of a spread compile
    made them) and of the summary (when LibreOffice is installed). `dossiers`:
    every plan of the round from `gather_with_exchange`, when the caller gathered them already
    for the plans' documents (gathering reads the whole round: 9 s at 100 plans under load)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    # The summary covers every plan, with its progress since an earlier round.
    if dossiers is None:
        dossiers = gather_with_exchange(session, round_, rubrics=rubrics)
    summary, exports = write_round_outputs(round_.name, round_.language, dossiers, reports, out_dir)
    timings = {"summary": round(time.perf_counter() - started, 3)}
    notes: list[str] = []
    pdfs: list[Path] = []
    if pdf:
        started = time.perf_counter()
        docx = [r.municipality_docx for r in reports] + [r.coordinator_docx for r in reports]
        docx = (docx if documents_pdf else []) + [summary]
        converted = convert_to_pdf(docx, workers=workers)
        pdfs = converted.converted
        if converted.note:
            notes.append(converted.note)
        timings["pdf"] = round(time.perf_counter() - started, 3)
    if not dossiers:
        notes.append(f"round '{round_.name}' has no plans yet")
    return RoundOutputs(
        summary_docx=summary, exports=exports, pdfs=pdfs, notes=notes, timings=timings
    )


def compile_round(
    session: Session,
    settings: Settings | None,
    round_: Round,
    out_dir: Path | None = None,
    *,
    workers: int | None = None,
    pdf: bool = True,
    rubrics: dict[str, Rubric] | None = None,
    plan_ids: list[int] | None = None,
) -> CompileReport:
    """`compile_plans` for every plan (or `plan_ids`), then `compile_round_outputs`; see the module
    docstring for the layout. `out_dir` defaults to `settings.output_dir / <round slug>`."""
    started = time.perf_counter()
    if out_dir is None:
        assert settings is not None
        out_dir = default_out_dir(settings, round_.name)
    out_dir = Path(out_dir)
    # Gathered once for both: the plans' documents and the summary over the whole round.
    dossiers = gather_with_exchange(session, round_, rubrics=rubrics)
    reports = compile_dossiers(
        session, round_, only_plans(dossiers, plan_ids), out_dir, workers=workers
    )
    plans_seconds = round(time.perf_counter() - started, 3)
    outputs = compile_round_outputs(
        session, round_, reports, out_dir, pdf=pdf, workers=workers, dossiers=dossiers
    )
    return CompileReport(
        round_name=round_.name,
        out_dir=out_dir,
        plans=reports,
        summary_docx=outputs.summary_docx,
        exports=outputs.exports,
        pdfs=outputs.pdfs,
        notes=outputs.notes,
        seconds=round(time.perf_counter() - started, 3),
        timings={"plans": plans_seconds, **outputs.timings},
    )
