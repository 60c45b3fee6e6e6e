"""Prefect flow `compile_reviews`: the consolidated review of every plan of a round (a task per
chunk of plans, in parallel), then the round summary, the exports and PDF copies, and a table artifact
(plan, outcome, totals, flags, documents) in the Prefect UI.

Each task wraps one function of `review.consolidation.pipeline`, the same ones `peerplan compile`
calls: `gather_with_exchange` and `compile_dossiers` (`compile_plans` in two steps: gathered once,
rendered in chunks), `compile_round_outputs` for the round (with the dossiers gathered once).

Both cores: python-docx is pure Python, CPU-bound and GIL-bound, so Prefect's thread task runner
alone would render one document at a time. The plan tasks hand the rendering to a process pool
shared by the run (one process per core); the threads only wait.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
from pydantic import BaseModel, Field

from flows.artifacts import artifact_key, publish_round_progress, run_name
from flows.chunks import chunks
from flows.forms import optional
from review.config import load_settings
from review.consolidation.gather import PlanDossier
from review.consolidation.pipeline import (
    RoundOutputs,
    compile_dossiers,
    compile_round_outputs,
    default_out_dir,
    gather_with_exchange,
    only_plans,
)
from review.consolidation.render import PlanReport, default_workers, renderer_pool
from review.db import get_engine, session_scope
from review.rounds import get_round

_pool: ProcessPoolExecutor | None = None


class CompileParameters(BaseModel):
    """Consolidated reviews of a round's plans / Konsolidierte Gutachten der Pläne einer Runde."""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    out_dir: str | None = optional(
        "Folder for the documents; empty: <data dir>/output/<round> / "
        "Ordner der Dokumente; leer: <Datenordner>/output/<Runde>"
    )
    plan_ids: list[int] | None = optional(
        "Only these plans (ids); empty: every plan / Nur diese Pläne (IDs); leer: alle Pläne"
    )
    workers: int | None = optional(
        "Processes rendering documents; empty: one per core / "
        "Prozesse für die Dokumente; leer: einer je Kern",
        ge=1,
    )
    pdf: bool = Field(
        default=True,
        description="PDF copies when LibreOffice is installed / "
        "PDF-Kopien, wenn LibreOffice installiert ist",
    )


def _renderers(workers: int) -> ProcessPoolExecutor:
    global _pool  # one pool per flow-run process, reused by every plan task
    if _pool is None:
        _pool = renderer_pool(workers)
    return _pool


@task(name="gather-plans", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def gather_plans(round_name: str) -> list[PlanDossier]:
    """Every plan's dossier with the exchange's additions, read from the whole round once: for
    the plans' documents and for the round summary."""
    with session_scope(get_engine(load_settings())) as session:
        return gather_with_exchange(session, get_round(session, round_name))


@task(name="compile-plans", task_run_name="compile-plans-{label}", cache_policy=NO_CACHE)
def compile_plan_chunk(
    round_name: str, dossiers: list[PlanDossier], out_dir: str, workers: int, label: str
) -> list[PlanReport]:
    with session_scope(get_engine(load_settings())) as session:
        return compile_dossiers(
            session,
            get_round(session, round_name),
            dossiers,
            Path(out_dir),
            renderers=_renderers(workers),
        )


# NO_CACHE: the default cache key would hash every dossier of the round.
@task(name="round-summary", cache_policy=NO_CACHE)
def compile_summary(
    round_name: str,
    reports: list[PlanReport],
    dossiers: list[PlanDossier],
    out_dir: str,
    pdf: bool,
    workers: int,
) -> RoundOutputs:
    with session_scope(get_engine(load_settings())) as session:
        return compile_round_outputs(
            session,
            get_round(session, round_name),
            reports,
            Path(out_dir),
            pdf=pdf,
            workers=workers,
            dossiers=dossiers,
        )


def artifact_rows(reports: list[PlanReport]) -> list[dict[str, str]]:
    rows = []
    for report in reports:
        rows.append(
            {
                "plan": str(report.plan_id),
                "municipality": report.municipality,
                "outcome": report.outcome,
                "totals": ", ".join(
                    f"{k} {'–' if v is None else f'{v:.1f}'}" for k, v in report.totals.items()
                ),
                "flags": str(report.flags),
                "extra review": "yes" if report.extra_review else "",
                "municipality edition": report.municipality_docx.as_uri(),
                "coordinator edition": report.coordinator_docx.as_uri(),
            }
        )
    return rows


# Threads only wait for the renderers and the database. Prefect types `task_runner` as
# TaskRunner[PrefectFuture], which its own ThreadPoolTaskRunner does not match (invariant).
@flow(
    name="compile_reviews",
    flow_run_name=run_name("documents"),
    log_prints=True,
    task_runner=ThreadPoolTaskRunner(max_workers=16),  # type: ignore[arg-type]
)
def compile_reviews(parameters: CompileParameters) -> dict:
    """Write every consolidated review of a round, the round summary, the exports and PDFs."""
    out_dir = (
        Path(parameters.out_dir)
        if parameters.out_dir
        else default_out_dir(load_settings(), parameters.round_name)
    ).resolve()
    workers = parameters.workers or default_workers()
    dossiers = gather_plans(parameters.round_name)
    wanted = only_plans(dossiers, parameters.plan_ids)
    # A few chunks, not a task per plan; gathered once, since gathering reads the whole round
    # (the exchange compares a plan with every other). quote(): Prefect need not look for
    # futures inside the dossiers.
    futures = [
        compile_plan_chunk.submit(  # type: ignore[call-overload]  # quote() wraps the list
            parameters.round_name,
            quote(chunk),
            str(out_dir),
            workers,
            f"{chunk[0].plan_id}-{chunk[-1].plan_id}",
        )
        for chunk in chunks(wanted, workers)
    ]
    reports = [report for future in futures for report in future.result()]
    outputs = compile_summary(  # type: ignore[call-overload]  # quote() wraps the list
        parameters.round_name,
        reports,
        quote(dossiers),
        str(out_dir),
        parameters.pdf,
        workers,
    )
    # A run for some plans (the trigger when a plan's last review arrives) gets its own key:
    # under the round's key it would replace the table of every plan with its one row.
    partial = parameters.plan_ids is not None
    create_table_artifact(
        key=artifact_key("compile-reviews", parameters.round_name)
        + ("-plans-" + "-".join(map(str, sorted(parameters.plan_ids or []))) if partial else ""),
        table=artifact_rows(reports),
        description=f"Consolidated reviews of round '{parameters.round_name}' in {out_dir}",
    )
    publish_round_progress(parameters.round_name, ["compile"])
    for note in outputs.notes:
        print(f"note: {note}")
    print(f"{len(reports)} plan(s) compiled into {out_dir}")
    return {
        "out_dir": str(out_dir),
        "plans": {r.plan_id: r.outcome_id or "incomplete" for r in reports},
        "summary": str(outputs.summary_docx),
        "exports": [str(p) for p in outputs.exports],
        "pdfs": [str(p) for p in outputs.pdfs],
        "notes": outputs.notes,
    }


if __name__ == "__main__":
    import sys

    compile_reviews(CompileParameters(round_name=sys.argv[1]))
