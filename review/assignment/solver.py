"""The assignment solver: an `Instance` (or a built `Problem`) in, a `Result` out, within a
wall-clock budget. The formulation is in `review.assignment.problem`.

How it is solved:
1. The min-cost flow relaxation (`flow.py`) on every candidate: exact except for "one reviewer
   per municipality on a plan", so its optimum is a proven upper bound. If its answer keeps the
   rule, it is optimal.
2. Otherwise a greedy repair gives a first answer within milliseconds (`greedy.py`), a
   Lagrangian relaxation of the rule tightens the bound with a few more flows (`bound.py`), and
   the plans where it breaks the rule are repaired by a small ILP (`ilp.py`, HiGHS):
   only those plans are solved again, with what is left of each reviewer's load when the rest of
   the flow's answer is kept. If the repaired answer reaches the bound it is optimal; if not, the
   repaired part grows (the plans held by the reviewers those plans want most) and is solved
   again, each time a larger problem, until the bound is reached or the budget is spent. Small
   problems (up to `ILP_LIMIT` candidates) go on to the whole ILP, started from the repaired
   answer, which HiGHS proves optimal. Ties in the affinities cost nothing here: no branching.
3. Rules the flow cannot express (reciprocity, a frontrunner on every plan): the whole ILP, on
   each plan's top-K candidates above `ILP_LIMIT` (K doubled while that is infeasible, and said).
   The flow's optimum stays the proven bound.

Every HiGHS call gets what is left of the budget as its own time limit. When the budget runs out
the result is the best feasible answer found, with status "feasible", its proven bound and the
gap; "timeout" when none was found. Progress lines go to the `review.assignment` logger and to
the `progress` callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from review.assignment import explain
from review.assignment.bound import lagrangian_bound
from review.assignment.budget import DEFAULT_BUDGET, DEFAULT_GAP, Budget, Progress, solver_state
from review.assignment.flow import Conflict, municipality_conflicts, solve_flow, weight
from review.assignment.greedy import greedy_repair
from review.assignment.ilp import solve_ilp
from review.assignment.instance import AssignmentOut, Instance, Result
from review.assignment.problem import TOP_K, Problem, build, top_k_mask
from review.i18n import N_, Figure, Message, Phrase, Plural

#: The whole ILP is solved (and proven optimal by HiGHS) up to this many candidates; above it
#: only the repaired part, or each plan's top-K candidates. Kept small because HiGHS checks its
#: time limit only between phases: on a tied 200-plan round (66,000 candidates) its setup before
#: the first node took 90-190 s of wall time on the loaded 2-core machine, whatever the limit.
ILP_LIMIT = 20_000
#: Plans a repair may free at most: beyond this the repair ILP is no longer small.
REPAIR_PLANS_LIMIT = 400
#: When the repair grows, each freed plan frees the plans of its best this-many candidates.
REPAIR_REACH = 10
#: A grown repair ILP offers each freed plan its best this-many candidates per rubric (plus what
#: it holds): enough to move reviewers around, few enough for HiGHS to finish in seconds.
REPAIR_COLUMNS = 30
#: A repair ILP with more candidates than this offers each freed plan its best ones only.
REPAIR_DENSE = 20_000


@dataclass
class _Answer:
    chosen: np.ndarray | None
    bound: int  # proven upper bound on the total weight
    method: str
    proven: bool = False  # HiGHS proved `chosen` optimal on the whole unpruned problem
    failure: str = ""  # why there is no answer (infeasible or out of time)


def solve(
    instance: Instance,
    *,
    budget: float | None = DEFAULT_BUDGET,
    gap: float = DEFAULT_GAP,
    progress: Progress | None = None,
) -> Result:
    """The best assignment of `instance` within `budget` seconds (a large problem stops at a
    proven `gap`), or the reasons none exists."""
    clock = Budget(budget, progress, gap)
    return solve_widening(lambda top_k: build(instance, top_k), clock, instance.top_k or TOP_K)


def solve_widening(
    make_problem: Callable[[int], Problem], clock: Budget, top_k: int = TOP_K
) -> Result:
    """Solve `make_problem(top_k)`; while a pruned problem is infeasible, double K (a wider
    candidate set is a different problem) and say so."""
    pb = make_problem(top_k)
    widened = 0
    while True:
        result = solve_problem(pb, clock=clock)
        pruned = pb.pruning is not None and pb.pruning["candidates"] < pb.pruning["eligible"]
        if result.status != "infeasible" or not pruned or pb.pinned_problems:
            break
        top_k *= 2
        widened += 1
        clock.say(
            Phrase(
                N_("infeasible on each plan's top %(k)s candidates: widened to %(wider)s"),
                k=top_k // 2,
                wider=top_k,
            )
        )
        pb = make_problem(top_k)
    if result.pruning is not None:
        result.pruning["widened"] = widened
    return result


def solve_problem(
    pb: Problem,
    *,
    budget: float | None = DEFAULT_BUDGET,
    gap: float = DEFAULT_GAP,
    progress: Progress | None = None,
    clock: Budget | None = None,
) -> Result:
    """`solve` on a problem that is already built (the database builds its own, in bulk)."""
    clock = clock or Budget(budget, progress, gap)
    budget_said = (
        Message(N_("no budget"))
        if clock.seconds is None
        else Phrase(N_("budget %(seconds)s s"), seconds=Figure(clock.seconds))
    )
    clock.say(
        Phrase(
            N_("%(plans)s, %(reviewers)s, %(triples)s; %(budget)s"),
            plans=Plural("%(num)s plan", "%(num)s plans", pb.n_plans),
            reviewers=Plural(
                "%(num)s reviewer available", "%(num)s reviewers available", pb.n_reviewers
            ),
            triples=_triples(len(pb.r)),
            budget=budget_said,
        )
    )
    answer = _solve(pb, clock)
    return _result(pb, answer, clock)


def _solve(pb: Problem, clock: Budget) -> _Answer:
    if pb.pinned_problems:
        return _Answer(None, 0, "checks", failure="infeasible")
    started = time.monotonic()
    root = solve_flow(pb)
    flow_seconds = time.monotonic() - started
    if root is None:
        clock.say(Message(N_("the flow relaxation is infeasible: no assignment exists")))
        return _Answer(None, 0, "flow", failure="infeasible")
    bound = weight(pb, root)
    conflicts = municipality_conflicts(pb, root)
    plans = sorted({plan for plan, _, _ in conflicts})
    clock.say(
        Phrase(
            N_("flow relaxation: bound %(bound)s; %(plans)s"),
            bound=Figure(_affinity(pb, bound), 3),
            plans=Plural(
                "%(num)s plan with two reviewers of one municipality",
                "%(num)s plans with two reviewers of one municipality",
                len(plans),
            ),
        )
    )
    if pb.avoid_reciprocal or pb.require_frontrunner:
        return _side_constraints(pb, bound, clock)
    if not plans:
        return _Answer(root, bound, "flow")
    best = greedy_repair(pb, root, conflicts)
    if best is not None:
        clock.say(
            Phrase(N_("greedy repair: %(value)s"), value=Figure(_affinity(pb, weight(pb, best)), 3))
        )
        large = len(pb.r) > ILP_LIMIT
        if (
            weight(pb, best) >= bound
            or clock.spent()
            or (large and _close(pb, best, bound, clock.gap))
        ):
            return _Answer(best, bound, "flow + greedy repair")
        if large:  # no whole ILP will prove it, so tighten the bound
            bound = lagrangian_bound(pb, root, bound, weight(pb, best), clock, flow_seconds)
    return _repair(pb, root, best, bound, conflicts, clock)


def _repair(
    pb: Problem,
    root: np.ndarray,
    best: np.ndarray | None,
    bound: int,
    conflicts: list[Conflict],
    clock: Budget,
) -> _Answer:
    """Solve again only the plans that break the municipality rule (starting from `best`, the
    greedy repair, when there is one), growing the freed part while the answer is below the
    bound and time is left."""
    free = np.zeros(pb.n_plans, dtype=bool)
    free[[plan for plan, _, _ in conflicts]] = True
    best_offers: np.ndarray | None = None
    solves = 0
    while True:
        base = root if best is None else best
        fixed = base & ~free[pb.p]
        load = np.bincount(pb.r[fixed], minlength=pb.n_reviewers)
        lo, hi = np.maximum(pb.lo - load, 0), pb.hi - load
        offered = free[pb.p] & (hi[pb.r] > 0)
        if offered.sum() > REPAIR_DENSE:  # large: each plan's best candidates only
            if best_offers is None:
                best_offers = top_k_mask(pb, REPAIR_COLUMNS, reviewer_keep=0)
            offered &= best_offers | base
        cols = np.flatnonzero(offered)
        answer = solve_ilp(
            pb, clock, columns=cols, plans=np.flatnonzero(free), lo=lo, hi=hi, start=best
        )
        solves += answer.solves
        if answer.chosen is not None:
            candidate = fixed | answer.chosen
            if best is None or weight(pb, candidate) > weight(pb, best):
                best = candidate
        found = Message(N_("none")) if best is None else Figure(_affinity(pb, weight(pb, best)), 3)
        clock.say(
            Phrase(
                N_(
                    "repair ILP on %(plans)s (%(candidates)s): %(status)s, best %(best)s of bound "
                    "%(bound)s"
                ),
                plans=Plural("%(num)s plan", "%(num)s plans", int(free.sum())),
                candidates=_candidates(len(cols)),
                status=solver_state(answer.status),
                best=found,
                bound=Figure(_affinity(pb, bound), 3),
            )
        )
        method = f"flow + repair ILP ({int(free.sum())} plans, {solves} solves)"
        if best is not None and weight(pb, best) >= bound:
            return _Answer(best, bound, method)
        if best is not None and len(pb.r) > ILP_LIMIT and _close(pb, best, bound, clock.gap):
            return _Answer(best, bound, method)  # within the gap asked for
        if clock.spent():
            break
        if len(pb.r) <= ILP_LIMIT:  # small: the whole ILP proves the optimum
            return _whole(pb, best, bound, clock)
        grown = _grow(pb, base, free)
        if grown.sum() == free.sum() or grown.sum() > REPAIR_PLANS_LIMIT:
            break
        free = grown
    if best is None and not clock.spent():  # no repair found: not a proof of infeasibility
        return _pruned_whole(pb, bound, clock)
    return _Answer(best, bound, method, failure="" if best is not None else "timeout")


def _whole(pb: Problem, best: np.ndarray | None, bound: int, clock: Budget) -> _Answer:
    """The whole ILP, started from the repaired answer: HiGHS proves it optimal or improves it."""
    whole = solve_ilp(pb, clock, start=best)
    clock.say(
        Phrase(
            N_("whole ILP (%(candidates)s): %(status)s"),
            candidates=_candidates(len(pb.r)),
            status=solver_state(whole.status),
        )
    )
    if whole.bound is not None:
        bound = min(bound, whole.bound)
    if whole.status == "infeasible":
        return _Answer(None, bound, "ilp", failure="infeasible")
    if whole.chosen is not None and (best is None or weight(pb, whole.chosen) >= weight(pb, best)):
        best = whole.chosen
    failure = "" if best is not None else "timeout"
    return _Answer(best, bound, "flow + ILP", whole.status == "optimal", failure)


def _grow(pb: Problem, base: np.ndarray, free: np.ndarray) -> np.ndarray:
    """`free` plus the plans held (in `base`) by each freed plan's best candidates."""
    sel = np.flatnonzero(free[pb.p])
    order = sel[np.lexsort((pb.r[sel], -pb.weight[sel], pb.p[sel]))]
    ps = pb.p[order]
    first = np.r_[0, np.flatnonzero(np.diff(ps)) + 1] if len(ps) else np.zeros(0, np.int64)
    rank = np.arange(len(ps)) - np.repeat(first, np.diff(np.r_[first, len(ps)]))
    wanted = np.zeros(pb.n_reviewers, dtype=bool)
    wanted[pb.r[order[rank < REPAIR_REACH]]] = True
    grown = free.copy()
    grown[pb.p[base & wanted[pb.r]]] = True
    return grown


