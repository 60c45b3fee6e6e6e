"""Reading plans without a database: generated plans in German and English, PDF and DOCX."""

from __future__ import annotations

import pytest

from review.config import Settings
from review.intake import read_document
from review.intake.findings import summary
from review.intake.pdf import parse_pdf_date
from review.intake.sniff import Kind, sniff
from tests.support import plan_files

READERS = ["pypdf", "pypdfium2"]


def by_check(doc) -> dict:
    return {f["check"]: f for f in doc.findings}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("lines", "language"), [(plan_files.PLAN_DE, "de"), (plan_files.PLAN_EN, "en")]
)
def test_generated_pdf_plan_is_read_with_pages_language_and_findings(
    sqlite_settings: Settings, reader: str, lines, language: str
) -> None:
    settings = sqlite_settings.model_copy(update={"pdf_reader": reader})
    doc = read_document(plan_files.text_pdf(lines, title="Klimaplan"), "plan.pdf", settings)
    assert doc.pages == 4 and doc.media_type == "application/pdf" and doc.reader == reader
    assert doc.language == language
    assert doc.meta["title"] == "Klimaplan" and doc.meta["created"].startswith("2024-03-12")
    findings = by_check(doc)
    assert summary(doc.findings) == "9/9"
    inventory = findings["inventory"]
    assert inventory["evidence"][0]["page"] == 2
    assert inventory["sectors"] == ["municipal", "tertiary", "residential", "transport"]
    assert inventory["jrc_min_sectors_met"] is True
    assert (findings["target"]["percent"], findings["target"]["year"]) == (55.0, 2030)
    assert findings["target"]["evidence"][0]["page"] == 1
    assert "55 %" in findings["target"]["evidence"][0]["snippet"]
    assert findings["council_approval"]["evidence"][0]["page"] == 1
    assert findings["risk_vulnerability"]["evidence"][0]["page"] == 3
    assert findings["mitigation_actions"]["jrc_min_sectors_met"] is True
    # Hints, never a verdict: every finding says so in both languages.
    assert all(f["automatic"] and "not a verdict" in f["note"]["en"] for f in doc.findings)
    assert all("keine Bewertung" in f["note"]["de"] for f in doc.findings)


@pytest.mark.parametrize(
    ("lines", "language"), [(plan_files.PLAN_DE, "de"), (plan_files.PLAN_EN, "en")]
)
def test_generated_docx_plan_gives_paragraphs_headings_tables_and_findings(
    sqlite_settings: Settings, lines, language: str
) -> None:
    doc = read_document(
        plan_files.plan_docx(lines, title="Plan 2030", author="Amt"), "p.docx", sqlite_settings
    )
    assert doc.language == language and doc.reader == "python-docx"
    assert doc.meta["title"] == "Plan 2030" and doc.meta["author"] == "Amt"
    assert [h.title for h in doc.headings] == [page[0] for page in lines]
    assert doc.headings[1].kind == "paragraph" and doc.headings[1].number > 1
    assert doc.tables == [[["Nr.", "Maßnahme / action"], ["M1", "Sanierung / retrofit"]]]
    assert doc.units[-1].kind == "table"
    findings = by_check(doc)
    assert summary(doc.findings) == "9/9"
    assert "paragraph" in findings["inventory"]["evidence"][0]
    assert set(findings["inventory"]["sectors"]) == {
        "municipal",
        "tertiary",
        "residential",
        "transport",
    }
    assert findings["target"]["year"] == 2030


def test_a_plan_missing_parts_gets_absent_findings(sqlite_settings: Settings) -> None:
    doc = read_document(
        plan_files.text_pdf(
            [
                [
                    "Unser Radwegeprogramm für die Stadt und die Region.",
                    "Wir bauen neue Wege und Brücken für den Radverkehr.",
                ]
            ]
        ),
        "rad.pdf",
        sqlite_settings,
    )
    findings = by_check(doc)
    assert not findings["inventory"]["present"] and findings["inventory"]["evidence"] == []
    assert not findings["target"]["present"] and findings["target"]["percent"] is None
    assert not findings["council_approval"]["present"]


def test_a_pdf_named_docx_is_read_as_pdf_and_says_so(sqlite_settings: Settings) -> None:
    doc = read_document(plan_files.text_pdf(plan_files.PLAN_DE), "plan.docx", sqlite_settings)
    assert doc.suffix == ".pdf" and doc.pages == 4
    assert any("named .docx but is a PDF" in p for p in doc.problems)


def test_pdf_encrypted_with_an_empty_user_password_opens(sqlite_settings: Settings) -> None:
    for reader in READERS:
        settings = sqlite_settings.model_copy(update={"pdf_reader": reader})
        doc = read_document(plan_files.owner_only_encrypted_pdf(), "p.pdf", settings)
        assert doc.pages == 4 and doc.language == "de"


def test_sniff_uses_bytes_not_names() -> None:
    assert sniff(plan_files.text_pdf(plan_files.PLAN_DE)) is Kind.pdf
    assert sniff(plan_files.plan_docx(plan_files.PLAN_DE)) is Kind.docx
    assert sniff(plan_files.LEGACY_DOC) is Kind.doc
    assert sniff(plan_files.ENCRYPTED_DOCX) is Kind.encrypted_office
    assert sniff(plan_files.HTML_PAGE) is Kind.html
    assert sniff(b"  \n") is Kind.empty
    assert sniff(b"hello") is Kind.unknown


def test_pdf_dates() -> None:
    assert parse_pdf_date("D:20180702123844+02'00'").isoformat() == "2018-07-02T12:38:44+02:00"
    assert parse_pdf_date("D:2019").isoformat() == "2019-01-01T00:00:00+00:00"
    assert parse_pdf_date("gestern") is None


def test_concurrent_reads_from_threads_are_safe(sqlite_settings: Settings) -> None:
    """The portal takes uploads in a thread pool; PDFium itself is not thread-safe."""
    from concurrent.futures import ThreadPoolExecutor

    data = plan_files.text_pdf(plan_files.PLAN_DE * 3)
    with ThreadPoolExecutor(4) as pool:
        docs = list(pool.map(lambda i: read_document(data, f"{i}.pdf", sqlite_settings), range(8)))
    assert {d.pages for d in docs} == {12} and {d.language for d in docs} == {"de"}
