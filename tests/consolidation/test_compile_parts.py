"""A round's documents compiled in parts, as the workers of a work pool do (#14): every plan
rendered once, the round's outputs over all parts, nothing rendered twice or lost when a part
or the whole compile runs again after a crash."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlmodel import func, select

from review.config import Settings
from review.consolidation import parts
from review.consolidation.pipeline import gather_with_exchange
from review.db import get_engine, session_scope
from review.documents.pdf import soffice
from review.models import Event
from review.rounds import get_round
from tests.support.review_data import reviewed_plan

MUNICIPALITIES = ["Tulln", "Krems", "Melk", "Baden", "Mödling"]


def _round(settings) -> tuple[str, list[int]]:
    with session_scope(get_engine(settings)) as session:
        first = reviewed_plan(session, municipality=MUNICIPALITIES[0])
        ids = [first.plan.id]
        for name in MUNICIPALITIES[1:]:
            ids.append(reviewed_plan(session, municipality=name, round_=first.round_).plan.id)
        return first.round_.name, ids


def _compiled_events(settings) -> dict[int, int]:
    with session_scope(get_engine(settings)) as session:
        rows = session.exec(
            select(Event.entity_id, func.count())
            .where(Event.kind == "plan.compiled")
            .group_by(Event.entity_id)
        ).all()
    return {int(plan): count for plan, count in rows}


def _documents(out: Path) -> dict[str, int]:
    return {
        str(p.relative_to(out)): p.stat().st_mtime_ns for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_parts_render_each_plan_once_and_not_again(sqlite_settings, tmp_path: Path) -> None:
    name, ids = _round(sqlite_settings)
    out = tmp_path / "out"
    with session_scope(get_engine(sqlite_settings)) as session:
        dossiers = gather_with_exchange(session, get_round(session, name))
    folder = parts.parts_dir(sqlite_settings, name)
    paths = parts.write_parts(folder, name, out, dossiers, 2)
    assert [len(p) for p in parts.split(dossiers, 2)] == [3, 2]

    first = [parts.compile_part(sqlite_settings, path, workers=1) for path in paths]
    assert [rendered for _, rendered in first] == [True, True]
    assert [r.plan_id for r in parts.part_reports(paths).reports] == ids
    assert len(list((out / "municipality").glob("*.docx"))) == len(ids)
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 1)
    written = _documents(out)

    # The same parts asked again (a retried part run, or the whole compile after a crash,
    # which writes the same parts for the same plans): nothing rendered, nothing recorded.
    again = parts.write_parts(folder, name, out, dossiers, 2)
    assert again == paths
    second = [parts.compile_part(sqlite_settings, path, workers=1) for path in again]
    assert [rendered for _, rendered in second] == [False, False]
    assert _documents(out) == written
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 1)

    # A document lost since (a crash while writing, a cleaned folder): its part renders again.
    lost = next((out / "coordinator").glob("*.docx"))
    lost.unlink()
    redone = [parts.compile_part(sqlite_settings, path, workers=1)[1] for path in paths]
    assert redone.count(True) == 1 and lost.is_file()

    parts.remove_parts(sqlite_settings, name, paths)
    assert not folder.exists()


def test_a_part_without_reports_is_an_error(sqlite_settings, tmp_path: Path) -> None:
    name, _ = _round(sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        dossiers = gather_with_exchange(session, get_round(session, name))
    paths = parts.write_parts(tmp_path / "parts", name, tmp_path / "out", dossiers, 3)
    parts.compile_part(sqlite_settings, paths[0], workers=1)
    with pytest.raises(RuntimeError, match="not rendered"):
        parts.part_reports(paths)


def _spread_compile(
    settings: Settings,
    name: str,
    out: Path,
    *,
    wait: float,
    wrote: threading.Event | None = None,
    go: threading.Event | None = None,
) -> parts.PartReports:
    """What the spreading run and its part runs do, in this thread: claim the round, gather,
    write two parts (then tell `wrote` and wait for `go`), render them, read what they made,
    remove the parts."""
    with parts.claim_round(settings, name, wait=wait):
        with session_scope(get_engine(settings)) as session:
            dossiers = gather_with_exchange(session, get_round(session, name))
        paths = parts.write_parts(parts.parts_dir(settings, name), name, out, dossiers, 2)
        if wrote and go:
            wrote.set()
            assert go.wait(60)
        for path in paths:
            parts.compile_part(settings, path, workers=1)
        made = parts.part_reports(paths)
        parts.remove_parts(settings, name, paths)
        return made


def _one_document_per_plan(out: Path, ids: list[int]) -> None:
    for edition, suffix in (("municipality", ".docx"), ("coordinator", "-coordinator.docx")):
        names = sorted(p.name for p in (out / edition).glob("*.docx"))
        assert len(names) == len(ids), names
        assert [int(n[:4]) for n in names] == sorted(ids) and all(n.endswith(suffix) for n in names)
    assert not list(out.rglob(".*.tmp")), "a temporary file left behind"


def test_two_spread_compiles_of_a_round_at_once_never_touch_each_others_parts(
    settings: Settings, tmp_path: Path
) -> None:
    """A second spread compile started while the first runs: told clearly when it waited in
    vain, or rendering only after the first has finished, on SQLite and PostgreSQL. Every
    plan's documents exist once; nothing of the first is deleted under it."""
    name, ids = _round(settings)
    out = tmp_path / "out"
    wrote, go = threading.Event(), threading.Event()
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(_spread_compile, settings, name, out, wait=5, wrote=wrote, go=go)
        assert wrote.wait(60)
        written = sorted(parts.parts_dir(settings, name).glob("*.json"))
        assert len(written) == 2

        with pytest.raises(parts.CompileRunning, match=f"another compile of round '{name}'"):
            _spread_compile(settings, name, out, wait=0.5)
        waiting = pool.submit(_spread_compile, settings, name, out, wait=60)
        time.sleep(1.5)
        assert not waiting.done(), "the second compile did not wait for the first"
        assert sorted(parts.parts_dir(settings, name).glob("*.json")) == written
        assert _compiled_events(settings) == {}, "rendered while the first held the round"

        go.set()
        assert [r.plan_id for r in first.result(timeout=120).reports] == ids
        assert [r.plan_id for r in waiting.result(timeout=120).reports] == ids
    _one_document_per_plan(out, ids)
    # Each compile rendered every plan once: the second after the first had finished.
    assert _compiled_events(settings) == dict.fromkeys(ids, 2)
    assert not parts.parts_dir(settings, name).exists(), "parts left behind"


