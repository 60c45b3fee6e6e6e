"""A round's consolidated reviews in parts that different machines render: the compile spread
over a work pool's workers (#14).

The run that spreads (flows/compile_reviews) gathers the round once (the exchange compares each
plan with every other, so a part cannot gather only its own plans), writes each part's dossiers
to the data directory, which every worker shares, and starts a run per part. A part renders its
plans' documents, records each as `plan.compiled`, commits, and only then writes its reports
next to its dossiers. The spreading run reads every part's reports, writes the round's outputs
(summary, exports, PDF copies) over all of them, and removes the parts' files.

Re-running after a crash neither loses nor duplicates a document: a part's files are named by a
hash of what it renders (round, output folder, dossiers), so a part whose reports are there, and
whose documents still exist, is not rendered again, whichever run asks (a retried part, a
retried spreading run, a new run after a crash); a part that had not finished is rendered again
into the same file names (each document is written under a temporary name and renamed). The
parts' files are removed once the round's outputs are written, so a later compile renders
everything afresh (new reviews, new templates).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import Executor
from pathlib import Path

from pydantic import BaseModel

from review.config import Settings
from review.consolidation.gather import PlanDossier
from review.consolidation.pipeline import compile_dossiers
from review.consolidation.render import PlanReport
from review.db import get_engine, session_scope
from review.documents.text import slug
from review.rounds import get_round


class Part(BaseModel):
    """What one run renders: some plans of a round into a shared output folder."""

    round_name: str
    out_dir: Path
    dossiers: list[PlanDossier]


class PartReports(BaseModel):
    reports: list[PlanReport]


def parts_dir(settings: Settings, round_name: str) -> Path:
    """Where a round's parts lie while a spread compile runs: in the data directory, which every
    worker shares (as the output folder)."""
    return settings.data_dir / "compile-parts" / slug(round_name, "round")


def split(dossiers: Sequence[PlanDossier], count: int) -> list[list[PlanDossier]]:
    """`dossiers` in order, in `count` parts of nearly equal size (fewer when there are fewer
    plans)."""
    count = max(1, min(count, len(dossiers)))
    base, extra = divmod(len(dossiers), count)
    parts, start = [], 0
    for number in range(count):
        end = start + base + (number < extra)
        parts.append(list(dossiers[start:end]))
        start = end
    return [part for part in parts if part]


def write_parts(
    folder: Path, round_name: str, out_dir: Path, dossiers: Sequence[PlanDossier], count: int
) -> list[Path]:
    """Each part's file (`01-of-04-<hash of its content>.json`), written unless the same part
    is already there."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    chunks = split(dossiers, count)
    for number, chunk in enumerate(chunks, start=1):
        text = Part(round_name=round_name, out_dir=out_dir, dossiers=chunk).model_dump_json()
        digest = hashlib.sha256(text.encode()).hexdigest()[:20]
        path = folder / f"{number:02d}-of-{len(chunks):02d}-{digest}.json"
        if not path.exists():
            _write_atomically(path, text)
        paths.append(path)
    return paths


def reports_path(part: Path) -> Path:
    return part.with_suffix(".reports.json")


def rendered(part: Path) -> list[PlanReport] | None:
    """The part's reports when it was rendered and recorded and its documents are all there;
    None when it still has to be rendered."""
    done = reports_path(part)
    if not done.exists():
        return None
    reports = PartReports.model_validate_json(done.read_text(encoding="utf-8")).reports
    files = [p for r in reports for p in (r.municipality_docx, r.coordinator_docx, r.actions_xlsx)]
    return reports if all(p is None or p.exists() for p in files) else None


def compile_part(
    settings: Settings,
    part: Path,
    *,
    workers: int | None = None,
    renderers: Executor | None = None,
) -> tuple[list[PlanReport], bool]:
    """Render and record the plans of `part` unless that was done already; (its reports,
    whether this call rendered them)."""
    done = rendered(part)
    if done is not None:
        return done, False
    spec = Part.model_validate_json(part.read_text(encoding="utf-8"))
    with session_scope(get_engine(settings)) as session:
        reports = compile_dossiers(
            session,
            get_round(session, spec.round_name),
            spec.dossiers,
            spec.out_dir,
            workers=workers,
            renderers=renderers,
        )
    # After the commit: reports on disk mean the documents exist and their events are stored.
    _write_atomically(reports_path(part), PartReports(reports=reports).model_dump_json())
    return reports, True


def part_reports(parts: Sequence[Path]) -> list[PlanReport]:
    """Every part's reports, in the parts' order; a part without its reports is an error (its
    run did not complete)."""
    reports: list[PlanReport] = []
    for part in parts:
        done = rendered(part)
        if done is None:
            raise RuntimeError(f"compile part {part.name} has no reports: not rendered")
        reports += done
    return reports


def remove_parts(parts: Sequence[Path]) -> None:
    """The parts' files, once the round's outputs are written."""
    for part in parts:
        part.unlink(missing_ok=True)
        reports_path(part).unlink(missing_ok=True)
    for folder in {part.parent for part in parts}:
        # Another compile's parts may still be there, or the folder is gone already.
        with contextlib.suppress(OSError):
            folder.rmdir()


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
