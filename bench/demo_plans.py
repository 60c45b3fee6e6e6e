"""What the demo's realistic plan length costs: writing the demo's 8 plans and taking them in
(`take_in_sources`, what the demo's intake runs) at 20-60 pages each (the demo) against the same
plans at 5 pages (the demo before #16), in the same run, taking turns; best of `--repeat`.

    python bench/demo_plans.py [--repeat 3]

Prints seconds per variant and the ratio long/short; the whole demo's figure is in BENCHMARKS.md
"Demo" (`peerplan demo` against `peerplan demo --pages 5`, run side by side).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.config import load_settings
from review.db import engine_for, migrate, session_scope
from review.intake import collect_sources, take_in_sources
from review.participants import import_participants
from review.rounds import create_round, get_round
from review.synthetic.generate import generate_plans


def _run(workdir: Path, name: str, pages: int | None) -> tuple[float, float, int]:
    """(seconds writing, seconds taking in, pages taken in)."""
    settings = load_settings(data_dir=workdir / f"data-{name}")
    migrate(settings)
    engine = engine_for(settings.database_url)
    start = time.perf_counter()
    folder = generate_plans(workdir / name, seed=2026, demo=True, pages=pages)
    written = time.perf_counter() - start
    with session_scope(engine) as session:
        round_ = create_round(session, name=name, due_date=date(2027, 1, 1))
        import_participants(session, round_, folder.participants_csv)
    start = time.perf_counter()
    with session_scope(engine) as session:
        outcomes = take_in_sources(
            session,
            settings,
            round_=get_round(session, name),
            sources=collect_sources([folder.manifest]),
            actor="bench",
        )
    taken = time.perf_counter() - start
    assert all(o.status == "registered" for o in outcomes), [o.error for o in outcomes]
    return written, taken, sum(o.pages for o in outcomes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    best: dict[str, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for turn in range(args.repeat):
            for label, pages in (("short", 5), ("demo", None)):
                result = _run(Path(tmp), f"{label}-{turn}", pages)
                if label not in best or sum(result[:2]) < sum(best[label][:2]):
                    best[label] = result
    for label, (written, taken, pages) in best.items():
        print(
            f"{label:5}  write {written:5.2f} s  intake {taken:5.2f} s  "
            f"total {written + taken:5.2f} s  ({pages} PDF pages)"
        )
    ratio = sum(best["demo"][:2]) / sum(best["short"][:2])
    extra = sum(best["demo"][:2]) - sum(best["short"][:2])
    print(f"demo/short: {ratio:.2f} (+{extra:.1f} s)")


if __name__ == "__main__":
    main()