def _side_constraints(pb: Problem, bound: int, clock: Budget) -> _Answer:
    """Reciprocity or frontrunner: the whole ILP, on each plan's top-K above `ILP_LIMIT`."""
    if len(pb.r) <= ILP_LIMIT:
        answer = solve_ilp(pb, clock)
        method = "ilp" + (f" (reciprocity, {answer.solves} solves)" if pb.avoid_reciprocal else "")
        clock.say(
            Phrase(
                N_("ILP (%(candidates)s): %(status)s"),
                candidates=_candidates(len(pb.r)),
                status=solver_state(answer.status),
            )
        )
        if answer.bound is not None:
            bound = min(bound, answer.bound)
        failure = "" if answer.chosen is not None else _failure(answer.status)
        return _Answer(answer.chosen, bound, method, answer.status == "optimal", failure)
    return _pruned_whole(pb, bound, clock)


def _pruned_whole(pb: Problem, bound: int, clock: Budget) -> _Answer:
    """The whole ILP on each plan's top-K candidates, K doubled while that is infeasible."""
    top_k = TOP_K
    while True:
        keep = np.flatnonzero(top_k_mask(pb, top_k))
        answer = solve_ilp(pb, clock, columns=keep)
        clock.say(
            Phrase(
                N_("ILP on each plan's top %(k)s (%(candidates)s): %(status)s"),
                k=top_k,
                candidates=_candidates(len(keep)),
                status=solver_state(answer.status),
            )
        )
        method = f"ilp on each plan's top {top_k} candidates"
        if answer.chosen is not None or answer.status != "infeasible" or len(keep) == len(pb.r):
            failure = "" if answer.chosen is not None else _failure(answer.status)
            proven = answer.status == "optimal" and len(keep) == len(pb.r)
            if proven and answer.bound is not None:
                bound = min(bound, answer.bound)
            return _Answer(answer.chosen, bound, method, proven, failure)
        top_k *= 2
        clock.say(
            Phrase(
                N_("infeasible on the top %(k)s: widened to %(wider)s"), k=top_k // 2, wider=top_k
            )
        )


