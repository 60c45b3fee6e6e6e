"""Render, per plan: score a plan and write both editions of its consolidated review, in a pool
of processes when there are several plans.

    OUT/municipality/0007-tulln.docx              for the plan's municipality (blind-safe)
    OUT/municipality/0007-tulln-actions.xlsx      its action list as a spreadsheet
    OUT/coordinator/0007-tulln-coordinator.docx   with names and emails

File names are the plan id and the plan's municipality: they name no reviewer. Re-running
overwrites the same files (each written under a temporary name and renamed).

python-docx is pure Python: CPU-bound and holding the GIL, so threads do not help. Plans are
rendered in a process pool (`workers`, default: all cores); the database is read in the calling
process, and the workers get plain data (`PlanDossier`), never a connection.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path

from pydantic import BaseModel

from review.consolidation.action_sheet import write_action_sheet
from review.consolidation.gather import PlanDossier
from review.consolidation.plan_document import write_consolidated
from review.consolidation.rules import PlanResult
from review.documents.text import slug
from review.i18n import translator

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
    actions_xlsx: Path | None = None  # the action list, for the municipality
    result: PlanResult
    cpu_seconds: float = 0.0  # spent rendering, in whichever process did it
    worker_pid: int = 0  # the process that rendered it


def plan_stem(plan_id: int, municipality: str) -> str:
    """A plan's file names: its id and its municipality's name, never a reviewer's."""
    return f"{plan_id:04d}-{slug(municipality)}"


def file_stem(dossier: PlanDossier) -> str:
    return plan_stem(dossier.plan_id, dossier.municipality)


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
    actions_xlsx = write_action_sheet(
        dossier, result, out_dir / MUNICIPALITY_DIR / f"{stem}-actions.xlsx"
    )
    lang = dossier.language
    outcome = (
        result.outcome.label(lang) if result.outcome else translator(lang).gettext("incomplete")
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
        actions_xlsx=actions_xlsx,
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
    context.set_forkserver_preload([__name__])
    return context


def renderer_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of rendering processes (default: one per core); the caller shuts it down."""
    return ProcessPoolExecutor(workers or default_workers(), mp_context=pool_context())


def render_plans(
    dossiers: Sequence[PlanDossier],
    out_dir: Path,
    *,
    workers: int | None = None,
    template_dir: Path | None = None,
    renderers: Executor | None = None,
) -> list[PlanReport]:
    """Both editions of every plan in `dossiers`, in their order. `renderers`: a pool the caller
    shares between calls (the flow's plan tasks); otherwise a pool is started for this call when
    there are enough plans to pay for it."""
    workers = min(workers or default_workers(), max(1, len(dossiers)))
    if renderers is not None:
        return _render_in(renderers, dossiers, out_dir, workers, template_dir)
    if workers <= 1 or len(dossiers) < 4:
        return _render_chunk(list(dossiers), out_dir, template_dir)
    with renderer_pool(workers) as pool:
        return _render_in(pool, dossiers, out_dir, workers, template_dir)


def _render_in(
    pool: Executor,
    dossiers: Sequence[PlanDossier],
    out_dir: Path,
    workers: int,
    template_dir: Path | None,
) -> list[PlanReport]:
    # A few chunks per worker: little pickling, yet balanced when plans differ in size.
    size = max(1, len(dossiers) // (workers * 4))
    chunks = [list(dossiers[i : i + size]) for i in range(0, len(dossiers), size)]
    futures = [pool.submit(_render_chunk, chunk, out_dir, template_dir) for chunk in chunks]
    return [report for future in futures for report in future.result()]
