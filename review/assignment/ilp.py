"""The assignment as an integer program, solved by HiGHS (highspy) within a time limit.

`solve_ilp` takes the whole problem or a part of it: `columns` (the candidates it may choose),
`plans` (the plans it must fill) and per-reviewer load bounds (what is left of each reviewer's
load when the rest of the assignment is fixed). That is how the solver repairs only the plans
where the flow relaxation broke the municipality rule.

HiGHS gets the time that is left of the budget as its own `time_limit`, and stops with its best
answer and its proven bound when it runs out. Its default relative gap (0.01 %) is set to zero:
with integer weights, an answer within less than 1 of the bound is optimal.

Reciprocity (no municipality A reviewing B while B reviews A) is added lazily: a variable and two
rows only for the municipality pairs that occur in an answer, and solved again with them (each
solve is a larger problem than the one before, never the same one).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import coo_matrix, csr_matrix

from review.assignment.budget import Budget
from review.assignment.problem import Problem


@dataclass
class IlpAnswer:
    """chosen: bool mask over the problem's candidates, or None; bound: proven upper bound on
    the weight any answer of this (sub)problem can reach, when HiGHS proved one."""

    chosen: np.ndarray | None
    status: str
    bound: int | None = None
    solves: int = 1


def _grouped(keys: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
    """(key, positions) for each distinct key, positions in input order."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    bounds = np.r_[0, np.flatnonzero(np.diff(sk)) + 1, len(sk)]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        if b > a:
            yield int(sk[a]), order[a:b]


@dataclass
class _Rows:
    """Constraint rows as (member columns, lower, upper); all coefficients are 1."""

    members: list[np.ndarray]
    lower: list[float]
    upper: list[float]

    def add(self, members: np.ndarray, low: float, high: float) -> None:
        self.members.append(members)
        self.lower.append(low)
        self.upper.append(high)


