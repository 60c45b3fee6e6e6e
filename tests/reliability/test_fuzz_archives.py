"""Fuzzing the archive structure (#17): a DOCX's zip headers rewritten at random (declared and
compressed sizes, offsets, methods, flags, name and extra lengths, CRCs, member counts) in the
local headers, the central directory and its end record, over an honest plan and over a member
that unpacks to 64 MB. Through `review.intake.safezip.check_archive` and the full plan reader,
the only outcomes allowed are success or the documented refusal (`ArchiveRefused`, an
`IntakeError`), each within 5 CPU seconds and 16 MB of Python allocations (tracemalloc peak): whatever
the headers claim, unpacking never costs more than the bytes it produces allow."""

from __future__ import annotations

import os
import struct
from collections import Counter

import pytest
from hypothesis import Phase, given, seed
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from review.config import Settings
from review.intake import IntakeError, read_document, safezip
from tests.reliability.conftest import base_seed
from tests.support import plan_files
from tests.support.bounded import bounded

SECONDS_PER_INPUT = 5.0  # CPU seconds (tests.support.bounded)
PEAK_BYTES_PER_INPUT = 16 * 1024 * 1024
SHORT = int(os.environ.get("PEERPLAN_FUZZ_SHORT", "25"))
LONG = int(os.environ.get("PEERPLAN_FUZZ_LONG", "600"))
NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
FUZZED: Counter = Counter()
OUTCOMES: Counter = Counter()

HONEST = plan_files.plan_docx(plan_files.PLAN_EN)
BIG = plan_files.lying_docx(64 * 1024 * 1024, declared=None)  # 64 MB inside, about 70 KB
SETTINGS = Settings(
    data_dir="/tmp/peerplan-fuzz-unused",
    max_docx_uncompressed_bytes=32 * 1024 * 1024,
    max_docx_xml_bytes=16 * 1024 * 1024,
)

#: (signature, offset of the field, struct format) of the header fields worth lying in.
FIELDS = [
    (b"PK\x03\x04", 6, "<H"),  # flags
    (b"PK\x03\x04", 8, "<H"),  # method
    (b"PK\x03\x04", 14, "<L"),  # CRC
    (b"PK\x03\x04", 18, "<L"),  # compressed size
    (b"PK\x03\x04", 22, "<L"),  # uncompressed size
    (b"PK\x03\x04", 26, "<H"),  # name length
    (b"PK\x03\x04", 28, "<H"),  # extra length
    (b"PK\x01\x02", 8, "<H"),  # flags
    (b"PK\x01\x02", 10, "<H"),  # method
    (b"PK\x01\x02", 16, "<L"),  # CRC
    (b"PK\x01\x02", 20, "<L"),  # compressed size
    (b"PK\x01\x02", 24, "<L"),  # uncompressed size
    (b"PK\x01\x02", 28, "<H"),  # name length
    (b"PK\x01\x02", 30, "<H"),  # extra length
    (b"PK\x01\x02", 42, "<L"),  # local header offset
    (b"PK\x05\x06", 8, "<H"),  # members on this disk
    (b"PK\x05\x06", 10, "<H"),  # members
    (b"PK\x05\x06", 12, "<L"),  # directory size
    (b"PK\x05\x06", 16, "<L"),  # directory offset
]
SPECIAL = [0, 1, 8, 12, 99, 0xFFFF, 0xFFFFFFFF, 2**31, 4096]


def _occurrences(data: bytes, signature: bytes) -> list[int]:
    found, at = [], data.find(signature)
    while at != -1:
        found.append(at)
        at = data.find(signature, at + 1)
    return found


@st.composite
def mutated_archives(draw) -> bytes:
    data = bytearray(draw(st.sampled_from([HONEST, BIG])))
    for _ in range(draw(st.integers(1, 4))):
        signature, offset, fmt = draw(st.sampled_from(FIELDS))
        places = _occurrences(bytes(data), signature)
        if not places:
            continue
        at = draw(st.sampled_from(places)) + offset
        width = struct.calcsize(fmt)
        if at + width > len(data):
            continue
        limit = 2 ** (8 * width) - 1
        value = draw(st.one_of(st.sampled_from(SPECIAL), st.integers(0, limit)))
        struct.pack_into(fmt, data, at, value & limit)
    return bytes(data)


def _bounded(call) -> str:
    result = bounded(
        call,
        cpu_limit=SECONDS_PER_INPUT,
        peak_bytes=PEAK_BYTES_PER_INPUT,
        expected=(safezip.ArchiveRefused, IntakeError),
    )
    return type(result).__name__ if isinstance(result, BaseException) else "read"


def _campaign(examples: int):
    @seed(base_seed())
    @hsettings(max_examples=examples, deadline=None, database=None, phases=NO_SHRINK)
    @given(mutated_archives())
    def run(data: bytes) -> None:
        FUZZED["archives"] += 1
        limits = dict(max_unpacked=32 * 1024 * 1024, max_xml_part=16 * 1024 * 1024)
        OUTCOMES["check:" + _bounded(lambda: safezip.check_archive(data, **limits))] += 1
        OUTCOMES["intake:" + _bounded(lambda: read_document(data, "plan.docx", SETTINGS))] += 1

    return run


def test_fuzzed_archive_headers_are_refused_or_read_within_bounds() -> None:
    _campaign(SHORT * 4)()
    print(f"\nfuzzed archives: {dict(FUZZED)}; outcomes: {dict(OUTCOMES)}")


@pytest.mark.slow
def test_fuzzed_archive_headers_long() -> None:
    _campaign(LONG)()
    print(f"\nfuzzed archives: {dict(FUZZED)}; outcomes: {dict(OUTCOMES)}")
