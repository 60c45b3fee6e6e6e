"""Hostile and broken files: each refused with a specific message, never stopping the others.

Every case runs in a folder next to a good PDF and a good DOCX, through the same batch code the
CLI and the flow use, and checks that those two were taken in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from review.config import Settings
from review.db import get_engine
from review.intake import (
    NO_TEXT_LAYER,
    IntakeError,
    collect_sources,
    read_document,
    take_in_sources,
)
from review.models import Document
from tests.support import plan_files
from tests.support.factories import make_municipality, make_round

SMALL_LIMITS = {"max_upload_bytes": 200_000, "max_docx_uncompressed_bytes": 1_000_000}

HOSTILE = {
    # id: (file name, bytes, code, words the message must contain)
    "encrypted-pdf": (
        "passwort.pdf",
        plan_files.encrypted_pdf(),
        "encrypted-pdf",
        ["passwort.pdf is password-protected", "without a password"],
    ),
    "truncated-pdf": (
        "halb.pdf",
        plan_files.truncated_pdf(),
        "corrupt-pdf",
        ["halb.pdf is a damaged or incomplete PDF", "export or download it again"],
    ),
    "garbage-pdf": (
        "kaputt.pdf",
        b"%PDF-1.7\n" + b"\x00garbage" * 500,
        "corrupt-pdf",
        ["kaputt.pdf is a damaged or incomplete PDF"],
    ),
    "empty": ("leer.pdf", b"", "empty", ["leer.pdf is empty (0 bytes)"]),
    "html-named-pdf": (
        "plan.pdf",
        plan_files.HTML_PAGE,
        "mislabelled",
        ["plan.pdf is an HTML page, not a PDF", "print it to PDF"],
    ),
    "legacy-doc": (
        "alt.doc",
        plan_files.LEGACY_DOC,
        "legacy-doc",
        ["alt.doc is an old Word 97-2003 document", "save it as .docx or PDF"],
    ),
    "legacy-doc-named-docx": (
        "alt.docx",
        plan_files.LEGACY_DOC,
        "legacy-doc",
        ["alt.docx is an old Word 97-2003 document"],
    ),
    "encrypted-docx": (
        "geheim.docx",
        plan_files.ENCRYPTED_DOCX,
        "encrypted-document",
        ["geheim.docx is a password-protected Word document"],
    ),
    "docx-not-a-zip": (
        "text.docx",
        b"Dies ist kein Word-Dokument.\n" * 20,
        "not-a-zip",
        ["text.docx is not a DOCX", "not a zip", "save the plan from Word"],
    ),
    "docx-truncated-zip": (
        "halb.docx",
        plan_files.plan_docx(plan_files.PLAN_DE)[:3000],
        "not-a-zip",
        ["halb.docx is a damaged or truncated DOCX"],
    ),
    "zip-bomb": (
        "bombe.docx",
        plan_files.zip_bomb_docx(5_000_000),
        "zip-bomb",
        ["bombe.docx would unpack to 4.8 MB", "limit of 1.0 MB", "was not unpacked"],
    ),
    "too-large": (
        "riesig.pdf",
        plan_files.text_pdf(plan_files.PLAN_DE) + b"%" * 250_000,
        "too-large",
        ["riesig.pdf is 0.2 MB", "more than the limit of 0.2 MB", "PEERPLAN_MAX_UPLOAD_BYTES"],
    ),
    "zip-not-docx": (
        "archiv.docx",
        None,
        "not-a-docx",
        ["archiv.docx is a zip archive but not a Word document"],
    ),
}


def _plain_zip() -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hallo")
    return out.getvalue()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_file_is_refused_with_its_reason_and_the_others_are_taken_in(
    sqlite_settings: Settings, tmp_path: Path, case: str
) -> None:
    settings = sqlite_settings.model_copy(update=SMALL_LIMITS)
    name, data, code, words = HOSTILE[case]
    data = _plain_zip() if data is None else data
    with pytest.raises(IntakeError) as raised:
        read_document(data, name, settings)
    assert raised.value.code == code
    for word in words:
        assert word in str(raised.value)

    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "a-good.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    (folder / "b-good.docx").write_bytes(plan_files.plan_docx(plan_files.PLAN_EN))
    (folder / name).write_bytes(data)
    with Session(get_engine(settings)) as session:
        round_ = make_round(session)
        make_municipality(session, round_, "Musterstadt")
        session.commit()
        outcomes = take_in_sources(
            session,
            settings,
            round_=round_,
            sources=collect_sources([folder], "Musterstadt"),
            actor="test",
            workers=1,
        )
        by_name = {o.file_name: o for o in outcomes}
        assert by_name[name].status == "refused" and by_name[name].error_code == code
        assert words[0] in by_name[name].error
        assert by_name["a-good.pdf"].status == "registered"
        assert by_name["b-good.docx"].status in ("registered", "new_version")
        stored = session.exec(select(Document.file_name)).all()
        assert sorted(stored) == ["a-good.pdf", "b-good.docx"]
    # Nothing of the refused file was kept.
    kept = [p for p in settings.files_dir.rglob("*") if p.is_file()]
    assert len(kept) == 2


def test_pdf_without_text_layer_is_registered_and_flagged(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / "scan.pdf").write_bytes(plan_files.scanned_pdf(3))
    (tmp_path / "good.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    with Session(get_engine(sqlite_settings)) as session:
        round_ = make_round(session)
        for name in ("Scanstadt", "Gutstadt"):
            make_municipality(session, round_, name)
        session.commit()
        sources = collect_sources([tmp_path / "scan.pdf"], "Scanstadt") + collect_sources(
            [tmp_path / "good.pdf"], "Gutstadt"
        )
        scan, good = take_in_sources(
            session, sqlite_settings, round_=round_, sources=sources, actor="test", workers=1
        )
        assert scan.status == "registered" and scan.pages == 3
        assert NO_TEXT_LAYER in scan.problems and scan.findings == []
        assert good.status == "registered" and good.problems == []
        document = session.get(Document, scan.document_id)
        assert NO_TEXT_LAYER in document.problems


def test_pypdf_warnings_go_to_the_log_not_the_user(
    sqlite_settings: Settings, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
) -> None:
    # A PDF whose xref table points to the wrong place: pypdf warns and repairs it.
    data = plan_files.text_pdf(plan_files.PLAN_DE).replace(b"startxref\n", b"startxref\n1")
    settings = sqlite_settings.model_copy(update={"pdf_reader": "pypdf"})
    with caplog.at_level("WARNING"):
        doc = read_document(data, "repariert.pdf", settings)
    assert doc.pages == 4 and doc.problems == []
    assert any(r.name.startswith("pypdf") for r in caplog.records)
    captured = capsys.readouterr()
    assert captured.out == "" and "startxref" not in captured.err
