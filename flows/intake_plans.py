"""Prefect flow `intake_plans`: take in a round's plan files, reading them in parallel.

Thin: every rule lives in `review.intake`. The files are split into chunks (flows/chunks.py), a
task per chunk, not per file: each task run costs a round trip to the Prefect server, more than
reading a small plan. A chunk task hands its files to a pool of reading processes shared by the
run (pypdf is pure Python, so threads would share one core); the pool forks from the flow's
process, so its workers start with everything imported, Prefect included (Prefect's own
process task runner spawns workers that import Prefect and peerplan again: seconds each).
Registration then runs chunk by chunk in the flow's process, in the order the files were given,
one commit per file, while later chunks are still being read. Reading retries a chunk only on
I/O errors of the file system (a network share hiccups; reading a file again changes nothing);
a bad file is a refusal, never retried.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, Field

from flows.artifacts import artifact_key, publish_round_progress, run_name
from flows.chunks import chunks
from flows.forms import optional
from review.config import Settings, load_settings
from review.db import get_engine, session_scope
from review.intake import IntakeOutcome, Planned, Reading, collect_sources, plan_sources
from review.intake.batch import default_workers, read_chunk, reading_pool, register_readings
from review.intake.report import missing
from review.rounds import get_round

ACTOR = "flow:intake_plans"
LARGEST_CHUNK = 25  # files per task: registration of the first chunks starts early


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
    name="read-plans",
    task_run_name="read-plans-{label}",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=_io_error_only,
    cache_policy=NO_CACHE,
)
def read_plans(
    settings: Settings, chunk: list[Planned], readers: Executor, label: str
) -> list[Reading]:
    return read_chunk(settings, [item.source for item in chunk], readers)


@task(name="register-plans", task_run_name="register-plans-{label}", cache_policy=NO_CACHE)
def register_plans(
    settings: Settings, round_name: str, chunk: list[Planned], readings: list[Reading], label: str
) -> dict[int, IntakeOutcome]:
    with session_scope(get_engine(settings)) as session:
        return register_readings(
            session,
            settings,
            round_=get_round(session, round_name),
            planned=chunk,
            readings=readings,
            actor=ACTOR,
        )


# Threads only wait for the reading processes and the database. Prefect types `task_runner` as
# TaskRunner[PrefectFuture], which its own ThreadPoolTaskRunner does not match (invariant).
@flow(
    name="intake_plans",
    flow_run_name=run_name("intake"),
    task_runner=ThreadPoolTaskRunner(max_workers=8),  # type: ignore[arg-type]
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
    outcomes: dict[int, IntakeOutcome] = dict(refusals)
    workers = min(default_workers(), max(1, len(planned)))
    with reading_pool(workers) as readers:
        parts = [
            (chunk, f"{chunk[0].index + 1}-{chunk[-1].index + 1}")
            for chunk in chunks(planned, workers, LARGEST_CHUNK)
        ]
        futures = [read_plans.submit(settings, chunk, readers, name) for chunk, name in parts]
        for (chunk, name), future in zip(parts, futures, strict=True):
            outcomes |= register_plans(settings, round_name, chunk, future.result(), name)
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
