"""A chunk of files registered in one transaction (review.intake.bulk), on SQLite and PostgreSQL:
the file-by-file rules hold inside a chunk, a failing chunk falls back to file by file, and a
re-run after a crash between or inside chunks duplicates nothing and loses nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from review.config import Settings
from review.intake import batch, bulk, collect_sources, take_in, take_in_sources
from review.intake.batch import Source
from review.models import Document, Event, Plan, Round
from tests.support import plan_files
from tests.support.factories import make_municipality, make_round

PAGES = plan_files.PLAN_DE


def _pdf(title: str) -> bytes:
    """A readable plan whose bytes (and title) differ by `title`."""
    return plan_files.text_pdf(PAGES, title=title)


def _round(session: Session, *names: str) -> Round:
    round_ = make_round(session)
    for name in names:
        make_municipality(session, round_, name)
    session.commit()
    return round_


def _sources(folder: Path, files: list[tuple[str, bytes, str]]) -> list[Source]:
    folder.mkdir(exist_ok=True)
    for name, data, _ in files:
        (folder / name).write_bytes(data)
    return [Source(folder / name, municipality) for name, _, municipality in files]


def _count(session: Session, table: type) -> int:
    return session.exec(select(func.count()).select_from(table)).one()


def test_one_chunk_keeps_the_order_refusals_and_duplicates_of_file_by_file(
    settings: Settings, session: Session, tmp_path: Path
) -> None:
    round_ = _round(session, "Musterstadt", "Exampleton")
    shared = _pdf("Exampleton")
    sources = _sources(
        tmp_path / "plans",
        [
            ("a-v1.pdf", _pdf("Erster Plan"), "Musterstadt"),
            ("b.pdf", shared, "Exampleton"),
            ("c-kaputt.pdf", b"", "Musterstadt"),
            ("d-copy.pdf", shared, "Musterstadt"),  # another municipality's bytes
            ("e-v2.pdf", _pdf("Zweiter Plan"), "Musterstadt"),
            ("f-again.pdf", shared, "Exampleton"),  # the same bytes again, same municipality
        ],
    )
    outcomes = take_in_sources(
        session, settings, round_=round_, sources=sources, actor="test", workers=1
    )
    assert [(o.file_name, o.status, o.version) for o in outcomes] == [
        ("a-v1.pdf", "registered", 1),
        ("b.pdf", "registered", 1),
        ("c-kaputt.pdf", "refused", None),
        ("d-copy.pdf", "refused", None),
        ("e-v2.pdf", "new_version", 2),
        ("f-again.pdf", "unchanged", 1),
    ]
    assert outcomes[3].error_code == "duplicate" and "Exampleton" in (outcomes[3].error or "")
    assert outcomes[5].document_id == outcomes[1].document_id
    assert outcomes[0].plan_id == outcomes[4].plan_id
    # The plan takes the newer version's title; the events are those of file by file.
    plan = session.get(Plan, outcomes[0].plan_id)
    assert plan is not None and plan.title == "Zweiter Plan"
    events = session.exec(
        select(Event.kind, Event.entity_id)
        .where(col(Event.entity).in_(["plan", "document"]))
        .order_by(col(Event.id))
    ).all()
    assert events == [
        ("plan.created", outcomes[0].plan_id),
        ("document.registered", outcomes[0].document_id),
        ("plan.created", outcomes[1].plan_id),
        ("document.registered", outcomes[1].document_id),
        ("document.new_version", outcomes[4].document_id),
    ]
    stored = session.get(Document, outcomes[4].document_id)
    assert (
        stored is not None
        and stored.file_name == "e-v2.pdf"
        and "Treibhausgasbilanz" in (stored.text)
    )
    assert stored.structure["units"][0] == {"kind": "page", "number": 1, "offset": 0}


def test_a_chunk_that_fails_is_registered_file_by_file_and_loses_nothing(
    settings: Settings,
    session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A concurrent intake registers one of the chunk's files after the chunk looked for it:
    the chunk's INSERT meets the unique constraint, the chunk is rolled back and registered
    again file by file, which finds the other intake's row."""
    round_ = _round(session, "Musterstadt", "Exampleton", "Beispielhausen")
    raced = _pdf("Exampleton")
    sources = _sources(
        tmp_path / "plans",
        [
            ("m.pdf", _pdf("Musterstadt"), "Musterstadt"),
            ("e.pdf", raced, "Exampleton"),
            ("b.pdf", _pdf("Beispielhausen"), "Beispielhausen"),
        ],
    )
    looked_up = bulk._documents

    def then_another_intake(*args, **kwargs):  # type: ignore[no-untyped-def]
        found = looked_up(*args, **kwargs)
        with Session(session.get_bind()) as other:
            other_round = other.get(Round, round_.id)
            assert other_round is not None
            winner = take_in(
                other,
                settings,
                round_=other_round,
                data=raced,
                file_name="e.pdf",
                municipality="Exampleton",
                actor="other",
            )
            other.commit()
        assert winner.status == "registered"
        monkeypatch.setattr(bulk, "_documents", looked_up)  # once
        return found

    monkeypatch.setattr(bulk, "_documents", then_another_intake)
    with caplog.at_level(logging.WARNING, logger="review.intake.bulk"):
        outcomes = take_in_sources(
            session, settings, round_=round_, sources=sources, actor="test", workers=1
        )
    assert "registering them one by one" in caplog.text
    assert [(o.file_name, o.status) for o in outcomes] == [
        ("m.pdf", "registered"),
        ("e.pdf", "unchanged"),
        ("b.pdf", "registered"),
    ]
    assert (_count(session, Plan), _count(session, Document)) == (3, 3)


