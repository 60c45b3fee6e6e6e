"""A zip file (a DOCX) written from parts, each compressed once and reused.

A Word form is about 850 KB of XML before compression, 800 KB of it the styles python-docx's
template brings along, the same in every form; compressing them again for each of a round's
thousands of invitations was most of the time a form took. `Part` keeps a part compressed;
`write_zip` lays parts out as a zip archive (local headers, the compressed data, the central
directory), as `zipfile` would, without compressing anything again.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

DateTime = tuple[int, int, int, int, int, int]
# The zip format's central directory record and end record (APPNOTE 4.3.12 and 4.3.16), as
# zipfile lays them out (its own constants are private).
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_CENTRAL_MAGIC = b"PK\001\002"
_END = struct.Struct("<4s4H2LH")
_END_MAGIC = b"PK\005\006"


@dataclass(frozen=True)
class Part:
    """One entry of the archive: its name, its uncompressed size and CRC, its deflated bytes."""

    name: str
    date_time: DateTime
    external_attr: int
    size: int
    crc: int
    deflated: bytes

    @classmethod
    def of(cls, name: str, data: bytes, date_time: DateTime, external_attr: int = 0) -> Part:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        deflated = compressor.compress(data) + compressor.flush()
        return cls(name, date_time, external_attr, len(data), zlib.crc32(data), deflated)

    def info(self) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(self.name, self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = self.external_attr
        info.CRC, info.file_size, info.compress_size = self.crc, self.size, len(self.deflated)
        return info


def parts_of(archive: bytes) -> list[Part]:
    """Every entry of a zip archive, in order, as a `Part` (compressed anew, once)."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return [
            Part.of(info.filename, source.read(info), info.date_time, info.external_attr)
            for info in source.infolist()
        ]


def write_zip(parts: Sequence[Part]) -> bytes:
    """The archive of `parts`, in their order (small archives only: no zip64)."""
    out = bytearray()
    central = bytearray()
    for part in parts:
        info = part.info()
        offset = len(out)
        out += info.FileHeader(zip64=False)
        out += part.deflated
        central += _central_record(info, offset)
    end = _END.pack(
        _END_MAGIC,
        0,
        0,
        len(parts),
        len(parts),
        len(central),
        len(out),
        0,
    )
    return bytes(out + central + end)


def _central_record(info: zipfile.ZipInfo, offset: int) -> bytes:
    year, month, day, hour, minute, second = info.date_time
    dosdate = (year - 1980) << 9 | month << 5 | day
    dostime = hour << 11 | minute << 5 | (second // 2)
    name = info.filename.encode("ascii")
    record = _CENTRAL.pack(
        _CENTRAL_MAGIC,
        info.create_version,
        info.create_system,
        info.extract_version,
        info.reserved,
        info.flag_bits,
        info.compress_type,
        dostime,
        dosdate,
        info.CRC,
        info.compress_size,
        info.file_size,
        len(name),
        0,
        0,
        0,
        info.internal_attr,
        info.external_attr,
        offset,
    )
    return record + name