def _close(pb: Problem, chosen: np.ndarray, bound: int, gap: float) -> bool:
    """The answer's total affinity is within `gap` of the bound's (with `previous`, the
    stability term may then still be short of its best)."""
    best = bound // pb.weight_per_value
    return int(pb.value[chosen].sum()) >= best * (1 - gap)


def _candidates(n: int) -> Plural:
    return Plural("%(num)s candidate", "%(num)s candidates", n)


def _triples(n: int) -> Plural:
    return Plural("%(num)s candidate triple", "%(num)s candidate triples", n)


def _failure(status: str) -> str:
    return "infeasible" if status == "infeasible" else "timeout"


def _affinity(pb: Problem, total_weight: int) -> float:
    return (total_weight // pb.weight_per_value) / pb.scale


def _result(pb: Problem, answer: _Answer, clock: Budget) -> Result:
    seconds = round(clock.elapsed(), 4)
    if answer.chosen is None:
        if answer.failure == "timeout":
            reasons: list[str] = [
                Phrase(
                    N_(
                        "no feasible assignment found within the budget of %(seconds)s s; no "
                        "answer can exceed %(bound)s: give it more time"
                    ),
                    seconds=Figure(clock.seconds or 0.0),
                    bound=Figure(_affinity(pb, answer.bound), 3),
                )
            ]
            status = "timeout"
        else:
            reasons = list(pb.pinned_problems) + explain.infeasibility(pb)
            status = "infeasible"
        clock.say(
            Phrase(
                N_("%(status)s after %(seconds)s s"),
                status=solver_state(status),
                seconds=Figure(seconds, 1),
            )
        )
        return Result(
            status=status,
            reasons=reasons,
            method=answer.method,
            pruning=pb.pruning,
            seconds=seconds,
        )
    chosen = answer.chosen
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
    total = int(pb.value[chosen].sum())
    bound = max(answer.bound // pb.weight_per_value, total)
    optimal = answer.proven or total >= bound
    gap = 0.0 if optimal else (bound - total) / bound if bound > 0 else 0.0
    status = "optimal" if optimal else "feasible"
    clock.say(
        Phrase(
            N_(
                "%(status)s: %(objective)s, bound %(bound)s, gap %(gap)s %%, %(method)s, %(seconds)s s"
            ),
            status=solver_state(status),
            objective=Figure(total / pb.scale, 3),
            bound=Figure(bound / pb.scale, 3),
            gap=Figure(100 * gap, 4),
            method=answer.method,
            seconds=Figure(seconds, 1),
        )
    )
    return Result(
        status=status,
        objective=total / pb.scale,
        bound=bound / pb.scale,
        gap=gap,
        assignments=assignments,
        method=answer.method,
        pruning=pb.pruning,
        seconds=seconds,
    )
