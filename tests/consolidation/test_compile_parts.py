"""A round's documents compiled in parts, as the workers of a work pool do (#14): every plan
rendered once, the round's outputs over all parts, nothing rendered twice or lost when a part
or the whole compile runs again after a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import func, select

from review.consolidation import parts
from review.consolidation.pipeline import gather_with_exchange
from review.db import get_engine, session_scope
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
    assert [r.plan_id for r in parts.part_reports(paths)] == ids
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

    parts.remove_parts(paths)
    assert not folder.exists()


def test_a_part_without_reports_is_an_error(sqlite_settings, tmp_path: Path) -> None:
    name, _ = _round(sqlite_settings)
    with session_scope(get_engine(sqlite_settings)) as session:
        dossiers = gather_with_exchange(session, get_round(session, name))
    paths = parts.write_parts(tmp_path / "parts", name, tmp_path / "out", dossiers, 3)
    parts.compile_part(sqlite_settings, paths[0], workers=1)
    with pytest.raises(RuntimeError, match="not rendered"):
        parts.part_reports(paths)


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
    request = CompileParameters(round_name=name, out_dir=str(out), workers=1, pdf=False, runs=3)
    result = compile_reviews(request)
    # The crashed part was retried (the task's retry) and the round completed.
    assert sorted(started) == sorted(
        ["compile part 1 of 3", "compile part 2 of 3", "compile part 2 of 3", "compile part 3 of 3"]
    )
    assert sorted(result["plans"]) == sorted(ids)
    assert len(list((out / "municipality").glob("*.docx"))) == len(ids)
    assert len(list((out / "coordinator").glob("*.docx"))) == len(ids)
    assert (out / "summary" / "round-summary.docx").is_file()
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 1)
    assert not parts.parts_dir(sqlite_settings, name).exists(), "parts left behind"

    # A later compile (new reviews, new templates) renders every plan afresh, once.
    started.clear()
    compile_reviews(request)
    assert len(started) == 3
    assert _compiled_events(sqlite_settings) == dict.fromkeys(ids, 2)
