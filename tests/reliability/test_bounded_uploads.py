"""Hostile uploads under a memory limit (#17): each one is read in a process whose address space
is capped (RLIMIT_AS: what it had after importing peerplan plus HEADROOM), through the functions
the portal's plan upload and Word-form upload call; the test asserts the refusal and the peak
resident memory above the process's baseline (ru_maxrss).

Before the fix a 1 MB DOCX whose zip headers understate its content took the portal from 169 MB
to 2.2 GB; here the same kind of file (1 GB inside) must be refused within a few MB."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import plan_files

MB = 1024 * 1024
#: Address space allowed above the process's own after its imports.
HEADROOM = 768 * MB

#: case -> (file builder, reader, expected outcome, largest peak in MB above the baseline)
CASES = {
    "plan: 1 MB DOCX, 1 GB inside, 4 KB declared": (
        lambda: plan_files.lying_docx(1_000_000_000),
        "plan",
        "zip-bomb",
        16,
    ),
    "Word form: 1 MB DOCX, 1 GB inside, 4 KB declared": (
        lambda: plan_files.lying_docx(1_000_000_000),
        "form",
        "WordFormError",
        16,
    ),
    "plan: honest DOCX declaring 300 MB": (
        lambda: plan_files.lying_docx(300 * MB, declared=None),
        "plan",
        "zip-bomb",
        16,
    ),
    "plan: honest DOCX with a 100 MB text part": (
        lambda: plan_files.lying_docx(100 * MB, declared=None),
        "plan",
        "zip-bomb",
        16,
    ),
    "plan: PDF of 4,000 text pages": (
        lambda: plan_files.many_pages_pdf(4000),
        "plan",
        "too-many-pages",
        160,
    ),
    "plan: DOCX of 200,000 paragraphs": (
        lambda: plan_files.many_paragraphs_docx(200_000),
        "plan",
        "too-much-text",
        400,
    ),
}
FIGURES: dict[str, dict] = {}

_CHILD = r"""
import json, os, resource, sys, time
from review.config import Settings
from review.documents.filled_form import parse_word_form
from review.documents.word_form import WordFormError
from review.intake import IntakeError, read_document

def status(field):
    with open("/proc/self/status") as lines:
        for line in lines:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

path, reader, headroom = sys.argv[1], sys.argv[2], int(sys.argv[3])
settings = Settings(data_dir=os.path.dirname(path))
data = open(path, "rb").read()
limit = status("VmSize") + headroom
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
# Reset the peak (VmHWM) to what is resident now: the imports' own peak must not hide the
# upload's (Linux: writing 5 to clear_refs).
with open("/proc/self/clear_refs", "w") as clear:
    clear.write("5")
before = status("VmRSS")
started = time.thread_time()
try:
    if reader == "plan":
        read_document(data, "upload.docx" if data[:2] == b"PK" else "upload.pdf", settings)
    else:
        parse_word_form(data, max_uncompressed=settings.max_docx_uncompressed_bytes)
    outcome = "read"
except IntakeError as exc:
    outcome = exc.code
except WordFormError:
    outcome = "WordFormError"
except MemoryError:
    outcome = "MemoryError"
peak = status("VmHWM") - before
print(json.dumps({"outcome": outcome, "peak_mb": peak / 1024 / 1024, "cpu_s": time.thread_time() - started,
                  "size": len(data)}))
"""


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_upload_is_refused_within_its_memory_bound(case: str, tmp_path: Path) -> None:
    build, reader, expected, bound_mb = CASES[case]
    path = tmp_path / "upload"
    path.write_bytes(build())
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), reader, str(HEADROOM)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    FIGURES[case] = result
    print(f"\n{case}: {result}")
    assert result["outcome"] == expected, result
    assert result["peak_mb"] <= bound_mb, f"{case}: {result['peak_mb']:.0f} MB above the baseline"
