"""The solver against brute force on tiny instances: every hard rule, optimum, infeasibility."""

from __future__ import annotations

import random

import pytest

from review.assignment import problem, solver
from review.assignment.bound import lagrangian_bound
from review.assignment.budget import Budget
from review.assignment.flow import solve_flow
from review.assignment.ilp import solve_ilp
from review.assignment.instance import parse_instance
from tests.assignment.brute import brute_force, violations

TOWNS = ["Tulln", "Graz", "Linz", "Wels", "Krems"]


def random_instance(seed: int, **options) -> dict:
    rnd = random.Random(seed)
    n_plans = rnd.choice([2, 3])
    towns = rnd.sample(TOWNS, 4)
    plans = [
        {"id": f"P{i}", "municipality": towns[i], "language": rnd.choice(["de", "de", "en"])}
        for i in range(n_plans)
    ]
    reviewers = []
    for i in range(rnd.choice([6, 7, 8])):
        reviewers.append(
            {
                "id": f"R{i}",
                "municipality": rnd.choice(towns + [None]),
                "languages": rnd.choice([["de"], ["de", "en"], ["de", "en"], ["en"]]),
                "rubrics": rnd.choice(
                    [["technical"], ["communication"], ["technical", "communication"]]
                ),
                "min_load": rnd.choice([0, 0, 0, 1]),
                "max_load": rnd.choice([1, 2, 3, 3]),
                "frontrunner": rnd.random() < 0.4,
            }
        )
    affinity = [
        [r["id"], p["id"], q, rnd.randint(0, 9)]
        for r in reviewers
        for p in plans
        for q in r["rubrics"]
        if rnd.random() < 0.8
    ]
    data = {
        "reviews_per_plan": 2,
        "min_per_rubric": {"technical": 1},
        "plans": plans,
        "reviewers": reviewers,
        "affinity": affinity,
    }
    if options.get("forbid"):
        data["forbidden"] = [[reviewers[0]["id"], plans[0]["id"]]]
    if options.get("pin"):
        a = rnd.choice(affinity)
        data["pinned"] = [a[:3]]
    data.update({k: v for k, v in options.items() if k not in ("forbid", "pin")})
    return data


CASES = [
    {},
    {"forbid": True},
    {"pin": True},
    {"avoid_reciprocal": True},
    {"require_frontrunner": True},
    {"only_listed_pairs": True},
]


@pytest.mark.parametrize("options", CASES, ids=lambda o: "+".join(o) or "plain")
def test_optimum_equals_brute_force(options):
    feasible = infeasible = 0
    for seed in range(40):
        inst = parse_instance(random_instance(seed, **options))
        result = solver.solve(inst)
        best = brute_force(inst)
        if best is None:
            assert result.status == "infeasible", (seed, result)
            assert result.reasons
            infeasible += 1
            continue
        assert result.status == "optimal", (seed, result.reasons)
        answer = [(a.reviewer, a.plan, a.rubric) for a in result.assignments]
        assert violations(inst, answer) == [], seed
        assert result.objective == best, seed
        feasible += 1
    assert feasible >= 5  # the seeds exercise both outcomes
    del infeasible


def test_flow_repair_and_whole_ilp_agree_on_the_same_problem():
    for seed in range(30):
        inst = parse_instance(random_instance(seed))
        pb = problem.build(inst)
        result = solver.solve_problem(pb, budget=None)
        ilp = solve_ilp(pb, Budget(None))
        assert (result.status == "infeasible") == (ilp.chosen is None), seed
        if ilp.chosen is not None:
            assert result.status == "optimal", seed
            assert result.objective * pb.scale == pb.value[ilp.chosen].sum(), seed


def test_same_input_same_answer():
    inst = parse_instance(random_instance(3))
    first = solver.solve(inst)
    for _ in range(3):
        again = solver.solve(inst)
        assert again.assignments == first.assignments


def _tulln_instance(**kw):
    return {
        "reviews_per_plan": 3,
        "min_per_rubric": {"technical": 3},
        "plans": [{"id": "tulln", "municipality": "Tulln", "language": "de"}],
        "reviewers": [
            {"id": "a", "municipality": "Graz", "languages": ["de"], "rubrics": ["technical"]},
            {"id": "b", "municipality": "Linz", "languages": ["de"], "rubrics": ["technical"]},
            {"id": "c", "municipality": "Wels", "languages": ["en"], "rubrics": ["technical"]},
            {"id": "d", "municipality": "Krems", "languages": ["de"], "rubrics": ["communication"]},
        ],
        **kw,
    }


def test_infeasible_names_plan_rubric_and_shortfall():
    result = solver.solve(parse_instance(_tulln_instance()))
    assert result.status == "infeasible"
    assert "plan of Tulln (de): 2 eligible technical reviewers, 3 needed" in result.reasons


