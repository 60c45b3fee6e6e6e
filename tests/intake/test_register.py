"""Registration on SQLite and PostgreSQL: versions, idempotent re-runs, content-addressed files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from review.config import Settings
from review.intake import collect_sources, take_in, take_in_sources
from review.models import Document, Event, Municipality, Plan
from review.storage import open_stored
from tests.support import plan_files
from tests.support.factories import make_municipality, make_round


def counts(session: Session) -> tuple[int, ...]:
    return tuple(
        session.exec(select(func.count()).select_from(t)).one()
        for t in (Plan, Document, Event, Municipality)
    )


def test_rerunning_intake_on_the_same_folder_adds_nothing(
    settings: Settings, session: Session, tmp_path: Path
) -> None:
    round_ = make_round(session)
    for name in ("Musterstadt", "Exampleton"):
        make_municipality(session, round_, name)
    session.commit()
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "Musterstadt.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    (folder / "Exampleton.docx").write_bytes(plan_files.plan_docx(plan_files.PLAN_EN))
    (folder / "kaputt.pdf").write_bytes(b"")

    first = take_in_sources(
        session, settings, round_=round_, sources=collect_sources([folder]), actor="test", workers=1
    )
    assert sorted(o.status for o in first) == ["refused", "registered", "registered"]
    before = counts(session)
    files_before = sorted(p for p in settings.files_dir.rglob("*") if p.is_file())

    again = take_in_sources(
        session, settings, round_=round_, sources=collect_sources([folder]), actor="test", workers=1
    )
    assert sorted(o.status for o in again) == ["refused", "unchanged", "unchanged"]
    assert counts(session) == before
    assert sorted(p for p in settings.files_dir.rglob("*") if p.is_file()) == files_before
    # The file name chose the municipality; the refusal says which file and why.
    refusal = next(o for o in again if o.status == "refused")
    assert "kaputt.pdf" in refusal.error and "no municipality" not in refusal.error


def test_a_different_file_is_a_new_version_and_the_old_one_stays(
    settings: Settings, session: Session
) -> None:
    round_ = make_round(session)
    make_municipality(session, round_, "Musterstadt")
    session.commit()
    v1_bytes = plan_files.text_pdf(plan_files.PLAN_DE)
    v2_bytes = plan_files.plan_docx(plan_files.PLAN_DE + [["6. Anhang", "Neue Tabellen."]])
    v1 = take_in(
        session,
        settings,
        round_=round_,
        data=v1_bytes,
        file_name="../../plan.pdf",
        municipality="musterstadt",
        actor="koordination",
    )
    session.commit()
    v2 = take_in(
        session,
        settings,
        round_=round_,
        data=v2_bytes,
        file_name="plan-neu.docx",
        municipality="Musterstadt",
        actor="koordination",
    )
    session.commit()
    assert (v1.status, v1.version, v2.status, v2.version) == ("registered", 1, "new_version", 2)
    assert v1.plan_id == v2.plan_id and v1.municipality == "Musterstadt"

    old, new = (session.get(Document, o.document_id) for o in (v1, v2))
    # Content-addressed: the user's file name never becomes a path.
    assert old.stored_path == f"{old.sha256[:2]}/{old.sha256}.pdf"
    assert new.stored_path == f"{new.sha256[:2]}/{new.sha256}.docx"
    assert open_stored(settings, old.stored_path).read_bytes() == v1_bytes
    assert open_stored(settings, new.stored_path).read_bytes() == v2_bytes
    assert old.file_name == "plan.pdf" and old.pages == 4 and "Treibhausgasbilanz" in old.text
    assert old.findings and old.structure["units"][1] == {
        "kind": "page",
        "number": 2,
        "offset": len(old.text.split("\n\n")[0]) + 2,
    }
    kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id))]
    assert kinds[-3:] == ["plan.created", "document.registered", "document.new_version"]

    # The first file again: unchanged, still version 1, nothing added.
    again = take_in(
        session,
        settings,
        round_=round_,
        data=v1_bytes,
        file_name="plan.pdf",
        municipality="Musterstadt",
        actor="koordination",
    )
    assert (again.status, again.version, again.document_id) == ("unchanged", 1, v1.document_id)


def test_unknown_municipality_is_refused_with_the_closest_ones(
    settings: Settings, session: Session
) -> None:
    round_ = make_round(session, name="MULTIPLY DE")
    for name in ("Münster", "Darmstadt-Dieburg"):
        make_municipality(session, round_, name)
    session.commit()
    data = plan_files.text_pdf(plan_files.PLAN_DE)
    outcome = take_in(
        session,
        settings,
        round_="MULTIPLY DE",
        data=data,
        file_name="p.pdf",
        municipality="Muenstr",
        actor="test",
    )
    assert outcome.status == "refused" and outcome.error_code == "unknown-municipality"
    assert "no municipality 'Muenstr' in round 'MULTIPLY DE'" in outcome.error
    assert "the closest: Münster, Darmstadt-Dieburg" in outcome.error  # closest first
    assert "--create-municipality" in outcome.error
    assert session.exec(select(func.count()).select_from(Document)).one() == 0

    created = take_in(
        session,
        settings,
        round_=round_,
        data=data,
        file_name="p.pdf",
        municipality="Neustadt",
        actor="test",
        create_municipality=True,
    )
    session.commit()
    assert created.status == "registered"
    assert session.exec(select(Municipality).where(Municipality.name == "Neustadt")).one()


def test_the_same_file_for_another_municipality_is_refused(
    settings: Settings, session: Session
) -> None:
    round_ = make_round(session)
    for name in ("A-Stadt", "B-Dorf"):
        make_municipality(session, round_, name)
    session.commit()
    data = plan_files.text_pdf(plan_files.PLAN_DE)
    take_in(
        session,
        settings,
        round_=round_,
        data=data,
        file_name="a.pdf",
        municipality="A-Stadt",
        actor="test",
    )
    session.commit()
    other = take_in(
        session,
        settings,
        round_=round_,
        data=data,
        file_name="b.pdf",
        municipality="B-Dorf",
        actor="test",
    )
    assert other.status == "refused" and other.error_code == "duplicate"
    assert "b.pdf is byte for byte the plan already taken in for A-Stadt" in other.error
