"""Work split into chunks of plans: a task per chunk, not per plan.

Each task run is a round trip to the Prefect server and a row in its database; at thousands of
plans one task per plan costs more than the work (#14). A few chunks per worker process keep the
pool busy while the first chunks' results are already being used (registered, collected)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

PER_WORKER = 2


def chunks(items: Sequence[T], workers: int, largest: int | None = None) -> list[list[T]]:
    """`items` in order, split into `PER_WORKER` chunks per worker, or more when a chunk would
    hold more than `largest` items."""
    if not items:
        return []
    count = min(len(items), PER_WORKER * max(1, workers))
    if largest:
        count = max(count, -(-len(items) // largest))
    size = -(-len(items) // count)
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