def _base_rows(
    pb: Problem, cols: np.ndarray, plan_set: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> _Rows | None:
    """Plans, rubric minimums, one per municipality, loads, frontrunner; None when a necessary
    condition already fails (a plan without candidates or without a rubric it needs)."""
    r, p, q = pb.r[cols], pb.p[cols], pb.q[cols]
    Q = len(pb.rubrics)
    if (np.bincount(p, minlength=pb.n_plans)[plan_set] == 0).any():
        return None
    have = np.zeros((pb.n_plans, Q), dtype=bool)
    have[p, q] = True
    if (~have[plan_set][:, pb.minimum > 0]).any():
        return None
    rows = _Rows([], [], [])
    for _, members in _grouped(p):
        rows.add(members, pb.k, pb.k)
    for key, members in _grouped(p * Q + q):
        if pb.minimum[key % Q]:
            rows.add(members, int(pb.minimum[key % Q]), math.inf)
    for _, members in _grouped(p * (len(pb.municipality_names) + 1) + pb.reviewer_group[r]):
        if len(members) > 1:
            rows.add(members, 0, 1)
    for reviewer, members in _grouped(r):
        rows.add(members, int(lo[reviewer]), int(hi[reviewer]))
    if pb.require_frontrunner:
        front = pb.frontrunner[r]
        for _, members in _grouped(p):
            if not front[members].any():
                return None
            rows.add(members[front[members]], 1, math.inf)
    return rows


def _matrix(rows: _Rows, extra: list[tuple[np.ndarray, np.ndarray]], n_cols: int) -> coo_matrix:
    """Rows of ones, then `extra` rows given as (columns, coefficients)."""
    row_of = [np.full(len(m), i) for i, m in enumerate(rows.members)]
    row_of += [np.full(len(c), len(rows.members) + i) for i, (c, _) in enumerate(extra)]
    values = [np.ones(len(m)) for m in rows.members] + [v for _, v in extra]
    columns = rows.members + [c for c, _ in extra]
    shape = (len(rows.members) + len(extra), n_cols)
    return coo_matrix(
        (np.concatenate(values), (np.concatenate(row_of), np.concatenate(columns))), shape=shape
    )


def _reciprocity_rows(
    pair_vars: dict[tuple[int, int], int], src: np.ndarray, dst: np.ndarray, p: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[float], list[float]]:
    """For each municipality pair (A, B) with variable z: A->B: sum x - cap*z <= 0;
    B->A: sum x + cap*z <= cap (z = 1: A may review B; z = 0: B may review A)."""
    extra: list[tuple[np.ndarray, np.ndarray]] = []
    upper: list[float] = []
    for (a, b), z in pair_vars.items():
        for s_, d_, sign in ((a, b, 1), (b, a, -1)):
            members = np.flatnonzero((src == s_) & (dst == d_))
            cap = len(set(p[members].tolist()))
            extra.append((np.r_[members, z], np.r_[np.ones(len(members)), [-cap * sign]]))
            upper.append(0 if sign == 1 else cap)
    return extra, [-math.inf] * len(extra), upper


def solve_ilp(
    pb: Problem,
    budget: Budget,
    *,
    columns: np.ndarray | None = None,
    plans: np.ndarray | None = None,
    lo: np.ndarray | None = None,
    hi: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> IlpAnswer:
    """Best answer over `columns` (indices into the candidates; default all) filling `plans`
    (default all) with reviewer loads in [lo, hi] (default the problem's). `start`: a feasible
    answer (bool mask over all candidates) HiGHS starts from."""
    cols = np.arange(len(pb.r)) if columns is None else np.asarray(columns, dtype=np.int64)
    plan_set = np.arange(pb.n_plans) if plans is None else np.asarray(plans, dtype=np.int64)
    lo = pb.lo if lo is None else lo
    hi = pb.hi if hi is None else hi
    n = len(cols)
    used = np.zeros(pb.n_reviewers, dtype=bool)
    used[pb.r[cols]] = True
    rows = _base_rows(pb, cols, plan_set, lo, hi)
    if rows is None or ((lo > 0) & ~used).any():
        return IlpAnswer(None, "infeasible", solves=0)
    col_lo = pb.pinned[cols].astype(float)
    cost = -pb.weight[cols].astype(float)
    # Reciprocity variables z[A,B] appended after x, one per municipality pair met so far.
    pair_vars: dict[tuple[int, int], int] = {}
    src, dst = pb.reviewer_group[pb.r[cols]], pb.plan_group[pb.p[cols]]
    solves, bound = 0, None
    while True:
        solves += 1
        extra, elo, ehi = _reciprocity_rows(pair_vars, src, dst, pb.p[cols])
        nz = n + len(pair_vars)
        x, status, ilp_bound = _highs(
            np.r_[cost, np.zeros(len(pair_vars))],
            _matrix(rows, extra, nz).tocsr(),
            np.array(rows.lower + elo, float),
            np.array(rows.upper + ehi, float),
            np.r_[col_lo, np.zeros(len(pair_vars))],
            np.ones(nz),
            budget.left(),
            None if start is None or pair_vars else start[cols].astype(float),
        )
        if ilp_bound is not None:
            bound = ilp_bound if bound is None else min(bound, ilp_bound)
        if x is None:
            return IlpAnswer(None, status, bound, solves)
        take = x[:n] > 0.5
        chosen = np.zeros(len(pb.r), dtype=bool)
        chosen[cols[take]] = True
        met = set(zip(src[take].tolist(), dst[take].tolist(), strict=True))
        new = [(a, b) for a, b in met if a < b and (b, a) in met and (a, b) not in pair_vars]
        if not pb.avoid_reciprocal or not new:
            return IlpAnswer(chosen, status, bound, solves)
        if budget.spent():  # the answer breaks reciprocity and there is no time to fix it
            return IlpAnswer(None, "time limit", bound, solves)
        for pair in sorted(new):
            pair_vars[pair] = n + len(pair_vars)


@contextmanager
def _banner_silenced() -> Iterator[None]:
    """HiGHS prints its copyright banner to the C-level stdout when constructed, before any
    option can stop it; a CLI table or the demo's output should not be interrupted by it."""
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _highs(
    c: np.ndarray,
    A: csr_matrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    col_lo: np.ndarray,
    col_hi: np.ndarray,
    time_limit: float | None,
    start: np.ndarray | None,
) -> tuple[np.ndarray | None, str, int | None]:
    """Minimise c.x, row_lo <= A x <= row_hi, binary x in [col_lo, col_hi].

    Returns (x or None, status, upper bound on -c.x or None)."""
    with _banner_silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.999)  # integer weights: closer than 1 is optimal
    if time_limit is not None:
        h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = np.asarray(c, float)
    lp.col_lower_, lp.col_upper_ = np.asarray(col_lo, float), np.asarray(col_hi, float)
    lp.row_lower_ = np.where(np.isinf(row_lo), -inf, row_lo)
    lp.row_upper_ = np.where(np.isinf(row_hi), inf, row_hi)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * A.shape[1]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    h.passModel(lp)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = list(np.asarray(start, float))
        solution.value_valid = True
        h.setSolution(solution)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, "infeasible", None
    bound = None
    if math.isfinite(info.mip_dual_bound):
        bound = math.floor(-info.mip_dual_bound + 1e-6)
    if status == highspy.HighsModelStatus.kOptimal:
        x = np.array(h.getSolution().col_value)
        return x, "optimal", round(float(-(np.asarray(c) @ np.rint(x))))
    reason = h.modelStatusToString(status).lower()
    if info.primal_solution_status == 2:  # a feasible answer found before the time limit
        return np.array(h.getSolution().col_value), reason, bound
    return None, reason, bound
