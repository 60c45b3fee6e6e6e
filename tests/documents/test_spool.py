"""Long tables spooled to disk while a document is built (#14): the saved document is the one
python-docx would have saved with every row in the tree, and nothing is left beside it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

from review.consolidation import summary
from review.consolidation.summary import write_summary_docx
from review.documents.spool import RowSpool
from tests.exchange.test_learning import round_of

# Text a careless splice would take for its own marks or declarations, and non-ASCII.
TRICKY = [
    "Mödling – Straße ⚑",
    "<!--peerplan-rows-0-->",
    ' xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"',
    "a & b > c",
]


def _body(path: Path) -> bytes:
    with zipfile.ZipFile(path) as docx:
        root = etree.fromstring(docx.read("word/document.xml"))
    return etree.tostring(root, method="c14n")


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as docx:
        return {n: docx.read(n) for n in docx.namelist() if n != "word/document.xml"}


def _build(path: Path, spool: RowSpool | None) -> Path:
    document = Document()
    document.add_paragraph("before")
    tables = [document.add_table(rows=1, cols=3) for _ in range(2)]
    document.add_paragraph("after")
    for number in range(23):
        for table in tables:
            row = spool.add_row(table) if spool else table.add_row()
            for column, cell in enumerate(row.cells):
                cell.text = f"{number}/{column} {TRICKY[(number + column) % len(TRICKY)]}"
    if spool:
        spool.save(document, path)
    else:
        document.save(str(path))
    return path


@pytest.mark.parametrize("every", [1, 2, 7, 1000])
def test_a_spooled_document_is_the_one_built_in_memory(tmp_path: Path, every: int) -> None:
    plain = _build(tmp_path / "plain.docx", None)
    spooled = _build(tmp_path / "spooled.docx", RowSpool(tmp_path / "spooled.docx", every))
    assert _body(spooled) == _body(plain)
    assert _members(spooled) == _members(plain)
    table = Document(str(spooled)).tables[1]
    assert len(table.rows) == 24
    assert [c.text for c in table.rows[23].cells] == [
        f"22/{column} {TRICKY[(22 + column) % len(TRICKY)]}" for column in range(3)
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.docx", "spooled.docx"]


def test_a_failed_build_leaves_no_spool_file(tmp_path: Path, monkeypatch) -> None:
    rows = round_of()

    def broken(*_args, **_kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(summary, "progress_table", broken)
    with pytest.raises(RuntimeError, match="broken"):
        write_summary_docx(rows, tmp_path / "s.docx", round_name="R", language="en", spool_every=1)
    assert list(tmp_path.iterdir()) == []


def test_the_round_summary_spooled_is_the_summary_built_in_memory(
    tmp_path: Path, monkeypatch
) -> None:
    rows = round_of()
    spooled = write_summary_docx(
        rows, tmp_path / "a" / "s.docx", round_name="R", language="de", spool_every=1
    )

    class InMemory(RowSpool):
        def add_row(self, table):  # type: ignore[no-untyped-def]
            return table.add_row()

        def save(self, document, path: Path) -> None:  # type: ignore[no-untyped-def]
            document.save(str(path))

    monkeypatch.setattr(summary, "RowSpool", InMemory)
    plain = write_summary_docx(rows, tmp_path / "b" / "s.docx", round_name="R", language="de")
    assert _body(spooled) == _body(plain)
    assert len(Document(str(spooled)).tables) >= 3
    assert sorted(p.name for p in spooled.parent.iterdir()) == ["s.docx"]
