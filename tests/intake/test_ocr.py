"""Scanned plans (#15): pages without a text layer are read by OCR when ocrmypdf and Tesseract
(German and English) are installed; without them the plan is flagged as needing a human reader.
PEERPLAN_TEST_OCR=1 (set by CI) makes these tests fail instead of skip when OCR is missing."""

from __future__ import annotations

import os

import pytest

from review.config import Settings
from review.intake import NO_TEXT_LAYER, read_document
from review.intake import read as read_module
from review.intake.limits import TooSlowToRead
from review.intake.pdf import read_pdf
from review.intake.read import OCR_NOTE
from tests.support import plan_files

OCR_ENV = "PEERPLAN_TEST_OCR"


@pytest.fixture(scope="module")
def ocr_installed() -> None:
    if not read_module.ocr_available():
        if os.environ.get(OCR_ENV):
            pytest.fail(f"{OCR_ENV} is set but ocrmypdf or Tesseract (deu, eng) is missing")
        pytest.skip("OCR not installed: pip install 'peerplan[ocr]' and tesseract-ocr-deu/-eng")


@pytest.mark.parametrize(
    ("lines", "language", "words"),
    [
        (plan_files.PLAN_DE, "de", "Treibhausgasemissionen bis 2030 um 55 %"),
        (plan_files.PLAN_EN, "en", "greenhouse gas emissions by 55 % by 2030"),
    ],
)
def test_scanned_plan_is_read_by_ocr_and_its_findings_use_the_words(
    ocr_installed: None, sqlite_settings: Settings, lines, language: str, words: str
) -> None:
    data = plan_files.scanned_plan_pdf(lines)
    assert "55" not in read_pdf(data, "scan.pdf").units[0].text  # no text layer
    doc = read_document(data, "scan.pdf", sqlite_settings)
    assert doc.has_text_layer and NO_TEXT_LAYER not in doc.problems
    assert doc.ocr_pages == [1, 2, 3, 4] and doc.structure()["ocr_pages"] == [1, 2, 3, 4]
    assert any(p.startswith(OCR_NOTE) and "1, 2, 3, 4" in p for p in doc.problems)
    assert doc.reader.endswith("+ocr") and doc.language == language
    assert words in " ".join(doc.units[0].text.split())
    target = next(f for f in doc.findings if f["check"] == "target")
    assert (target["percent"], target["year"]) == (55.0, 2030)
    assert target["evidence"][0]["page"] == 1
    inventory = next(f for f in doc.findings if f["check"] == "inventory")
    assert inventory["present"] and inventory["evidence"][0]["page"] == 2


def test_ocr_stays_within_the_documents_cpu_budget(
    ocr_installed: None, sqlite_settings: Settings
) -> None:
    settings = sqlite_settings.model_copy(update={"max_read_seconds": 0.5})
    data = plan_files.scanned_plan_pdf(plan_files.PLAN_DE * 3)
    with pytest.raises(TooSlowToRead, match="PEERPLAN_MAX_READ_SECONDS"):
        read_document(data, "langsam.pdf", settings)


def test_ocr_children_together_stay_within_the_budget(
    ocr_installed: None, sqlite_settings: Settings
) -> None:
    """ocrmypdf and the Tesseract it starts for each page share the document's budget: the
    limit each process gets on its own let them spend about twice it together."""
    settings = sqlite_settings.model_copy(update={"max_read_seconds": 2.0})
    data = plan_files.scanned_plan_pdf(plan_files.PLAN_DE * 12)
    before = os.times()
    with pytest.raises(TooSlowToRead):
        read_document(data, "lang.pdf", settings)
    after = os.times()
    children = after.children_user + after.children_system
    children -= before.children_user + before.children_system
    assert children < 2.0 + 0.5, f"{children:.2f} CPU seconds of OCR for a budget of 2 s"


def test_without_ocr_a_scanned_plan_is_flagged_as_before(
    sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read_module, "ocr_available", lambda: False)
    doc = read_document(
        plan_files.scanned_plan_pdf(plan_files.PLAN_EN), "scan.pdf", sqlite_settings
    )
    assert not doc.has_text_layer and NO_TEXT_LAYER in doc.problems
    assert doc.ocr_pages == [] and doc.findings == []
