"""Benchmark of the assignment solver against an independent formulation in the same run.

    /work/venv/bin/python bench/assignment.py [--sizes 40,1000,10000] [--reference-budget 120]

Seeded random instances: one plan per municipality, 2 reviewers per plan's municipality (each
technical, communication or both), 10 % of municipalities English-speaking (their reviewers read
en and de), 3 reviews per plan with at least 1 technical and 1 communication, balanced default
loads (1-2 per reviewer), integer affinities 0..10^6.
- 40 and 1,000 plans: every eligible triple is a candidate (missing affinity = 0, 100 listed per
  plan); at 1,000 that is about 3 million triples.
- 10,000 plans: `only_listed_pairs` with 100 listed candidates (reviewer, rubric) per plan.
- 40 plans again with reciprocity avoidance.

- N plans shaped like a round from the database (`--shaped`, default 1000): the participants of
  `generate-plans`, affinities by the product's bulk code over short keyword texts: heavy ties.

Product: review.assignment.solver.solve within `--budget` seconds (OR-Tools min-cost flow
relaxation, greedy and ILP repair of the plans breaking the municipality rule, HiGHS for
reciprocity); it reports its proven bound and gap when it stops before proving optimality.
Reference: a separately written ILP of the full formulation
(every reciprocity pair written out from the start) solved by HiGHS through highspy, or, for the
reciprocity round, by OR-Tools CP-SAT; a time budget caps it and is reported.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.assignment import affinity as aff
from review.assignment import problem, solver
from review.assignment.candidates import round_candidates
from review.assignment.instance import Instance, PlanIn, ReviewerIn
from review.synthetic.round import many_participants

RUBRICS = [["technical"], ["communication"], ["technical", "communication"]]


def make_instance(
    n_plans: int, seed: int, listed_only: bool, avoid_reciprocal: bool = False
) -> Instance:
    rnd = random.Random(seed)
    towns = [f"M{i:05d}" for i in range(n_plans)]
    english = {t for t in towns if rnd.random() < 0.1}
    plans = [
        {"id": f"P{i}", "municipality": t, "language": "en" if t in english else "de"}
        for i, t in enumerate(towns)
    ]
    reviewers = []
    for t in towns:
        for j in range(2):
            reviewers.append(
                {
                    "id": f"{t}-{j}",
                    "municipality": t,
                    "languages": ["de", "en"] if t in english or rnd.random() < 0.3 else ["de"],
                    "rubrics": rnd.choice(RUBRICS),
                }
            )
    affinity = []
    readers = {lang: [r for r in reviewers if lang in r["languages"]] for lang in ("de", "en")}
    for pl in plans:
        pool = readers[pl["language"]]
        available = sum(len(r["rubrics"]) for r in pool if r["municipality"] != pl["municipality"])
        seen = set()
        while len(seen) < min(100, available):
            r = pool[rnd.randrange(len(pool))]
            q = rnd.choice(r["rubrics"])
            if (r["id"], q) in seen or r["municipality"] == pl["municipality"]:
                continue
            seen.add((r["id"], q))
            affinity.append((r["id"], pl["id"], q, float(rnd.randint(0, 10**6))))
    data = dict(
        reviews_per_plan=3,
        min_per_rubric={"technical": 1, "communication": 1},
        plans=plans,
        reviewers=reviewers,
        affinity=affinity,
        only_listed_pairs=listed_only,
        avoid_reciprocal=avoid_reciprocal,
    )
    if n_plans <= 1000:
        return Instance.model_validate(data)
    # Large: skip validation of a million generated tuples (the solver's time is what is measured).
    data["plans"] = [PlanIn.model_construct(**p) for p in plans]  # type: ignore[assignment]
    data["reviewers"] = [
        ReviewerIn.model_construct(min_load=None, max_load=None, frontrunner=False, **r)
        for r in reviewers
    ]
    return Instance.model_construct(
        forbidden=[], pinned=[], previous=[], require_frontrunner=False, top_k=None, **data
    )


def round_shaped_instance(n_plans: int, seed: int) -> Instance:
    """Shaped like a round from the database: the participants file of `generate-plans`
    (`many_participants`: two staff per municipality, one technical and one communication, a
    quarter of them both; loads 0-1 to 2-4; 60 % German), affinities computed by the product's
    own bulk code (language, country, TF-IDF text) over short plan texts made of the keywords of
    the plan's own staff and of three other municipalities' staff: few distinct values, many
    ties. Every eligible triple is listed (pruned as the product prunes above DENSE_LIMIT)."""
    rnd = random.Random(seed)
    people = many_participants(n_plans, seed)
    towns = people.municipalities
    staff: dict[str, list] = defaultdict(list)
    for r in people.reviewers:
        staff[r.municipality].append(r)
    plans = [
        aff.PlanInfo(id=i, municipality=m.name, country=m.country, language=m.language)
        for i, m in enumerate(towns)
    ]
    country = {m.name: m.country for m in towns}
    reviewers = [
        aff.ReviewerInfo(
            id=j,
            municipality=r.municipality,
            country=country[r.municipality],
            language=r.language,
            languages=tuple(sorted(set(r.languages) | {r.language})),
            rubrics=tuple(sorted(r.expertise)),
            frontrunner=False,
            min_load=r.min_load,
            max_load=r.max_load,
        )
        for j, r in enumerate(people.reviewers)
    ]
    texts = {}
    for i, m in enumerate(towns):
        others = [towns[rnd.randrange(len(towns))].name for _ in range(3)]
        texts[i] = " ".join(r.keywords for t in [m.name, *others] for r in staff[t])
    keywords = {j: r.keywords for j, r in enumerate(people.reviewers)}
    data = aff.RoundData(plans, reviewers, aff.Similarity(texts, keywords))
    skeleton = Instance.model_construct(
        reviews_per_plan=3,
        min_per_rubric={"technical": 1, "communication": 1},
        plans=[
            PlanIn.model_construct(id=p.id, municipality=p.municipality, language=p.language)
            for p in plans
        ],
        reviewers=[
            ReviewerIn.model_construct(
                id=r.id,
                municipality=r.municipality,
                languages=list(r.languages),
                rubrics=list(r.rubrics),
                min_load=r.min_load,
                max_load=r.max_load,
                frontrunner=False,
            )
            for r in reviewers
        ],
        affinity=[],
        forbidden=[],
        pinned=[],
        previous=[],
        avoid_reciprocal=False,
        require_frontrunner=False,
        only_listed_pairs=True,
        top_k=None,
    )
    found = round_candidates(data, skeleton, top_k=problem.TOP_K)
    rubrics = sorted({q for r in reviewers for q in r.rubrics})
    affinity = list(
        zip(
            found.r.tolist(),
            found.p.tolist(),
            [rubrics[q] for q in found.q.tolist()],
            (found.value / aff.SCALE).tolist(),
            strict=True,
        )
    )
    return skeleton.model_copy(update={"affinity": affinity})


def candidates(inst: Instance):
    """The eligible triples, enumerated independently of the product's code."""
    listed = {(a, b, c): int(v) for a, b, c, v in inst.affinity}
    if inst.only_listed_pairs:
        rev = {r.id: r for r in inst.reviewers}
        pl = {p.id: p for p in inst.plans}
        for (a, b, c), v in listed.items():
            r, p = rev[a], pl[b]
            if r.municipality != p.municipality and p.language in r.languages and c in r.rubrics:
                yield a, b, c, v
        return
    for p in inst.plans:
        for r in inst.reviewers:
            if r.municipality == p.municipality or p.language not in r.languages:
                continue
            for c in r.rubrics:
                yield r.id, p.id, c, listed.get((r.id, p.id, c), 0)


