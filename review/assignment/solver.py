"""The exact assignment solver: pure functions from an `Instance` to a `Result`.

Formulation (x[r,p,q] = 1: reviewer r reviews plan p for rubric q), maximise total affinity:
- each plan exactly k reviews, at least min_per_rubric[q] of rubric q;
- a reviewer at most once per plan (one rubric), never a plan of their own municipality, only
  plans in a language they read, only rubrics they declared; min_load <= load <= max_load;
- at most one reviewer per municipality on a plan; pinned triples fixed, forbidden pairs out;
- optional: no reciprocal municipality pairs; at least one frontrunner on every plan.

How it is solved, fastest exact method first:
1. Min-cost flow (OR-Tools SimpleMinCostFlow) on a network that is exact for everything except
   "one reviewer per municipality on a plan": source -> reviewer (minimum load as node supply,
   the rest as arc capacity) -> (reviewer, plan) [cap 1] -> (plan, rubric) [lower bound = the
   rubric's minimum] -> plan [exactly k]. The municipality rule crosses the rubric rule, so no
   network carries both; the flow is a relaxation. If its optimum keeps the rule, it is optimal.
2. Otherwise branch and bound on flows (best first): for a plan with two reviewers of one
   municipality, either the first is off the plan, or every other one of that municipality is.
   The first branch node whose flow keeps the rule is optimal. A node budget guards the worst case.
3. The side constraints flow cannot express (reciprocity, frontrunner), or an exhausted budget:
   an ILP with HiGHS (scipy.optimize.milp). Reciprocity constraints are added lazily, only for
   municipality pairs that occur in a solution, and the ILP is re-solved until none is violated.

Affinities are integers (thousandths unless all values are integers), so solvers agree exactly.
Ties are broken deterministically by input order; with `previous`, lexicographically: first the
best affinity, then the most kept triples of the previous answer (stability after a decline).

Pruning: when the eligible triples exceed `DENSE_LIMIT`, each (plan, rubric) keeps its `top_k`
best reviewers and each reviewer its `REVIEWER_KEEP` best (plan, rubric); the result says so, and
an infeasible pruned problem is widened (K doubled) automatically until it is not pruned at all.
"""

from __future__ import annotations

import heapq
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from review.assignment import explain
from review.assignment.instance import AssignmentOut, Instance, Result
from review.assignment.problem import Problem

DENSE_LIMIT = 5_000_000
#: The ILP (side constraints, or the branch and bound's fallback) is solved on pruned candidates
#: above this many triples: HiGHS takes minutes on a dense 1,000-plan round, seconds on its top-K.
ILP_DENSE_LIMIT = 200_000
#: Wall-clock cap of the branch and bound before it hands over to the ILP.
BRANCH_SECONDS = 20.0
ILP_TOO_LARGE = "ilp-too-large"
TOP_K = 40
REVIEWER_KEEP = 10
BRANCH_BUDGET = 60
FRACTION_SCALE = 1000


# --------------------------------------------------------------------------- building


def _scale(values: list[float]) -> int:
    return 1 if all(float(v).is_integer() for v in values) else FRACTION_SCALE


