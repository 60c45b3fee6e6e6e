"""review.claims: a named claim one process holds at a time (the outbox's deliverer, the spread
compile's round and parts)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine

from review import claims


def test_a_claim_is_free_once_its_holder_leaves_though_a_child_forked_meanwhile_lives(
    tmp_path: Path,
) -> None:
    """The intake's reading pool forks; a child forked while a claim is held has a copy of the
    flock's descriptor. Closing the holder's copy alone left the claim held until the child
    exited: the next deliverer would have waited and given up."""
    engine = create_engine(f"sqlite:///{tmp_path / 'peerplan.db'}")
    lock = tmp_path / "peerplan.db.outbox-lock"
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        with claims.held(engine, "peerplan outbox", lock, wait=0) as got:
            assert got
            child = pool.submit(os.getpid).result()  # the worker is forked now, and lives on
        assert child != os.getpid()
        with claims.held(engine, "peerplan outbox", lock, wait=0) as again:
            assert again, "the claim stayed with the forked child"


def test_a_held_claim_is_refused_after_its_wait(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'peerplan.db'}")
    lock = tmp_path / "x.lock"
    with (
        claims.held(engine, "x", lock, wait=0) as first,
        claims.held(engine, "x", lock, wait=0.3) as second,
    ):
        assert first and not second
