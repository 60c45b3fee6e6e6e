"""Small plan files for tests, written here (no fixtures on disk): text PDFs, DOCX plans in
German and English, and the hostile files intake must refuse."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx
import pypdf
from PIL import Image, ImageDraw, ImageFont

PLAN_DE = [
    [
        "Integriertes Klimaschutzkonzept der Gemeinde Musterstadt",
        "Der Gemeinderat hat das Konzept am 12. März 2024 beschlossen (Ratsbeschluss 2024/17).",
        "Die Gemeinde senkt ihre Treibhausgasemissionen bis 2030 um 55 % gegenüber 1990.",
    ],
    [
        "1. Energie- und Treibhausgasbilanz",
        "Die Bilanz für das Jahr 2019 umfasst die kommunalen Liegenschaften, die privaten Haushalte,",
        "Gewerbe, Handel und Dienstleistungen sowie den Verkehr. Emissionen in t CO2 pro Jahr.",
    ],
    [
        "2. Klimarisiko- und Vulnerabilitätsanalyse",
        "Hitze und Starkregen sind die größten Risiken; die Anpassung an den Klimawandel ist Teil des",
        "Konzepts.",
    ],
    [
        "3. Maßnahmenkatalog",
        "M1 Sanierung der kommunalen Liegenschaften; M2 Förderprogramm für Wohngebäude;",
        "M3 Radverkehr und Mobilität. Finanzierung aus Haushaltsmitteln und Fördermitteln.",
        "4. Monitoring und Controlling: jährlicher Sachstandsbericht mit Indikatoren.",
        "5. Öffentlichkeitsarbeit und Bürgerbeteiligung: Bürgerforum und Workshops.",
    ],
]
PLAN_EN = [
    [
        "Sustainable Energy and Climate Action Plan of the Town of Exampleton",
        "The plan was approved by the municipal council on 3 May 2024.",
        "The town commits to reduce its greenhouse gas emissions by 55 % by 2030 compared to 1990.",
    ],
    [
        "1. Baseline Emission Inventory",
        "The baseline emission inventory for 2019 covers municipal buildings, residential buildings,",
        "the tertiary sector and transport. Emissions are given in t CO2 per year.",
    ],
    [
        "2. Risk and vulnerability assessment",
        "Heat waves and floods are the main climate hazards for the town.",
        "Adaptation actions: green roofs, shade trees and flood retention.",
    ],
    [
        "3. Mitigation actions",
        "A1 retrofit of municipal buildings; A2 grants for residential buildings; A3 cycling and "
        "public transport. Financing comes from the municipal budget and EU funding.",
        "4. Monitoring and reporting with indicators every two years.",
        "5. Communication and citizen participation: public consultation and workshops.",
    ],
]

#: A Climate City Contract's Action Plan in short: no risk and vulnerability assessment and no
#: adaptation actions, as none is required of it.
PLAN_CCC = [
    [
        "Climate City Contract of Exampleton: Climate Neutrality Action Plan",
        "The climate action plan was approved by the City Council on 12 March 2024.",
        "Exampleton commits to climate neutrality by 2030.",
    ],
    [
        "Part A. Baseline emission inventory",
        "The emission inventory for 2019 covers municipal buildings, residential buildings,",
        "the tertiary sector and transport. Emissions are given in t CO2e per year.",
    ],
    [
        "Part B. Portfolio of actions",
        "The portfolio of impact actions: A1 retrofit of municipal buildings; A2 heat pumps in "
        "residential buildings; A3 cycling and public transport.",
        "Indicators for monitoring, evaluation and learning are reported every year.",
    ],
    [
        "Part C. Enabling climate neutrality",
        "Financing: the investment plan lists EUR 120 million of municipal budget and EU funding.",
        "Stakeholder workshops and a citizen participation process shaped the actions.",
    ],
]


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_pdf(pages: list[list[str]], *, title: str = "Plan", author: str = "Test") -> bytes:
    """A small valid PDF with a text layer: one page per list of lines (Helvetica, WinAnsi)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    info = add(
        b"<< /Title (" + _escape(title) + b") /Author (" + _escape(author) + b") "
        b"/CreationDate (D:20240312120000+01'00') >>"
    )
    kids = []
    for lines in pages:
        stream = (
            b"BT /F1 11 Tf 14 TL 50 780 Td "
            + b"".join(b"(" + _escape(line) + b") Tj T* " for line in lines)
            + b"ET"
        )
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, font, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = (
        b"<< /Type /Pages /Kids ["
        + b" ".join(b"%d 0 R" % k for k in kids)
        + b"] /Count %d >>" % len(kids)
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()


def plan_docx(pages: list[list[str]], *, title: str = "Plan", author: str = "Test") -> bytes:
    """A DOCX plan: the first line of each page as a heading, the rest as paragraphs, and a
    small table of actions."""
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = author
    for lines in pages:
        document.add_heading(lines[0], level=1)
        for line in lines[1:]:
            document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Nr.", "Maßnahme / action"
    table.cell(1, 0).text, table.cell(1, 1).text = "M1", "Sanierung / retrofit"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def encrypted_pdf(password: str = "geheim") -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf(PLAN_DE)))
    writer.encrypt(password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def owner_only_encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf(PLAN_DE)))
    writer.encrypt("", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def scanned_pdf(pages: int = 3) -> bytes:
    """Pages without a text layer, as a scanner makes them (here: blank)."""
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = text_pdf(PLAN_DE * 3)
    return data[: len(data) // 3]


def zip_bomb_docx(member_bytes: int) -> bytes:
    """A DOCX-shaped zip whose one member unpacks to `member_bytes` of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * member_bytes)
    return out.getvalue()


LEGACY_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096 + "WordDocument".encode("utf-16-le")
ENCRYPTED_DOCX = (
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    + b"\0" * 1024
    + "EncryptionInfo".encode("utf-16-le")
    + b"\0" * 1024
)
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Klimaschutz</title></head><body>Plan</body></html>"
)


def _deflated(head: bytes, padding: int, tail: bytes) -> tuple[bytes, int, int]:
    """(raw deflate data, CRC-32, size) of head + `padding` spaces + tail, without ever holding
    the padding: each MB of spaces is deflated once after a full flush (which resets the
    compressor), so the same compressed block stands for every further MB."""
    mb = b" " * (1 << 20)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [deflater.compress(head), deflater.flush(zlib.Z_FULL_FLUSH)]
    whole, rest = divmod(padding, len(mb))
    block = deflater.compress(mb) + deflater.flush(zlib.Z_FULL_FLUSH)
    parts.append(block * whole)
    parts += [deflater.compress(b" " * rest + tail), deflater.flush()]
    crc = zlib.crc32(head)
    for _ in range(whole):
        crc = zlib.crc32(mb, crc)
    crc = zlib.crc32(b" " * rest + tail, crc)
    return b"".join(parts), crc, len(head) + padding + len(tail)


def _zip_member(name: str, deflated: tuple[bytes, int, int], declared: int | None):
    """(local header + data, central directory entry without its offset) of one member;
    `declared` replaces the uncompressed size in both headers (a lie when it is smaller)."""
    data, crc, size = deflated
    encoded = name.encode()
    fields = (20, 0, 8, 0, 0x21, crc, len(data), size if declared is None else declared)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, len(encoded), 0) + encoded
    central = struct.pack("<4s6H3L5HLL", b"PK\x01\x02", 20, *fields, len(encoded), 0, 0, 0, 0, 0, 0)
    return local + data, central + encoded


def lying_docx(unpacked: int, declared: int | None = 4096, *, part: str = "word/document.xml"):
    """A DOCX of a real plan whose `part` unpacks to about `unpacked` bytes (spaces inside the
    body) while its zip headers declare `declared` bytes: the attack of #17 (a 1 MB upload that
    took the portal to 2.2 GB). With `declared=None` the headers tell the truth."""
    with zipfile.ZipFile(io.BytesIO(plan_docx(PLAN_EN))) as source:
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
    out, directory = io.BytesIO(), io.BytesIO()
    for name, content in members.items():
        if name == part:
            head, _, tail = content.partition(b"<w:body>")
            head += b"<w:body>"
            padding = max(0, unpacked - len(head) - len(tail))
            local, central = _zip_member(name, _deflated(head, padding, tail), declared)
        else:
            local, central = _zip_member(name, _deflated(content, 0, b""), None)
        offset = out.tell()
        out.write(local)
        directory.write(central[:42] + struct.pack("<L", offset) + central[46:])
    start, length, count = out.tell(), len(directory.getvalue()), len(members)
    out.write(directory.getvalue())
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, length, start, 0))
    return out.getvalue()


def many_pages_pdf(pages: int, line: str = "Klimaschutz " * 8, lines: int = 40) -> bytes:
    """A text PDF of `pages` pages of `lines` lines each: the many-pages attack of #17."""
    return text_pdf([[line] * lines for _ in range(pages)])


def many_paragraphs_docx(paragraphs: int) -> bytes:
    """A small DOCX holding `paragraphs` short paragraphs (a few hundred KB for 100,000)."""
    with zipfile.ZipFile(io.BytesIO(plan_docx(PLAN_EN))) as source:
        members = {info.filename: source.read(info.filename) for info in source.infolist()}
    head, _, tail = members["word/document.xml"].partition(b"<w:body>")
    para = b"<w:p><w:r><w:t>Mitigation action of the plan.</w:t></w:r></w:p>"
    members["word/document.xml"] = head + b"<w:body>" + para * paragraphs + tail
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def scanned_plan_pdf(lines: list[list[str]]) -> bytes:
    """A plan as a scanner makes it: each page one grey image of its text, no text layer."""
    pages = []
    for page in lines:
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=34)
        y = 160
        for line in page:
            draw.text((120, y), line, fill=0, font=font)
            y += 70
        pages.append(image)
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=200, save_all=True, append_images=pages[1:])
    return out.getvalue()
