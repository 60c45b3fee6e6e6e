"""Unpacking bounded by the bytes an archive produces, never by what it declares (#17): a DOCX
whose headers understate its content is refused after one chunk, in the plan intake and in the
Word-form upload, and an honest archive passes unchanged."""

from __future__ import annotations

import contextlib
import io
import struct
import tracemalloc
import zipfile

import pytest

from review.config import Settings
from review.documents.filled_form import parse_word_form
from review.documents.word_form import WordFormError
from review.intake import IntakeError, read_document, safezip
from tests.support import plan_files

MB = 1024 * 1024


def _peak_of(call) -> int:
    tracemalloc.start()
    with contextlib.suppress(Exception):  # only the memory matters here; outcomes apart
        call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_an_honest_docx_passes_and_its_unpacked_size_is_counted() -> None:
    data = plan_files.plan_docx(plan_files.PLAN_EN)
    checked = safezip.check_archive(data, max_unpacked=10 * MB, max_xml_part=5 * MB)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert checked.names == archive.namelist()
        assert checked.unpacked == sum(i.file_size for i in archive.infolist())


def test_a_member_that_produces_more_than_it_declares_is_refused_after_one_chunk() -> None:
    data = plan_files.lying_docx(1_000_000_000)  # 1 MB upload, 1 GB inside, 4 KB declared
    assert len(data) < 1_100_000
    with pytest.raises(safezip.TooMuchUnpacked) as raised:
        safezip.check_archive(data, max_unpacked=200 * MB)
    assert raised.value.lied and raised.value.member == "word/document.xml"
    peak = _peak_of(lambda: safezip.check_archive(data, max_unpacked=200 * MB))
    assert peak < 4 * MB, f"{peak / MB:.1f} MB to refuse a lying archive"


def test_declared_sizes_over_the_limit_are_refused_without_inflating() -> None:
    data = plan_files.lying_docx(30 * MB, declared=None)
    with pytest.raises(safezip.TooMuchUnpacked) as raised:
        safezip.check_archive(data, max_unpacked=20 * MB)
    assert not raised.value.lied and raised.value.size > 30 * MB


def test_an_xml_part_over_its_own_limit_is_refused() -> None:
    data = plan_files.lying_docx(12 * MB, declared=None)
    with pytest.raises(safezip.TooMuchUnpacked) as raised:
        safezip.check_archive(data, max_unpacked=200 * MB, max_xml_part=10 * MB)
    assert raised.value.xml and raised.value.member == "word/document.xml"


def test_a_stored_member_longer_than_declared_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", b"x" * 5000)
    data = bytearray(out.getvalue())
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 24, 10)  # uncompressed size in the directory
    with pytest.raises(safezip.TooMuchUnpacked):
        safezip.check_archive(bytes(data), max_unpacked=MB)


@pytest.mark.parametrize(
    "damage",
    ["local-signature", "method", "encrypted", "truncated-data"],
)
def test_damaged_member_headers_are_refused_as_not_an_archive(damage: str) -> None:
    data = bytearray(plan_files.plan_docx(plan_files.PLAN_EN))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    if damage == "local-signature":
        data[info.header_offset : info.header_offset + 4] = b"XXXX"
    elif damage == "method":
        struct.pack_into("<H", data, central + 10, 12)  # bzip2: Word never writes it
    elif damage == "encrypted":
        struct.pack_into("<H", data, central + 8, 1)
    else:
        start = info.header_offset + 30 + len(info.filename)
        data[start : start + 40] = b"\xff" * 40
    with pytest.raises(safezip.NotAnArchive):
        safezip.check_archive(bytes(data), max_unpacked=10 * MB)


def test_plan_intake_refuses_the_lying_docx_with_a_clear_reason(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(IntakeError) as raised:
        read_document(plan_files.lying_docx(1_000_000_000), "Musterstadt.docx", settings)
    assert raised.value.code == "zip-bomb"
    assert "unpacks to more than its zip directory declares" in str(raised.value)
    assert "Musterstadt.docx" in str(raised.value)


def test_word_form_upload_refuses_the_lying_docx() -> None:
    data = plan_files.lying_docx(1_000_000_000)
    with pytest.raises(WordFormError) as raised:
        parse_word_form(data, max_uncompressed=200 * MB)
    assert "unpacks to more than its zip directory declares" in str(raised.value)
    assert "mehr, als sein ZIP-Verzeichnis angibt" in raised.value.text("de")
    assert _peak_of(lambda: parse_word_form(data, max_uncompressed=200 * MB)) < 4 * MB


def test_word_form_upload_refuses_an_xml_part_over_its_limit() -> None:
    """An honest form whose document.xml unpacks to 50 MB would be parsed into about 500 MB."""
    data = plan_files.lying_docx(50 * MB, declared=None)
    with pytest.raises(WordFormError):
        parse_word_form(data, max_uncompressed=200 * MB, max_xml_part=40 * MB)
    peak = _peak_of(lambda: parse_word_form(data, max_uncompressed=200 * MB, max_xml_part=40 * MB))
    assert peak < 4 * MB
