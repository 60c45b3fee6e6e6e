"""Data at rest private to the service user (#17): the data directory, the SQLite database (and
its WAL), stored plans, logs and exports hold reviews, names and plans of a blind round, so no
other local user may read them.

`keep_private()` sets the process's umask to 077 before peerplan creates anything: every file is
then created 0600 and every directory 0700, whichever module creates it (SQLite, the log
handler, the exports, the file store). Every process that touches the data calls it first: the
CLI (`review.cli.app.settings`) and whatever opens the database (`review.db.make_engine`: the
portal, the flows, the workers). `private_path()` also tightens what an older installation
created readable for everyone: the data directory and the database files, when they are ours.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_UMASK = 0o077


def keep_private() -> None:
    """From now on this process creates files 0600 and directories 0700."""
    os.umask(PRIVATE_UMASK)


def private_path(path: Path, *, directory: bool = False) -> Path:
    """Create `path` (a directory when `directory`) private, or make an existing one private
    when this user owns it (an installation from before #17); returns it."""
    keep_private()
    if directory:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = 0o700 if directory else 0o600
    with contextlib.suppress(FileNotFoundError, PermissionError):
        info = path.stat()
        if info.st_uid == os.getuid() and info.st_mode & 0o777 & ~mode:
            path.chmod(mode)
    return path