def test_two_runs_of_one_part_at_once_render_it_once(settings: Settings, tmp_path: Path) -> None:
    """A retried part run, or an orphan of a crashed spreading run, beside the part's own run:
    the second waits for the first and finds the part rendered."""
    name, ids = _round(settings)
    out = tmp_path / "out"
    with session_scope(get_engine(settings)) as session:
        dossiers = gather_with_exchange(session, get_round(session, name))
    path = parts.write_parts(parts.parts_dir(settings, name), name, out, dossiers, 1)[0]
    start = threading.Barrier(2)

    def run() -> bool:
        start.wait()
        return parts.compile_part(settings, path, workers=1)[1]

    with ThreadPoolExecutor(2) as pool:
        rendered = sorted(f.result(timeout=120) for f in [pool.submit(run), pool.submit(run)])
    assert rendered == [False, True]
    assert _compiled_events(settings) == dict.fromkeys(ids, 1)
    _one_document_per_plan(out, ids)


def test_removing_parts_spares_a_part_another_run_works_on(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    """The parts a crashed compile left are removed with the finished compile's own, except
    one a run still works on (it holds the part): its files stay until a later removal."""
    name, _ = _round(sqlite_settings)
    out = tmp_path / "out"
    folder = parts.parts_dir(sqlite_settings, name)
    with session_scope(get_engine(sqlite_settings)) as session:
        dossiers = gather_with_exchange(session, get_round(session, name))
    left = parts.write_parts(folder, name, out, dossiers, 3)  # a crashed compile's
    mine = parts.write_parts(folder, name, out, dossiers, 2)
    assert not set(left) & set(mine)
    with parts._claim_part(sqlite_settings, left[0], wait=0) as got:
        assert got
        parts.remove_parts(sqlite_settings, name, mine)
        assert sorted(p for p in folder.iterdir() if p.suffix == ".json") == [left[0]]
    parts.remove_parts(sqlite_settings, name, [])
    assert not folder.exists()


_HOLD_THE_ROUND = """
import sys, time
from pathlib import Path
from review.config import load_settings
from review.consolidation.parts import claim_round
settings = load_settings(data_dir=Path(sys.argv[1]), database_url=sys.argv[2])
with claim_round(settings, sys.argv[3], wait=0):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_crashed_compile_does_not_hold_the_round(settings: Settings) -> None:
    """A spreading run killed (SIGKILL: no clean-up) while it holds the round: the next
    compile takes the round at once, on SQLite and PostgreSQL."""
    name, _ = _round(settings)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _HOLD_THE_ROUND,
            str(settings.data_dir),
            settings.database_url,
            name,
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(parts.CompileRunning), parts.claim_round(settings, name, wait=0.3):
            pass
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
    started = time.monotonic()
    with parts.claim_round(settings, name, wait=10):
        assert time.monotonic() - started < 5


@pytest.mark.slow
def test_each_part_makes_its_documents_pdfs_once(sqlite_settings: Settings, tmp_path: Path) -> None:
    """Parts asked for PDF copies make their own documents' PDFs; asked again, nothing is made
    again; a lost PDF is made again without rendering its part's documents again."""
    if soffice() is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    name, ids = _round(sqlite_settings)
    out = tmp_path / "out"
    with session_scope(get_engine(sqlite_settings)) as session:
        dossiers = gather_with_exchange(session, get_round(session, name))
    paths = parts.write_parts(
        parts.parts_dir(sqlite_settings, name), name, out, dossiers, 2, pdf=True
    )
    for path in paths:
        made, rendered = parts.compile_part(sqlite_settings, path, workers=1)
        assert rendered and made.notes == []
        assert sorted(made.pdfs or []) == sorted(
            d.with_suffix(".pdf")
            for r in made.reports
            for d in (r.municipality_docx, r.coordinator_docx)
        )
    made = parts.part_reports(paths)
    assert len(made.pdfs or []) == 2 * len(ids)
    assert all(p.read_bytes().startswith(b"%PDF") for p in made.pdfs or [])
    written = _documents(out)

    again = [parts.compile_part(sqlite_settings, path, workers=1)[1] for path in paths]
    assert again == [False, False] and _documents(out) == written

    lost = (made.pdfs or [])[0]
    lost.unlink()
    redone, rendered = parts.compile_part(sqlite_settings, paths[0], workers=1)
    assert not rendered and lost.is_file()
    assert {k: v for k, v in _documents(out).items() if not k.endswith(".pdf")} == {
        k: v for k, v in written.items() if not k.endswith(".pdf")
    }, "documents rendered again for a lost PDF"
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 1)


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_the_flow_spreads_the_plans_over_part_runs_and_writes_the_round_once(
    prefect_harness, sqlite_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The flow as started from a deployment with `runs` = 3: three part runs (here run in
    this process instead of on a worker), then the summary and exports over every plan. Run
    again after a crash of the second part's run: the parts done are not rendered again."""
    import flows.compile_reviews as flow_module
    from flows.compile_reviews import CompileParameters, compile_reviews

    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    name, ids = _round(sqlite_settings)
    out = tmp_path / "out"
    started: list[str] = []
    crash = {"2 of 3"}

    def part_on_a_worker(target: str, parameters: dict, what: str, key: str) -> str:
        assert target == "compile_reviews/compile-reviews"
        started.append(what)
        if what.removeprefix("compile part ") in crash:
            crash.clear()
            raise RuntimeError(f"{what}: Crashed")
        request = CompileParameters.model_validate(parameters["parameters"])
        assert request.part and request.out_dir == str(out.resolve())
        return str(compile_reviews.fn(request)["plans"])

    monkeypatch.setattr(flow_module, "on_workers", lambda: True)
    monkeypatch.setattr(flow_module, "run_part", part_on_a_worker)
    pdf = soffice() is not None  # CI has LibreOffice: each part makes its documents' PDFs
    request = CompileParameters(round_name=name, out_dir=str(out), workers=1, pdf=pdf, runs=3)
    result = compile_reviews(request)
    # The crashed part was retried (the task's retry) and the round completed.
    assert sorted(started) == sorted(
        ["compile part 1 of 3", "compile part 2 of 3", "compile part 2 of 3", "compile part 3 of 3"]
    )
    assert sorted(result["plans"]) == sorted(ids)
    assert len(list((out / "municipality").glob("*.docx"))) == len(ids)
    assert len(list((out / "coordinator").glob("*.docx"))) == len(ids)
    assert (out / "summary" / "round-summary.docx").is_file()
    if pdf:
        assert sorted(result["pdfs"]) == sorted(
            str(p.with_suffix(".pdf")) for p in out.rglob("*.docx")
        ), "a document without its PDF, or one made twice"
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 1)
    assert not parts.parts_dir(sqlite_settings, name).exists(), "parts left behind"

    # A later compile (new reviews, new templates) renders every plan afresh, once.
    started.clear()
    compile_reviews(request)
    assert len(started) == 3
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 2)


