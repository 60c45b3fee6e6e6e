"""What a file is, from its first bytes (and a zip's directory), never from its name."""

from __future__ import annotations

import enum
import io
import zipfile

from review.i18n import N_, Message

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
# An Office file encrypted with a password is an OLE container holding these streams.
_OLE_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")


class Kind(enum.StrEnum):
    empty = "empty"
    pdf = "pdf"
    docx = "docx"
    zip = "zip"  # a zip, but not a Word document
    doc = "doc"  # legacy Word 97-2003 (OLE compound file)
    encrypted_office = "encrypted-office"  # password-protected DOCX (stored as OLE)
    html = "html"
    unknown = "unknown"


DESCRIPTIONS = {
    Kind.empty: Message(N_("an empty file")),
    Kind.pdf: Message(N_("a PDF")),
    Kind.docx: Message(N_("a Word document (DOCX)")),
    Kind.zip: Message(N_("a zip archive")),
    Kind.doc: Message(N_("an old Word 97-2003 document (.doc)")),
    Kind.encrypted_office: Message(N_("a password-protected Office document")),
    Kind.html: Message(N_("an HTML page")),
    Kind.unknown: Message(N_("neither a PDF nor a Word document")),
}


def sniff(data: bytes) -> Kind:
    head = data[:1024]
    if not data.strip():
        return Kind.empty
    # The PDF header may follow a little junk (the spec tolerates it within the first 1 KB).
    if b"%PDF-" in head:
        return Kind.pdf
    if data.startswith(ZIP_MAGICS):
        return Kind.docx if _zip_has_document(data) else Kind.zip
    if data.startswith(OLE_MAGIC):
        return Kind.encrypted_office if _OLE_ENCRYPTED in data else Kind.doc
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(_HTML_STARTS) or (text.startswith(b"<?xml") and b"<html" in text):
        return Kind.html
    if text.startswith(b"<!--") and b"<html" in text:
        return Kind.html
    return Kind.unknown


def _zip_has_document(data: bytes) -> bool:
    """True for a zip whose directory lists word/document.xml. A zip that cannot be opened
    counts as a DOCX here so that the DOCX reader reports the damage precisely."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True
