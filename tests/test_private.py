"""Data at rest private to the service user (#17): a fresh installation's data directory, its
SQLite database and WAL, stored plans, the intake log and the exports are created 0700/0600 even
when the process starts with the common umask 022; an older installation's are tightened."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from review.config import Settings
from review.consolidation.exports import write_csv
from review.db import make_engine
from review.private import private_path
from tests.support import plan_files

ROOT = Path(__file__).resolve().parents[1]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(data_dir: Path, *args: str) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "PEERPLAN_DATA_DIR": str(data_dir),
    }
    env.pop("PEERPLAN_DATABASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; os.umask(0o022); from review.cli import app; "
            "sys.argv[0] = 'peerplan'; app()",
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_fresh_installation_creates_everything_private(tmp_path: Path) -> None:
    data = tmp_path / "peerplan-data"
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "Musterstadt.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    _run(data, "init")
    _run(data, "round", "create", "Runde 2026", "--due", "2026-12-15")
    _run(
        data,
        "intake",
        str(plans),
        "--round",
        "Runde 2026",
        "--municipality",
        "Musterstadt",
        "--create-municipality",
    )
    created = [data, *data.rglob("*")]
    assert (data / "peerplan.db") in created and (data / "peerplan.log") in created
    assert any(p.suffix == ".pdf" for p in created), created  # the stored plan
    loose = {str(p.relative_to(tmp_path)): oct(_mode(p)) for p in created if _mode(p) & 0o077}
    assert not loose, f"readable by other local users: {loose}"


def test_exports_written_by_a_process_that_opened_the_database_are_private(
    tmp_path: Path,
) -> None:
    previous = os.umask(0o022)
    try:
        make_engine(f"sqlite:///{tmp_path / 'data' / 'peerplan.db'}")
        path = write_csv(["a"], [["=1+1"]], tmp_path / "out" / "exports" / "scores.csv")
        assert _mode(path) == 0o600 and _mode(path.parent) == 0o700
    finally:
        os.umask(previous)


def test_an_older_installation_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "old"
    data.mkdir(mode=0o755)
    database = data / "peerplan.db"
    database.write_bytes(b"")
    database.chmod(0o644)
    settings = Settings(data_dir=data)
    make_engine(str(settings.database_url))
    assert _mode(data) == 0o700 and _mode(database) == 0o600
    assert _mode(private_path(tmp_path / "new", directory=True)) == 0o700
