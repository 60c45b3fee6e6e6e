"""A tighter proven bound than the flow relaxation's: Lagrangian relaxation of the rule the flow
cannot carry (one reviewer per municipality on a plan).

For penalties lam[g] >= 0 on the groups g = (plan, municipality), every assignment x that keeps
the rule satisfies w.x <= w.x + sum_g lam[g] * (1 - x(g)), and the maximum of the right-hand
side over the flow network is one min-cost flow with each candidate's weight lowered by its
group's penalty, plus sum(lam). So each such flow is a valid upper bound; subgradient steps
(Polyak's, towards the best answer found) move the penalties onto the groups the flow keeps
breaking. A flow has no time limit of its own, so none is started when the last one would not
fit into what is left of the budget.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from review.assignment.budget import Budget
from review.assignment.flow import solve_flow
from review.assignment.problem import Problem
from review.i18n import N_, Figure, Phrase

#: Subgradient steps at most.
ROUNDS = 12


def lagrangian_bound(
    pb: Problem, chosen: np.ndarray, bound: int, target: int, clock: Budget, flow_seconds: float
) -> int:
    """An upper bound <= `bound` on the total weight; `chosen`: the flow relaxation's answer
    (breaking the rule), `target`: the weight of the best answer found (keeping it),
    `flow_seconds`: how long the relaxation's flow took (no flow starts that would not fit)."""
    n_groups = len(pb.municipality_names) + 1
    group = pb.p * n_groups + pb.reviewer_group[pb.r]
    penalty: dict[int, float] = {}
    x, value, best = chosen, float(bound), bound
    scale, stalled = 1.0, 0
    last_flow = flow_seconds
    for _ in range(ROUNDS):
        left = clock.left()
        if best <= target or (left is not None and left < 1.5 * last_flow):
            break
        keys, counts = np.unique(group[x], return_counts=True)
        excess = dict(zip(keys.tolist(), (counts - 1).tolist(), strict=True))
        slope = {g: excess.get(g, -1) for g in set(penalty) | {g for g, e in excess.items() if e}}
        norm = sum(s * s for s in slope.values())
        if norm == 0:
            break
        step = scale * (value - target) / norm
        for g, s in slope.items():
            penalty[g] = max(0.0, penalty.get(g, 0.0) + step * s)
        lam_keys = np.array(sorted(penalty), dtype=np.int64)
        lam = np.rint([penalty[g] for g in lam_keys.tolist()]).astype(np.int64)
        pos = np.minimum(np.searchsorted(lam_keys, group), len(lam_keys) - 1)
        lowered = pb.weight - np.where(lam_keys[pos] == group, lam[pos], 0)
        started = time.monotonic()
        answer = solve_flow(replace(pb, weight=lowered))
        last_flow = time.monotonic() - started
        if answer is None:
            break
        x = answer
        value = float(lowered[x].sum() + lam.sum())
        if value < best:
            best, stalled = int(value), 0
        else:
            stalled += 1
            if stalled >= 2:
                scale, stalled = scale / 2, 0
    clock.say(
        Phrase(
            N_("Lagrangian bound: %(bound)s"),
            bound=Figure(best / pb.weight_per_value / pb.scale, 3),
        )
    )
    return min(best, bound)
