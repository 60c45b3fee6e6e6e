"""Unpacking an uploaded zip (a DOCX plan, a Word review form) bounded by the bytes it actually
produces, never by the sizes it declares.

zipfile trusts the archive: `ZipFile.read` inflates a whole member in one call (up to 2 GB) and
only then cuts it to the size the directory declares. A 1 MB upload whose headers understate
its content passed the old check of declared sizes and took the portal to 2.2 GB. So before any
other code reads an uploaded archive, `check_archive` inflates every member itself, in small
steps, counting what comes out, and refuses the archive as soon as
- the members together produce more than `max_unpacked` bytes, or
- a member produces more than its directory entry declares (the lie itself), or
- an XML part, which python-docx parses into a tree many times its size, is larger than
  `max_xml_part`.
Memory stays at one chunk per step, whatever the archive claims. An archive that passes is
honest: each member inflates to exactly its declared size or less, so reading it afterwards with
zipfile (python-docx does) is bounded by the declared sizes just checked.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

#: Bytes inflated per step (and compressed bytes fed per step).
CHUNK = 64 * 1024
#: More members than this is not a Word document.
MAX_MEMBERS = 10_000
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # signature ... name length, extra length
_LOCAL_SIGNATURE = b"PK\x03\x04"


class ArchiveRefused(Exception):
    """Why an archive is not unpacked; callers turn it into their own user-facing error."""


class NotAnArchive(ArchiveRefused):
    """Not a zip, or one too damaged to read its directory or a member's header."""


class TooManyMembers(ArchiveRefused):
    def __init__(self, members: int, limit: int) -> None:
        self.members, self.limit = members, limit
        super().__init__(f"{members} members, more than {limit}")


class TooMuchUnpacked(ArchiveRefused):
    """Would unpack to more than allowed. `size` is what was seen (declared or produced) and
    `lied` says whether the archive understated it."""

    def __init__(self, member: str, size: int, limit: int, *, lied: bool, xml: bool = False):
        self.member, self.size, self.limit, self.lied, self.xml = member, size, limit, lied, xml
        super().__init__(
            f"{member}: {'more than ' if lied else ''}{size} bytes unpacked, limit {limit}"
        )


@dataclass(frozen=True)
class CheckedArchive:
    names: list[str]
    unpacked: int  # bytes the members actually produced


def _is_xml(name: str) -> bool:
    return name.endswith((".xml", ".rels"))


def check_archive(
    data: bytes, *, max_unpacked: int, max_xml_part: int | None = None
) -> CheckedArchive:
    """Inflate every member of the zip `data` with a counter; raise `ArchiveRefused` (see the
    module docstring) or return the member names and the bytes they produced."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise NotAnArchive(str(exc) or type(exc).__name__) from exc
    if len(infos) > MAX_MEMBERS:
        raise TooManyMembers(len(infos), MAX_MEMBERS)
    declared = sum(info.file_size for info in infos)
    if declared > max_unpacked:  # cheap and honest: refused without inflating anything
        raise TooMuchUnpacked("the archive", declared, max_unpacked, lied=False)
    view = memoryview(data)
    total = 0
    for info in infos:
        xml_limit = max_xml_part if max_xml_part is not None and _is_xml(info.filename) else None
        if xml_limit is not None and info.file_size > xml_limit:
            raise TooMuchUnpacked(info.filename, info.file_size, xml_limit, lied=False, xml=True)
        produced = _inflated_size(view, info, budget=max_unpacked - total, xml_limit=xml_limit)
        total += produced
    return CheckedArchive([info.filename for info in infos], total)


def _inflated_size(
    data: memoryview, info: zipfile.ZipInfo, *, budget: int, xml_limit: int | None
) -> int:
    """Bytes member `info` inflates to, counted chunk by chunk; raises as soon as it produces
    more than declared, than `budget` (what is left of the archive's limit) or `xml_limit`."""
    if info.flag_bits & 0x1:
        raise NotAnArchive(f"{info.filename} is encrypted")
    start = _data_start(data, info)
    compressed = data[start : start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        produced = len(compressed)
        _check_count(info, produced, budget, xml_limit)
        return produced
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise NotAnArchive(f"{info.filename} uses compression method {info.compress_type}")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    try:
        for offset in range(0, len(compressed), CHUNK):
            pending: bytes | memoryview = compressed[offset : offset + CHUNK]
            while pending and not inflater.eof:
                produced += len(inflater.decompress(pending, CHUNK))
                _check_count(info, produced, budget, xml_limit)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        produced += len(inflater.flush())
    except zlib.error as exc:
        raise NotAnArchive(f"{info.filename}: {exc}") from exc
    _check_count(info, produced, budget, xml_limit)
    return produced


def _check_count(info: zipfile.ZipInfo, produced: int, budget: int, xml_limit: int | None) -> None:
    if produced > info.file_size:
        raise TooMuchUnpacked(info.filename, produced, info.file_size, lied=True)
    if produced > budget:
        raise TooMuchUnpacked(info.filename, produced, budget, lied=False)
    if xml_limit is not None and produced > xml_limit:
        raise TooMuchUnpacked(info.filename, produced, xml_limit, lied=False, xml=True)


def _data_start(data: memoryview, info: zipfile.ZipInfo) -> int:
    """Offset of the member's compressed bytes: after its local header, name and extra field
    (whose lengths may differ from the central directory's)."""
    offset = info.header_offset
    header = bytes(data[offset : offset + _LOCAL_HEADER.size])
    if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
        raise NotAnArchive(f"{info.filename}: bad local header")
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    return offset + _LOCAL_HEADER.size + name_length + extra_length
