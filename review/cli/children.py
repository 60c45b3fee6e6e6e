"""Child processes of a long-running command (`peerplan serve`): each in its own process group, so
that a Ctrl-C in the terminal reaches only the parent, which then stops the whole group of every
child (a server's own subprocesses included) and leaves no orphans."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from review.errors import PeerplanError
from review.i18n import N_, Count


class ChildFailed(PeerplanError):
    """A child process exited early or did not become ready in time."""


@dataclass
class Child:
    name: str
    args: Sequence[str]
    log_path: Path
    env: Mapping[str, str] | None = None
    cwd: Path | None = None
    process: subprocess.Popen | None = field(default=None, init=False)

    def start(self) -> Child:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                list(self.args),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(self.env) if self.env is not None else None,
                cwd=self.cwd,
                start_new_session=True,  # own process group: see the module docstring
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_http(self, url: str, *, timeout: float, what: str) -> float:
        """Poll `url` until it answers below 500; return the seconds waited. Fail with the log's
        tail when the child exits first or `timeout` passes."""
        started = time.monotonic()
        while True:
            if not self.running():
                raise ChildFailed(
                    N_(
                        "%(name)s exited (code %(code)s) before %(what)s answered at %(url)s; "
                        "last lines of %(log)s:\n%(tail)s"
                    ),
                    name=self.name,
                    code=self.process.returncode if self.process else "?",
                    what=what,
                    url=url,
                    log=self.log_path,
                    tail=self.log_tail(),
                )
            try:
                if httpx.get(url, timeout=5).status_code < 500:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            if time.monotonic() - started > timeout:
                raise ChildFailed(
                    N_(
                        "%(what)s did not answer at %(url)s within %(seconds)s s; last lines of "
                        "%(log)s:\n%(tail)s"
                    ),
                    what=what,
                    url=url,
                    seconds=Count(round(timeout)),
                    log=self.log_path,
                    tail=self.log_tail(),
                )
            time.sleep(0.5)

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the child's process group, then SIGKILL whatever is left after `grace` s."""
        if self.process is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and _group_alive(self.process):
                time.sleep(0.1)
            if not _group_alive(self.process):
                break
        self.process.poll()


def _group_alive(process: subprocess.Popen) -> bool:
    process.poll()  # reap the leader if it exited, or killpg(0) sees a zombie
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
