"""Bounded work per document (#17): pages, extracted text and CPU time are limited by settings,
each passed limit gives a clear refusal naming its setting, and a plan within the limits is read
as before. The settings are documented in the README (tests/test_readme.py checks every one)."""

from __future__ import annotations

import time

import pytest

from review.config import Settings
from review.intake import IntakeError, read_document
from review.intake.limits import ReadingBudget, TooSlowToRead
from tests.support import plan_files


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path)


def _refusal(data: bytes, name: str, settings: Settings) -> tuple[IntakeError, float]:
    started = time.thread_time()
    with pytest.raises(IntakeError) as raised:
        read_document(data, name, settings)
    return raised.value, time.thread_time() - started


def test_a_pdf_of_4000_pages_is_refused_by_its_page_count_before_any_text_is_read(settings):
    error, cpu = _refusal(plan_files.many_pages_pdf(4000), "Seiten.pdf", settings)
    assert error.code == "too-many-pages"
    assert "Seiten.pdf has 4,000 pages, more than the limit of 2,000" in str(error)
    assert "PEERPLAN_MAX_PAGES" in str(error)
    assert cpu < 8, f"{cpu:.1f} s of CPU to refuse by page count"


def test_too_much_text_is_refused_and_names_its_setting(settings):
    small = settings.model_copy(update={"max_text_chars": 50_000})
    error, _ = _refusal(plan_files.many_pages_pdf(30), "Text.pdf", small)
    assert error.code == "too-much-text"
    assert "more than 50,000 characters" in str(error) and "PEERPLAN_MAX_TEXT_CHARS" in str(error)
    error, _ = _refusal(plan_files.many_paragraphs_docx(5000), "Text.docx", small)
    assert error.code == "too-much-text"


def test_a_document_that_takes_too_long_is_stopped(settings):
    slow = settings.model_copy(update={"max_read_seconds": 0.001})
    error, cpu = _refusal(plan_files.many_paragraphs_docx(50_000), "Langsam.docx", slow)
    assert error.code == "too-slow" and "PEERPLAN_MAX_READ_SECONDS" in str(error)
    assert cpu < 10


def test_the_time_budget_counts_the_thread_cpu_not_the_wall_clock() -> None:
    budget = ReadingBudget("x.pdf", max_pages=10, max_chars=10**6, max_seconds=0.05)
    time.sleep(0.2)  # waiting (for the PDFium lock, a busy machine) costs nothing
    budget.check_time()
    with pytest.raises(TooSlowToRead):
        end = time.thread_time() + 0.2
        while time.thread_time() < end:
            budget.text("x")


def test_a_docx_of_many_paragraphs_is_read_in_seconds_not_minutes(settings):
    """python-docx's `paragraph.style` scanned every style for each paragraph without its own:
    20,000 paragraphs took over a minute of CPU. Within the limits, it is read whole."""
    started = time.thread_time()
    doc = read_document(plan_files.many_paragraphs_docx(20_000), "Absätze.docx", settings)
    cpu = time.thread_time() - started
    assert sum(u.kind == "paragraph" for u in doc.units) > 20_000
    assert cpu < 15, f"{cpu:.1f} s of CPU for 20,000 paragraphs"


def test_headings_still_come_from_the_paragraph_styles(settings):
    doc = read_document(plan_files.plan_docx(plan_files.PLAN_DE), "Musterstadt.docx", settings)
    titles = [h.title for h in doc.headings]
    assert "1. Energie- und Treibhausgasbilanz" in titles


def test_within_the_limits_nothing_changes(settings):
    doc = read_document(plan_files.text_pdf(plan_files.PLAN_DE * 10), "Plan.pdf", settings)
    assert doc.pages == 40 and doc.problems == []
