"""`peerplan demo` (what `make demo` runs) on a fresh Prefect home: it finishes, says where the
documents are, the documents open, and the simulated clock caused every kind of message."""

from __future__ import annotations

import email
import email.policy
import io
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect")]
PROJECT = Path(__file__).resolve().parents[2]


def test_demo_runs_a_whole_round(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "COLUMNS": "200"}
    for key in [k for k in env if k.startswith(("PEERPLAN_", "PREFECT_API"))]:
        env.pop(key)
    result = subprocess.run(
        [sys.executable, "-m", "review", "demo", "--out", str(out)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"consolidated documents: {out / 'documents'}" in result.stdout

    editions = sorted((out / "documents").rglob("*.docx"))
    assert len(editions) >= 16, [p.name for p in editions]  # two editions of each of 8 plans
    for path in editions:
        body = "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)
        assert body.strip(), f"{path.name} is empty"

    kinds = set()
    for path in (out / "mail").glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        kinds.add(message["X-Peerplan-Kind"])
    assert {
        "invitation",
        "reminder",
        "overdue_notice",
        "escalation",
        "replacement_invitation",
        "released_notice",
        "submission_receipt",
    } <= kinds