class Crash(BaseException):
    """The process dying: nothing catches it, nothing after it runs."""


@pytest.mark.parametrize("where", ["between chunks", "inside a chunk"])
def test_a_rerun_after_a_crash_duplicates_nothing_and_loses_nothing(
    settings: Settings,
    engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    monkeypatch.setattr(batch, "REGISTER_CHUNK", 2)
    with Session(engine) as session:
        round_id = _round(session, "Musterstadt", "Exampleton", "Beispielhausen", "Neustadt").id
    files = [
        ("1.pdf", _pdf("Musterstadt 1"), "Musterstadt"),
        ("2.pdf", _pdf("Exampleton"), "Exampleton"),  # chunk 1 ends here
        ("3.pdf", _pdf("Musterstadt 2"), "Musterstadt"),
        ("4.pdf", _pdf("Beispielhausen"), "Beispielhausen"),  # chunk 2 ends here
        ("5.pdf", _pdf("Neustadt"), "Neustadt"),
    ]
    sources = _sources(tmp_path / "plans", files)
    # The crash: in the second chunk, before its registration starts or after its inserts,
    # before its commit.
    target, name = (batch, "register_files") if where == "between chunks" else (bulk, "_record")
    original = getattr(target, name)
    calls = []

    def crashing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise Crash
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, crashing)
    with Session(engine) as session, pytest.raises(Crash):
        round_ = session.get(Round, round_id)
        take_in_sources(session, settings, round_=round_, sources=sources, actor="t", workers=1)
    monkeypatch.setattr(target, name, original)
    with Session(engine) as session:
        # What the first chunk registered is there; nothing of the second.
        assert sorted(session.exec(select(Document.file_name)).all()) == ["1.pdf", "2.pdf"]
    files_before = sorted(p.name for p in settings.files_dir.rglob("*") if p.is_file())

    with Session(engine) as session:
        round_ = session.get(Round, round_id)
        again = take_in_sources(
            session, settings, round_=round_, sources=sources, actor="t", workers=1
        )
        assert [(o.file_name, o.status, o.version) for o in again] == [
            ("1.pdf", "unchanged", 1),
            ("2.pdf", "unchanged", 1),
            ("3.pdf", "new_version", 2),
            ("4.pdf", "registered", 1),
            ("5.pdf", "registered", 1),
        ]
        assert (_count(session, Plan), _count(session, Document)) == (4, 5)
        created = session.exec(select(Event.entity_id).where(Event.kind == "plan.created")).all()
        assert sorted(created) == sorted({o.plan_id for o in again})
    # The files were stored before the crash (content-addressed): stored again, not twice.
    after = sorted(p.name for p in settings.files_dir.rglob("*") if p.is_file())
    assert len(after) == 5 and set(files_before) <= set(after)
    assert all(not name.startswith(".incoming-") for name in after)


def test_a_folder_of_many_chunks_registers_in_the_order_given(
    settings: Settings, session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Versions of one municipality spread over several chunks keep the files' order."""
    monkeypatch.setattr(batch, "REGISTER_CHUNK", 2)
    round_ = _round(session, "Musterstadt", "Exampleton")
    files = [
        (f"{n}.pdf", _pdf(f"Fassung {n}"), "Musterstadt" if n % 2 else "Exampleton")
        for n in range(1, 8)
    ]
    outcomes = take_in_sources(
        session,
        settings,
        round_=round_,
        sources=_sources(tmp_path / "plans", files),
        actor="test",
        workers=1,
    )
    assert [(o.file_name, o.version) for o in outcomes] == [
        ("1.pdf", 1),
        ("2.pdf", 1),
        ("3.pdf", 2),
        ("4.pdf", 2),
        ("5.pdf", 3),
        ("6.pdf", 3),
        ("7.pdf", 4),
    ]
    again = take_in_sources(
        session,
        settings,
        round_=round_,
        sources=collect_sources([tmp_path / "plans"], "Musterstadt"),
        actor="test",
        workers=1,
    )
    # Every file is known by its bytes: the ones of Exampleton are refused as its, not added.
    assert {o.status for o in again} == {"unchanged", "refused"}
    assert _count(session, Document) == 7
