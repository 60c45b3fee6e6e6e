"""Kill a peerplan command with SIGKILL at a seeded random moment, run it again to completion, and
check what must hold after any crash.

Two ways to run a command, both a real separate process killed with SIGKILL:
- `ExecRunner`: `python -m review ARGS` in a fresh interpreter (what an operator runs);
- `ForkRunner`: a fork server that has imported peerplan's CLI once forks one child per command
  and the child runs the same Typer app with the same arguments. A fresh interpreter takes 3-5 s
  on the 2-core CI machine before peerplan does anything, which would spend the default run's
  time budget on imports; the fork server gives ten times more kills per second, and every kill
  lands inside peerplan's own work. The slow tests use `ExecRunner`.

The child gets its own process group, so that killing it also kills any worker processes it
started (the intake's reading pool).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from review.config import Settings
from review.db import engine_for

ROOT = Path(__file__).resolve().parents[2]


def env_for(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment that points a peerplan process at the test's database and SMTP server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERPLAN_")}
    env.update(
        PEERPLAN_DATA_DIR=str(settings.data_dir),
        PEERPLAN_DATABASE_URL=str(settings.database_url),
        PEERPLAN_PORTAL_BASE_URL=settings.portal_base_url,
        PEERPLAN_SMTP_HOST=settings.smtp_host,
        PEERPLAN_SMTP_PORT=str(settings.smtp_port),
        PEERPLAN_SMTP_TIMEOUT="10",
        PYTHONPATH=str(ROOT),
        COLUMNS="200",
    )
    env.update(extra)
    return env


@dataclass
class Run:
    argv: list[str]
    returncode: int
    killed: bool
    seconds: float
    output: str


class ExecRunner:
    """`python -m review ARGS` in a new interpreter and a new process group."""

    name = "exec"

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.env = env_for(settings)
        self.log_dir = log_dir
        self._n = 0
        # Seconds a fresh interpreter needs before peerplan does anything (imports): kills are
        # drawn after most of it, so that they land in peerplan's work, not in the imports.
        self.startup = self.run(["--help"]).seconds

    def run(
        self, argv: Sequence[str], kill_after: float | None = None, timeout: float = 300
    ) -> Run:
        self._n += 1
        log = self.log_dir / f"exec-{self._n:04d}.log"
        started = time.monotonic()
        with open(log, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "review", *argv],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            killed = False
            try:
                proc.wait(timeout=kill_after if kill_after is not None else timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                killed = kill_after is not None
                if not killed:
                    raise
        return Run(
            list(argv),
            proc.returncode,
            killed,
            time.monotonic() - started,
            log.read_text(errors="replace"),
        )

    def close(self) -> None:
        pass


_SERVER = r"""
import json, os, sys, time
sys.path.insert(0, os.environ["PYTHONPATH"])
from review.cli import app  # the import is the point: children start warm
import review.notify, review.intake  # noqa
for name in ("review.cli.notify", "review.runs", "review.consolidation.pipeline",
             "review.assignment.solver"):
    try:
        __import__(name)
    except ImportError:
        pass
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    job = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fd = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 1); os.dup2(fd, 2)
        code = 0
        try:
            app(args=job["argv"], prog_name="peerplan", standalone_mode=True)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            import traceback; traceback.print_exc(); code = 1
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status)}), flush=True)
"""


class ForkRunner:
    """A warm fork server: one child process per command, each killable on its own."""

    name = "fork"
    startup = 0.0

    def __init__(self, settings: Settings, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._n = 0
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER],
            cwd=ROOT,
            env=env_for(settings),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if not ready:
            raise RuntimeError("the fork server did not start")

    def run(
        self, argv: Sequence[str], kill_after: float | None = None, timeout: float = 300
    ) -> Run:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._n += 1
        log = self.log_dir / f"fork-{self._n:04d}.log"
        log.touch()  # a child killed before it opens its log leaves an empty one
        started = time.monotonic()
        self.proc.stdin.write(json.dumps({"argv": list(argv), "log": str(log)}) + "\n")
        self.proc.stdin.flush()
        pid = json.loads(self.proc.stdout.readline())["pid"]
        killed = False
        if kill_after is not None:
            deadline = started + kill_after
            while time.monotonic() < deadline:
                if _exited(pid):
                    break
                time.sleep(0.002)
            else:
                try:
                    os.killpg(pid, signal.SIGKILL)
                    killed = True
                except ProcessLookupError:
                    pass
        status = json.loads(self.proc.stdout.readline())["status"]
        killed = killed and status == -signal.SIGKILL
        return Run(
            list(argv), status, killed, time.monotonic() - started, log.read_text(errors="replace")
        )

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _exited(pid: int) -> bool:
    """True once the child is a zombie or gone (it is not our child: the fork server reaps it)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


