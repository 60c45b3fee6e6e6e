"""Write a folder of synthetic plans with the manifest the intake reads and the ground truth.

OUT_DIR/
  participants.csv   the round's municipalities and reviewers (`peerplan import` reads it)
  manifest.csv       file,municipality (`peerplan intake` reads it)
  truth.json         per file: language, parts present and missing, where each part is
  001-<name>.pdf ... one plan per follower municipality
"""

from __future__ import annotations

import csv
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Literal

from review.synthetic.plans import PlanSpec, revised
from review.synthetic.round import (
    Participants,
    demo_participants,
    many_participants,
    slug,
    write_participants_csv,
)
from review.synthetic.writers import WrittenPlan, write_docx, write_pdf

LanguageChoice = Literal["de", "en", "both"]
FormatChoice = Literal["pdf", "docx", "both"]


@dataclass(frozen=True)
class GeneratedFolder:
    directory: Path
    participants: Participants
    plans: list[WrittenPlan]
    manifest: Path
    participants_csv: Path
    truth: Path


def generate_plans(
    out_dir: str | Path,
    *,
    count: int = 10,
    seed: int = 0,
    language: LanguageChoice = "both",
    format: FormatChoice = "both",
    pages: int | None = None,
    demo: bool = False,
    workers: int = 0,
    table_of_contents: bool = False,
) -> GeneratedFolder:
    """`count` plans (or the demo round's 8 when `demo`); with `format="both"` the plans
    alternate between PDF and DOCX, one file per municipality. `workers` processes write the
    files (0: all cores for 50 plans or more, else one); the files are the same either way."""
    if format not in ("pdf", "docx", "both"):
        raise ValueError(f"format must be pdf, docx or both, got {format!r}")
    if language not in ("de", "en", "both"):
        raise ValueError(f"language must be de, en or both, got {language!r}")
    if demo:
        participants = demo_participants(seed)
    else:
        share = {"de": 1.0, "en": 0.0, "both": 0.6}[language]
        participants = many_participants(count, seed, german_share=share)
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    specs = participants.plan_specs(pages=pages, table_of_contents=table_of_contents)
    width = max(3, len(str(len(specs))))
    jobs: list[tuple[PlanSpec, Path]] = []
    for index, spec in enumerate(specs, start=1):
        suffix = format if format != "both" else ("pdf" if index % 2 else "docx")
        jobs.append((spec, directory / f"{index:0{width}d}-{slug(spec.municipality)}.{suffix}"))
    if workers == 0:
        workers = (os.cpu_count() or 1) if len(jobs) >= 50 else 1
    if workers > 1:
        # spawn, not fork: callers may be threaded (Prefect); the start-up (~1 s) pays off from
        # a few dozen plans on.
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            written = list(pool.map(_write, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
    else:
        written = [_write(job) for job in jobs]
    return _folder(directory, participants, written)


def _folder(
    directory: Path, participants: Participants, written: list[WrittenPlan]
) -> GeneratedFolder:
    """The folder's participants file, manifest and truth beside the written plans."""
    participants_csv = write_participants_csv(participants, directory / "participants.csv")
    manifest = directory / "manifest.csv"
    with manifest.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(("file", "municipality"))
        out.writerows((w.path.name, w.spec.municipality) for w in written)
    truth = directory / "truth.json"
    truth.write_text(
        json.dumps({w.path.name: truth_record(w) for w in written}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )
    return GeneratedFolder(directory, participants, written, manifest, participants_csv, truth)


def _write(job: tuple[PlanSpec, Path]) -> WrittenPlan:
    spec, path = job
    return (write_pdf if path.suffix == ".pdf" else write_docx)(spec, path)


def truth_record(plan: WrittenPlan) -> dict:
    """What an intake should find in `plan`, as JSON-ready data."""
    spec: PlanSpec = plan.spec
    return {
        "municipality": spec.municipality,
        "language": spec.language,
        "format": plan.format,
        "pages": plan.pages,
        "title": spec.title,
        "author": spec.author,
        "present": sorted(spec.parts),
        "missing": sorted(spec.missing),
        "target": (
            {
                "percent": spec.target_percent,
                "year": spec.target_year,
                "baseline_year": spec.baseline_year,
            }
            if spec.has("strategy")
            else None
        ),
        "inventory_sectors": list(spec.inventory_sectors),
        "mitigation_sectors": list(spec.mitigation_sectors),
        "eligibility": spec.eligibility(),
        "locations": {
            part: {k: v for k, v in vars(loc).items() if v is not None and k != "part"}
            for part, loc in plan.locations.items()
        },
    }


def revised_plans(folder: GeneratedFolder, count: int, out_dir: str | Path) -> GeneratedFolder:
    """The plans of the `count` followers of `folder` that left out the most, written again
    complete (`review.synthetic.plans.revised`): what they hand in for
    the next round (#16). Same participants file; a manifest of only these plans."""
    chosen = sorted(folder.plans, key=lambda w: (-len(w.spec.missing), w.spec.municipality))
    chosen = sorted(chosen[:count], key=lambda w: w.spec.municipality)
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for index, old in enumerate(chosen, start=1):
        spec = revised(old.spec)
        path = directory / f"{index:03d}-{slug(spec.municipality)}-revised.{old.format}"
        written.append(_write((spec, path)))
    # The same people; with a few plans nobody can be held to a minimum load.
    participants = replace(
        folder.participants,
        reviewers=tuple(replace(r, min_load=0) for r in folder.participants.reviewers),
    )
    return _folder(directory, participants, written)
