"""Many files at once: collect them (folder, files, manifest CSV), read them in parallel worker
processes (reading is CPU-bound: pypdf is pure Python), register them chunk by chunk in order.

Registration stays in the calling process and in the order given, so that two files of the same
municipality become versions 1 and 2 in that order; a chunk of files is registered in one
transaction (review.intake.bulk), and a refused file never stops the others.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlmodel import Session, select

from review.config import Settings
from review.errors import InvalidInput
from review.i18n import N_
from review.intake.bulk import register_files
from review.intake.errors import (
    AmbiguousMunicipality,
    AmbiguousMunicipalityName,
    IntakeError,
    NoMunicipality,
    UnreadableSource,
)
from review.intake.outcome import IntakeOutcome
from review.intake.register import PlanFile, resolve_municipality
from review.intake.take import read_guarded, refused
from review.models import Municipality, Round
from review.municipality_names import MunicipalityNames, normalise_name
from review.storage import store_bytes

MANIFEST_COLUMNS = ("file", "municipality")
#: Files registered in one transaction by `take_in_sources` (the flow registers its chunks):
#: few enough that the progress moves and the last chunk, registered after all reading, is
#: quick; enough that a chunk's fixed cost (its queries and commit) is small per file.
REGISTER_CHUNK = 10


@dataclass(frozen=True)
class Source:
    path: Path
    municipality: str | None = None  # None: from the file name

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass
class Reading:
    """What a worker process sends back: a read and stored file, or why not."""

    file_name: str
    plan_file: PlanFile | None = None
    error: IntakeError | None = None


def collect_sources(paths: Iterable[str | Path], municipality: str | None = None) -> list[Source]:
    """Files to take in: folders (their files, recursively, hidden ones skipped), single files,
    and manifest CSVs (columns `file,municipality`, paths relative to the CSV). A path that
    does not exist still becomes a source: its refusal then says so, next to the others."""
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            sources.extend(Source(p, municipality) for p in files)
        elif path.suffix.lower() == ".csv" and path.is_file():
            sources.extend(read_manifest(path, municipality))
        else:
            sources.append(Source(path, municipality))
    return sources


def read_manifest(path: Path, municipality: str | None = None) -> list[Source]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
        header = [c.strip().lower() for c in (rows[0].keys() if rows else [])]
    if rows and not all(c in header for c in MANIFEST_COLUMNS):
        if header:
            raise InvalidInput(
                N_("%(path)s: a manifest needs the columns %(needed)s (found: %(found)s)"),
                path=path,
                needed=", ".join(MANIFEST_COLUMNS),
                found=", ".join(header),
            )
        raise InvalidInput(
            N_("%(path)s: a manifest needs the columns %(needed)s (found: none)"),
            path=path,
            needed=", ".join(MANIFEST_COLUMNS),
        )
    sources = []
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        if not row["file"]:
            raise InvalidInput(
                N_("%(path)s, line %(line)s: the file column is empty"), path=path, line=number
            )
        sources.append(Source(path.parent / row["file"], row["municipality"] or municipality))
    return sources


def write_manifest(path: Path, planned: Sequence[Planned]) -> Path:
    """A manifest (`read_manifest`) of files whose municipality is known, absolute paths."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows((str(p.source.path.resolve()), p.municipality) for p in planned)
    return path