# --------------------------------------------------------------------------- trials


@dataclass
class Tally:
    """Figures of a crash campaign, for the report and RELIABILITY.md."""

    trials: int = 0
    kills: int = 0  # kills that landed while the command was still running
    reruns: int = 0
    by_step: Counter = field(default_factory=Counter)
    # Each step's quickest whole run so far: the machine's load falls and rises during a
    # campaign, and a kill drawn from a run timed under more load lands after the end.
    quickest: dict[str, float] = field(default_factory=dict)

    def line(self) -> str:
        steps = ", ".join(f"{k}: {v}" for k, v in sorted(self.by_step.items()))
        return f"{self.trials} trials, {self.kills} kills landed ({steps}), {self.reruns} re-runs"


def crash_then_finish(
    runner,
    argv: Sequence[str],
    full_seconds: float,
    rng: random.Random,
    tally: Tally,
    step: str,
    ok_codes: Sequence[int] = (0,),
) -> Run:
    """Kill `argv` at a random moment within its usual run time, then run it to completion."""
    full_seconds = min(full_seconds, tally.quickest.get(step, full_seconds))
    startup = min(getattr(runner, "startup", 0.0) * 0.8, full_seconds * 0.8)
    # Up to 85 % of the timed run: a repeat is often quicker (warm caches), and a kill drawn
    # after the process has ended tests nothing.
    kill_after = rng.uniform(startup, full_seconds * 0.85)
    first = runner.run(argv, kill_after=kill_after)
    tally.trials += 1
    if first.killed:
        tally.kills += 1
        tally.by_step[step] += 1
    elif first.returncode not in ok_codes:
        raise AssertionError(
            f"{step} failed without a kill (exit {first.returncode}):\n{first.output[-3000:]}"
        )
    else:  # it ran to its end before the kill: a whole run (a re-run only finishes one)
        tally.quickest[step] = min(first.seconds, tally.quickest.get(step, first.seconds))
    final = runner.run(argv)
    tally.reruns += 1
    if final.returncode not in ok_codes:
        raise AssertionError(
            f"{step} re-run after a kill at {kill_after:.3f} s failed "
            f"(exit {final.returncode}):\n{final.output[-3000:]}"
        )
    return final


# --------------------------------------------------------------------------- invariants


def _rows(settings: Settings, sql: str, **params) -> list[tuple]:
    with engine_for(str(settings.database_url)).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def database_problems(settings: Settings) -> list[str]:
    """Everything that must hold in the database after any crash and re-run, as messages."""
    problems: list[str] = []

    def dup(sql: str, what: str) -> None:
        for row in _rows(settings, sql):
            problems.append(f"duplicate {what}: {row}")

    dup(
        "SELECT round_id, municipality_id, COUNT(*) FROM plan GROUP BY round_id, municipality_id "
        "HAVING COUNT(*) > 1",
        "plan",
    )
    dup(
        "SELECT round_id, sha256, COUNT(*) FROM document GROUP BY round_id, sha256 "
        "HAVING COUNT(*) > 1",
        "document",
    )
    dup(
        "SELECT plan_id, reviewer_id, COUNT(*) FROM assignment GROUP BY plan_id, reviewer_id "
        "HAVING COUNT(*) > 1",
        "assignment",
    )
    dup(
        "SELECT assignment_id, version, COUNT(*) FROM review GROUP BY assignment_id, version "
        "HAVING COUNT(*) > 1",
        "review version",
    )
    dup("SELECT key, COUNT(*) FROM outbox GROUP BY key HAVING COUNT(*) > 1", "outbox message")
    # Versions of a plan are 1..n without gaps, and every document's file is stored intact.
    files = settings.files_dir
    versions: dict[int, list[int]] = {}
    for plan_id, version, stored, sha, size in _rows(
        settings, "SELECT plan_id, version, stored_path, sha256, size FROM document"
    ):
        versions.setdefault(plan_id, []).append(version)
        path = files / stored
        if not path.is_file():
            problems.append(f"document of plan {plan_id} v{version}: file {stored} missing")
        else:
            import hashlib

            data = path.read_bytes()
            if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
                problems.append(f"document of plan {plan_id} v{version}: file {stored} damaged")
    for plan_id, seen in versions.items():
        if sorted(seen) != list(range(1, len(seen) + 1)):
            problems.append(f"plan {plan_id}: document versions {sorted(seen)} have a gap")
    # Each registration is logged exactly once, each plan's creation exactly once.
    logged = Counter(
        r[0]
        for r in _rows(
            settings,
            "SELECT entity_id FROM event WHERE kind IN ('document.registered', "
            "'document.new_version')",
        )
    )
    for (doc_id,) in _rows(settings, "SELECT id FROM document"):
        if logged[doc_id] != 1:
            problems.append(f"document {doc_id}: {logged[doc_id]} registration events, not 1")
    created = Counter(
        r[0] for r in _rows(settings, "SELECT entity_id FROM event WHERE kind = 'plan.created'")
    )
    for (plan_id,) in _rows(settings, "SELECT id FROM plan"):
        if created[plan_id] > 1:
            problems.append(f"plan {plan_id}: {created[plan_id]} creation events")
    problems += assignment_log_problems(settings)
    return problems


