"""PDF copies of the DOCX documents through LibreOffice, when it is installed.

`soffice --headless --convert-to pdf` converts many files per start (a start costs 1-3 s), so files
are converted in batches: one LibreOffice process per batch, each with its own throw-away user
profile (two instances sharing a profile block each other), batches running side by side on the
available cores. Without LibreOffice nothing fails: the caller gets a note saying why there are
no PDFs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from review.i18n import N_, Message, Phrase, Plural

TIMEOUT_PER_FILE = 60


@dataclass
class PdfResult:
    converted: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)
    note: str | None = None  # a Message: said in the reader's language where it is shown


def soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _convert_batch(binary: str, files: Sequence[Path]) -> None:
    by_dir: dict[Path, list[Path]] = {}
    for path in files:
        by_dir.setdefault(path.parent, []).append(path)
    with tempfile.TemporaryDirectory(prefix="peerplan-lo-") as profile:
        for directory, group in by_dir.items():
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(directory),
                    *map(str, group),
                ],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=30 + TIMEOUT_PER_FILE * len(group),
            )


def convert_to_pdf(files: Sequence[Path], *, workers: int | None = None) -> PdfResult:
    """PDF beside each DOCX (same name, .pdf). Returns what was converted, or a note why not."""
    files = list(files)
    if not files:
        return PdfResult()
    binary = soffice()
    if binary is None:
        return PdfResult(
            note=Message(
                N_(
                    "no PDF copies: LibreOffice (soffice) is not installed "
                    "(apt-get install libreoffice-writer-nogui)"
                )
            )
        )
    workers = max(1, min(workers or os.cpu_count() or 1, len(files)))
    batches = [files[i::workers] for i in range(workers)]
    errors: list[str] = []
    with ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(_convert_batch, binary, batch) for batch in batches]:
            try:
                future.result()
            except (OSError, subprocess.SubprocessError) as exc:
                errors.append(str(exc))
    result = PdfResult()
    for path in files:
        pdf = path.with_suffix(".pdf")
        (result.converted if pdf.is_file() else result.failed).append(
            pdf if pdf.is_file() else path
        )
    if result.failed:
        count = Plural("%(num)s file", "%(num)s files", len(result.failed))
        result.note = (
            Phrase(
                N_("LibreOffice did not convert %(files)s: %(error)s"), files=files, error=errors[0]
            )
            if errors
            else Phrase(N_("LibreOffice did not convert %(files)s"), files=count)
        )
    return result
