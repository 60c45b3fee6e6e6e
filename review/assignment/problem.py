"""The assignment problem as integer arrays: candidate triples (reviewer, plan, rubric) with
their integer affinity, the rules' data, and pruning to each plan's best candidates.

Formulation (x[r,p,q] = 1: reviewer r reviews plan p for rubric q), maximise total affinity:
- each plan exactly k reviews, at least min_per_rubric[q] of rubric q;
- a reviewer at most once per plan (one rubric), never a plan of their own municipality, only
  plans in a language they read, only rubrics they declared; min_load <= load <= max_load;
- at most one reviewer per municipality on a plan; pinned triples fixed, forbidden pairs out;
- optional: no reciprocal municipality pairs; at least one frontrunner on every plan.

Affinities are integers (thousandths unless all values are integers), so solvers agree exactly.
With `previous`, the objective weight is lexicographic: first the best affinity, then the most
kept triples of the previous answer (stability after a decline).

Pruning: `prune` keeps each (plan, rubric)'s `top_k` best reviewers and each reviewer's
`REVIEWER_KEEP` best (plan, rubric), pins always; a dense instance (every eligible triple a
candidate) above `DENSE_LIMIT` triples is pruned while it is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from review.assignment.instance import Instance

#: A dense instance (every eligible triple a candidate) is pruned above this many triples.
DENSE_LIMIT = 5_000_000
TOP_K = 40
REVIEWER_KEEP = 10
FRACTION_SCALE = 1000


@dataclass
class Problem:
    """The instance as integer arrays. Reviewer/plan/rubric are indices into the lists; the
    candidate triples are sorted by plan, rubric, reviewer."""

    k: int
    plan_ids: list
    reviewer_ids: list
    rubrics: list[str]
    minimum: np.ndarray  # per rubric
    plan_group: np.ndarray  # municipality index of each plan
    reviewer_group: np.ndarray  # municipality index, or a private one for external experts
    reviewer_has_municipality: np.ndarray
    frontrunner: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    # candidate triples
    r: np.ndarray
    p: np.ndarray
    q: np.ndarray
    value: np.ndarray  # integer affinity
    weight: np.ndarray  # integer objective weight (value, lexicographic with `previous`)
    pinned: np.ndarray  # bool per candidate
    scale: int
    municipality_names: list[str]
    plan_languages: list[str]
    avoid_reciprocal: bool
    require_frontrunner: bool
    pinned_problems: list[str] = field(default_factory=list)
    pruning: dict | None = None
    #: weight = value * weight_per_value + (kept from `previous`): a bound on the total weight
    #: divided by this (rounded down) bounds the total affinity.
    weight_per_value: int = 1

    @property
    def n_plans(self) -> int:
        return len(self.plan_ids)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewer_ids)


# --------------------------------------------------------------------------- building


def _scale(values: list[float]) -> int:
    return 1 if all(float(v).is_integer() for v in values) else FRACTION_SCALE


def build(
    instance: Instance,
    top_k: int | None = None,
    dense_limit: int | None = None,
    *,
    triples: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
    scale: int = 1,
    pruning: dict | None = None,
) -> Problem:
    """Eligible candidate triples of the instance, pruned to `top_k` above `dense_limit`
    (default: `DENSE_LIMIT` as it is when called, so that a caller may lower it).

    `triples`: the candidates already computed in bulk (a round from the database) as index
    arrays (reviewer, plan, rubric into the instance's lists and the sorted rubrics) and
    integer values in 1/`scale`, pruned as `pruning` says; the instance lists no affinity."""
    if dense_limit is None:
        dense_limit = DENSE_LIMIT
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

    if triples is not None:
        ar, ap, aq, av = triples
    elif instance.affinity:
        scale = _scale([a[3] for a in instance.affinity])
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

    if triples is None:
        pruning = None
    if instance.only_listed_pairs or triples is not None:
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
                listed
                if not (instance.only_listed_pairs or triples is not None)
                else _listed(ar, ap, aq, av, P, Q),
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
    per_value = 1
    if instance.previous:
        prev = {(ridx[a] * P + pidx[b]) * Q + qidx[c] for a, b, c in instance.previous}
        kept = np.isin((r * P + p) * Q + q, list(prev)).astype(np.int64)
        per_value = len(prev) + 1
        weight = v * per_value + kept
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
        weight_per_value=per_value,
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


def _rank_within(groups: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal `groups` values (sorted input)."""
    if not len(groups):
        return np.zeros(0, dtype=np.int64)
    first = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    return np.arange(len(groups)) - np.repeat(first, np.diff(np.r_[first, len(groups)]))


def top_k_mask(pb: Problem, top_k: int, reviewer_keep: int = REVIEWER_KEEP) -> np.ndarray:
    """Candidates kept when pruning: each (plan, rubric)'s `top_k` best reviewers, each
    reviewer's `reviewer_keep` best (plan, rubric), and every pin. Ties broken by index."""
    Q = len(pb.rubrics)
    keep = pb.pinned.copy()
    order = np.lexsort((pb.r, -pb.weight, pb.q, pb.p))
    keep[order[_rank_within((pb.p * Q + pb.q)[order]) < top_k]] = True
    if reviewer_keep:
        order = np.lexsort((pb.p, -pb.weight, pb.r))
        keep[order[_rank_within(pb.r[order]) < reviewer_keep]] = True
    return keep


def restrict(pb: Problem, keep: np.ndarray, pruning: dict | None = None) -> Problem:
    """The same problem with only the candidates in `keep` (a bool mask, order kept)."""
    return replace(
        pb,
        r=pb.r[keep],
        p=pb.p[keep],
        q=pb.q[keep],
        value=pb.value[keep],
        weight=pb.weight[keep],
        pinned=pb.pinned[keep],
        pruning=pruning if pruning is not None else pb.pruning,
    )


def prune(pb: Problem, top_k: int) -> Problem:
    """`pb` pruned to each plan's `top_k` best candidates per rubric (see `top_k_mask`)."""
    keep = top_k_mask(pb, top_k)
    info = {
        "top_k": top_k,
        "reviewer_keep": REVIEWER_KEEP,
        "candidates": int(keep.sum()),
        "eligible": len(pb.r),
    }
    return restrict(pb, keep, info)
