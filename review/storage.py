"""Content-addressed file store under `Settings.files_dir`.

Files are named by the sha256 of their bytes (`ab/abcdef....pdf`), never by a user's file name:
the same bytes are stored once, a name can never escape the directory, and a stored file is never
overwritten by different content.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from review.config import Settings
from review.errors import InvalidInput
from review.i18n import N_

_SUFFIX = re.compile(r"^\.[a-z0-9]{1,8}$")
_RELATIVE = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{64}(\.[a-z0-9]{1,8})?$")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_path(digest: str, suffix: str = "") -> str:
    suffix = suffix.lower()
    if suffix and not _SUFFIX.match(suffix):
        raise InvalidInput(f"not a file suffix: {suffix!r}")
    return f"{digest[:2]}/{digest}{suffix}"


def store_bytes(
    settings: Settings, data: bytes, suffix: str = "", sha256: str | None = None
) -> str:
    """Store `data` and return its path relative to `settings.files_dir`. Idempotent and atomic:
    a concurrent or repeated store of the same bytes leaves one complete file. `sha256`: the
    data's digest when the caller has it already (intake hashed the plan while reading it)."""
    rel = relative_path(sha256 or sha256_of(data), suffix)
    target = settings.files_dir / rel
    if target.is_file() and target.stat().st_size == len(data):
        return rel
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)
    return rel


def _sync_directory(folder: Path) -> None:
    """Make a rename into `folder` durable: the caller registers the file in the database right
    after, and a crash must not leave a registered name whose directory entry was never written."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_stored(settings: Settings, rel: str) -> Path:
    """The absolute path of a stored file; refuses anything that is not a store name."""
    if not _RELATIVE.match(rel):
        raise InvalidInput(f"not a stored file name: {rel!r}")
    path = settings.files_dir / rel
    if not path.is_file():
        raise InvalidInput(f"stored file {rel} is missing from {settings.files_dir}")
    return path


# ------------------------------------------------------------------ a round's written documents

#: What a round's output folder holds (review.consolidation.pipeline): a plan's two editions,
#: the summary, the exports, their PDF copies. Nothing else there is ever served.
_OUTPUT = re.compile(
    r"^(municipality|coordinator|summary)/[a-z0-9][a-z0-9-]{0,120}\.(docx|pdf|xlsx|csv)$"
)
OUTPUT_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
}


def list_outputs(folder: Path) -> list[str]:
    """The documents written into a round's output folder, as names relative to it, sorted."""
    if not folder.is_dir():
        return []
    found = (p.relative_to(folder).as_posix() for p in folder.glob("*/*") if p.is_file())
    return sorted(name for name in found if _OUTPUT.match(name))


def open_output(folder: Path, name: str) -> Path:
    """The absolute path of a written document of the round; refuses anything that is not one
    of its documents (no other folder, no other kind of file, nothing outside)."""
    if not _OUTPUT.match(name):
        raise InvalidInput(N_("not a document of the round: '%(name)s'"), name=name)
    path = folder / name
    if not path.is_file():
        raise InvalidInput(N_("document %(name)s has not been written yet"), name=name)
    return path
