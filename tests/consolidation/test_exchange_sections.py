"""The exchange's sections in the documents, in the reader's language."""

from __future__ import annotations

from pathlib import Path

from docx import Document as open_docx
from docx.oxml.ns import qn

from review.consolidation.gather import PlanRow
from review.consolidation.plan_document import write_consolidated
from review.consolidation.summary import write_summary_docx
from review.exchange.learning import lessons
from tests.consolidation.test_documents import docx_text
from tests.exchange.test_learning import round_of


def test_the_municipality_reads_learn_from_peers_in_its_language(tmp_path: Path) -> None:
    rows = round_of(blind=True)
    learned = lessons(
        [
            PlanRow(r.dossier.model_copy(update={"municipality_language": "de"}), r.result)
            for r in rows
        ]
    )
    weak = rows[0].dossier.model_copy(update={"municipality_language": "de", "lessons": learned[1]})
    path = write_consolidated(weak, weak.score(), "municipality", tmp_path / "weak.docx")
    text = docx_text(path)
    assert "Von anderen lernen" in text
    assert "T2 Basis-Emissionsinventar (dieser Plan: 1)" in text
    assert "Bruckhausen – Bewertung 4" in text
    assert "Fundstelle im Plan: S. 14; S. 22 „Tabelle 4: Endenergie nach Energieträgern“" in text
    assert "Zeppelfeld" not in text and "[geschwärzt]" in text


def test_the_round_summary_has_the_learning_matrix(tmp_path: Path) -> None:
    rows = round_of()
    path = write_summary_docx(rows, tmp_path / "s.docx", round_name="R", language="en")
    text = docx_text(path)
    assert "Learning from peers" in text and "learns ↓ from →" in text
    assert "T2; JRC: The inventory covers at least 3 of the 4 key sectors" in text
    german = docx_text(
        write_summary_docx(rows, tmp_path / "de.docx", round_name="R", language="de")
    )
    assert "T2; JRC: Inventar deckt mindestens 3 der 4 Schlüsselsektoren ab" in german
    assert "bei_sectors" not in german


def test_a_round_that_does_not_name_peers_has_no_matrix(tmp_path: Path) -> None:
    rows = round_of(peers_named=False)
    path = write_summary_docx(rows, tmp_path / "s.docx", round_name="R", language="en")
    text = docx_text(path)
    assert "This round does not name peers to each other." in text
    assert "learns ↓ from →" not in text


def test_the_round_summarys_tables_keep_rows_and_names_whole(tmp_path: Path) -> None:
    # Found in a round of the 30 English CCC plans: a plan's row of the heat map split over two
    # pages (its flags at the top of the next page, under no name and no column names), and
    # the matrix's columns of 2 cm broke 'Lappeenr/anta', 'Copenha/gen' (rendered and looked at).
    rows = round_of()
    path = write_summary_docx(rows, tmp_path / "s.docx", round_name="R", language="en")
    tables = open_docx(str(path)).tables
    assert len(tables) >= 3  # plans, criteria compared, learning from peers
    for table in tables:
        header, *body = table._tbl.tr_lst
        assert header.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert body and all(
            tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in body
        )
    # Upright names need the row's height: LibreOffice does not grow a row for them.
    assert tables[2]._tbl.tr_lst[0].find(f"{qn('w:trPr')}/{qn('w:trHeight')}") is not None
    matrix_header = tables[2].rows[0].cells[1:]
    assert matrix_header and all(
        cell._tc.find(f"{qn('w:tcPr')}/{qn('w:textDirection')}").get(qn("w:val")) == "btLr"
        for cell in matrix_header
    )
