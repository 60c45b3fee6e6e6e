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

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from review.assignment.instance import Instance
from review.assignment.rules import Rules, hard_rules
from review.i18n import N_, Listing, Message, Phrase

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


Triples = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def build(
    instance: Instance,
    top_k: int | None = None,
    dense_limit: int | None = None,
    *,
    triples: Triples | None = None,
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
    rules = hard_rules(instance)
    P, Q = rules.P, rules.Q
    rubrics = rules.rubrics
    loads = instance.loads()
    lo = np.array([a for a, _ in loads], dtype=np.int64)
    hi = np.array([b for _, b in loads], dtype=np.int64)

    if triples is not None:
        listed_triples = triples
    else:
        listed_triples, scale = _listed_affinity(instance, rules, scale)
    only_listed = instance.only_listed_pairs or triples is not None
    if triples is None:
        pruning = None
    listed = None if only_listed else _listed(*listed_triples, P, Q)
    if only_listed:
        ar, ap, aq, av = listed_triples
        keep = rules.eligible(ar, ap, aq)
        candidates: Triples = (ar[keep], ap[keep], aq[keep], av[keep])
    else:
        candidates, pruning = _dense_candidates(
            rules, listed, dense_limit, top_k or instance.top_k or TOP_K
        )
    pinned_problems, pins = _pins(instance, rules, plans)
    r, p, q, v, pin = _with_pins(rules, candidates, pins, listed, listed_triples)

    # Deterministic order: by plan, rubric, reviewer.
    order = np.lexsort((r, q, p))
    r, p, q, v, pin = r[order], p[order], q[order], v[order], pin[order]
    weight = v.copy()
    per_value = 1
    if instance.previous:
        prev = {
            (rules.ridx[a] * P + rules.pidx[b]) * Q + rules.qidx[c] for a, b, c in instance.previous
        }
        kept = np.isin((r * P + p) * Q + q, list(prev)).astype(np.int64)
        per_value = len(prev) + 1
        weight = v * per_value + kept
    return Problem(
        k=instance.reviews_per_plan,
        plan_ids=[x.id for x in plans],
        reviewer_ids=[x.id for x in reviewers],
        rubrics=rubrics,
        minimum=np.array([instance.min_per_rubric.get(x, 0) for x in rubrics], dtype=np.int64),
        plan_group=rules.plan_group,
        reviewer_group=rules.reviewer_group,
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
        municipality_names=rules.names,
        plan_languages=[x.language for x in plans],
        avoid_reciprocal=instance.avoid_reciprocal,
        require_frontrunner=instance.require_frontrunner,
        pinned_problems=pinned_problems,
        pruning=pruning,
        weight_per_value=per_value,
    )


def _listed_affinity(instance: Instance, rules: Rules, scale: int) -> tuple[Triples, int]:
    """The instance's listed affinities as index arrays and integer values, with their scale
    (`scale` when none is listed)."""
    affinity = instance.affinity
    if not affinity:
        empty = np.zeros(0, dtype=np.int64)
        return (empty, empty, empty, empty), scale
    scale = _scale([a[3] for a in affinity])
    n = len(affinity)
    ar = np.fromiter((rules.ridx[a[0]] for a in affinity), np.int64, n)
    ap = np.fromiter((rules.pidx[a[1]] for a in affinity), np.int64, n)
    aq = np.fromiter((rules.qidx[a[2]] for a in affinity), np.int64, n)
    av = np.rint(np.fromiter((a[3] for a in affinity), float, n) * scale).astype(np.int64)
    return (ar, ap, aq, av), scale


def _dense_candidates(
    rules: Rules, listed: _Listed | None, dense_limit: int, top_k: int
) -> tuple[Triples, dict | None]:
    """Every eligible triple, its value from the list or 0; pruned while built above
    `dense_limit` triples (then also how)."""
    P, R, Q = rules.P, rules.R, rules.Q
    every = R * P * Q
    if every <= dense_limit:
        rr, pp, qq = np.meshgrid(np.arange(R), np.arange(P), np.arange(Q), indexing="ij")
        r, p, q = rr.ravel(), pp.ravel(), qq.ravel()
        keep = rules.eligible(r, p, q)
        r, p, q = r[keep], p[keep], q[keep]
        return (r, p, q, _lookup(listed, (r * P + p) * Q + q)), None
    r, p, q, v, total = _pruned_dense(P, R, Q, rules.eligible, listed, top_k)
    pruning = {
        "top_k": top_k,
        "reviewer_keep": REVIEWER_KEEP,
        "candidates": len(r),
        "eligible": total,
    }
    return (r, p, q, v), pruning


def _pins(
    instance: Instance, rules: Rules, plans: list
) -> tuple[list[str], list[tuple[int, int, int]]]:
    """The pinned triples as indexes, and why each that breaks a hard rule does."""
    problems: list[str] = []
    pins = []
    for rid, pid, rub in instance.pinned:
        a, b, c = rules.ridx[rid], rules.pidx[pid], rules.qidx[rub]
        why: list[str] = []
        if rules.reviewer_group[a] == rules.plan_group[b]:
            why.append(Message(N_("it is the reviewer's own municipality")))
        if not rules.reads[a, rules.plan_lang[b]]:
            why.append(
                Phrase(N_("the reviewer does not read %(language)s"), language=plans[b].language)
            )
        if not rules.can[a, c]:
            why.append(Phrase(N_("the reviewer has no %(rubric)s expertise"), rubric=rub))
        if why:
            problems.append(
                Phrase(
                    N_(
                        "pinned pair reviewer %(reviewer)s / plan %(plan)s (%(rubric)s) breaks a "
                        "hard rule: %(why)s"
                    ),
                    reviewer=rid,
                    plan=pid,
                    rubric=rub,
                    why=Listing(why),
                )
            )
        pins.append((a, b, c))
    return problems, pins


def _with_pins(
    rules: Rules,
    candidates: Triples,
    pins: list[tuple[int, int, int]],
    listed: _Listed | None,
    listed_triples: Triples,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pinned triples are always candidates (if eligible), and everything they exclude is
    removed: the pair's other rubrics, and other reviewers of the pinned reviewer's municipality
    on that plan. Returns the candidates and which of them are pinned."""
    r, p, q, v = candidates
    pin = np.zeros(len(r), dtype=bool)
    if not pins:
        return r, p, q, v, pin
    P, Q = rules.P, rules.Q
    pin_keys = {(a * P + b) * Q + c for a, b, c in pins}
    pin_pairs = {a * P + b for a, b, _ in pins}
    pin_groups = {(int(rules.reviewer_group[a]), b) for a, b, _ in pins}
    key = (r * P + p) * Q + q
    exists = set(key[np.isin(key, list(pin_keys))].tolist())
    missing = [t for t in pins if (t[0] * P + t[1]) * Q + t[2] not in exists]
    if missing:  # pruned away or not listed: add them back
        ma, mb, mc = (np.array(x, dtype=np.int64) for x in zip(*missing, strict=True))
        if listed is None:  # sorted only now: most rounds pin nothing that was pruned
            listed = _listed(*listed_triples, P, Q)
        mv = _lookup(listed, (ma * P + mb) * Q + mc)
        r, p, q, v = (np.concatenate(x) for x in ((r, ma), (p, mb), (q, mc), (v, mv)))
        key = (r * P + p) * Q + q
    pin = np.isin(key, list(pin_keys))
    pair = r * P + p
    same_pair_other = np.isin(pair, list(pin_pairs)) & ~pin
    grp = (
        np.array(
            [
                (int(g), int(b)) in pin_groups
                for g, b in zip(rules.reviewer_group[r], p, strict=True)
            ],
            dtype=bool,
        )
        if len(r)
        else np.zeros(0, bool)
    )
    drop = same_pair_other | (grp & ~np.isin(pair, list(pin_pairs)))
    keep = ~drop
    return r[keep], p[keep], q[keep], v[keep], pin[keep]


_Listed = tuple[np.ndarray, np.ndarray]


def _listed(
    ar: np.ndarray, ap: np.ndarray, aq: np.ndarray, av: np.ndarray, P: int, Q: int
) -> _Listed:
    """The listed values sorted by their triple's key, for `_lookup`."""
    key = (ar * P + ap) * Q + aq
    order = np.argsort(key)
    return (key[order], av[order])


def _lookup(listed: _Listed | None, keys: np.ndarray) -> np.ndarray:
    if listed is None or len(listed[0]) == 0:
        return np.zeros(len(keys), dtype=np.int64)
    lk, lv = listed
    pos = np.searchsorted(lk, keys)
    pos = np.minimum(pos, len(lk) - 1)
    return np.where(lk[pos] == keys, lv[pos], 0).astype(np.int64)


def _pruned_dense(
    P: int,
    R: int,
    Q: int,
    eligible: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    listed: _Listed | None,
    top_k: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
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
