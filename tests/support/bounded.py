"""Running one fuzzed input within a CPU-time and memory bound (tests/reliability/test_fuzz*.py).

The bound is on CPU seconds, not wall time, as the intake's own budget counts them
(`review.intake.limits`): on a loaded 2-core CI machine, and for a test run under `nice -n 19`
beside others' work, an input waits for a core for as long as the load makes it, and a 1 s input
once passed a fixed 10 s wall-clock limit; the CPU an input costs does not depend on the load.
An input that never finishes is stopped by a watchdog (SIGPROF at the CPU limit, SIGALRM at a
wide wall-clock limit for one that blocks without using CPU) and fails the test instead of
hanging it."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

#: Wall-clock watchdog: only an input that blocks without using CPU (a child process waiting on
#: nothing) gets this far. A niced test on a busy machine gets a small share of a core, hence the
#: wide margin over any CPU limit.
WALL_SECONDS = 600.0


class InputTookTooLong(BaseException):
    """Raised into a reader by the watchdog; a BaseException, so that no reader's
    `except Exception` turns it into a refusal."""


def cpu_seconds() -> float:
    """CPU seconds of this process (all its threads) and of its waited-for children (OCR)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@contextlib.contextmanager
def watchdog(cpu_limit: float, wall_limit: float = WALL_SECONDS) -> Iterator[list[str]]:
    """Interrupt the block once this process has used `cpu_limit` more CPU seconds (SIGPROF) or
    `wall_limit` seconds have passed (SIGALRM). Yields a list naming the limit that fired, if
    one did (a reader might swallow even a BaseException). Signals work on the main thread only;
    elsewhere nothing is interrupted and only the measurement after the input guards."""
    fired: list[str] = []
    if threading.current_thread() is not threading.main_thread():
        yield fired
        return

    def stop(signum: int, _frame: Any) -> None:
        fired.append("CPU" if signum == signal.SIGPROF else "wall-clock")
        raise InputTookTooLong(f"{fired[-1]} limit passed")

    old_prof = signal.signal(signal.SIGPROF, stop)
    old_alarm = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_PROF, cpu_limit)
    signal.setitimer(signal.ITIMER_REAL, wall_limit)
    try:
        yield fired
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGPROF, old_prof)
        signal.signal(signal.SIGALRM, old_alarm)


def bounded(
    call: Callable[[], Any],
    *,
    cpu_limit: float,
    peak_bytes: int,
    expected: tuple[type[BaseException], ...],
    wall_limit: float = WALL_SECONDS,
) -> Any:
    """`call()`'s result, or the exception of one of the `expected` kinds it raised. Fails the
    test if it used `cpu_limit` CPU seconds or more (stopped there if it would not finish),
    blocked for `wall_limit` seconds, or allocated `peak_bytes` or more (tracemalloc peak)."""
    tracemalloc.start()
    started = cpu_seconds()
    result: Any = None
    try:
        # The timer gets a little more than the limit: the assertion below names the figure.
        with watchdog(cpu_limit + 1.0, wall_limit) as fired:
            try:
                result = call()
            except expected as exc:
                result = exc
            except InputTookTooLong:
                pass
        seconds = cpu_seconds() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not fired, f"one input was stopped at the {fired[0]} limit"
    assert seconds < cpu_limit, f"{seconds:.1f} CPU seconds for one input"
    assert peak < peak_bytes, f"{peak / 2**20:.0f} MB for one input"
    return result
