"""Pages per second of the intake, against a bare loop of the same PDF library in the same run.

    python bench/intake.py [--plans 50] [--pages 30] [--repeat 3] [--no-tune] [--write]

Single file: the longest real plan (../shared/data/plans, if present) and a long synthetic plan,
once with pypdf and once with pypdfium2. "bare" opens the PDF and extracts every page's text with
the library, nothing else; "intake" is `take_in` (sniff, read, language, findings, store the file,
register it in a fresh SQLite database). Folder: `peerplan intake`'s code path
(`take_in_sources`, reading processes on all cores) over a folder of synthetic PDF plans, against
the bare loop in one process and in a pool of the same size; with pypdfium2 also against a bare
loop of the raw PDFium calls the intake makes (`pypdfium2.raw`, without the library's page
objects). Real folder (unless `--no-tune`): the 13 real tune PDFs, pypdfium2 only, the same
comparison (never the holdout files). Best of `--repeat` rounds in
which the variants take turns (the load of other processes drifts over minutes).
`--write` replaces the `## Intake` section of BENCHMARKS.md with the results.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.config import Settings, load_settings
from review.db import engine_for, migrate, session_scope
from review.intake import collect_sources, take_in, take_in_sources
from review.intake.batch import default_workers, pool_context
from review.models import Municipality
from review.rounds import create_round
from review.synthetic import plan_spec, write_pdf

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "plans"
if not REAL.is_dir():
    REAL = Path("/work/shared/data/plans")
READERS = ("pypdf", "pypdfium2")


def bare(reader: str, path: str) -> int:
    """The library alone: open, extract each page's text. Returns pages."""
    data = Path(path).read_bytes()
    if reader == "pypdf":
        import io

        import pypdf

        pdf = pypdf.PdfReader(io.BytesIO(data))
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    n = len(pdf)
    for i in range(n):
        page = pdf[i]
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()
    return n


def bare_raw(path: str) -> int:
    """PDFium alone through the raw calls the intake reads pages with (`_pdfium_page_text`:
    load page, load text page, count, get text, close both), without pypdfium2's page and
    text-page objects: a second baseline, the cheapest way the library reads a page."""
    import pypdfium2 as pdfium

    from review.intake.pdf import _pdfium_page_text

    pdf = pdfium.PdfDocument(Path(path).read_bytes())
    n = len(pdf)
    for i in range(n):
        _pdfium_page_text(pdf.raw, i)
    pdf.close()
    return n


#: The real plans the readers were tuned on (their PDFs); the holdout plans are never read here.
TUNE_PDFS = (
    *(
        f"ccc/{city}-ccc.pdf"
        for city in [
            "bergamo",
            "madrid",
            "malmo",
            "antwerp",
            "angers",
            "copenhagen",
            "Oslo",
            "florence",
            "groningen",
            "budapest",
            "glasgow",
        ]
    ),
    "Klimabilanz_2015_Bericht_2017_07_12.pdf",
    "darmstadt-dieburg.pdf",
)


def cpu_seconds() -> float:
    """CPU time of this process and of its ended children (a pool's workers are reaped when
    the pool shuts down): the work done, whatever else runs on the machine."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


CPU: dict[str, float] = {}  # best CPU seconds of each variant of the last `interleaved` call


def interleaved(
    runs: dict[str, tuple[Callable[..., int], Callable[[], object] | None]], repeat: int
) -> tuple[dict[str, float], int]:
    """Best wall time of each variant over `repeat` rounds, the variants taking turns within a
    round, so that the load of other processes drifting over minutes hits all of them alike
    (and the best CPU time of each in `CPU`). A variant's optional setup (untimed) makes its
    run's argument."""
    best: dict[str, float] = {}
    CPU.clear()
    pages = 0
    for _ in range(repeat):
        for name, (fn, setup) in runs.items():
            args = (setup(),) if setup else ()
            cpu, start = cpu_seconds(), time.perf_counter()
            pages = fn(*args)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - start)
            CPU[name] = min(CPU.get(name, float("inf")), cpu_seconds() - cpu)
    return best, pages


