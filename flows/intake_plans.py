"""Prefect flow `intake_plans`: take in a round's plan files, reading them in parallel.

Thin: every rule lives in `review.intake`. The files are split into chunks (flows/chunks.py), a
task per chunk, not per file: each task run costs a round trip to the Prefect server, more than
reading a small plan. A chunk task hands its files to a pool of reading processes shared by the
run (pypdf is pure Python, so threads would share one core); the pool forks from the flow's
process, so its workers start with everything imported, Prefect included (Prefect's own
process task runner spawns workers that import Prefect and peerplan again: seconds each).
Registration then runs chunk by chunk in the flow's process, in the order the files were given,
one transaction per chunk (review.intake.bulk), while later chunks are still being read.
Reading retries a chunk only on I/O errors of the file system (a network share hiccups; reading
a file again changes nothing); a bad file is a refusal, never retried.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import Field

from flows.artifacts import (
    artifact_key,
    errors_said,
    publish_round_progress,
    round_translator,
    run_name,
)
from flows.chunks import chunks
from flows.deployments import spec
from flows.forms import Form, optional
from flows.parts import on_workers, run_part
from review.asked_parts import asked_in
from review.config import Settings, load_settings
from review.coordinator import artifacts, run_log
from review.db import get_engine, session_scope
from review.intake import IntakeOutcome, Planned, Reading, collect_sources, plan_sources
from review.intake.batch import (
    default_workers,
    read_chunk,
    reading_pool,
    register_readings,
    split_by_municipality,
    write_manifest,
)
from review.rounds import get_round

ACTOR = "flow:intake_plans"
LARGEST_CHUNK = 25  # files per task: registration of the first chunks starts early


class IntakeRequest(Form):
    """Plans to take in / Einzulesende Pläne."""

    round_name: str = Field(description="The review round / Die Begutachtungsrunde")
    paths: list[str] = Field(
        description="Plan files (PDF, DOCX), folders or manifest CSVs (file,municipality) on the "
        "machine running the flow / Plandateien (PDF, DOCX), Ordner oder Manifest-CSVs "
        "(Datei,Gemeinde) auf dem Rechner, der den Flow ausführt"
    )
    municipality: str | None = optional(
        "Municipality of every file; empty: from the manifest or the file name / "
        "Gemeinde aller Dateien; leer: aus dem Manifest oder dem Dateinamen"
    )
    create_municipality: bool = Field(
        default=False,
        description="Add municipalities not yet in the round / "
        "Gemeinden, die noch nicht in der Runde sind, anlegen",
    )
    runs: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Flow runs to spread the files over, on the work pool's workers (when "
        "started from a deployment); 1: all in this run / Flow-Läufe, auf die die Dateien "
        "verteilt werden, auf den Workern des Pools (wenn aus einem Deployment gestartet); "
        "1: alle in diesem Lauf",
    )
    part: str | None = optional(
        "Set by a run that spreads the files: this run's part ('2 of 4') / Von einem "
        "verteilenden Lauf gesetzt: der Teil dieses Laufs ('2 of 4')"
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
            round_=get_round(session, round_name),
            planned=chunk,
            readings=readings,
            actor=ACTOR,
            settings=settings,
        )


# Threads only wait for the reading processes and the database. Prefect types `task_runner` as
# TaskRunner[PrefectFuture], which its own ThreadPoolTaskRunner does not match (invariant).
@flow(
    name="intake_plans",
    flow_run_name=run_name("intake"),
    task_runner=ThreadPoolTaskRunner(max_workers=8),  # type: ignore[arg-type]
)
@errors_said
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
        asked = asked_in(round_)
        planned, refusals = plan_sources(
            session, round_, sources, actor=ACTOR, create_municipality=request.create_municipality
        )
    outcomes: dict[int, IntakeOutcome] = dict(refusals)
    if request.runs > 1 and len(planned) > 1 and on_workers():
        return _spread(request, settings, planned, [outcomes[i] for i in sorted(outcomes)])
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
    t = round_translator(round_name)
    for outcome in ordered:
        if not outcome.taken_in:
            logger.warning(run_log.file_refused(outcome.error, t))
    create_table_artifact(
        key=artifact_key("intake", round_name) + _part_suffix(request.part),
        table=artifacts.intake_rows(ordered, t, asked),
        description=artifacts.intake_description(round_name, ordered, t),
    )
    publish_round_progress(round_name, ["intake"])
    return [o.to_dict() for o in ordered]


def _part_suffix(part: str | None) -> str:
    """Each part of a spread intake has its own table ('intake-runde-2026-part-2-of-4'): under
    the round's key, the last part to finish would replace the others' rows."""
    return "-part-" + part.replace(" ", "-") if part else ""


@task(name="intake-part", task_run_name="intake-part-{part}", cache_policy=NO_CACHE)
def intake_part(deployment: str, request: dict[str, Any], part: str, key: str) -> str:
    """A run of this flow's deployment for one part, on whichever worker takes it; waits for
    it. The idempotency key (parent run and part) makes a retried parent wait for the part it
    started instead of starting it again."""
    return run_part(deployment, {"request": request}, f"intake part {part}", key)


def _spread(
    request: IntakeRequest,
    settings: Settings,
    planned: list[Planned],
    refusals: list[IntakeOutcome],
) -> list[dict[str, Any]]:
    """The files in `request.runs` parts (every file of a municipality in one part), each taken
    in by its own run of this deployment; the parts' manifests lie in the data directory, which
    every worker shares. The parts publish their own tables; this run the refusals of the
    planning (unknown municipalities) and the round's progress."""
    parent = str(flow_run.get_id())
    target = f"intake_plans/{spec('intake_plans').name}"
    parts = split_by_municipality(planned, request.runs)
    folder = settings.data_dir / "intake" / artifact_key("parts", request.round_name)
    futures = []
    for number, part in enumerate(parts, start=1):
        label = f"{number} of {len(parts)}"
        manifest = write_manifest(folder / f"{parent}-{number}.csv", part)
        sub = request.model_copy(update={"paths": [str(manifest)], "runs": 1, "part": label})
        futures.append(
            intake_part.submit(
                target, sub.model_dump(mode="json"), label, f"{parent}-part-{number}"
            )
        )
    runs = [future.result() for future in futures]
    t = round_translator(request.round_name)
    key = artifact_key("intake", request.round_name)
    create_table_artifact(
        key=key,
        table=artifacts.spread_intake_rows(refusals, t),
        description=artifacts.spread_intake_description(
            request.round_name, len(parts), f"{key}-part-N-of-{len(parts)}", len(refusals), t
        ),
    )
    publish_round_progress(request.round_name, ["intake"])
    return [o.to_dict() for o in refusals] + [
        {"part": f"{n} of {len(parts)}", "flow_run": run, "files": len(part)}
        for n, (run, part) in enumerate(zip(runs, parts, strict=True), start=1)
    ]