@pytest.mark.slow
@pytest.mark.xdist_group("prefect")
def test_two_spread_compile_flows_of_a_round_at_once(
    prefect_harness, sqlite_settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two `compile_reviews` runs of one round with `runs` = 2 started together (here in two
    threads, their parts in this process): the second waits for the round and renders after
    the first; a third that may wait only briefly fails saying that one is running."""
    import flows.compile_reviews as flow_module
    from flows.compile_reviews import CompileParameters, compile_reviews

    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    name, ids = _round(sqlite_settings)
    out = tmp_path / "out"
    first_part, go = threading.Event(), threading.Event()

    def part_on_a_worker(target: str, parameters: dict, what: str, key: str) -> str:
        first_part.set()
        assert go.wait(120)  # the first compile's parts wait until the others have started
        request = CompileParameters.model_validate(parameters["parameters"])
        return str(compile_reviews.fn(request)["plans"])

    claim_round, claiming = parts.claim_round, threading.Event()

    def claim_round_seen(*args, **kwargs):  # type: ignore[no-untyped-def]
        claiming.set()
        return claim_round(*args, **kwargs)

    monkeypatch.setattr(flow_module, "on_workers", lambda: True)
    monkeypatch.setattr(flow_module, "run_part", part_on_a_worker)
    request = CompileParameters(round_name=name, out_dir=str(out), workers=1, pdf=False, runs=2)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(compile_reviews, request)
        assert first_part.wait(120)
        monkeypatch.setattr(parts, "claim_round", claim_round_seen)
        second = pool.submit(compile_reviews, request)
        assert claiming.wait(120)
        time.sleep(0.5)  # the second is waiting for the round (60 s): the third may not
        monkeypatch.setattr(parts, "ROUND_WAIT_SECONDS", 0.5)
        with pytest.raises(parts.CompileRunning, match="is running"):
            compile_reviews(request)
        time.sleep(2)
        assert not second.done()
        go.set()
        results = [first.result(timeout=300), second.result(timeout=300)]
    assert [sorted(r["plans"]) for r in results] == [sorted(ids)] * 2
    _one_document_per_plan(out, ids)
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 2)
    assert not parts.parts_dir(sqlite_settings, name).exists(), "parts left behind"