def test_infeasible_language_capacity():
    data = _tulln_instance(min_per_rubric={})
    for r in data["reviewers"]:
        r["languages"] = ["de"]
        r["max_load"] = 1
    data["plans"].append({"id": "x", "municipality": "Ybbs", "language": "de"})
    result = solver.solve(parse_instance(data))
    assert result.status == "infeasible"
    assert any(r.startswith("language de: 2 plans need 6 reviews") for r in result.reasons)


def test_pin_that_breaks_a_rule_is_reported():
    data = _tulln_instance(min_per_rubric={}, pinned=[["c", "tulln", "technical"]])
    result = solver.solve(parse_instance(data))
    assert result.status == "infeasible"
    assert any("does not read de" in r for r in result.reasons)


def test_previous_answer_kept_among_equal_optima():
    data = random_instance(1)
    data["affinity"] = []  # every answer is equally good: only stability decides
    inst = parse_instance(data)
    first = solver.solve(inst)
    assert first.status == "optimal"
    previous = [[a.reviewer, a.plan, a.rubric] for a in first.assignments]
    rotated = previous[1:] + previous[:1]
    again = solver.solve(parse_instance({**data, "previous": rotated}))
    kept = {tuple(x) for x in rotated} & {(a.reviewer, a.plan, a.rubric) for a in again.assignments}
    assert len(kept) == len(previous)


def test_pruning_is_reported_and_widened(monkeypatch):
    monkeypatch.setattr(problem, "DENSE_LIMIT", 10)
    inst = parse_instance({**random_instance(2), "top_k": 1})
    result = solver.solve(inst)
    assert result.pruning is not None and result.pruning["top_k"] >= 1
    unpruned = solver.solve(parse_instance(random_instance(2)))
    assert result.status == unpruned.status


def tied_round(n_plans: int, seed: int) -> dict:
    """Shaped like a round from the database: two reviewers per municipality, half of them
    with both rubrics, and few distinct affinities (a region bonus and three text levels), so
    that the flow relaxation often puts two reviewers of one municipality on a plan."""
    rnd = random.Random(seed)
    towns = [f"T{i}" for i in range(n_plans)]
    region = {t: rnd.randrange(5) for t in towns}
    reviewers = [
        {
            "id": f"{t}-{j}",
            "municipality": t,
            "languages": ["de"],
            "rubrics": ["technical", "communication"]
            if rnd.random() < 0.5
            else [["technical"], ["communication"]][j],
            "max_load": rnd.choice([2, 3]),
        }
        for t in towns
        for j in range(2)
    ]
    affinity = [
        [
            r["id"],
            f"P{i}",
            q,
            1000 + 300 * (region[r["municipality"]] == region[t]) + 10 * rnd.randrange(3),
        ]
        for r in reviewers
        for i, t in enumerate(towns)
        if r["municipality"] != t
        for q in r["rubrics"]
    ]
    return {
        "reviews_per_plan": 3,
        "min_per_rubric": {"technical": 1, "communication": 1},
        "plans": [
            {"id": f"P{i}", "municipality": t, "language": "de"} for i, t in enumerate(towns)
        ],
        "reviewers": reviewers,
        "affinity": affinity,
        "only_listed_pairs": True,
    }


def test_a_tiny_budget_returns_a_feasible_answer_with_its_gap():
    inst = parse_instance(tied_round(40, 5))
    quick = solver.solve(inst, budget=1e-6)
    assert quick.status == "feasible" and quick.found
    answer = [(a.reviewer, a.plan, a.rubric) for a in quick.assignments]
    assert violations(inst, answer) == []
    assert quick.objective < quick.bound
    assert quick.gap == pytest.approx((quick.bound - quick.objective) / quick.bound)
    best = solver.solve(inst, budget=None)
    assert best.status == "optimal" and best.gap == 0
    assert quick.objective <= best.objective <= quick.bound


def test_ties_are_solved_to_a_proven_optimum():
    for seed in range(4):
        inst = parse_instance(tied_round(40, seed))
        result = solver.solve(inst, budget=None)
        assert result.status == "optimal", seed
        pb = problem.build(inst)
        whole = solve_ilp(pb, Budget(None))
        assert result.objective * pb.scale == pb.value[whole.chosen].sum(), seed


def test_the_lagrangian_bound_is_a_valid_bound_and_tighter_than_the_flow():
    tighter = 0
    for seed in range(4):
        pb = problem.build(parse_instance(tied_round(40, seed)))
        root = solve_flow(pb)
        flow_bound = int(pb.weight[root].sum())
        optimum = solve_ilp(pb, Budget(None))
        best = int(pb.weight[optimum.chosen].sum())
        bound = lagrangian_bound(pb, root, flow_bound, best - 50, Budget(None), 0.0)
        assert best <= bound <= flow_bound, seed  # never below the optimum: a proof
        tighter += bound < flow_bound
    assert tighter  # and it does tighten the flow's bound
