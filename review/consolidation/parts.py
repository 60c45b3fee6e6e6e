"""A round's consolidated reviews in parts that different machines render: the compile spread
over a work pool's workers (#14).

The run that spreads (flows/compile_reviews) claims the round (`claim_round`), gathers it once
(the exchange compares each plan with every other, so a part cannot gather only its own plans),
writes each part's dossiers to the data directory, which every worker shares, and starts a run
per part. A part claims its file, renders its plans' documents, records each as
`plan.compiled`, commits, and only then writes its reports next to its dossiers; then it makes
its documents' PDF copies (when asked) and adds them to its reports. The spreading run reads
every part's reports, writes the round's outputs (summary, exports, the summary's PDF) over all
of them, and removes the parts' files before it lets the round go.

One spread compile of a round at a time: a second one waits up to ROUND_WAIT_SECONDS for the
round and then fails with `CompileRunning`, which says so; it never writes, renders or removes a
part of the running one. One run at a time on a part: a second run of the same part (a retried
part, an orphan of a crashed spreading run) waits and then finds it rendered. Both claims are
`review.claims` (a PostgreSQL advisory lock, an flock on SQLite), which die with their process:
a crashed compile never blocks the round; the next one takes it at once.

Re-running after a crash neither loses nor duplicates a document: a part's files are named by a
hash of what it renders (round, output folder, PDF or not, dossiers), so a part whose reports
are there, and whose documents still exist, is not rendered again, whichever run asks (a
retried part, a retried spreading run, a new run after a crash); a part that had not finished is
rendered again into the same file names (each document is written under a temporary name and
renamed); a part whose documents were done but not its PDFs only makes the PDFs. The parts'
files are removed once the round's outputs are written (with any part a crashed compile left
and nobody is working on), so a later compile renders everything afresh (new reviews, new
templates).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from pathlib import Path

from pydantic import BaseModel

from review.claims import held, remove_lock_file
from review.config import Settings
from review.consolidation.gather import PlanDossier
from review.consolidation.pipeline import compile_dossiers
from review.consolidation.render import PlanReport
from review.db import get_engine, session_scope
from review.documents.pdf import convert_to_pdf
from review.documents.text import slug
from review.errors import PeerplanError
from review.i18n import N_, Count
from review.rounds import get_round

#: How long a second spread compile of a round waits for the first before it says so and stops.
ROUND_WAIT_SECONDS = 60.0


class CompileRunning(PeerplanError):
    """Another spread compile holds the round."""


class Part(BaseModel):
    """What one run renders: some plans of a round into a shared output folder, with PDF
    copies of their documents or not."""

    round_name: str
    out_dir: Path
    pdf: bool = False
    dossiers: list[PlanDossier]


class PartReports(BaseModel):
    """What a part made: its plans' reports, then (once made) its documents' PDF copies
    (None: not made yet, or not asked for) and why some are missing."""

    reports: list[PlanReport]
    pdfs: list[Path] | None = None
    notes: list[str] = []


def parts_dir(settings: Settings, round_name: str) -> Path:
    """Where a round's parts lie while a spread compile runs: in the data directory, which every
    worker shares (as the output folder)."""
    return settings.data_dir / "compile-parts" / slug(round_name, "round")


@contextlib.contextmanager
def claim_round(
    settings: Settings, round_name: str, *, wait: float | None = None
) -> Iterator[None]:
    """Hold the round for one spread compile while the block runs (gather, parts, round
    outputs, removing the parts). Raises `CompileRunning` when another kept it for `wait`
    seconds (default ROUND_WAIT_SECONDS). Rounds whose names make the same folder name share
    one claim, as they share the folder."""
    wait = ROUND_WAIT_SECONDS if wait is None else wait
    folder = parts_dir(settings, round_name)
    with held(
        get_engine(settings),
        f"peerplan compile round {folder.name}",
        folder.with_name(folder.name + ".lock"),
        wait=wait,
    ) as got:
        if not got:
            raise CompileRunning(
                N_(
                    "another compile of round '%(round)s' spread over workers is running "
                    "(waited %(seconds)s s); start this one again when it has finished. A "
                    "compile that crashed does not hold the round: its claim ended with its "
                    "process."
                ),
                round=round_name,
                seconds=Count(round(wait)),
            )
        yield


@contextlib.contextmanager
def _claim_part(settings: Settings, part: Path, *, wait: float | None) -> Iterator[bool]:
    """Hold one part for one run (rendering it, or removing its files)."""
    with held(
        get_engine(settings),
        f"peerplan compile part {part.parent.name}/{part.name}",
        _lock_path(part),
        wait=wait,
    ) as got:
        yield got


def _lock_path(part: Path) -> Path:
    return part.with_suffix(".lock")


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
    folder: Path,
    round_name: str,
    out_dir: Path,
    dossiers: Sequence[PlanDossier],
    count: int,
    *,
    pdf: bool = False,
) -> list[Path]:
    """Each part's file (`01-of-04-<hash of its content>.json`), written unless the same part
    is already there. The caller holds the round (`claim_round`)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    chunks = split(dossiers, count)
    for number, chunk in enumerate(chunks, start=1):
        text = Part(
            round_name=round_name, out_dir=out_dir, pdf=pdf, dossiers=chunk
        ).model_dump_json()
        digest = hashlib.sha256(text.encode()).hexdigest()[:20]
        path = folder / f"{number:02d}-of-{len(chunks):02d}-{digest}.json"
        if not path.exists():
            _write_atomically(path, text)
        paths.append(path)
    return paths


