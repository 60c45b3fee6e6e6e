"""An independent reference for tiny instances: enumerate every assignment, check every rule."""

from __future__ import annotations

import itertools
from collections import Counter

from review.assignment.instance import Instance


def eligible_triples(inst: Instance, plan) -> list[tuple]:
    listed = {(a, b, c): v for a, b, c, v in inst.affinity}
    forbidden = {tuple(f) for f in inst.forbidden}
    out = []
    for r in inst.reviewers:
        for q in sorted(r.rubrics):
            if r.municipality == plan.municipality or plan.language not in r.languages:
                continue
            if (r.id, plan.id) in forbidden:
                continue
            if inst.only_listed_pairs and (r.id, plan.id, q) not in listed:
                continue
            out.append((r.id, plan.id, q, listed.get((r.id, plan.id, q), 0)))
    return out


def violations(inst: Instance, triples: list[tuple]) -> list[str]:
    """Every broken rule of a complete answer [(reviewer, plan, rubric)]."""
    return (
        _plan_violations(inst, triples)
        + _load_violations(inst, triples)
        + _pair_violations(inst, triples)
        + _round_violations(inst, triples)
    )


def _plan_violations(inst: Instance, triples: list[tuple]) -> list[str]:
    """Reviews per plan, rubric minimums, one reviewer per municipality, a frontrunner."""
    problems = []
    reviewers = {r.id: r for r in inst.reviewers}
    per_plan = Counter(p for _, p, _ in triples)
    for p in (plan.id for plan in inst.plans):
        if per_plan[p] != inst.reviews_per_plan:
            problems.append(f"plan {p} has {per_plan[p]} reviews")
        for q, m in inst.min_per_rubric.items():
            if sum(1 for _, pp, qq in triples if pp == p and qq == q) < m:
                problems.append(f"plan {p} lacks {q}")
        munis = [reviewers[r].municipality for r, pp, _ in triples if pp == p]
        munis = [m for m in munis if m]
        if len(munis) != len(set(munis)):
            problems.append(f"plan {p}: two reviewers of one municipality")
        if inst.require_frontrunner and not any(
            reviewers[r].frontrunner for r, pp, _ in triples if pp == p
        ):
            problems.append(f"plan {p}: no frontrunner")
    return problems


def _load_violations(inst: Instance, triples: list[tuple]) -> list[str]:
    """A reviewer twice on a plan, loads outside their bounds."""
    problems = []
    loads = dict(zip([r.id for r in inst.reviewers], inst.loads(), strict=True))
    pairs = Counter((r, p) for r, p, _ in triples)
    if any(n > 1 for n in pairs.values()):
        problems.append("a reviewer twice on a plan")
    load = Counter(r for r, _, _ in triples)
    for r, (lo, hi) in loads.items():
        if not lo <= load[r] <= hi:
            problems.append(f"reviewer {r} load {load[r]} outside {lo}..{hi}")
    return problems


def _pair_violations(inst: Instance, triples: list[tuple]) -> list[str]:
    """Each chosen triple against the hard rules."""
    problems = []
    reviewers = {r.id: r for r in inst.reviewers}
    plans = {p.id: p for p in inst.plans}
    forbidden = {tuple(f) for f in inst.forbidden}
    listed = {(a, b, c) for a, b, c, _ in inst.affinity}
    for r, p, q in triples:
        rv, pl = reviewers[r], plans[p]
        if rv.municipality == pl.municipality:
            problems.append(f"{r} reviews own municipality")
        if pl.language not in rv.languages:
            problems.append(f"{r} cannot read {p}")
        if q not in rv.rubrics:
            problems.append(f"{r} lacks {q}")
        if (r, p) in forbidden:
            problems.append(f"{r}/{p} forbidden")
        if inst.only_listed_pairs and (r, p, q) not in listed:
            problems.append(f"{r}/{p}/{q} not listed")
    return problems


def _round_violations(inst: Instance, triples: list[tuple]) -> list[str]:
    """Missing pins and reciprocal municipality pairs."""
    problems = []
    reviewers = {r.id: r for r in inst.reviewers}
    plans = {p.id: p for p in inst.plans}
    chosen = set(triples)
    for r, p, q in inst.pinned:
        if (r, p, q) not in chosen:
            problems.append(f"pin {r}/{p}/{q} missing")
    if inst.avoid_reciprocal:
        edges = {
            (reviewers[r].municipality, plans[p].municipality)
            for r, p, _ in triples
            if reviewers[r].municipality
        }
        if any((b, a) in edges for a, b in edges):
            problems.append("reciprocal pair")
    return problems


def brute_force(inst: Instance) -> float | None:
    """The best objective over all answers, or None if there is none."""
    options = []
    for plan in inst.plans:
        triples = eligible_triples(inst, plan)
        options.append(list(itertools.combinations(triples, inst.reviews_per_plan)))
    best = None
    for combo in itertools.product(*options):
        flat = [t for group in combo for t in group]
        value = sum(t[3] for t in flat)
        if best is not None and value <= best:
            continue
        if not violations(inst, [t[:3] for t in flat]):
            best = value
    return best
