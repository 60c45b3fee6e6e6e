"""A quick, feasible first repair of the flow relaxation's answer, before any ILP.

On each plan where two reviewers of one municipality meet, all but one of them leave the plan
and each freed slot (same rubric, so the rubric minimums still hold) goes to the best candidate
who has room left, reads the plan, and brings no municipality the plan already has. It costs
milliseconds, so even a budget spent by the flow alone ends with a feasible answer and its gap.
Not optimal: the repair ILP improves on it when there is time.
"""

from __future__ import annotations

import numpy as np

from review.assignment.problem import Problem


def greedy_repair(
    pb: Problem, chosen: np.ndarray, conflicts: list[tuple[int, int, list[int]]]
) -> np.ndarray | None:
    """`chosen` with every municipality conflict repaired, or None when a slot finds nobody
    (or someone would fall below their minimum load)."""
    answer = chosen.copy()
    load = np.bincount(pb.r[answer], minlength=pb.n_reviewers)
    for plan, _, found in conflicts:
        ids = [i for i in found if answer[i]]  # an earlier relocation may have moved one
        if len(ids) < 2:
            continue
        # Keep the best of the municipality's reviewers on the plan (pins stay), free the rest.
        keep = max(ids, key=lambda i: (bool(pb.pinned[i]), int(pb.weight[i]), -i))
        for i in ids:
            if i == keep:
                continue
            if pb.pinned[i]:
                return None
            if load[pb.r[i]] - 1 < pb.lo[pb.r[i]] and not _relocate(pb, answer, load, i):
                return None
            answer[i] = False
            load[pb.r[i]] -= 1
            replacement = _best_free(pb, answer, load, plan, int(pb.q[i]))
            if replacement is None:
                return None
            answer[replacement] = True
            load[pb.r[replacement]] += 1
    return answer if _keeps_every_rule(pb, answer) else None


def _keeps_every_rule(pb: Problem, answer: np.ndarray) -> bool:
    """A last check of the greedy answer against the formulation (cheap, and it keeps a slip in
    the moves above from ever reaching a coordinator)."""
    P, Q = pb.n_plans, len(pb.rubrics)
    r, p, q = pb.r[answer], pb.p[answer], pb.q[answer]
    load = np.bincount(r, minlength=pb.n_reviewers)
    per_rubric = np.bincount(p * Q + q, minlength=P * Q).reshape(P, Q)
    groups = np.unique(p * (len(pb.municipality_names) + 1) + pb.reviewer_group[r])
    return bool(
        (np.bincount(p, minlength=P) == pb.k).all()
        and (per_rubric >= pb.minimum).all()
        and ((load >= pb.lo) & (load <= pb.hi)).all()
        and len(groups) == len(r)
        and len(np.unique(r * P + p)) == len(r)
        and answer[pb.pinned].all()
    )


def _relocate(pb: Problem, answer: np.ndarray, load: np.ndarray, leaving: int) -> bool:
    """The reviewer of candidate `leaving` is at their minimum load: let them take over another
    plan's slot of the same rubric from someone who can spare it, best trade first. The load of
    the leaving reviewer is then one above, so the caller can take `leaving` away."""
    r = int(pb.r[leaving])
    mine = np.flatnonzero((pb.r == r) & ~answer)
    held = set(pb.p[answer & (pb.r == r)].tolist())
    best: tuple[int, int, int] | None = None
    for j in mine.tolist():
        plan = int(pb.p[j])
        if plan in held:
            continue
        start, end = np.searchsorted(pb.p, [plan, plan + 1])
        span = np.arange(start, end)
        on_plan = span[answer[span]]
        for s in on_plan[(pb.q[on_plan] == pb.q[j]) & ~pb.pinned[on_plan]].tolist():
            others = on_plan[on_plan != s]
            if load[pb.r[s]] - 1 < pb.lo[pb.r[s]] or (
                pb.reviewer_group[r] in pb.reviewer_group[pb.r[others]]
            ):
                continue
            trade = int(pb.weight[j]) - int(pb.weight[s])
            if best is None or trade > best[0]:
                best = (trade, j, s)
    if best is None:
        return False
    _, j, s = best
    answer[s], answer[j] = False, True
    load[pb.r[s]] -= 1
    load[r] += 1
    return True


def _best_free(
    pb: Problem, answer: np.ndarray, load: np.ndarray, plan: int, rubric: int
) -> int | None:
    """The best candidate for (plan, rubric) with room left and a municipality new to the plan.
    Candidates are sorted by plan (see `Problem`), so a plan's are one slice."""
    start, end = np.searchsorted(pb.p, [plan, plan + 1])
    span = np.arange(start, end)
    on_plan = span[answer[span]]
    groups = pb.reviewer_group[pb.r[on_plan]]
    options = span[(pb.q[span] == rubric) & ~answer[span]]
    ok = (load[pb.r[options]] < pb.hi[pb.r[options]]) & ~np.isin(
        pb.reviewer_group[pb.r[options]], groups
    )
    ok &= ~np.isin(pb.r[options], pb.r[on_plan])
    options = options[ok]
    if not len(options):
        return None
    return int(options[np.lexsort((options, -pb.weight[options]))[0]])
