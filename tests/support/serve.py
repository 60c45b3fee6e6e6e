"""`peerplan serve` started as a coordinator starts it, for the end-to-end tests (#12 follow-up:
the serve test and the coordinator's acceptance test each launched it their own way): a clean
environment (no PREFECT_/PEERPLAN_ settings of the machine's, a data directory of the test's),
ports of the test's choice, its output in a log file, ready when it says "Press Ctrl-C", and
stopped with SIGTERM as Ctrl-C would, with every process it started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.deployments import PROJECT_ROOT
from review.cli.children import free_port

READY = "Press Ctrl-C"


def clean_env(data_dir: Path) -> dict[str, str]:
    """This machine's environment without its peerplan and Prefect settings, with this
    checkout's code and `data_dir` as the data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PEERPLAN_"))}
    env.update(PYTHONPATH=str(PROJECT_ROOT), PEERPLAN_DATA_DIR=str(data_dir))
    # serve speaks the installation's language: English, whatever this machine's locale, so
    # that its lines read as the tests expect (READY among them)
    env["PEERPLAN_LANGUAGE"] = "en"
    return env


@dataclass
class Served:
    process: subprocess.Popen
    log: Path
    ui_url: str
    portal_url: str | None

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    def output(self) -> str:
        """What serve printed so far (stdout and stderr)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_serve(
    cwd: Path, env: dict[str, str], log: Path, *, portal: bool = True, timeout: float = 300
) -> Served:
    """`peerplan serve` in `cwd` on two free ports, its output in `log`; returns once it is up
    (fails the test with what it printed when it exits or does not come up in `timeout`)."""
    prefect_port, portal_port = free_port(), free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "review",
                "serve",
                "--prefect-port",
                str(prefect_port),
                "--portal-port",
                str(portal_port),
                "--portal" if portal else "--no-portal",
            ],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    served = Served(
        process,
        log,
        f"http://127.0.0.1:{prefect_port}",
        f"http://127.0.0.1:{portal_port}" if portal else None,
    )
    deadline = time.monotonic() + timeout
    while READY not in served.output():
        if process.poll() is not None or time.monotonic() > deadline:
            stop(served)
            pytest.fail("peerplan serve did not come up:\n" + served.output())
        time.sleep(0.5)
    return served


def stop(served: Served, wait: float = 60) -> None:
    """SIGTERM, as Ctrl-C; whatever it started and left running is killed."""
    tree = descendants(served.process.pid)
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            served.process.wait(wait)
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def descendants(pid: int) -> dict[int, str]:
    """{pid: command line} of every process below `pid` (by walking /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = cmdline(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