class Bench:
    def __init__(self, workdir: Path, reader: str) -> None:
        self.settings: Settings = load_settings(
            data_dir=workdir / f"data-{reader}", pdf_reader=reader
        )
        migrate(self.settings)
        self.rounds = 0

    def fresh_round(self, municipalities: list[str]) -> str:
        """A new round each run: the same file in a new round is registered again, not
        'unchanged', so every run does the whole work."""
        self.rounds += 1
        name = f"bench {self.rounds}"
        with session_scope(engine_for(self.settings.database_url)) as session:
            round_ = create_round(session, name=name, due_date=date(2027, 1, 1))
            for m in municipalities:
                session.add(Municipality(round_id=round_.id, name=m))
        return name

    def intake_file(self, path: Path, name: str) -> int:
        with session_scope(engine_for(self.settings.database_url)) as session:
            from review.rounds import get_round

            outcome = take_in(
                session,
                self.settings,
                round_=get_round(session, name),
                data=path.read_bytes(),
                file_name=path.name,
                municipality="Bench",
                actor="bench",
            )
        assert outcome.status == "registered", outcome.error
        return outcome.pages

    def intake_folder(self, folder: Path, name: str, workers: int) -> int:
        with session_scope(engine_for(self.settings.database_url)) as session:
            from review.rounds import get_round

            outcomes = take_in_sources(
                session,
                self.settings,
                round_=get_round(session, name),
                sources=collect_sources([folder / "manifest.csv"]),
                actor="bench",
                workers=workers,
            )
        assert all(o.status == "registered" for o in outcomes), [o.error for o in outcomes]
        return sum(o.pages for o in outcomes)