def split_by_municipality(planned: Sequence[Planned], parts: int) -> list[list[Planned]]:
    """`planned` in up to `parts` parts of similar size for separate intake runs; every file of
    a municipality in the same part and in its order, so that its versions keep their order."""
    groups: dict[str, list[Planned]] = {}
    for item in planned:
        groups.setdefault(item.municipality, []).append(item)
    split: list[list[Planned]] = [[] for _ in range(max(1, parts))]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(split, key=len).extend(group)
    return [sorted(part, key=lambda p: p.index) for part in split if part]


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def read_source(path: str, file_name: str, settings: Settings) -> Reading:
    """Read and store one file (runs in a worker process). Only genuine reading errors of the
    file system propagate as OSError (callers may retry those); bad files become refusals."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return Reading(file_name, error=UnreadableSource(file_name, "no such file"))
    except IsADirectoryError:
        return Reading(file_name, error=UnreadableSource(file_name, "it is a folder"))
    except PermissionError:
        return Reading(file_name, error=UnreadableSource(file_name, "permission denied"))
    try:
        doc = read_guarded(data, file_name, settings)
    except IntakeError as exc:
        return Reading(file_name, error=exc)
    stored = store_bytes(settings, data, doc.suffix, doc.sha256)
    return Reading(file_name, plan_file=PlanFile.of(doc, stored))


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Planned:
    """A source whose municipality is known: ready to be read."""

    index: int
    source: Source
    municipality: str


def plan_sources(
    session: Session,
    round_: Round,
    sources: list[Source],
    *,
    actor: str,
    create_municipality: bool = False,
) -> tuple[list[Planned], dict[int, IntakeOutcome]]:
    """Municipalities first: a file for an unknown one is refused without being read or stored.
    Returns the files to read and the refusals, both keyed by the source's position. The
    round's names are read once (`resolve_municipality`'s rules: the exact name, else the
    first whose case and spacing aside match); only a name not among them is resolved on its
    own (created, or refused with the known ones)."""
    names = list(session.exec(select(Municipality.name).where(Municipality.round_id == round_.id)))
    in_file_names = MunicipalityNames(names)
    known = {n: n for n in names}
    for n in names:
        known.setdefault(normalise_name(n), n)
    planned: list[Planned] = []
    refusals: dict[int, IntakeOutcome] = {}
    for index, source in enumerate(sources):
        named = [source.municipality] if source.municipality else []
        name = source.municipality or None
        try:
            if not named:
                named = in_file_names.matches(source.file_name)
                name = named[0] if len(named) == 1 else None
            if len(named) > 1:
                raise AmbiguousMunicipality(source.file_name, named)
            if name is None:
                raise NoMunicipality(source.file_name)
            found = known.get(name) or known.get(normalise_name(name))
            if found is None and source.municipality:
                # typed in the Run form or --municipality: as a file of that name is taken
                typed = in_file_names.named(source.municipality)
                if len(typed) > 1:
                    raise AmbiguousMunicipalityName(source.municipality, typed)
                found = typed[0] if typed else None
            if found is None:
                found = resolve_municipality(
                    session, round_, name, create=create_municipality, actor=actor
                ).name
                in_file_names.add(found)
                known.setdefault(found, found)
                known.setdefault(normalise_name(found), found)
        except IntakeError as exc:
            refusals[index] = refused(source.file_name, name or "?", exc)
            continue
        planned.append(Planned(index, source, found))
    session.commit()
    return planned, refusals


def register_readings(
    session: Session,
    *,
    round_: Round,
    planned: Sequence[Planned],
    readings: Sequence[Reading],
    actor: str,
    settings: Settings,
) -> dict[int, IntakeOutcome]:
    """Register a chunk of readings in the order given, in one transaction, and commit (see
    review.intake.bulk); a file refused while reading is recorded as refused. Keyed by each
    source's position."""
    outcomes: dict[int, IntakeOutcome] = {}
    read: list[tuple[Planned, PlanFile]] = []
    for item, reading in zip(planned, readings, strict=True):
        if reading.plan_file is None:
            assert reading.error is not None
            outcomes[item.index] = refused(reading.file_name, item.municipality, reading.error)
        else:
            read.append((item, reading.plan_file))
    files = [(item.municipality, plan_file) for item, plan_file in read]
    registered = register_files(session, round_=round_, files=files, actor=actor, settings=settings)
    outcomes.update(zip((item.index for item, _ in read), registered, strict=True))
    return dict(sorted(outcomes.items()))


def read_chunk(settings: Settings, sources: Sequence[Source], pool: Executor) -> list[Reading]:
    """Read and store a chunk of files in `pool` (see `reading_pool`), in their order. Unlike
    `take_in_sources`, a file system error (OSError) propagates, so that the caller may retry
    the chunk: reading and storing a file again changes nothing."""
    futures = [pool.submit(read_source, str(s.path), s.file_name, settings) for s in sources]
    return [future.result() for future in futures]


def take_in_sources(
    session: Session,
    settings: Settings,
    *,
    round_: Round,
    sources: list[Source],
    actor: str,
    create_municipality: bool = False,
    workers: int | None = None,
    on_outcome: Callable[[IntakeOutcome], None] | None = None,
) -> list[IntakeOutcome]:
    """Take in every source; commits after each chunk of `REGISTER_CHUNK` files. `workers`:
    reading processes (default: the usable cores; 1 reads in this process)."""
    outcomes: list[IntakeOutcome | None] = [None] * len(sources)

    def done(index: int, outcome: IntakeOutcome) -> None:
        outcomes[index] = outcome
        if on_outcome:
            on_outcome(outcome)

    planned, refusals = plan_sources(
        session, round_, sources, actor=actor, create_municipality=create_municipality
    )
    for index, outcome in refusals.items():
        done(index, outcome)
    # closing: the reading pool ends with the loop, also when a registration raises.
    with closing(_read_all(settings, [p.source for p in planned], workers)) as readings:
        for start in range(0, len(planned), REGISTER_CHUNK):
            chunk = planned[start : start + REGISTER_CHUNK]
            registered = register_readings(
                session,
                round_=round_,
                planned=chunk,
                readings=list(islice(readings, len(chunk))),
                actor=actor,
                settings=settings,
            )
            for index, outcome in registered.items():
                done(index, outcome)
    return [o for o in outcomes if o is not None]


def _read_all(
    settings: Settings, sources: list[Source], workers: int | None
) -> Generator[Reading, None, None]:
    workers = min(workers or default_workers(), len(sources))
    if workers <= 1:
        for source in sources:
            yield _read_or_refuse(str(source.path), source.file_name, settings)
        return
    with reading_pool(workers) as pool:
        futures: list[Future[Reading]] = [
            pool.submit(_read_or_refuse, str(s.path), s.file_name, settings) for s in sources
        ]
        for future in futures:
            yield future.result()


def _read_or_refuse(path: str, file_name: str, settings: Settings) -> Reading:
    try:
        return read_source(path, file_name, settings)
    except OSError as exc:
        return Reading(file_name, error=UnreadableSource(file_name, str(exc)))


def pool_context() -> multiprocessing.context.BaseContext:
    """fork where there is one: workers start at once with everything imported (forkserver or
    spawn re-import pydantic, sqlmodel and the readers in each worker: seconds on a busy
    machine, more than reading a folder of plans takes). The workers only read files and store
    them; they never touch the database connections they inherit, and they end with os._exit,
    so those are never closed from the child either."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def reading_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """Reading processes (default: one per usable core); the caller shuts the pool down."""
    return ProcessPoolExecutor(workers or default_workers(), mp_context=pool_context())