def reports_path(part: Path) -> Path:
    return part.with_suffix(".reports.json")


def rendered(part: Path) -> PartReports | None:
    """What the part made when it was rendered and recorded and its documents are all there;
    None when it still has to be rendered."""
    done = reports_path(part)
    if not done.exists():
        return None
    made = PartReports.model_validate_json(done.read_text(encoding="utf-8"))
    files = [
        p for r in made.reports for p in (r.municipality_docx, r.coordinator_docx, r.actions_xlsx)
    ]
    return made if all(p is None or p.exists() for p in files) else None


def _pdfs_made(made: PartReports) -> bool:
    return made.pdfs is not None and all(p.exists() for p in made.pdfs)


def compile_part(
    settings: Settings,
    part: Path,
    *,
    workers: int | None = None,
    renderers: Executor | None = None,
) -> tuple[PartReports, bool]:
    """Render and record the plans of `part`, then make their PDF copies if the part asks for
    them, each unless that was done already; (what the part made, whether this call rendered
    its documents). Waits while another run works on the same part."""
    with _claim_part(settings, part, wait=None):
        if not part.exists():
            remove_lock_file(_lock_path(part))
            with contextlib.suppress(OSError):  # the claim made the folder again
                part.parent.rmdir()
            raise RuntimeError(
                f"compile part {part.name} is gone: the compile that wrote it has ended "
                "(its documents were made by another run of the part)"
            )
        spec = Part.model_validate_json(part.read_text(encoding="utf-8"))
        made = rendered(part)
        fresh = made is None
        if made is None:
            with session_scope(get_engine(settings)) as session:
                reports = compile_dossiers(
                    session,
                    get_round(session, spec.round_name),
                    spec.dossiers,
                    spec.out_dir,
                    workers=workers,
                    renderers=renderers,
                )
            # After the commit: reports on disk mean the documents exist and their events are
            # stored; a crash while making the PDFs below does not render them again.
            made = PartReports(reports=reports)
            _write_atomically(reports_path(part), made.model_dump_json())
        if spec.pdf and not _pdfs_made(made):
            documents = [r.municipality_docx for r in made.reports]
            documents += [r.coordinator_docx for r in made.reports]
            converted = convert_to_pdf(documents, workers=workers)
            notes = [converted.note] if converted.note else []
            made = made.model_copy(update={"pdfs": converted.converted, "notes": notes})
            _write_atomically(reports_path(part), made.model_dump_json())
        return made, fresh


def part_reports(parts: Sequence[Path]) -> PartReports:
    """What every part made, in the parts' order (each note once); a part without its reports
    is an error (its run did not complete)."""
    reports: list[PlanReport] = []
    pdfs: list[Path] = []
    notes: list[str] = []
    for part in parts:
        made = rendered(part)
        if made is None:
            raise RuntimeError(f"compile part {part.name} has no reports: not rendered")
        reports += made.reports
        pdfs += made.pdfs or []
        notes += [note for note in made.notes if note not in notes]
    return PartReports(reports=reports, pdfs=pdfs, notes=notes)


def remove_parts(settings: Settings, round_name: str, parts: Sequence[Path]) -> None:
    """The parts' files once the round's outputs are written, and those a crashed compile left
    that no run is working on. The caller holds the round (`claim_round`), so no other compile
    writes parts meanwhile; a part run still working on a part (an orphan of a crashed
    spreading run) holds it, and its files stay."""
    folder = parts_dir(settings, round_name)
    leftovers = (
        [p for p in sorted(folder.glob("*.json")) if not p.name.endswith(".reports.json")]
        if folder.is_dir()
        else []
    )
    for part in [*parts, *(p for p in leftovers if p not in parts)]:
        with _claim_part(settings, part, wait=None if part in parts else 0) as got:
            if got:
                for path in (part, reports_path(part)):
                    path.unlink(missing_ok=True)
                    for temporary in path.parent.glob(f".{path.name}.*.tmp"):
                        temporary.unlink(missing_ok=True)
                remove_lock_file(_lock_path(part))
    for directory in {folder, *(part.parent for part in parts)}:
        # A part still worked on keeps its folder, or the folder is gone already.
        with contextlib.suppress(OSError):
            directory.rmdir()


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
