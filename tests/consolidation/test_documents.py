"""The documents a round produces, read back as a user would: the consolidated review per plan in
two editions, the round summary, the exports, and PDF copies."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document as open_docx
from lxml import etree
from openpyxl import load_workbook
from sqlmodel import Session

from review.consolidation.pipeline import compile_round
from review.documents.docxkit import DOCUMENT_TEMPLATES, STYLES
from review.documents.pdf import soffice
from tests.support.review_data import RUBRICS, reviewed_plan

HOSTILE = (
    " \x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85 bell and escape end here"
    " 😀👩🏽‍🔬 שלום עולם مرحبا"  # emoji with joiners, Hebrew and Arabic
    " <w:p>not markup</w:p> ]]> &amp; {{ jinja }} {% if %} =SUM(A1:A9)"
    " \ud800 lone surrogate"
)


def docx_text(path: Path) -> str:
    """Everything a reader sees: paragraphs, table cells (and headers and footers)."""
    document = open_docx(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def package_text(path: Path) -> str:
    """Every part of the zip package, decoded, plus the part names: for leak searches."""
    with zipfile.ZipFile(path) as archive:
        chunks = list(archive.namelist())
        for name in archive.namelist():
            chunks.append(archive.read(name).decode("utf-8", errors="replace"))
    return "\n".join(chunks)


def assert_valid_package(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))  # raises on any XML error
    open_docx(str(path))


def test_consolidated_review_has_every_criterion_comment_and_the_outcome(
    session: Session, tmp_path: Path
) -> None:
    data = reviewed_plan(session)
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    (plan,) = report.plans
    assert plan.outcome == "Minor revision"
    for path in (plan.municipality_docx, plan.coordinator_docx):
        text = docx_text(path)
        for rubric in ("technical", "communication"):
            for criterion in RUBRICS[rubric].criteria:
                assert f"{criterion.id} {criterion.title('en')}" in text
        for comment in data.comments:
            assert comment in text
        for i in range(3):
            for key in ("strength", "weakness", "recommendation"):
                assert f"{key}-{data.plan.id}-{i}" in text
        assert "Outcome: Minor revision" in text
        assert "62.5" in text and "100.0" in text
        assert "Automatic hints from the intake check" in text
        assert "Der Gemeinderat hat am 12.03.2024 beschlossen" in text
        assert "Reviewer A" in text and "Reviewer C" in text
        # English quotation marks in an English document: the hints and the peers' comments
        # were quoted „German-style“ in every language (found in a round of English CCC plans).
        assert "“Der Gemeinderat hat am 12.03.2024 beschlossen”" in text and "„" not in text
        assert "Total (0\u2060–\u2060100)" in text  # the header broke as 'Total (0–' / '100)'


def test_german_round_writes_german(session: Session, tmp_path: Path) -> None:
    data = reviewed_plan(session, language="de")
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    text = docx_text(report.plans[0].municipality_docx)
    assert "Konsolidiertes Gutachten" in text
    assert "Ergebnis: Kleinere Überarbeitung" in text
    assert "Gutachten A" in text
    assert "62,5" in text
    assert "Automatische Hinweise der Eingangsprüfung" in text
    assert "„Der Gemeinderat hat am 12.03.2024 beschlossen“" in text


def test_blind_municipality_edition_names_no_reviewer_anywhere(
    session: Session, tmp_path: Path
) -> None:
    data = reviewed_plan(session, blind=True)
    # A reviewer signs a comment: the blind edition must redact it.
    from sqlmodel import select

    from review.models import Review

    first = session.exec(select(Review).order_by(Review.id)).first()
    first.comments = {
        **first.comments,
        "T1": f"{first.comments['T1']} -- {data.reviewers[0].name}, "
        f"{data.reviewers[0].email}, from WOLKENSTEIN{data.plan.id}x0",
    }
    session.add(first)
    session.commit()
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    plan = report.plans[0]
    identities = []
    for reviewer in data.reviewers:
        identities += [reviewer.name, reviewer.email, reviewer.email.split("@")[0]]
    identities += [f"Wolkenstein{data.plan.id}x{i}" for i in range(3)]
    identities += ["Quellenberg", "reviewers.example"]
    shared = [
        plan.municipality_docx,
        report.summary_docx,
        tmp_path / "summary" / "round-scores.xlsx",
        tmp_path / "summary" / "round-scores.csv",
    ]
    for path in shared:
        haystack = (
            path.read_text("utf-8") if path.suffix == ".csv" else package_text(path)
        ).lower()
        haystack += str(path).lower()
        for identity in identities:
            assert identity.lower() not in haystack, f"{identity} leaks in {path.name}"
    text = docx_text(plan.municipality_docx)
    assert "[redacted]" in text
    assert "Coordinator edition" not in text and "For the coordinator" not in text
    props = open_docx(str(plan.municipality_docx)).core_properties
    assert (props.author, props.last_modified_by, props.comments) == ("peerplan", "peerplan", "")
    # The coordinator's edition and export do name them.
    coordinator = package_text(plan.coordinator_docx)
    assert data.reviewers[0].name in coordinator and data.reviewers[0].email in coordinator
    coordinator_csv = (tmp_path / "coordinator" / "round-scores-coordinator.csv").read_text(
        "utf-8-sig"
    )
    assert data.reviewers[2].email in coordinator_csv
    # No file name anywhere in the output names a reviewer.
    for path in tmp_path.rglob("*"):
        assert "quellenberg" not in path.name.lower() and "zq" not in path.name.lower()


def test_open_round_names_reviewers_but_never_their_emails(
    session: Session, tmp_path: Path
) -> None:
    data = reviewed_plan(session, blind=False)
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    package = package_text(report.plans[0].municipality_docx)
    assert data.reviewers[0].name in package
    for reviewer in data.reviewers:
        assert reviewer.email not in package


def test_incomplete_plan_says_so_and_gives_no_outcome(session: Session, tmp_path: Path) -> None:
    data = reviewed_plan(session, submit=(True, False, True))
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    plan = report.plans[0]
    assert plan.status == "incomplete" and plan.outcome_id is None
    text = docx_text(plan.municipality_docx)
    assert "Outcome: Incomplete" in text
    assert "provisional" in text
    assert "Minor revision" not in text.split("Scores per criterion")[0].replace("Outcome", "")


def test_hostile_text_comes_out_intact_or_safely_cleaned(session: Session, tmp_path: Path) -> None:
    long_comment = "Ä" * 20_000 + "end-of-long-comment"
    data = reviewed_plan(session, comment_extra=HOSTILE, municipality="Sankt Pölten <NÖ> & \x07Co")
    from sqlmodel import select

    from review.models import Review

    first = session.exec(select(Review).order_by(Review.id)).first()
    first.strengths = long_comment
    first.comments = {**first.comments, "T4": "T4:" + long_comment}
    session.add(first)
    session.commit()
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    plan = report.plans[0]
    for path in (plan.municipality_docx, plan.coordinator_docx, report.summary_docx):
        assert_valid_package(path)
    text = docx_text(plan.municipality_docx)
    for kept in (
        "😀👩🏽‍🔬",
        "שלום עולם",
        "مرحبا",
        "<w:p>not markup</w:p>",
        "]]> &amp;",
        "{{ jinja }} {% if %}",
        "=SUM(A1:A9)",
        "bell and escape end here",
    ):
        assert kept in text
    assert "\x00" not in text and "\x07" not in text and "\x1b" not in text
    assert long_comment in text
    assert "T4:" + long_comment in text  # in a table cell too
    assert "Sankt Pölten <NÖ> & Co" in text
    assert plan.municipality_docx.name == f"{data.plan.id:04d}-sankt-poelten-noe-co.docx"
    # Spreadsheets: text stays text, never a formula.
    workbook = load_workbook(tmp_path / "summary" / "round-scores.xlsx")
    sheet = workbook["reviews"]
    col = [c.value for c in sheet[1]].index("comment")
    comments = [row[col].value for row in sheet.iter_rows(min_row=2) if row[col].value]
    assert any("=SUM(A1:A9)" in c and "😀" in c for c in comments)
    assert all(row[col].data_type == "s" for row in sheet.iter_rows(min_row=2) if row[col].value)
    with open(tmp_path / "summary" / "round-scores.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert any("שלום עולם" in r["comment"] for r in rows)
    assert any(r["comment"] == long_comment for r in rows)


def test_summary_and_exports_cover_every_plan_score_and_comment(
    session: Session, tmp_path: Path
) -> None:
    first = reviewed_plan(session, municipality="Tulln")
    second = reviewed_plan(session, municipality="Krems", round_=first.round_, values=(1, 1, 1))
    report = compile_round(session, None, first.round_, tmp_path, workers=1, pdf=False)
    assert [p.municipality for p in report.plans] == ["Tulln", "Krems"]
    assert [p.outcome_id for p in report.plans] == ["minor_revision", "major_revision"]
    summary = open_docx(str(report.summary_docx))
    text = docx_text(report.summary_docx)
    assert "Tulln" in text and "Krems" in text and "Major revision" in text
    heat = summary.tables[1]
    assert [c.text for c in heat.rows[0].cells][1:4] == ["C1", "C2", "C3"]
    assert 'w:fill="' in heat._tbl.xml  # shaded cells: the heat map
    with open(tmp_path / "summary" / "round-scores.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    comments = {r["comment"] for r in rows}
    for comment in first.comments + second.comments:
        assert comment in comments
    # 2 plans x (2 technical x (8 + 3) + 1 communication x (8 + 3)) lines
    assert len(rows) == 2 * 3 * 11
    assert "reviewer_email" not in rows[0]
    workbook = load_workbook(tmp_path / "coordinator" / "round-scores-coordinator.xlsx")
    assert workbook["plans"].max_row == 3
    header = [c.value for c in workbook["reviews"][1]]
    assert "reviewer_email" in header


@pytest.mark.slow
def test_plans_render_in_parallel_processes(session: Session, tmp_path: Path) -> None:
    first = reviewed_plan(session, municipality="Plan 1")
    for i in range(2, 6):
        reviewed_plan(session, municipality=f"Plan {i}", round_=first.round_)
    report = compile_round(session, None, first.round_, tmp_path, workers=2, pdf=False)
    assert len(report.plans) == 5
    assert all(p.municipality_docx.is_file() for p in report.plans)
    assert sorted(p.name for p in (tmp_path / "municipality").glob("*.docx")) == [
        f"{p.plan_id:04d}-plan-{i}.docx" for i, p in enumerate(report.plans, start=1)
    ]


def test_recompiling_overwrites_the_same_files(session: Session, tmp_path: Path) -> None:
    data = reviewed_plan(session)
    compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_shipped_templates_have_every_style_the_code_uses() -> None:
    for name in ("consolidated.docx", "summary.docx"):
        document = open_docx(str(DOCUMENT_TEMPLATES / name))
        names = {style.name for style in document.styles}
        assert set(STYLES) <= names, f"{name} lacks {sorted(set(STYLES) - names)}"


@pytest.mark.slow
def test_docx_converts_to_pdf_when_libreoffice_is_installed(
    sqlite_settings, tmp_path: Path
) -> None:
    if soffice() is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    from review.db import get_engine, session_scope

    with session_scope(get_engine(sqlite_settings)) as session:
        data = reviewed_plan(session, comment_extra=HOSTILE)
        report = compile_round(session, sqlite_settings, data.round_, tmp_path, workers=2, pdf=True)
    assert report.notes == []
    pdfs = sorted(p.name for p in report.pdfs)
    stem = f"{data.plan.id:04d}-tulln-an-der-donau"
    assert pdfs == sorted([f"{stem}.pdf", f"{stem}-coordinator.pdf", "round-summary.pdf"])
    for pdf in report.pdfs:
        assert pdf.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(report.pdfs[0]).pages)
    assert "Tulln" in text


def test_without_libreoffice_pdfs_are_skipped_with_a_note(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    data = reviewed_plan(session)
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=True)
    assert report.pdfs == []
    assert any("LibreOffice" in note for note in report.notes)


def test_compiling_records_an_event_the_round_progress_counts(
    session: Session, tmp_path: Path
) -> None:
    from review.progress import round_progress

    data = reviewed_plan(session)
    assert not round_progress(session, data.round_).plans[0].compiled
    compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    session.commit()
    progress = round_progress(session, data.round_)
    assert progress.plans[0].compiled
    from sqlmodel import select

    from review.models import Event

    event = session.exec(select(Event).where(Event.kind == "plan.compiled")).one()
    assert event.payload["outcome"] == "minor_revision"
    assert "quellenberg" not in str(event.payload).lower()


def test_compiling_one_plan_keeps_the_summary_whole(session: Session, tmp_path: Path) -> None:
    first = reviewed_plan(session, municipality="Tulln")
    second = reviewed_plan(session, municipality="Krems", round_=first.round_)
    report = compile_round(
        session, None, first.round_, tmp_path, workers=1, pdf=False, plan_ids=[second.plan.id]
    )
    assert [p.plan_id for p in report.plans] == [second.plan.id]
    assert not (tmp_path / "municipality" / f"{first.plan.id:04d}-tulln.docx").exists()
    text = docx_text(report.summary_docx)
    assert "Tulln" in text and "Krems" in text


def test_eligibility_votes_name_reviewers_by_their_letter_in_the_coordinator_edition(
    session: Session, tmp_path: Path
) -> None:
    """The JRC table's votes stay readable: "Reviewer A: yes", not the name and the email
    address of every reviewer in every row (those stand once, in the coordinator's table)."""
    data = reviewed_plan(session, blind=False)
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    document = open_docx(str(report.plans[0].coordinator_docx))
    gates = next(t for t in document.tables if "Criterion" in t.rows[0].cells[0].text)
    votes = [row.cells[1].text for row in gates.rows[1:]]
    assert any("Reviewer A: yes" in v for v in votes)
    for reviewer in data.reviewers:
        assert all(reviewer.email not in v and reviewer.name not in v for v in votes)


def test_the_coordinator_edition_gives_addresses_once_not_in_narrow_columns(
    session: Session, tmp_path: Path
) -> None:
    # Seen in a round of the 30 English CCC plans (Gävle's coordinator edition, as PDF): every
    # criterion's table named "Reviewer B – Lars Horváth <lars.horvath@malmo.example>" in a
    # column of 4 cm, and the address broke mid-word; the calibration table too.
    data = reviewed_plan(session, blind=False)
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    document = open_docx(str(report.plans[0].coordinator_docx))
    reviewer = data.reviewers[0]
    criterion_tables = [
        t for t in document.tables if [c.text for c in t.rows[0].cells][1:] == ["Score", "Comment"]
    ]
    assert criterion_tables
    for table in criterion_tables:
        names = [row.cells[0].text for row in table.rows[1:]]
        assert all("@" not in name for name in names), names
    assert any(reviewer.name in n for t in criterion_tables for n in _first_column(t))
    coordinator = next(t for t in document.tables if t.rows[0].cells[1].text == "Name")
    assert any(reviewer.email in row.cells[1].text for row in coordinator.rows[1:])


def _first_column(table) -> list[str]:
    return [row.cells[0].text for row in table.rows[1:]]


def test_the_coordinators_table_of_reviewers_breaks_no_german_word(
    session: Session, tmp_path: Path
) -> None:
    # Seen in the German walkthrough (Münster's coordinator edition, as PDF): the table under
    # "Für die Koordination" had seven columns of 2-3 cm, and "Gutachten A", the rubric
    # "Kommunikationsstrategie" and "abgeschickt" broke mid-word.
    data = reviewed_plan(session, language="de", blind=False)
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    document = open_docx(str(report.plans[0].coordinator_docx))
    table = next(t for t in document.tables if t.rows[0].cells[1].text == "Name")
    widths_cm = [column.width.cm for column in table.columns]
    reviewer = data.reviewers[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert any(reviewer.name in c[1] and reviewer.email in c[1] for c in cells)
    words = {
        i: max(
            len(word)
            for row in cells
            for word in row[i].replace("-", " ").split()  # a line may break at a hyphen
            if "@" not in word  # an address breaks anywhere
        )
        for i in range(len(widths_cm))
    }
    # About 0.25 cm a character (measured in the PDF: "Kommunikationsstrategie" 5.5 cm,
    # "Gutachten B" bold 2.5 cm), and 0.4 cm of cell margins.
    for i, longest in words.items():
        assert longest * 0.25 + 0.4 <= widths_cm[i], (i, longest, widths_cm)
    assert sum(widths_cm) <= 17.01  # the text width; EMU rounding aside


def test_the_summary_table_of_an_incomplete_german_plan_breaks_no_word(
    session: Session, tmp_path: Path
) -> None:
    # Seen in a German round's PDF: the total's column was 2 cm, and '50,0 (vorläufig)' broke
    # into '(vorläufi' and 'g'.
    data = reviewed_plan(session, language="de", submit=(True, False, True))
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    document = open_docx(str(report.plans[0].municipality_docx))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Bewertungsbogen")
    widths_cm = [column.width.cm for column in table.columns]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert any("(vorläufig)" in row[1] for row in cells), cells
    for i, width in enumerate(widths_cm):
        for row in cells[1:]:  # the headers were looked at in the PDF
            # Measured in the PDF at 60 dpi: 'Unvollständig' 2.4 cm, '(vorläufig)' 1.9 cm,
            # the bold first column's 'Kommunikationsstrategie' 5.5 cm; and 0.4 cm of margins.
            # A provisional total is set at 9 pt, not 10.5 (session 9).
            per_character = 0.235 if i == 0 else 0.19 * (9 / 10.5 if i == 1 else 1)
            for word in row[i].replace("-", " ").replace("–", " ").split():
                assert len(word) * per_character + 0.4 <= width, (word, widths_cm)
    assert sum(widths_cm) <= 17.01


def _words(text: str) -> list[str]:
    """The words of `text` as a line may break them: at white space, a hyphen or a dash."""
    # a word joiner (U+2060, which keeps a range such as "0–100" whole) is not seen
    return [w for w in re.split(r"[\s\-–]+", text.replace("\u2060", "")) if w]


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("language", "plans", "criteria", "outcome", "eligibility"),
    [
        ("de", "Pläne", "Kriterien im Vergleich", "Ergebnis:", "Förderfähigkeitskriterien"),
        ("en", "Plans", "Criteria compared", "Outcome:", "Eligibility criteria"),
    ],
)
def test_the_summary_tables_break_no_word_in_the_rendered_pdf(
    session: Session,
    tmp_path: Path,
    language: str,
    plans: str,
    criteria: str,
    outcome: str,
    eligibility: str,
) -> None:
    """The German walkthrough of session 8, read in the PDFs: the round summary's header
    'Kommunikationsstrategie' broke as 'Kommunikationsstrate/gie', the plan's summary table
    '(provisional)' as '(provisional/)' and 'Kleinere Überarbeitung' as 'Überarbeitun/g'. Every
    word of these tables is read whole in the text LibreOffice set (a line may break between
    words, at a hyphen or a dash)."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer")
    from pypdf import PdfReader

    incomplete = reviewed_plan(
        session, language=language, submit=(True, False, True), municipality="Landkreis Dieburg"
    )
    reviewed_plan(session, language=language, round_=incomplete.round_)  # a minor revision
    report = compile_round(session, None, incomplete.round_, tmp_path, workers=1, pdf=True)
    assert report.notes == []

    def pdf_text(docx: Path) -> str:
        pdf = docx.with_suffix(".pdf")
        assert pdf in report.pdfs
        return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)

    assert report.summary_docx is not None
    said = {
        "round summary": (
            report.summary_docx,
            _between(pdf_text(report.summary_docx), plans, criteria),
        ),
        **{
            plan.municipality_docx.name: (
                plan.municipality_docx,
                _between(pdf_text(plan.municipality_docx), outcome, eligibility),
            )
            for plan in report.plans
        },
    }
    for name, (docx, text) in said.items():
        table = open_docx(str(docx)).tables[0 if name == "round summary" else 1]
        written = {w for row in table.rows for cell in row.cells for w in _words(cell.text)}
        assert written <= set(_words(text)), (name, written - set(_words(text)), text)
    words = {w for _docx, text in said.values() for w in _words(text)}
    expected = {"de": {"Kommunikationsstrategie", "(vorläufig)", "Überarbeitung"}}
    assert expected.get(language, {"(provisional)", "Disagreements"}) <= words


def test_a_rubric_without_reviews_yet_reads_open_not_not_applicable(
    session: Session, tmp_path: Path
) -> None:
    # Seen in the German walkthrough (walk10): a plan whose communication review was not in
    # yet said 'Konsolidiert: n. z.' (not applicable) for every communication criterion.
    data = reviewed_plan(session, language="de", submit=(True, True, False))
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    text = docx_text(report.plans[0].municipality_docx)
    assert "Konsolidiert: n. z." not in text and "Konsolidiert: –" in text
    assert (
        "n. z." not in text.split("Technische Begutachtung")[0].split("Bewertung je Kriterium")[1]
    )
    assert re.search(r"Konsolidiert: \d", text)  # the technical criteria keep their scores
    # Nor is its rubric's total a provisional '–' ('– (vorläufig)'): no figure has come in.
    assert "(vorläufig)" not in text
    summary = docx_text(report.summary_docx)
    assert "(vorläufig)" not in summary and "Unvollständig" in summary
