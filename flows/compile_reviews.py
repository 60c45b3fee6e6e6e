"""Prefect flow `compile_reviews`: the consolidated review of every plan of a round (a task per
chunk of plans, in parallel), then the round summary, the exports and PDF copies, and a table artifact
(plan, outcome, totals, flags, documents) in the Prefect UI.

Each task wraps one function of `review.consolidation.pipeline`, the same ones `peerplan compile`
calls: `gather_with_exchange` and `compile_dossiers` (`compile_plans` in two steps: gathered once,
rendered in chunks), `compile_round_outputs` for the round (with the dossiers gathered once).

Both cores: python-docx is pure Python, CPU-bound and GIL-bound, so Prefect's thread task runner
alone would render one document at a time. The plan tasks hand the rendering to a process pool
shared by the run (one process per core); the threads only wait.

Several machines (`runs` > 1, started from a deployment): the plans' documents and their PDF
copies are made in `runs` parts, each by its own run of this deployment on whichever worker
takes it (`review.consolidation.parts`: the parts' dossiers and reports lie in the shared data
directory; a part already made is not made again); this run holds the round against a second
spread compile, and writes the round's outputs once every part is done. Started by hand (no
workers), everything runs in this process as before.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run, task_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote
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
from review.config import Settings, load_settings
from review.consolidation import parts as compile_parts
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
from review.coordinator import artifacts, run_log
from review.db import get_engine, session_scope
from review.rounds import get_round

_pool: ProcessPoolExecutor | None = None


class CompileParameters(Form):
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
    runs: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Flow runs to spread the plans' documents over, on the work pool's workers "
        "(when started from a deployment); 1: all in this run / Flow-Läufe, auf die die "
        "Dokumente der Pläne verteilt werden, auf den Workern des Pools (wenn aus einem "
        "Deployment gestartet); 1: alle in diesem Lauf",
    )
    part: str | None = optional(
        "Set by a run that spreads the plans: the file of this run's part (in the data "
        "directory) / Von einem verteilenden Lauf gesetzt: die Datei des Teils dieses Laufs"
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


@task(name="compile-part", cache_policy=NO_CACHE)
def compile_part(part: str, workers: int, round_name: str) -> int:
    """The documents of one part's plans and their PDF copies, unless a run made them already;
    how many plans."""
    made, rendered = compile_parts.compile_part(
        load_settings(), Path(part), workers=workers, renderers=_renderers(workers)
    )
    t = round_translator(round_name)
    get_run_logger().info(
        run_log.part_compiled(Path(part).stem, len(made.reports), len(made.pdfs or []), rendered, t)
    )
    for note in made.notes:
        print(run_log.note(note, t))
    return len(made.reports)


@task(
    name="compile-part-run",
    task_run_name="compile-part-{label}",
    retries=1,
    retry_delay_seconds=5,
    cache_policy=NO_CACHE,
)
def compile_part_run(deployment: str, parameters: dict, label: str, key: str) -> str:
    """A run of this flow's deployment for one part, on whichever worker takes it. The key
    (spreading run, part, attempt) makes a retried spreading run wait for the part run it
    started; a retry of this task, after its part run crashed, starts a new one, which skips
    the part if the crashed run had rendered it."""
    return run_part(
        deployment,
        {"parameters": parameters},
        f"compile part {label}",
        f"{key}-try-{task_run.run_count}",
    )


def _spread(
    parameters: CompileParameters,
    settings: Settings,
    out_dir: Path,
    wanted: list[PlanDossier],
) -> tuple[compile_parts.PartReports, list[Path]]:
    """The plans in `parameters.runs` parts, each rendered (with its PDF copies) by its own run
    of this deployment; (what every part made, the parts' files)."""
    parent = str(flow_run.get_id())
    target = f"compile_reviews/{spec('compile_reviews').name}"
    paths = compile_parts.write_parts(
        compile_parts.parts_dir(settings, parameters.round_name),
        parameters.round_name,
        out_dir,
        wanted,
        parameters.runs,
        pdf=parameters.pdf,
    )
    futures = [
        compile_part_run.submit(
            target,
            {
                "round_name": parameters.round_name,
                "out_dir": str(out_dir),
                "workers": parameters.workers,
                "pdf": parameters.pdf,  # the part's file decides (it was written with it)
                "part": str(path),
            },
            f"{number} of {len(paths)}",
            f"{parent}-{path.stem}",
        )
        for number, path in enumerate(paths, start=1)
    ]
    for future in futures:
        future.result()
    return compile_parts.part_reports(paths), paths


# NO_CACHE: the default cache key would hash every dossier of the round.
@task(name="round-summary", cache_policy=NO_CACHE)
def compile_summary(
    round_name: str,
    reports: list[PlanReport],
    dossiers: list[PlanDossier],
    out_dir: str,
    pdf: bool,
    workers: int,
    documents_pdf: bool,
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
            documents_pdf=documents_pdf,
        )


# Threads only wait for the renderers and the database. Prefect types `task_runner` as
# TaskRunner[PrefectFuture], which its own ThreadPoolTaskRunner does not match (invariant).
@flow(
    name="compile_reviews",
    flow_run_name=run_name("documents"),
    log_prints=True,
    task_runner=ThreadPoolTaskRunner(max_workers=16),  # type: ignore[arg-type]
)
@errors_said
def compile_reviews(parameters: CompileParameters) -> dict:
    """Write every consolidated review of a round, the round summary, the exports and PDFs."""
    if parameters.part:  # one part of a spread run: its plans' documents only
        plans = compile_part(
            parameters.part, parameters.workers or default_workers(), parameters.round_name
        )
        return {"part": parameters.part, "plans": plans}
    settings = load_settings()
    out_dir = (
        Path(parameters.out_dir)
        if parameters.out_dir
        else default_out_dir(settings, parameters.round_name)
    ).resolve()
    workers = parameters.workers or default_workers()
    spreading = parameters.runs > 1 and on_workers()
    # One spread compile of a round at a time (its parts' files are the round's): a second
    # waits, then fails saying so. Held from the gathering to the parts' removal.
    with compile_parts.claim_round(settings, parameters.round_name) if spreading else nullcontext():
        dossiers = gather_plans(parameters.round_name)
        wanted = only_plans(dossiers, parameters.plan_ids)
        spread: list[Path] = []
        parted = compile_parts.PartReports(reports=[])
        if spreading and len(wanted) > 1:
            parted, spread = _spread(parameters, settings, out_dir, wanted)
            reports = parted.reports
        else:
            # A few chunks, not a task per plan; gathered once, since gathering reads the whole
            # round (the exchange compares a plan with every other). quote(): Prefect need not
            # look for futures inside the dossiers.
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
            not spread,  # spread: each part made its documents' PDFs
        )
        if spread:  # the round's outputs are written: parts done
            compile_parts.remove_parts(settings, parameters.round_name, spread)
    pdfs = (parted.pdfs or []) + outputs.pdfs
    notes = [note for note in parted.notes if note not in outputs.notes] + outputs.notes
    # A run for some plans (the trigger when a plan's last review arrives) gets its own key:
    # under the round's key it would replace the table of every plan with its one row.
    partial = parameters.plan_ids is not None
    t = round_translator(parameters.round_name)
    create_table_artifact(
        key=artifact_key("compile-reviews", parameters.round_name)
        + ("-plans-" + "-".join(map(str, sorted(parameters.plan_ids or []))) if partial else ""),
        table=artifacts.compile_rows(reports, t),
        description=artifacts.compile_description(parameters.round_name, out_dir, t),
    )
    publish_round_progress(parameters.round_name, ["compile"])
    for note in notes:
        print(run_log.note(note, t))
    print(run_log.compiled(len(reports), out_dir, t))
    return {
        "out_dir": str(out_dir),
        "plans": {r.plan_id: r.outcome_id or "incomplete" for r in reports},
        "summary": str(outputs.summary_docx),
        "exports": [str(p) for p in outputs.exports],
        "pdfs": [str(p) for p in pdfs],
        "notes": notes,
    }


if __name__ == "__main__":
    import sys

    compile_reviews(CompileParameters(round_name=sys.argv[1]))
