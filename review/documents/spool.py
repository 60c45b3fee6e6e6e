"""Long tables kept on disk while a document is built (#14).

python-docx holds every cell of a table as lxml nodes until the document is saved, about 2 KB a
cell: the round summary's three tables of a row per plan (about 48 cells a plan) held some
95 MB at 1,000 plans and about 1 GB at 10,000, the largest part of the compile's peak memory.
A `RowSpool` moves a table's filled rows out of the tree into a file beside the document, as
the XML python-docx made for them, every `every` rows, and `save` writes the document with the
rows back in their place, streamed into the DOCX: the same XML as if they had stayed in the
tree (each row's namespace declarations, which the document's root already makes, left out).

The files are hidden temporary files beside the document (`.<name>.rows-<n>.<pid>.tmp`, in the
output folder, private like it), removed when the document is saved or building it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree

#: Rows a table keeps in the tree before they go to its file.
EVERY = 200

_MARK = "peerplan-rows-"
_MARKS = re.compile(rb"<!--" + _MARK.encode() + rb"(\d+)-->")
_BODY = "word/document.xml"


@dataclass
class _Spooled:
    tbl: Any  # python-docx's CT_Tbl
    keep: int  # the rows that stay in the tree (the header)
    path: Path
    file: IO[bytes]


class RowSpool:
    """Rows added with `add_row` go to disk every `every` rows; `save` puts them back."""

    def __init__(self, document_path: Path, every: int = EVERY) -> None:
        self._beside = document_path
        self._every = every
        self._tables: dict[int, _Spooled] = {}

    def add_row(self, table: Any) -> Any:
        """`table.add_row()`, after moving the rows filled since the last move to disk."""
        spooled = self._tables.get(id(table._tbl))
        if spooled is None:
            spooled = self._start(table)
        elif len(spooled.tbl.tr_lst) - spooled.keep >= self._every:
            self._spool(spooled)
        return table.add_row()

    def save(self, document: Any, path: Path) -> None:
        """Write `document` to `path` (a DOCX) with every spooled row in its place."""
        try:
            for spooled in self._tables.values():
                self._spool(spooled)
                spooled.file.close()
            first = path.with_name(f".{path.name}.first.{os.getpid()}.tmp")
            try:
                document.save(str(first))
                _splice(first, path, {n: s.path for n, s in enumerate(self._tables.values())})
            finally:
                first.unlink(missing_ok=True)
        finally:
            self.discard()

    def discard(self) -> None:
        for spooled in self._tables.values():
            spooled.file.close()
            spooled.path.unlink(missing_ok=True)
        self._tables.clear()

    def _start(self, table: Any) -> _Spooled:
        number = len(self._tables)
        tbl = table._tbl
        # The rows' place: a comment after the rows there now, which later rows follow.
        tbl.append(etree.Comment(f"{_MARK}{number}"))
        self._beside.parent.mkdir(parents=True, exist_ok=True)
        path = self._beside.with_name(f".{self._beside.name}.rows-{number}.{os.getpid()}.tmp")
        spooled = _Spooled(tbl, len(tbl.tr_lst), path, open(path, "wb"))  # noqa: SIM115
        self._tables[id(tbl)] = spooled
        return spooled

    def _spool(self, spooled: _Spooled) -> None:
        root = spooled.tbl.getroottree().getroot()
        declared = [
            f' xmlns:{prefix}="{uri}"'.encode() for prefix, uri in root.nsmap.items() if prefix
        ]
        for tr in spooled.tbl.tr_lst[spooled.keep :]:
            xml = etree.tostring(tr, encoding="UTF-8", with_tail=False)
            end = xml.index(b">")
            start = xml[:end]
            for declaration in declared:  # only in the row's start tag: never in its text
                start = start.replace(declaration, b"")
            spooled.file.write(start + xml[end:])
            spooled.tbl.remove(tr)


def _splice(first: Path, path: Path, rows: dict[int, Path]) -> None:
    """`first` copied to `path`, each row mark in its body replaced by that table's rows."""
    with zipfile.ZipFile(first) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename != _BODY:
                target.writestr(info, source.read(info.filename))
                continue
            body = source.read(info.filename)  # small: the long tables' rows are not in it
            entry = zipfile.ZipInfo(_BODY, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w") as out:
                pieces = _MARKS.split(body)
                for index, piece in enumerate(pieces):
                    if index % 2 == 0:
                        out.write(piece)
                    else:
                        with open(rows[int(piece)], "rb") as spooled:
                            shutil.copyfileobj(spooled, out, 1 << 20)
