"""Prefect flow `intake_plans`: take in a round's plan files, reading them in parallel.

Thin: every rule lives in `review.intake`. One task per document reads it in a worker process
(pypdf is pure Python, so threads would share one core); registration then runs in the flow's
process, in the order the files were given, one commit per file. Reading retries only on I/O
errors of the file system (a network share hiccups); a bad file is a refusal, never retried.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner
from pydantic import BaseModel, Field

from flows.artifacts import artifact_key, publish_round_progress, run_name
from flows.forms import optional
from review.config import Settings, load_settings
from review.db import get_engine, session_scope
from review.intake import (
    IntakeOutcome,
    Reading,
    collect_sources,
    plan_sources,
    read_source,
    register_reading,
)
from review.intake.batch import default_workers
from review.intake.report import missing
from review.rounds import get_round

ACTOR = "flow:intake_plans"


class IntakeRequest(BaseModel):
    """Plans to take in / Einzulesende Pläne."""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    paths: list[str] = Field(
        description="Plan files (PDF, DOCX), folders or manifest CSVs (file,municipality) on the "
        "machine running the flow / Plandateien (PDF, DOCX), Ordner oder Manifest-CSVs "
        "(Datei,Kommune) auf dem Rechner, der den Flow ausführt"
    )
    municipality: str | None = optional(
        "Municipality of every file; empty: from the manifest or the file name / "
        "Kommune aller Dateien; leer: aus dem Manifest oder dem Dateinamen"
    )
    create_municipality: bool = Field(
        default=False,
        description="Add municipalities not yet in the round / "
        "Kommunen, die noch nicht in der Runde sind, anlegen",
    )


def _io_error_only(task_: Any, task_run: Any, state: Any) -> bool:
    """Retry a read only when the file system failed, never because of the file's content."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(
    name="read-plan",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=_io_error_only,
    cache_policy=NO_CACHE,
)
def read_plan(path: str, file_name: str, settings: Settings) -> Reading:
    return read_source(path, file_name, settings)


@task(name="register-plan", cache_policy=NO_CACHE)
def register_plan(
    settings: Settings, round_name: str, municipality: str, reading: Reading
) -> IntakeOutcome:
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        return register_reading(
            session,
            settings,
            round_=round_,
            municipality=municipality,
            reading=reading,
            actor=ACTOR,
        )


@flow(
    name="intake_plans",
    flow_run_name=run_name("intake"),
    # Prefect's own annotation: `task_runner` is a TaskRunner[PrefectFuture], which its
    # ProcessPoolTaskRunner (a TaskRunner[PrefectConcurrentFuture]) is not to an invariant checker.
    task_runner=ProcessPoolTaskRunner(max_workers=default_workers()),  # type: ignore[arg-type]
)
def intake_plans(request: IntakeRequest) -> list[dict[str, Any]]:
    """Register a round's plans (PDF, DOCX: files, folders or manifest CSVs `file,municipality`
    on the machine running the flow) and pre-check their completeness. A table artifact lists
    each file with its municipality, length (a PDF's pages, a Word file's paragraphs), language,
    completeness, what is missing (in words) and problems or refusal.
    / Pläne einer Runde registrieren und auf Vollständigkeit vorprüfen."""
    logger = get_run_logger()
    settings = load_settings()
    round_name = request.round_name
    sources = collect_sources(request.paths, request.municipality)
    with session_scope(get_engine(settings)) as session:
        round_ = get_round(session, round_name)
        planned, refusals = plan_sources(
            session, round_, sources, actor=ACTOR, create_municipality=request.create_municipality
        )
    futures = [read_plan.submit(str(p.source.path), p.source.file_name, settings) for p in planned]
    outcomes: dict[int, IntakeOutcome] = dict(refusals)
    for item, future in zip(planned, futures, strict=True):
        outcomes[item.index] = register_plan(
            settings, round_name, item.municipality, future.result()
        )
    ordered = [outcomes[i] for i in sorted(outcomes)]
    for outcome in ordered:
        if not outcome.taken_in:
            logger.warning("refused: %s", outcome.error)
    create_table_artifact(
        key=artifact_key("intake", round_name),
        table=[artifact_row(o) for o in ordered],
        description=f"Intake into round '{round_name}': {sum(o.taken_in for o in ordered)} "
        f"taken in, {sum(not o.taken_in for o in ordered)} refused. Completeness: automatic "
        "hints, not a verdict / automatische Hinweise, keine Bewertung.",
    )
    publish_round_progress(round_name, ["intake"])
    return [o.to_dict() for o in ordered]


def artifact_row(o: IntakeOutcome) -> dict[str, Any]:
    return {
        "file": o.file_name,
        "municipality": o.municipality,
        "status": o.status,
        "version": o.version or "",
        "length": o.extent,
        "language": o.language or "",
        "completeness": o.completeness,
        "missing": missing(o.findings, "en"),
        "problems": o.error if not o.taken_in else "; ".join(o.problems),
    }
