"""Compiling a round: every plan's consolidated review (two editions), the round summary, the
exports and PDF copies, in an output folder laid out so that what may be shared is apart:

    OUT/municipality/0007-tulln.docx (.pdf)      one per plan, for the plan's municipality
    OUT/summary/round-summary.docx (.pdf)         comparing plans; no reviewer in it
    OUT/summary/round-scores.xlsx, .csv           every score and comment, blind-safe
    OUT/coordinator/0007-tulln-coordinator.docx   with names and emails
    OUT/coordinator/round-scores-coordinator.xlsx, .csv

File names are the plan id and the plan's municipality: they name no reviewer. Re-running
overwrites the same files (each written under a temporary name and renamed).

python-docx is pure Python: CPU-bound and holding the GIL, so threads do not help. Plans are
rendered in a process pool (`workers`, default: all cores); the database is read once, in the
calling process, and the workers get plain data (`PlanDossier`), never a connection.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session

from review import events
from review.config import Settings
from review.consolidation import PlanDossier, gather_round
from review.documents.consolidated import write_consolidated
from review.documents.pdf import convert_to_pdf
from review.documents.summary import (
    PlanRow,
    review_records,
    write_csv,
    write_summary_docx,
    write_xlsx,
)
from review.documents.text import slug
from review.models import Round
from review.rubric import Rubric
from review.scoring import PlanResult

MUNICIPALITY_DIR, COORDINATOR_DIR, SUMMARY_DIR = "municipality", "coordinator", "summary"


class PlanReport(BaseModel):
    plan_id: int
    municipality: str
    status: str
    outcome: str  # label in the round's language, or "incomplete"
    outcome_id: str | None
    totals: dict[str, float | None]
    flags: int
    extra_review: bool
    municipality_docx: Path
    coordinator_docx: Path
    result: PlanResult
    cpu_seconds: float = 0.0  # spent rendering, in whichever process did it
    worker_pid: int = 0  # the process that rendered it


class CompileReport(BaseModel):
    round_name: str
    out_dir: Path
    plans: list[PlanReport]
    summary_docx: Path | None
    exports: list[Path]
    pdfs: list[Path]
    notes: list[str]
    seconds: float
    timings: dict[str, float] = {}  # seconds per step: read, render, summary, pdf

    @property
    def files(self) -> list[Path]:
        docs = [p.municipality_docx for p in self.plans] + [p.coordinator_docx for p in self.plans]
        return docs + ([self.summary_docx] if self.summary_docx else []) + self.exports + self.pdfs


def file_stem(dossier: PlanDossier) -> str:
    return f"{dossier.plan_id:04d}-{slug(dossier.municipality)}"


def render_plan(
    dossier: PlanDossier, out_dir: Path, template_dir: Path | None = None
) -> PlanReport:
    """Score one plan and write both editions. Runs in a worker process: plain data in and out."""
    started = time.process_time()
    result = dossier.score()
    stem = file_stem(dossier)
    municipality_docx = write_consolidated(
        dossier, result, "municipality", out_dir / MUNICIPALITY_DIR / f"{stem}.docx", template_dir
    )
    coordinator_docx = write_consolidated(
        dossier,
        result,
        "coordinator",
        out_dir / COORDINATOR_DIR / f"{stem}-coordinator.docx",
        template_dir,
    )
    lang = dossier.language
    outcome = (
        result.outcome.label(lang)
        if result.outcome
        else ("unvollständig" if lang == "de" else "incomplete")
    )
    return PlanReport(
        plan_id=dossier.plan_id,
        municipality=dossier.municipality,
        status=result.status,
        outcome=outcome,
        outcome_id=result.outcome.id if result.outcome else None,
        totals={r.rubric_id: r.total if r.status == "complete" else None for r in result.rubrics},
        flags=result.flags,
        extra_review=result.extra_review,
        municipality_docx=municipality_docx,
        coordinator_docx=coordinator_docx,
        result=result,
        cpu_seconds=time.process_time() - started,
        worker_pid=os.getpid(),
    )


def _render_chunk(
    dossiers: list[PlanDossier], out_dir: Path, template_dir: Path | None
) -> list[PlanReport]:
    return [render_plan(d, out_dir, template_dir) for d in dossiers]


def default_workers() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def pool_context() -> multiprocessing.context.BaseContext:
    # forkserver: workers fork from a clean, single-threaded server, never from a process that
    # holds database connections or Prefect's threads (fork there can deadlock).
    # The server preloads the renderer once, so each worker starts by a cheap fork.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["review.compile"])
    return context


def render_plans(
    dossiers: Sequence[PlanDossier],
    out_dir: Path,
    *,
    workers: int | None = None,
    template_dir: Path | None = None,
) -> list[PlanReport]:
    workers = min(workers or default_workers(), max(1, len(dossiers)))
    if workers <= 1 or len(dossiers) < 4:
        return _render_chunk(list(dossiers), out_dir, template_dir)
    # A few chunks per worker: little pickling, yet balanced when plans differ in size.
    size = max(1, len(dossiers) // (workers * 4))
    chunks = [list(dossiers[i : i + size]) for i in range(0, len(dossiers), size)]
    with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
        futures = [pool.submit(_render_chunk, chunk, out_dir, template_dir) for chunk in chunks]
        return [report for future in futures for report in future.result()]


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
    """Write every document of a round; see the module docstring for the layout.

    `out_dir` defaults to `settings.output_dir / <round slug>`."""
    started = time.perf_counter()
    if out_dir is None:
        assert settings is not None
        out_dir = settings.output_dir / slug(round_.name, "round")
    out_dir = Path(out_dir)
    timings: dict[str, float] = {}
    mark = started

    def lap(step: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[step] = round(now - mark, 3)
        mark = now

    # Every plan for the summary; only `plan_ids` (default: all) get their documents rewritten.
    dossiers = gather_round(session, round_, rubrics=rubrics)
    lap("read")
    chosen = [d for d in dossiers if plan_ids is None or d.plan_id in plan_ids]
    reports = render_plans(chosen, out_dir, workers=workers)
    assert round_.id is not None
    for report in reports:
        record_compiled(session, round_.id, report)
    session.flush()
    lap("render")
    notes: list[str] = []
    summary, exports = write_round_outputs(round_.name, round_.language, dossiers, reports, out_dir)
    lap("summary")
    pdfs: list[Path] = []
    if pdf:
        docx = (
            [r.municipality_docx for r in reports]
            + [r.coordinator_docx for r in reports]
            + [summary]
        )
        converted = convert_to_pdf(docx, workers=workers)
        pdfs = converted.converted
        if converted.note:
            notes.append(converted.note)
        lap("pdf")
    if not dossiers:
        notes.append(f"round '{round_.name}' has no plans yet")
    return CompileReport(
        round_name=round_.name,
        out_dir=out_dir,
        plans=reports,
        summary_docx=summary,
        exports=exports,
        pdfs=pdfs,
        notes=notes,
        seconds=round(time.perf_counter() - started, 3),
        timings=timings,
    )