def make_folder(folder: Path, plans: int, pages: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    lines = ["file,municipality"]
    for seed in range(plans):
        spec = plan_spec(seed, "de" if seed % 3 else "en", pages=pages)
        written = write_pdf(spec, folder / f"plan-{seed:03d}.pdf")
        names.append(spec.municipality)
        lines.append(f"{written.path.name},{spec.municipality}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def tune_folder(folder: Path) -> list[str]:
    """The real tune PDFs linked into `folder` with a manifest; their municipalities' names."""
    folder.mkdir(parents=True, exist_ok=True)
    lines, names = ["file,municipality"], []
    for relative in TUNE_PDFS:
        source = REAL / relative
        (folder / source.name).symlink_to(source)
        names.append(source.stem)
        lines.append(f"{source.name},{source.stem}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return names


def bare_folder(reader: str, files: list[str], workers: int) -> int:
    if workers <= 1:
        return sum(bare(reader, f) for f in files)
    with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
        return sum(pool.map(bare, [reader] * len(files), files))


def bare_raw_folder(files: list[str], workers: int) -> int:
    with ProcessPoolExecutor(workers, mp_context=pool_context()) as pool:
        return sum(pool.map(bare_raw, files))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--pages", type=int, default=30, help="pages per synthetic plan")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-tune", action="store_true", help="leave out the folder of the real tune PDFs"
    )
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args(argv)
    workers = default_workers()
    rows: list[tuple[str, str, float, float, float]] = []

    def report(case: str, reader: str, bare: str, intake: str, times: dict, pages: int) -> None:
        bare_pps, intake_pps = pages / times[bare], pages / times[intake]
        cpu = CPU[intake] / CPU[bare] - 1
        rows.append((case, reader, bare_pps, intake_pps, cpu))
        print(
            f"{case:<44} {reader:<9} bare {bare_pps:8.1f} p/s   intake {intake_pps:8.1f} p/s"
            f"   intake/bare {intake_pps / bare_pps:5.2f}   overhead "
            f"{(bare_pps / intake_pps - 1) * 100:+6.1f} %   CPU {cpu * 100:+6.1f} %",
            flush=True,
        )

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        singles = []
        if (REAL / "Sachstandsbericht_2017-2018.pdf").is_file():
            singles.append(REAL / "Sachstandsbericht_2017-2018.pdf")
        long_plan = write_pdf(plan_spec(7, "de", pages=120), work / "long.pdf").path
        singles.append(long_plan)
        folder = work / "folder"
        municipalities = make_folder(folder, args.plans, args.pages)
        files = sorted(str(p) for p in folder.glob("*.pdf"))
        tune_dir = work / "tune"
        tune_names = tune_folder(tune_dir) if not args.no_tune and REAL.is_dir() else []
        tune = sorted(str(p) for p in tune_dir.glob("*.pdf")) if tune_names else []
        print(
            f"{os.cpu_count()} cores, {workers} usable; load average "
            f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}",
            flush=True,
        )
        for reader in READERS:
            bench = Bench(work, reader)
            for path in singles:
                times, pages = interleaved(
                    {
                        "bare": (lambda p=path, r=reader: bare(r, str(p)), None),
                        "intake": (
                            lambda name, p=path, b=bench: b.intake_file(p, name),
                            lambda b=bench: b.fresh_round(["Bench"]),
                        ),
                    },
                    args.repeat,
                )
                report(
                    f"single file: {path.name} ({pages} p.)", reader, "bare", "intake", times, pages
                )
            runs = {
                "seq": (lambda r=reader: bare_folder(r, files, 1), None),
                "par": (lambda r=reader: bare_folder(r, files, workers), None),
                "intake": (
                    lambda name, b=bench: b.intake_folder(folder, name, workers),
                    lambda b=bench: b.fresh_round(municipalities),
                ),
            }
            if reader == "pypdfium2":
                runs["raw"] = (lambda: bare_raw_folder(files, workers), None)
            times, pages = interleaved(runs, args.repeat)
            label = f"folder: {args.plans} plans, {pages} p."
            report(f"{label}, bare in 1 process", reader, "seq", "intake", times, pages)
            report(f"{label}, bare on {workers} processes", reader, "par", "intake", times, pages)
            if reader == "pypdfium2":
                report(f"{label}, raw calls on {workers} processes", reader, "raw", "intake",
                       times, pages)  # fmt: skip
        if tune:
            # `bench` is still pypdfium2's, the last reader (its rounds go on counting)
            times, pages = interleaved(
                {
                    "par": (lambda: bare_folder("pypdfium2", tune, workers), None),
                    "raw": (lambda: bare_raw_folder(tune, workers), None),
                    "intake": (
                        lambda name, b=bench: b.intake_folder(tune_dir, name, workers),
                        lambda b=bench: b.fresh_round(tune_names),
                    ),
                },
                args.repeat,
            )
            label = f"real tune PDFs: {len(tune)} plans, {pages} p."
            report(f"{label}, bare on {workers} processes", "pypdfium2", "par", "intake", times,
                   pages)  # fmt: skip
            report(f"{label}, raw calls on {workers} processes", "pypdfium2", "raw", "intake",
                   times, pages)  # fmt: skip
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    if args.write:
        write_section(rows, args, load, workers)


def write_section(rows, args, load: str, workers: int) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Benchmarks\n"
    table = "\n".join(
        f"| {case} | {reader} | {b:.1f} | {i:.1f} | {i / b:.2f} | {(b / i - 1) * 100:+.1f} % "
        f"| {cpu * 100:+.1f} % |"
        for case, reader, b, i, cpu in rows
    )
    section = f"""## Intake

Pages per second of the intake (`take_in`: sniff, read, language, completeness findings, store,
register in SQLite) against a bare loop of the same PDF library (open, extract each page's text)
in the same run, taking turns; best of {args.repeat}. Folder: `take_in_sources` (what
`peerplan intake` runs) with {workers} reading processes over {args.plans} synthetic PDF plans,
against the bare loop in one process and in a pool of {workers}. Goal: overhead at most 10 %, and
a folder uses all cores. "CPU overhead": the same comparison in CPU seconds (this process and its
pool's workers), which other work on a shared machine disturbs far less than wall time.

```
python bench/intake.py --plans {args.plans} --pages {args.pages} --repeat {args.repeat} --write
```

{date.today().isoformat()}, load average at the end {load} (other sessions at work on 2 cores):

| case | reader | bare p/s | intake p/s | intake/bare | overhead | CPU overhead |
|---|---|---|---|---|---|---|
{table}

"""
    if "## Intake" in text:
        # Only the section's own table: its ### subsections (each session's findings) stay.
        text = re.sub(
            r"## Intake\n.*?(?=\n### |\n## |\Z)", section.rstrip() + "\n", text, flags=re.S
        )
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
