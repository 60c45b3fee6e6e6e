"""The min-cost flow relaxation of the assignment (OR-Tools SimpleMinCostFlow).

The network is exact for every rule except "one reviewer per municipality on a plan": source ->
reviewer (minimum load as node supply, the rest as arc capacity) -> (reviewer, plan) [cap 1] ->
(plan, rubric) [lower bound = the rubric's minimum] -> plan [exactly k]. The municipality rule
crosses the rubric rule, so no network carries both; where all candidates of a municipality on a
plan share one rubric, a capacity-1 node (plan, municipality) carries it exactly. The flow's
optimum is therefore an upper bound on every assignment's weight, and the answer itself when it
keeps the municipality rule. It has no time limit: one solve is polynomial (about 2 s for 1.6
million candidates).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from ortools.graph.python import min_cost_flow

from review.assignment.problem import Problem


def solve_flow(pb: Problem, off: np.ndarray | None = None) -> np.ndarray | None:
    """Min-cost flow, exact except for the municipality-per-plan rule. `off`: candidates forced
    out (branching). Returns a bool mask of chosen candidates, or None when infeasible."""
    P, R, Q, k = pb.n_plans, pb.n_reviewers, len(pb.rubrics), pb.k
    use = np.ones(len(pb.r), dtype=bool) if off is None else ~off
    idx = np.flatnonzero(use)
    r, p, q, w, pin = pb.r[idx], pb.p[idx], pb.q[idx], pb.weight[idx], pb.pinned[idx]
    # Nodes: 0 source | 1..R reviewers | (plan, rubric) | plan | (reviewer, plan) hubs
    n_src, r0 = 0, 1
    pq0 = r0 + R
    p0 = pq0 + P * Q
    pair = r * P + p
    uniq, inv, counts = np.unique(pair, return_inverse=True, return_counts=True)
    multi = counts[inv] > 1
    hub_of_pair = np.full(len(uniq), -1, dtype=np.int64)
    multi_pairs = np.flatnonzero(counts > 1)
    h0 = p0 + P
    hub_of_pair[multi_pairs] = h0 + np.arange(len(multi_pairs))
    n_nodes = h0 + len(multi_pairs)
    # Exact strengthening: where every candidate of a municipality on a plan is for one and the
    # same rubric (and nobody of it could take another), a capacity-1 node (plan, municipality)
    # carries the municipality rule inside the network; only mixed-rubric groups need branching.
    free = ~pin
    G = len(pb.municipality_names) + 1
    fidx = np.flatnonzero(free)
    gk = p[fidx] * G + pb.reviewer_group[r[fidx]]
    ug, ginv, gcount = np.unique(gk, return_inverse=True, return_counts=True)
    qmin = np.full(len(ug), Q, dtype=np.int64)
    np.minimum.at(qmin, ginv, q[fidx])
    qmax = np.full(len(ug), -1, dtype=np.int64)
    np.maximum.at(qmax, ginv, q[fidx])
    anymulti = np.zeros(len(ug), dtype=bool)
    np.logical_or.at(anymulti, ginv, multi[fidx])
    good = (gcount >= 2) & (qmin == qmax) & ~anymulti
    group_node = np.full(len(ug), -1, dtype=np.int64)
    group_node[good] = n_nodes + np.arange(int(good.sum()))
    n_nodes += int(good.sum())
    via_group = np.full(len(r), -1, dtype=np.int64)
    via_group[fidx] = group_node[ginv]
    supply = np.zeros(n_nodes, dtype=np.int64)
    total = k * P
    supply[n_src] = total - int(pb.lo.sum())
    supply[r0 : r0 + R] = pb.lo
    tails, heads, caps, costs = [], [], [], []
    # source -> reviewer: load above the minimum
    tails.append(np.zeros(R, np.int64))
    heads.append(r0 + np.arange(R))
    caps.append(pb.hi - pb.lo)
    costs.append(np.zeros(R, np.int64))
    # (plan, rubric) -> plan with lower bound = minimum; plan -> sink exactly k (as supply)
    pq_nodes = pq0 + np.arange(P * Q)
    mins = np.tile(pb.minimum, P)
    supply[pq_nodes] -= mins
    plan_nodes = p0 + np.repeat(np.arange(P), Q)
    np.add.at(supply, plan_nodes, mins)
    supply[p0 : p0 + P] -= k
    tails.append(pq_nodes)
    heads.append(plan_nodes)
    caps.append(np.full(P * Q, k, np.int64) - mins)
    costs.append(np.zeros(P * Q, np.int64))
    # pinned candidates: lower bound 1 on their path (direct: pairs with a pin have one triple)
    if pin.any():
        np.add.at(supply, r0 + r[pin], -1)
        np.add.at(supply, pq0 + p[pin] * Q + q[pin], 1)
    free = ~pin
    single = free & ~multi
    tails.append(r0 + r[single])
    direct = pq0 + p[single] * Q + q[single]
    heads.append(np.where(via_group[single] >= 0, via_group[single], direct))
    caps.append(np.ones(int(single.sum()), np.int64))
    costs.append(-w[single])
    mfree = free & multi
    hubs = hub_of_pair[inv[mfree]]
    hub_list = hub_of_pair[multi_pairs]
    tails.append(r0 + (uniq[multi_pairs] // P))
    heads.append(hub_list)
    caps.append(np.ones(len(hub_list), np.int64))
    costs.append(np.zeros(len(hub_list), np.int64))
    tails.append(hubs)
    heads.append(pq0 + p[mfree] * Q + q[mfree])
    caps.append(np.ones(int(mfree.sum()), np.int64))
    costs.append(-w[mfree])
    tails.append(group_node[good])
    heads.append(pq0 + (ug[good] // G) * Q + qmin[good])
    caps.append(np.ones(int(good.sum()), np.int64))
    costs.append(np.zeros(int(good.sum()), np.int64))
    smcf = min_cost_flow.SimpleMinCostFlow()
    T, H, C, W = (np.concatenate(x).astype(np.int64) for x in (tails, heads, caps, costs))
    smcf.add_arcs_with_capacity_and_unit_cost(T, H, C, W)
    smcf.set_nodes_supplies(np.arange(n_nodes), supply)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        return None
    flows = smcf.flows(np.arange(len(T)))
    chosen_local = pin.copy()
    # single arcs come right after the first two groups (source, (plan, rubric)) arcs
    start = R + P * Q
    s_idx = np.flatnonzero(single)
    chosen_local[s_idx] = flows[start : start + len(s_idx)] > 0
    m_start = start + len(s_idx) + len(hub_list)
    m_idx = np.flatnonzero(mfree)
    chosen_local[m_idx] = flows[m_start : m_start + len(m_idx)] > 0
    chosen = np.zeros(len(pb.r), dtype=bool)
    chosen[idx[chosen_local]] = True
    return chosen


#: (plan, municipality, candidate indices): a plan with two reviewers of one municipality.
Conflict = tuple[int, int, list[int]]


def municipality_conflicts(pb: Problem, chosen: np.ndarray) -> list[Conflict]:
    """[(plan, municipality, candidate indices)] where a plan has two reviewers of one place."""
    idx = np.flatnonzero(chosen)
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in idx:
        groups[(int(pb.p[i]), int(pb.reviewer_group[pb.r[i]]))].append(int(i))
    return [(pl, g, ids) for (pl, g), ids in sorted(groups.items()) if len(ids) > 1]


def weight(pb: Problem, chosen: np.ndarray) -> int:
    """Total objective weight of the chosen candidates."""
    return int(pb.weight[chosen].sum())