def build(instance: Instance, top_k: int | None = None, dense_limit: int = DENSE_LIMIT) -> Problem:
    """Eligible candidate triples of the instance, pruned to `top_k` above `dense_limit`."""
    plans, reviewers = instance.plans, instance.reviewers
    P, R = len(plans), len(reviewers)
    pidx = {p.id: i for i, p in enumerate(plans)}
    ridx = {r.id: i for i, r in enumerate(reviewers)}
    rubrics = sorted(set(instance.min_per_rubric) | {q for r in reviewers for q in r.rubrics})
    qidx = {q: i for i, q in enumerate(rubrics)}
    Q = len(rubrics)
    names: list[str] = []
    gidx: dict[str, int] = {}
    for name in [p.municipality for p in plans] + [
        r.municipality for r in reviewers if r.municipality
    ]:
        if name not in gidx:
            gidx[name] = len(names)
            names.append(name)
    plan_group = np.array([gidx[p.municipality] for p in plans], dtype=np.int64)
    rgroup = []
    for r in reviewers:
        if r.municipality:
            rgroup.append(gidx[r.municipality])
        else:  # an external expert is a municipality of one
            rgroup.append(len(names))
            names.append(f"(external {r.id})")
    reviewer_group = np.array(rgroup, dtype=np.int64)
    languages = sorted({p.language for p in plans} | {x for r in reviewers for x in r.languages})
    lidx = {x: i for i, x in enumerate(languages)}
    plan_lang = np.array([lidx[p.language] for p in plans], dtype=np.int64)
    reads = np.zeros((R, len(languages)), dtype=bool)
    can = np.zeros((R, Q), dtype=bool)
    for i, r in enumerate(reviewers):
        reads[i, [lidx[x] for x in r.languages]] = True
        can[i, [qidx[q] for q in r.rubrics]] = True
    loads = instance.loads()
    lo = np.array([a for a, _ in loads], dtype=np.int64)
    hi = np.array([b for _, b in loads], dtype=np.int64)
    forbidden = {(ridx[r], pidx[p]) for r, p in instance.forbidden}

    scale = _scale([a[3] for a in instance.affinity])
    if instance.affinity:
        ar = np.fromiter((ridx[a[0]] for a in instance.affinity), np.int64, len(instance.affinity))
        ap = np.fromiter((pidx[a[1]] for a in instance.affinity), np.int64, len(instance.affinity))
        aq = np.fromiter((qidx[a[2]] for a in instance.affinity), np.int64, len(instance.affinity))
        av = np.rint(
            np.fromiter((a[3] for a in instance.affinity), float, len(instance.affinity)) * scale
        ).astype(np.int64)
    else:
        ar = ap = aq = av = np.zeros(0, dtype=np.int64)

    def eligible(r: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        ok = (reviewer_group[r] != plan_group[p]) & reads[r, plan_lang[p]] & can[r, q]
        if forbidden:
            key = r * P + p
            bad = np.fromiter((a * P + b for a, b in forbidden), np.int64, len(forbidden))
            ok &= ~np.isin(key, bad)
        return ok

    pruning = None
    if instance.only_listed_pairs:
        keep = eligible(ar, ap, aq)
        r, p, q, v = ar[keep], ap[keep], aq[keep], av[keep]
        total = int(keep.sum())
    else:
        # Dense: every eligible triple, value from the list or 0.
        total_guess = R * P * Q
        listed = {}
        if len(ar):
            listed_key = (ar * P + ap) * Q + aq
            order = np.argsort(listed_key)
            listed = (listed_key[order], av[order])
        if total_guess <= dense_limit:
            rr, pp, qq = np.meshgrid(np.arange(R), np.arange(P), np.arange(Q), indexing="ij")
            r, p, q = rr.ravel(), pp.ravel(), qq.ravel()
            keep = eligible(r, p, q)
            r, p, q = r[keep], p[keep], q[keep]
            v = _lookup(listed, (r * P + p) * Q + q)
            total = len(r)
        else:
            r, p, q, v, total = _pruned_dense(
                P, R, Q, eligible, listed, top_k or instance.top_k or TOP_K
            )
            pruning = {
                "top_k": top_k or instance.top_k or TOP_K,
                "reviewer_keep": REVIEWER_KEEP,
                "candidates": len(r),
                "eligible": total,
            }
    if instance.only_listed_pairs and (top_k or instance.top_k) and total > DENSE_LIMIT:
        pass  # listed pairs are the coordinator's explicit candidate set: never pruned further

    # Pinned triples: always candidates (if eligible), everything they exclude removed.
    pinned_problems: list[str] = []
    pins = []
    for rid, pid, rub in instance.pinned:
        a, b, c = ridx[rid], pidx[pid], qidx[rub]
        why = []
        if reviewer_group[a] == plan_group[b]:
            why.append("it is the reviewer's own municipality")
        if not reads[a, plan_lang[b]]:
            why.append(f"the reviewer does not read {plans[b].language}")
        if not can[a, c]:
            why.append(f"the reviewer has no {rub} expertise")
        if why:
            pinned_problems.append(
                f"pinned pair reviewer {rid} / plan {pid} ({rub}) breaks a hard "
                f"rule: {', '.join(why)}"
            )
        pins.append((a, b, c))
    pin = np.zeros(len(r), dtype=bool)
    if pins:
        pin_keys = {(a * P + b) * Q + c for a, b, c in pins}
        pin_pairs = {a * P + b for a, b, _ in pins}
        pin_groups = {(int(reviewer_group[a]), b) for a, b, _ in pins}
        key = (r * P + p) * Q + q
        exists = set(key[np.isin(key, list(pin_keys))].tolist())
        missing = [t for t in pins if (t[0] * P + t[1]) * Q + t[2] not in exists]
        if missing:  # pruned away or not listed: add them back
            ma, mb, mc = (np.array(x, dtype=np.int64) for x in zip(*missing, strict=True))
            mv = _lookup(
                listed if not instance.only_listed_pairs else _listed(ar, ap, aq, av, P, Q),
                (ma * P + mb) * Q + mc,
            )
            r, p, q, v = (np.concatenate(x) for x in ((r, ma), (p, mb), (q, mc), (v, mv)))
            key = (r * P + p) * Q + q
        pin = np.isin(key, list(pin_keys))
        pair = r * P + p
        same_pair_other = np.isin(pair, list(pin_pairs)) & ~pin
        grp = (
            np.array(
                [(int(g), int(b)) in pin_groups for g, b in zip(reviewer_group[r], p, strict=True)],
                dtype=bool,
            )
            if len(r)
            else np.zeros(0, bool)
        )
        drop = same_pair_other | (grp & ~np.isin(pair, list(pin_pairs)))
        keep = ~drop
        r, p, q, v, pin = r[keep], p[keep], q[keep], v[keep], pin[keep]

    # Deterministic order: by plan, rubric, reviewer.
    order = np.lexsort((r, q, p))
    r, p, q, v, pin = r[order], p[order], q[order], v[order], pin[order]
    weight = v.copy()
    if instance.previous:
        prev = {(ridx[a] * P + pidx[b]) * Q + qidx[c] for a, b, c in instance.previous}
        kept = np.isin((r * P + p) * Q + q, list(prev)).astype(np.int64)
        weight = v * (len(prev) + 1) + kept
    return Problem(
        k=instance.reviews_per_plan,
        plan_ids=[x.id for x in plans],
        reviewer_ids=[x.id for x in reviewers],
        rubrics=rubrics,
        minimum=np.array([instance.min_per_rubric.get(x, 0) for x in rubrics], dtype=np.int64),
        plan_group=plan_group,
        reviewer_group=reviewer_group,
        reviewer_has_municipality=np.array([bool(x.municipality) for x in reviewers]),
        frontrunner=np.array([x.frontrunner for x in reviewers], dtype=bool),
        lo=lo,
        hi=hi,
        r=r,
        p=p,
        q=q,
        value=v,
        weight=weight,
        pinned=pin,
        scale=scale,
        municipality_names=names,
        plan_languages=[x.language for x in plans],
        avoid_reciprocal=instance.avoid_reciprocal,
        require_frontrunner=instance.require_frontrunner,
        pinned_problems=pinned_problems,
        pruning=pruning,
    )


def _listed(ar, ap, aq, av, P, Q):
    key = (ar * P + ap) * Q + aq
    order = np.argsort(key)
    return (key[order], av[order])


def _lookup(listed, keys: np.ndarray) -> np.ndarray:
    if not listed or len(listed[0]) == 0:
        return np.zeros(len(keys), dtype=np.int64)
    lk, lv = listed
    pos = np.searchsorted(lk, keys)
    pos = np.minimum(pos, len(lk) - 1)
    return np.where(lk[pos] == keys, lv[pos], 0).astype(np.int64)


def _pruned_dense(P, R, Q, eligible, listed, top_k):
    """Top-K per (plan, rubric) plus each reviewer's best plans, computed in plan chunks."""
    chunk = max(1, DENSE_LIMIT // max(R * Q, 1))
    parts = []
    total = 0
    best_per_reviewer: list[tuple[np.ndarray, ...]] = []
    for start in range(0, P, chunk):
        ps = np.arange(start, min(P, start + chunk))
        rr, pp, qq = np.meshgrid(np.arange(R), ps, np.arange(Q), indexing="ij")
        r, p, q = rr.ravel(), pp.ravel(), qq.ravel()
        keep = eligible(r, p, q)
        r, p, q = r[keep], p[keep], q[keep]
        total += len(r)
        v = _lookup(listed, (r * P + p) * Q + q)
        # rank within (plan, rubric) by value desc, then reviewer index: deterministic
        order = np.lexsort((r, -v, q, p))
        r, p, q, v = r[order], p[order], q[order], v[order]
        grp = p * Q + q
        first = np.r_[0, np.flatnonzero(np.diff(grp)) + 1]
        rank = np.arange(len(grp)) - np.repeat(first, np.diff(np.r_[first, len(grp)]))
        sel = rank < top_k
        parts.append((r[sel], p[sel], q[sel], v[sel]))
        # reviewer's best within this chunk (merged below)
        order = np.lexsort((p, -v, r))
        r2, p2, q2, v2 = r[order], p[order], q[order], v[order]
        first = np.r_[0, np.flatnonzero(np.diff(r2)) + 1]
        rank = np.arange(len(r2)) - np.repeat(first, np.diff(np.r_[first, len(r2)]))
        sel = rank < REVIEWER_KEEP
        best_per_reviewer.append((r2[sel], p2[sel], q2[sel], v2[sel]))
    r, p, q, v = (np.concatenate([x[i] for x in parts]) for i in range(4))
    br, bp, bq, bv = (np.concatenate([x[i] for x in best_per_reviewer]) for i in range(4))
    order = np.lexsort((bp, -bv, br))
    br, bp, bq, bv = br[order], bp[order], bq[order], bv[order]
    first = np.r_[0, np.flatnonzero(np.diff(br)) + 1] if len(br) else np.zeros(0, np.int64)
    rank = np.arange(len(br)) - np.repeat(first, np.diff(np.r_[first, len(br)])) if len(br) else br
    sel = rank < REVIEWER_KEEP
    r, p, q, v = (
        np.concatenate(x) for x in ((r, br[sel]), (p, bp[sel]), (q, bq[sel]), (v, bv[sel]))
    )
    key = (r * P + p) * Q + q
    _, unique = np.unique(key, return_index=True)
    return r[unique], p[unique], q[unique], v[unique], total


# --------------------------------------------------------------------------- flow


def solve_flow(pb: Problem, off: np.ndarray | None = None) -> np.ndarray | None:
    """Min-cost flow, exact except for the municipality-per-plan rule. `off`: candidates forced
    out (branching). Returns a bool mask of chosen candidates, or None when infeasible."""
    from ortools.graph.python import min_cost_flow

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


def municipality_conflicts(pb: Problem, chosen: np.ndarray) -> list[tuple[int, int, list[int]]]:
    """[(plan, municipality, candidate indices)] where a plan has two reviewers of one place."""
    idx = np.flatnonzero(chosen)
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in idx:
        groups[(int(pb.p[i]), int(pb.reviewer_group[pb.r[i]]))].append(int(i))
    return [(pl, g, ids) for (pl, g), ids in sorted(groups.items()) if len(ids) > 1]


def _weight(pb: Problem, chosen: np.ndarray) -> int:
    return int(pb.weight[chosen].sum())


def solve_branching(
    pb: Problem, budget: int = BRANCH_BUDGET, seconds: float = BRANCH_SECONDS
) -> tuple[np.ndarray | None, str]:
    """Best-first branch and bound over flows for the municipality-per-plan rule.

    Returns (chosen, "flow") / (None, "flow") when proven infeasible / (None, "budget") after
    `budget` flows or `seconds`."""
    deadline = time.monotonic() + seconds
    root = solve_flow(pb)
    if root is None:
        return None, "flow"
    counter = 0
    heap = [(-_weight(pb, root), counter, np.zeros(len(pb.r), dtype=bool), root)]
    solves = 1
    while heap:
        _, _, off, chosen = heapq.heappop(heap)
        conflicts = municipality_conflicts(pb, chosen)
        if not conflicts:
            return chosen, "flow" if solves == 1 else f"flow+branching ({solves} flows)"
        plan, group, ids = conflicts[0]
        same = np.flatnonzero((pb.p == plan) & (pb.reviewer_group[pb.r] == group))
        first_reviewer = pb.r[ids[0]]
        a = off.copy()
        a[same[pb.r[same] == first_reviewer]] = True
        b = off.copy()
        b[same[pb.r[same] != first_reviewer]] = True
        for child in (a, b):
            if solves >= budget or time.monotonic() > deadline:
                return None, "budget"
            if (child & pb.pinned).any():
                continue
            result = solve_flow(pb, child)
            solves += 1
            if result is not None:
                counter += 1
                heapq.heappush(heap, (-_weight(pb, result), counter, child, result))
    return None, "flow"


# --------------------------------------------------------------------------- ILP


def solve_ilp(pb: Problem, time_limit: float | None = None) -> tuple[np.ndarray | None, str]:
    """HiGHS (highspy); reciprocity rows added lazily for pairs that occur, then re-solved."""
    from scipy.sparse import coo_matrix

    n = len(pb.r)
    P, Q = pb.n_plans, len(pb.rubrics)
    rows, cols, lo, hi = [], [], [], []
    row = 0

    def add(members: np.ndarray, low: float, high: float) -> None:
        nonlocal row
        rows.append(np.full(len(members), row))
        cols.append(members)
        lo.append(low)
        hi.append(high)
        row += 1

    def grouped(keys: np.ndarray):
        order = np.argsort(keys, kind="stable")
        sk = keys[order]
        bounds = np.r_[0, np.flatnonzero(np.diff(sk)) + 1, len(sk)]
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            if b > a:
                yield int(sk[a]), order[a:b]

    present = set()
    for plan, members in grouped(pb.p):
        present.add(plan)
        add(members, pb.k, pb.k)
    for key, members in grouped(pb.p * Q + pb.q):
        m = int(pb.minimum[key % Q])
        if m:
            add(members, m, np.inf)
    for _, members in grouped(pb.p * (len(pb.municipality_names) + 1) + pb.reviewer_group[pb.r]):
        if len(members) > 1:
            add(members, 0, 1)
    has = set()
    for rev, members in grouped(pb.r):
        has.add(rev)
        add(members, int(pb.lo[rev]), int(pb.hi[rev]))
    infeasible_now = [x for x in range(P) if x not in present] or [
        x for x in range(pb.n_reviewers) if x not in has and pb.lo[x] > 0
    ]
    if infeasible_now:
        return None, "ilp"
    for plan in range(P):
        for q_, m in enumerate(pb.minimum):
            if m and not ((pb.p == plan) & (pb.q == q_)).any():
                return None, "ilp"
    if pb.require_frontrunner:
        fr = pb.frontrunner[pb.r]
        for _, members in grouped(pb.p):
            sel = members[fr[members]]
            if not len(sel):
                return None, "ilp"
            add(sel, 1, np.inf)
    base_rows = row
    # Reciprocity variables z[A,B] appended after x, one per municipality pair met so far.
    pair_vars: dict[tuple[int, int], int] = {}
    src_group = pb.reviewer_group[pb.r]
    dst_group = pb.plan_group[pb.p]
    lb = pb.pinned.astype(float)
    rounds = 0
    while True:
        rounds += 1
        nz = n + len(pair_vars)
        extra_rows, extra_cols, extra_vals, elo, ehi = [], [], [], [], []
        r_ = base_rows
        for (a, b), z in pair_vars.items():
            for src, dst, sign in ((a, b, 1), (b, a, -1)):
                members = np.flatnonzero((src_group == src) & (dst_group == dst))
                cap = len(set(pb.p[members].tolist()))
                extra_rows += [np.full(len(members) + 1, r_)]
                extra_cols += [np.r_[members, z]]
                # A->B: sum x - cap*z <= 0 ; B->A: sum x + cap*z <= cap
                extra_vals += [np.r_[np.ones(len(members)), [-cap * sign]]]
                elo.append(-np.inf)
                ehi.append(0 if sign == 1 else cap)
                r_ += 1
        all_rows = np.concatenate(rows + extra_rows) if rows else np.zeros(0)
        all_cols = np.concatenate(cols + extra_cols)
        vals = np.concatenate([np.ones(sum(len(c) for c in cols))] + extra_vals)
        A = coo_matrix((vals, (all_rows, all_cols)), shape=(r_, nz)).tocsr()
        c = np.r_[-pb.weight.astype(float), np.zeros(len(pair_vars))]
        x, status = _highs(
            c,
            A,
            np.array(lo + elo, float),
            np.array(hi + ehi, float),
            np.r_[lb, np.zeros(len(pair_vars))],
            np.ones(nz),
            time_limit,
        )
        if x is None:
            return None, "ilp" if status == "infeasible" else f"ilp ({status})"
        chosen = x[:n] > 0.5
        if not pb.avoid_reciprocal:
            return chosen, "ilp"
        used = set(zip(src_group[chosen].tolist(), dst_group[chosen].tolist(), strict=True))
        new = [(a, b) for a, b in used if a < b and (b, a) in used and (a, b) not in pair_vars]
        if not new:
            return chosen, f"ilp (reciprocity: {len(pair_vars)} pairs, {rounds} solves)"
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


def _highs(c, A, row_lo, row_hi, col_lo, col_hi, time_limit):
    """Minimise c.x, row_lo <= A x <= row_hi, integer x in [col_lo, col_hi]: (x, status)."""
    import highspy

    with _banner_silenced():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    if time_limit:
        h.setOptionValue("time_limit", float(time_limit))
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = A.shape[1], A.shape[0]
    lp.col_cost_ = np.asarray(c, float)
    lp.col_lower_, lp.col_upper_ = np.asarray(col_lo, float), np.asarray(col_hi, float)
    lp.row_lower_ = np.where(np.isinf(row_lo), -inf, row_lo)
    lp.row_upper_ = np.where(np.isinf(row_hi), inf, row_hi)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * A.shape[1]
    A = A.tocsr()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    h.passModel(lp)
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kOptimal:
        return np.array(h.getSolution().col_value), "optimal"
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, "infeasible"
    return None, h.modelStatusToString(status)


# --------------------------------------------------------------------------- entry point


def solve(instance: Instance) -> Result:
    """The optimal assignment of `instance`, or the reasons none exists."""
    started = time.perf_counter()
    top_k = instance.top_k or TOP_K
    widened = 0
    dense_limit = DENSE_LIMIT
    while True:
        pb = build(instance, top_k, dense_limit)
        chosen, method = _solve_problem(pb)
        if method == ILP_TOO_LARGE:
            dense_limit = ILP_DENSE_LIMIT  # the ILP on each plan's best candidates (FairIR's way)
            continue
        if (
            chosen is not None
            or pb.pruning is None
            or pb.pruning["candidates"] >= pb.pruning["eligible"]
        ):
            break
        top_k *= 2  # pruned too hard: widen and try again
        widened += 1
    if pb.pruning is not None:
        pb.pruning["widened"] = widened
    seconds = round(time.perf_counter() - started, 4)
    if chosen is None:
        reasons = list(pb.pinned_problems) + explain.infeasibility(pb)
        return Result(
            status="infeasible", reasons=reasons, method=method, pruning=pb.pruning, seconds=seconds
        )
    idx = np.flatnonzero(chosen)
    order = idx[np.lexsort((pb.r[idx], pb.p[idx]))]
    assignments = [
        AssignmentOut(
            plan=pb.plan_ids[pb.p[i]],
            reviewer=pb.reviewer_ids[pb.r[i]],
            rubric=pb.rubrics[pb.q[i]],
            affinity=pb.value[i] / pb.scale,
        )
        for i in order
    ]
    objective = int(pb.value[chosen].sum()) / pb.scale
    return Result(
        status="optimal",
        objective=objective,
        assignments=assignments,
        method=method,
        pruning=pb.pruning,
        seconds=seconds,
    )


def _solve_problem(pb: Problem) -> tuple[np.ndarray | None, str]:
    if pb.pinned_problems:
        return None, "checks"
    ilp_fits = pb.pruning is not None or len(pb.r) <= ILP_DENSE_LIMIT
    if pb.avoid_reciprocal or pb.require_frontrunner:
        return solve_ilp(pb) if ilp_fits else (None, ILP_TOO_LARGE)
    chosen, method = solve_branching(pb)
    if method == "budget":
        return solve_ilp(pb) if ilp_fits else (None, ILP_TOO_LARGE)
    return chosen, method
