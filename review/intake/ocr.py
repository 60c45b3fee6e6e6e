"""Read scanned PDF pages (no text layer) with OCR: ocrmypdf and Tesseract (#15).

An optional extra (`peerplan[ocr]`, plus Debian's `tesseract-ocr`, `tesseract-ocr-deu` and
`tesseract-ocr-eng`); without them `available()` is False and the plan is flagged as needing a
human reader, as before. ocrmypdf runs in a child process, one page at a time (`-j 1`): the
reading thread's CPU clock does not see it, so the child and the Tesseracts it starts get the
document's remaining CPU seconds together (their process group's sum, watched while waiting;
RLIMIT_CPU beside it for each process) and a wall-clock limit; the CPU they used is charged to
the document's budget afterwards. A child that
is stopped or fails costs only this document: the other plans are read by other workers.
"""

from __future__ import annotations

import importlib.util
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from review.intake.limits import ReadingBudget, TooSlowToRead

LANGUAGES = "deu+eng"
#: The wall-clock limit is this many times the CPU seconds left (a busy machine shares cores).
_WALL_FACTOR = 3
#: When the budget is unlimited, still stop a child that hangs.
_MAX_SECONDS = 600.0


class OcrFailed(Exception):
    """ocrmypdf could not read the pages (broken page, missing language): the plan is then
    flagged as without a text layer, as when OCR is not installed."""


def available() -> bool:
    """ocrmypdf importable and Tesseract with German and English installed."""
    if importlib.util.find_spec("ocrmypdf") is None or shutil.which("tesseract") is None:
        return False
    try:
        listed = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    langs = set((listed.stdout + listed.stderr).split())
    return {"deu", "eng"} <= langs


def read_pages(data: bytes, pages: list[int], budget: ReadingBudget) -> dict[int, str]:
    """The text OCR reads on `pages` (1-based); raises `TooSlowToRead` past the CPU budget and
    `OcrFailed` when ocrmypdf fails."""
    if not pages:
        return {}
    left = budget.seconds_left()
    if left <= 0:
        raise TooSlowToRead(budget.name, budget.max_seconds)
    cpu_limit = min(left, _MAX_SECONDS)
    with tempfile.TemporaryDirectory(prefix="peerplan-ocr-") as tmp:
        source, sidecar = Path(tmp) / "in.pdf", Path(tmp) / "text.txt"
        source.write_bytes(data)
        command = [
            sys.executable,
            "-m",
            "ocrmypdf",
            "--quiet",
            "--language",
            LANGUAGES,
            "--jobs",
            "1",
            "--force-ocr",
            "--output-type",
            "none",
            "--sidecar",
            str(sidecar),
            "--pages",
            ",".join(str(p) for p in pages),
            str(source),
            "-",
        ]
        code, cpu, stderr = _run_limited(command, cpu_limit, cpu_limit * _WALL_FACTOR + 10)
        budget.spend(cpu)
        if code is None or code < 0 or cpu >= cpu_limit:
            raise TooSlowToRead(budget.name, budget.max_seconds)
        if code != 0 or not sidecar.exists():
            raise OcrFailed(stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {code}")
        texts = sidecar.read_text(encoding="utf-8", errors="replace").split("\f")
    # The sidecar has one text per page of the PDF, separated by form feeds; pages not read
    # say "[OCR skipped on page ...]".
    return {p: texts[p - 1].strip() for p in pages if p - 1 < len(texts)}


def _run_limited(
    command: list[str], cpu_seconds: float, wall_seconds: float
) -> tuple[int | None, float, str]:
    """Exit code (None when stopped at the wall-clock limit or when the child and its
    descendants together used `cpu_seconds`), CPU seconds of the child and its waited-for
    descendants, and its stderr."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")  # Tesseract: one thread, as `-j 1`
    limit = max(1, int(cpu_seconds + 0.999))
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            start_new_session=True,
        )
        # Set from here, not by preexec_fn (unsafe beside the portal's threads); the Tesseract
        # processes it starts later inherit the limit.
        resource.prlimit(proc.pid, resource.RLIMIT_CPU, (limit, limit + 1))
        deadline = time.monotonic() + wall_seconds
        code: int | None = None
        polls = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            polls += 1
            # RLIMIT_CPU holds per process: ocrmypdf and each Tesseract could each spend the
            # budget, together about twice it; the group's sum is checked every 0.25 s.
            over = polls % 5 == 0 and _group_cpu_seconds(proc.pid) >= cpu_seconds
            if over or time.monotonic() > deadline:
                os.killpg(proc.pid, 9)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = code if code is not None else -9  # already reaped by wait4
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    return code, usage.ru_utime + usage.ru_stime, stderr


_TICKS = os.sysconf("SC_CLK_TCK")


def _group_cpu_seconds(group: int) -> float:
    """CPU seconds of the live processes of a process group, each with its waited-for children
    (a Tesseract ocrmypdf has reaped counts in ocrmypdf's, a running one in its own)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:  # exited meanwhile
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()  # after the command's name in brackets
        if int(fields[2]) == group:  # pgrp
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total / _TICKS