def reference_highs(inst: Instance, budget: float) -> tuple[float | None, str]:
    import highspy

    trip = list(candidates(inst))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(budget))
    h.setOptionValue("threads", 1)
    n = len(trip)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_cost_ = np.array([-v for *_, v in trip], dtype=float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    rows: dict[tuple, list[int]] = defaultdict(list)
    mun = {r.id: r.municipality for r in inst.reviewers}
    for j, (r, p, q, _) in enumerate(trip):
        rows[("plan", p)].append(j)
        rows[("rubric", p, q)].append(j)
        rows[("town", p, mun[r] or r)].append(j)
        rows[("load", r)].append(j)
    lo, hi = [], []
    starts, index = [0], []
    loads = dict(zip([r.id for r in inst.reviewers], inst.loads(), strict=True))
    for key, cols in rows.items():
        kind = key[0]
        if kind == "plan":
            b = (inst.reviews_per_plan, inst.reviews_per_plan)
        elif kind == "rubric":
            b = (inst.min_per_rubric.get(key[2], 0), highspy.kHighsInf)
        elif kind == "town":
            b = (0, 1)
        else:
            b = loads[key[1]]
        lo.append(b[0])
        hi.append(b[1])
        index += cols
        starts.append(len(index))
    lp.num_row_ = len(lo)
    lp.row_lower_ = np.array(lo, dtype=float)
    lp.row_upper_ = np.array(hi, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(len(index))
    h.passModel(lp)
    h.run()
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        return -info.objective_function_value, "optimal"
    value = -info.objective_function_value if info.primal_solution_status else None
    return value, f"{status}, bound {-info.mip_dual_bound:.0f}"


def reference_cpsat(inst: Instance, budget: float) -> tuple[float | None, str]:
    """CP-SAT with every reciprocity pair written out from the start."""
    from ortools.sat.python import cp_model

    m = cp_model.CpModel()
    trip = list(candidates(inst))
    x = [m.new_bool_var("") for _ in trip]
    rows: dict[tuple, list[int]] = defaultdict(list)
    mun = {r.id: r.municipality for r in inst.reviewers}
    pm = {p.id: p.municipality for p in inst.plans}
    edge: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, (r, p, q, _) in enumerate(trip):
        rows[("plan", p)].append(j)
        rows[("rubric", p, q)].append(j)
        rows[("town", p, mun[r])].append(j)
        rows[("load", r)].append(j)
        edge[(mun[r], pm[p])].append(j)
    loads = dict(zip([r.id for r in inst.reviewers], inst.loads(), strict=True))
    for key, cols in rows.items():
        s = sum(x[j] for j in cols)
        if key[0] == "plan":
            m.add(s == inst.reviews_per_plan)
        elif key[0] == "rubric":
            m.add(s >= inst.min_per_rubric.get(key[2], 0))
        elif key[0] == "town":
            m.add(s <= 1)
        else:
            m.add_linear_constraint(s, *loads[key[1]])
    for (a, b), cols in edge.items():
        if a < b and (b, a) in edge:
            z = m.new_bool_var("")  # z: A may review B; not z: B may review A
            for i in cols:
                m.add_implication(x[i], z)
            for j in edge[(b, a)]:
                m.add_implication(x[j], z.Not())
    m.maximize(sum(int(v) * x[j] for j, (*_, v) in enumerate(trip)))
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = budget
    s.parameters.num_workers = 2
    st = s.solve(m)
    if st == cp_model.OPTIMAL:
        return s.objective_value, "optimal"
    if st == cp_model.FEASIBLE:
        return s.objective_value, f"time budget, bound {s.best_objective_bound:.0f}"
    return None, s.status_name(st)


def reference_scip(inst: Instance, budget: float) -> tuple[float | None, str]:
    """SCIP through OR-Tools, every reciprocity pair written out from the start."""
    from ortools.linear_solver import pywraplp

    s = pywraplp.Solver.CreateSolver("SCIP")
    s.SetTimeLimit(int(budget * 1000))
    trip = list(candidates(inst))
    x = [s.BoolVar("") for _ in trip]
    rows: dict[tuple, list[int]] = defaultdict(list)
    mun = {r.id: r.municipality for r in inst.reviewers}
    pm = {p.id: p.municipality for p in inst.plans}
    edge: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, (r, p, q, _) in enumerate(trip):
        rows[("plan", p)].append(j)
        rows[("rubric", p, q)].append(j)
        rows[("town", p, mun[r])].append(j)
        rows[("load", r)].append(j)
        edge[(mun[r], pm[p])].append(j)
    loads = dict(zip([r.id for r in inst.reviewers], inst.loads(), strict=True))
    for key, cols in rows.items():
        total = sum(x[j] for j in cols)
        if key[0] == "plan":
            s.Add(total == inst.reviews_per_plan)
        elif key[0] == "rubric":
            s.Add(total >= inst.min_per_rubric.get(key[2], 0))
        elif key[0] == "town":
            s.Add(total <= 1)
        else:
            s.Add(total >= loads[key[1]][0])
            s.Add(total <= loads[key[1]][1])
    for (a, b), cols in edge.items():
        if a < b and (b, a) in edge:
            z = s.BoolVar("")
            s.Add(sum(x[i] for i in cols) <= len(cols) * z)
            s.Add(sum(x[j] for j in edge[(b, a)]) <= len(edge[(b, a)]) * (1 - z))
    s.Maximize(sum(v * x[j] for j, (*_, v) in enumerate(trip)))
    st = s.Solve()
    if st == pywraplp.Solver.OPTIMAL:
        return s.Objective().Value(), "optimal"
    if st == pywraplp.Solver.FEASIBLE:
        return s.Objective().Value(), f"time budget, bound {s.Objective().BestBound():.0f}"
    return None, f"status {st}"


def _child(reference, inst, budget, queue) -> None:
    t = time.process_time()
    value, status = reference(inst, budget)
    queue.put((value, status, time.process_time() - t))


def run_reference(
    reference, inst: Instance, budget: float
) -> tuple[float | None, str, float, float]:
    """The reference in a child process, killed after `budget` wall seconds (solvers' own time
    limits are not always kept). Returns (value, status, cpu s, wall s)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(reference, inst, budget, queue))
    t = time.perf_counter()
    proc.start()
    try:
        value, status, cpu = queue.get(timeout=budget + 10)
    except Exception:  # queue.Empty: over budget
        proc.kill()
        value, status, cpu = None, f"no answer within {budget:.0f} s (killed)", float("nan")
    proc.join()
    return value, status, cpu, time.perf_counter() - t


SOLVER_BUDGET = 60.0


def run(
    label: str, inst: Instance, reference, budget: float, product_budget: float = SOLVER_BUDGET
) -> str:
    t, c = time.perf_counter(), time.process_time()
    result = solver.solve(inst, budget=product_budget)
    product_s, product_cpu = time.perf_counter() - t, time.process_time() - c
    ref_value, ref_status, ref_cpu, ref_s = run_reference(reference, inst, budget)
    same = result.objective is not None and ref_value is not None and result.objective == ref_value
    verdict = "same" if same else ("no reference answer" if ref_value is None else "DIFFERENT")
    if (
        not same
        and result.status == "feasible"
        and ref_value is not None
        and result.objective <= ref_value <= result.bound
    ):
        verdict = "reference within the product's proven gap"
    pruned = ""
    if result.pruning:
        pr = result.pruning
        pruned = f", top-{pr['top_k']}: {pr['candidates']} of {pr['eligible']}"
    value = "" if result.objective is None else f" {result.objective:.10g}"
    if result.status == "feasible":
        value += f", gap {result.gap:.4%} to {result.bound:.10g}"
    line = (
        f"| {label} | {result.status}{value} ({result.method}{pruned}) | "
        f"{product_cpu:.2f} s ({product_s:.2f}) | "
        f"{ref_status} {'' if ref_value is None else f'{ref_value:.0f}'} | "
        f"{ref_cpu:.2f} s ({ref_s:.2f}) | {verdict} |"
    )
    print(line, flush=True)
    return line


def pruned_instance(inst: Instance, top_k: int = problem.TOP_K) -> Instance:
    """The candidates the product keeps when it prunes (top-K per plan and rubric, best plans
    per reviewer), as an only_listed_pairs instance both solvers can solve exactly. (It once
    set `DENSE_LIMIT` while `build` had already captured the old value as its default: the
    "top-40" row then measured the dense problem again.)"""
    pb = problem.build(inst, top_k, dense_limit=1)
    assert pb.pruning is not None, "the pruned instance must be pruned"
    affinity = [
        (pb.reviewer_ids[r], pb.plan_ids[p], pb.rubrics[q], float(v))
        for r, p, q, v in zip(
            pb.r.tolist(), pb.p.tolist(), pb.q.tolist(), pb.value.tolist(), strict=True
        )
    ]
    return inst.model_copy(update={"affinity": affinity, "only_listed_pairs": True})


def database_round(name: str, budget: float, reference_budget: float) -> None:
    """The round `name` of the database in PEERPLAN_DATA_DIR / PEERPLAN_DATABASE_URL: what
    `peerplan assign --round NAME --dry-run` does (read the round, candidates in bulk, solve
    within `budget`), against two baselines in the same run on the same candidates: one bare
    min-cost flow (the least any exact method must do) and, with a reference budget, HiGHS on the
    whole ILP."""
    from review.assignment import proposal, round_instance
    from review.assignment.flow import solve_flow
    from review.config import load_settings
    from review.db import get_engine, session_scope
    from review.rounds import get_round

    with session_scope(get_engine(load_settings())) as session:
        round_ = get_round(session, name)
        t = time.perf_counter()
        result = proposal.propose(session, round_, actor="bench", dry_run=True, budget=budget)
        product = time.perf_counter() - t
        data = aff.gather(session, round_)
        instance, _ = round_instance.build_instance(session, round_, data=data)
    pb, found = round_instance.round_problem(data, instance, problem.TOP_K)
    t = time.perf_counter()
    solve_flow(pb)
    flow = time.perf_counter() - t
    print(
        f"| {name}: {pb.n_plans} plans, {pb.n_reviewers} reviewers, {len(pb.r)} candidates"
        f"{' (pruned)' if found.pruning else ''} | {result.status} {result.objective:.3f}, "
        f"bound {result.bound:.3f}, gap {result.gap:.4%} ({result.method}) | "
        f"{product:.1f} s wall (solver {result.seconds:.1f} s) | one bare flow {flow:.1f} s | "
        f"{product / flow:.1f}x |",
        flush=True,
    )
    if reference_budget > 0:
        rubrics = pb.rubrics
        listed = instance.model_copy(
            update={
                "affinity": [
                    (pb.reviewer_ids[a], pb.plan_ids[b], rubrics[c], float(v))
                    for a, b, c, v in zip(
                        pb.r.tolist(), pb.p.tolist(), pb.q.tolist(), pb.value.tolist(), strict=True
                    )
                ]
            }
        )
        value, status, cpu, wall = run_reference(reference_highs, listed, reference_budget)
        print(f"reference HiGHS, whole ILP: {status} {value} in {wall:.1f} s wall", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="40,1000,10000")
    ap.add_argument("--reference-budget", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--budget", type=float, default=SOLVER_BUDGET, help="the product's budget")
    ap.add_argument(
        "--shaped", default="1000", help="sizes of the round-shaped instances ('' for none)"
    )
    ap.add_argument("--round", help="a round of the database instead of generated instances")
    args = ap.parse_args()
    budgets = (args.reference_budget, args.budget)
    if args.round:
        import os

        print(f"load average before: {os.getloadavg()}")
        database_round(args.round, args.budget, args.reference_budget)
        print(f"load average after: {os.getloadavg()}")
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    import os

    print(
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
        f"times are CPU seconds (wall seconds in brackets)"
    )
    print("| instance | product (method) | time | reference | time | objective |")
    print("|---|---|---|---|---|---|")
    for n in sizes:
        inst = make_instance(n, args.seed, listed_only=n >= 10000)
        label = f"{n} plans, {2 * n} reviewers" + (
            ", 100 listed per plan" if n >= 10000 else ", dense"
        )
        run(label, inst, reference_highs, *budgets)
        if 100 < n < 10000:
            run(
                f"{n} plans, product's top-{problem.TOP_K} candidates",
                pruned_instance(inst),
                reference_highs,
                *budgets,
            )
    for n in [int(x) for x in args.shaped.split(",") if x]:
        inst = round_shaped_instance(n, args.seed)
        run(
            f"{n} plans shaped like a database round ({len(inst.affinity)} triples, "
            f"{len({a[3] for a in inst.affinity})} distinct affinities)",
            inst,
            reference_highs,
            *budgets,
        )
    if 40 in sizes:
        inst = make_instance(40, args.seed, listed_only=False, avoid_reciprocal=True)
        run("40 plans, avoid reciprocal", inst, reference_scip, *budgets)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