STATUS_EVENT_KINDS = (
    "proposed",
    "invited",
    "accepted",
    "declined",
    "submitted",
    "overdue",
    "reassigned",
    "withdrawn",
)


def assignment_log_problems(settings: Settings) -> list[str]:
    """Every assignment's status is the 'to' of its last status event (none: still proposed)."""
    kinds = ", ".join(f"'assignment.{k}'" for k in STATUS_EVENT_KINDS)
    last: dict[int, dict] = {}
    for entity_id, payload in _rows(
        settings,
        f"SELECT entity_id, payload FROM event WHERE entity = 'assignment' "
        f"AND kind IN ({kinds}) ORDER BY id",
    ):
        last[entity_id] = json.loads(payload) if isinstance(payload, str) else payload
    problems = []
    for assignment_id, status in _rows(settings, "SELECT id, status FROM assignment"):
        event = last.get(assignment_id)
        expected = event["to"] if event else "proposed"
        if status != expected:
            problems.append(
                f"assignment {assignment_id} is '{status}' but its last status event "
                f"says '{expected}'"
            )
    return problems


def submitted_reviews(settings: Settings) -> dict[tuple[int, int], str]:
    """(assignment, version) -> scores of every submitted review: these must never disappear."""
    return {
        (a, v): json.dumps(json.loads(s) if isinstance(s, str) else s, sort_keys=True)
        for a, v, s in _rows(
            settings, "SELECT assignment_id, version, scores FROM review WHERE status = 'submitted'"
        )
    }


def mail_problems(settings: Settings, messages: list, kills_during_delivery: int) -> list[str]:
    """The outbox promise (review.notify.outbox): every sent row reached the server, nothing was
    sent that is not a row, and a Message-ID arrives twice only when a kill fell between the SMTP
    hand-over and the mark (at most once per such kill, never three times)."""
    problems = []
    ids = Counter(str(m["Message-ID"]).strip() for m in messages)
    rows = {
        mid: (key, status)
        for mid, key, status in _rows(settings, "SELECT message_id, key, status FROM outbox")
    }
    for mid, n in ids.items():
        if mid not in rows:
            problems.append(f"a message {mid} arrived that is in no outbox row")
        if n > 2:
            problems.append(f"message {mid} ({rows.get(mid, ('?',))[0]}) arrived {n} times")
    doubles = sum(1 for n in ids.values() if n == 2)
    if doubles > kills_during_delivery:
        problems.append(
            f"{doubles} messages arrived twice but only {kills_during_delivery} kills "
            "could have caused a resend"
        )
    for mid, (key, status) in rows.items():
        if status == "sent" and mid not in ids:
            problems.append(f"outbox row {key} is marked sent but never arrived")
        if status == "pending":
            problems.append(f"outbox row {key} is still pending after a completed run")
    return problems
