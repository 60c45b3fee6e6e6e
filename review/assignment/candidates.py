"""A round's candidate triples and their affinities, computed in bulk from `RoundData`.

The same affinity as `affinity.terms` (expertise + language + country + exchanges + text, in
integer thousandths), for a block of plans against every reviewer at once with numpy and one
sparse product for the text term, instead of one Python call per (reviewer, plan, rubric).
The terms are added in the order `terms` adds them, so each value is the same float sum;
only the text similarity is a sparse dot product rather than a Python sum (they can differ in
the last bit, which changes a value only when 2 x similarity lies exactly on a half thousandth).

Above `problem.DENSE_LIMIT` eligible triples, each (plan, rubric) keeps its `top_k` best
reviewers and each reviewer its `REVIEWER_KEEP` best (plan, rubric), block by block, so that a
10,000-plan round (hundreds of millions of eligible triples) never holds them all; pins are
always kept. The result says so in `pruning`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from review.assignment import affinity as aff
from review.assignment.instance import Instance, row_id
from review.assignment.problem import DENSE_LIMIT, REVIEWER_KEEP

#: Reviewer x plan cells computed at once (memory: a few arrays of this many float64).
BLOCK_CELLS = 2_000_000
#: Pruning ranks by value * _TIE + a hash of (reviewer, plan): among equal affinities (a round
#: has few distinct values) each plan keeps a different spread of reviewers. Broken by index
#: instead, every plan kept the same first reviewers and every reviewer the same first plans:
#: the 1,000-plan round was infeasible on its top 40 and top 80 (issue 14).
_TIE = 1 << 20


def _tie_breaker(n_reviewers: int, cols: np.ndarray) -> np.ndarray:
    """A fixed pseudo-random number in [0, _TIE) per (reviewer, plan): deterministic."""
    r = np.arange(n_reviewers, dtype=np.int64)[:, None]
    h = (r * 2654435761 + cols[None, :] * 40503 + 12345) % 4294967291
    return (h * 2246822519 % 4294967291) % _TIE


@dataclass
class Candidates:
    """Triples as indices into the instance's reviewers, plans and sorted rubrics; `value` and
    `text` (the text term) in integer thousandths."""

    r: np.ndarray
    p: np.ndarray
    q: np.ndarray
    value: np.ndarray
    text: np.ndarray
    pruning: dict | None = None

    def text_of(self, r: np.ndarray, p: np.ndarray) -> np.ndarray:
        """The text terms (thousandths) of (reviewer index, plan index) pairs; 0 where absent."""
        n_plans = int(max(self.p.max(initial=0), p.max(initial=0))) + 1
        keys = self.r * n_plans + self.p
        order = np.argsort(keys, kind="stable")
        wanted = r * n_plans + p
        pos = np.minimum(np.searchsorted(keys[order], wanted), max(len(keys) - 1, 0))
        if not len(keys):
            return np.zeros(len(wanted), dtype=np.int64)
        hit = keys[order][pos] == wanted
        return np.where(hit, self.text[order][pos], 0)


def round_candidates(
    data: aff.RoundData,
    instance: Instance,
    *,
    top_k: int,
    dense_limit: int | None = None,
) -> Candidates:
    """Every eligible triple of the round (own municipality excluded, languages read, rubrics
    declared), pruned to `top_k` per (plan, rubric) above `dense_limit` eligible triples."""
    dense_limit = DENSE_LIMIT if dense_limit is None else dense_limit
    rubrics = sorted(
        set(instance.min_per_rubric) | {q for r in instance.reviewers for q in r.rubrics}
    )
    plans = {p.id: p for p in data.plans}
    reviewers = {r.id: r for r in data.reviewers}
    ps = [plans[row_id(x.id)] for x in instance.plans]
    rs = [reviewers[row_id(x.id)] for x in instance.reviewers]
    f = _Features(ps, rs, [x.rubrics for x in instance.reviewers], rubrics, data)
    eligible = f.count_eligible()
    prune = eligible > dense_limit
    block = max(1, BLOCK_CELLS // max(len(rs), 1))
    parts: list[tuple[np.ndarray, ...]] = []
    best = _ReviewerBest(len(rs))
    spread = _ReviewerBest(len(rs))  # a fixed pseudo-random sample of each reviewer's plans
    for start in range(0, len(ps), block):
        cols = np.arange(start, min(len(ps), start + block))
        value, text = f.values(cols)
        ok = f.eligible(cols)
        for rubric in range(len(rubrics)):
            okq = ok & f.can[:, rubric][:, None]
            if not prune:
                r, c = np.nonzero(okq)
            else:
                tie = _tie_breaker(len(rs), cols)
                ranked = np.where(okq, value * _TIE + tie, -1)
                r, c = _top_per_column(ranked, top_k)
                best.offer(ranked, value, text, cols, rubric)
                spread.offer(np.where(okq, tie, -1), value, text, cols, rubric)
            parts.append((r, cols[c], np.full(len(r), rubric), value[r, c], text[r, c]))
    if prune:
        parts.append(best.triples())
        parts.append(spread.triples())
        parts.append(_pins(instance, f, rubrics))
    r, p, q, v, t = (np.concatenate([x[i] for x in parts]) for i in range(5))
    pruning = None
    if prune:  # a triple can be among a plan's best, a reviewer's best and a pin: keep it once
        _, first = np.unique((r * len(ps) + p) * len(rubrics) + q, return_index=True)
        r, p, q, v, t = r[first], p[first], q[first], v[first], t[first]
        pruning = {
            "top_k": top_k,
            "reviewer_keep": REVIEWER_KEEP,
            "candidates": len(r),
            "eligible": eligible,
        }
    return Candidates(r, p, q, v, t, pruning)


def _top_per_column(ranked: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each column's `top_k` largest entries that are not negative."""
    k = min(top_k, ranked.shape[0])
    rows = np.argpartition(-ranked, k - 1, axis=0)[:k]
    cols = np.broadcast_to(np.arange(ranked.shape[1]), rows.shape)
    rows, cols = rows.ravel(), cols.ravel()
    sel = ranked[rows, cols] >= 0
    return rows[sel], cols[sel]


def _pins(instance: Instance, f: _Features, rubrics: list[str]) -> tuple[np.ndarray, ...]:
    """The pinned triples that are eligible, with their values: never pruned away."""
    ridx = {x.id: i for i, x in enumerate(instance.reviewers)}
    pidx = {x.id: i for i, x in enumerate(instance.plans)}
    out: list[tuple[int, int, int, int, int]] = []
    for rid, pid, rubric in instance.pinned:
        if rid not in ridx or pid not in pidx or rubric not in rubrics:
            continue
        a, b, c = ridx[rid], pidx[pid], rubrics.index(rubric)
        col = np.array([b])
        if f.eligible(col)[a, 0] and f.can[a, c]:
            value, text = f.values(col)
            out.append((a, b, c, int(value[a, 0]), int(text[a, 0])))
    if not out:
        return tuple(np.zeros(0, np.int64) for _ in range(5))
    return tuple(np.array(x, dtype=np.int64) for x in zip(*out, strict=True))


class _Features:
    """Per reviewer and per plan, what the affinity terms and eligibility depend on."""

    def __init__(
        self,
        plans: list[aff.PlanInfo],
        reviewers: list[aff.ReviewerInfo],
        rubrics_of: list[list[str]],
        rubrics: list[str],
        data: aff.RoundData,
    ) -> None:
        self.plan_ids = [p.id for p in plans]
        self.reviewer_ids = [r.id for r in reviewers]
        names = sorted({p.municipality for p in plans} | {r.municipality or "" for r in reviewers})
        town = {n: i for i, n in enumerate(names)}
        languages = sorted(
            {p.language for p in plans} | {x for r in reviewers for x in r.languages}
        )
        lang = {x: i for i, x in enumerate(languages)}
        countries = sorted({p.country or "" for p in plans} | {r.country or "" for r in reviewers})
        country = {x: i for i, x in enumerate(countries)}
        self.p_town = np.array([town[p.municipality] for p in plans], dtype=np.int64)
        self.r_town = np.array([town[r.municipality] if r.municipality else -1 for r in reviewers])
        self.p_lang = np.array([lang[p.language] for p in plans], dtype=np.int64)
        self.r_lang = np.array([lang.get(r.language, -1) for r in reviewers], dtype=np.int64)
        self.p_country = np.array([country[p.country or ""] for p in plans], dtype=np.int64)
        self.r_country = np.array(
            [country[r.country] if r.country else -2 for r in reviewers], dtype=np.int64
        )
        self.reads = np.zeros((len(reviewers), len(languages)), dtype=bool)
        self.can = np.zeros((len(reviewers), len(rubrics)), dtype=bool)
        for i, r in enumerate(reviewers):
            self.reads[i, [lang[x] for x in r.languages]] = True
            self.can[i, [rubrics.index(q) for q in rubrics_of[i] if q in rubrics]] = True
        # Earlier exchanges between municipalities, as sorted keys town_a * T + town_b.
        T = len(names)
        keys, counts = [], []
        for pair, met in data.exchanges.items():
            members = sorted(pair)
            if len(members) == 2 and all(m in town for m in members):
                a, b = town[members[0]], town[members[1]]
                keys += [a * T + b, b * T + a]
                counts += [met, met]
        order = np.argsort(np.array(keys, dtype=np.int64))
        self.exchange_keys = np.array(keys, dtype=np.int64)[order]
        self.exchange_counts = np.array(counts, dtype=np.int64)[order]
        self.towns = T
        self.similarity = data.similarity

    def eligible(self, cols: np.ndarray) -> np.ndarray:
        """Reviewers x plans[cols]: not their own municipality, and they read the plan."""
        return (self.r_town[:, None] != self.p_town[cols][None, :]) & self.reads[
            :, self.p_lang[cols]
        ]

    def count_eligible(self) -> int:
        """Eligible triples of the whole round, counted per language and municipality."""
        n_plans = np.zeros((self.reads.shape[1], self.towns), dtype=np.int64)
        np.add.at(n_plans, (self.p_lang, self.p_town), 1)
        per_lang = n_plans.sum(axis=1)
        rubrics = self.can.sum(axis=1)
        own = np.where(self.r_town >= 0, n_plans[:, np.maximum(self.r_town, 0)], 0)  # L x R
        readable = self.reads.astype(np.int64) * per_lang[None, :] - (self.reads * own.T)
        return int((readable.sum(axis=1) * rubrics).sum())

    def values(self, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Affinity and its text term (thousandths) of every reviewer x plans[cols], summed in
        the order of `affinity.terms`: expertise, language, country, exchanges, text."""
        w = aff.WEIGHTS
        total = np.full((len(self.r_lang), len(cols)), w["expertise"])
        total = total + np.where(
            self.r_lang[:, None] == self.p_lang[cols][None, :], w["language"], 0.0
        )
        total = total + np.where(
            self.r_country[:, None] == self.p_country[cols][None, :], w["country"], 0.0
        )
        if len(self.exchange_keys):
            key = np.maximum(self.r_town, 0)[:, None] * self.towns + self.p_town[cols][None, :]
            pos = np.minimum(np.searchsorted(self.exchange_keys, key), len(self.exchange_keys) - 1)
            met = np.where(
                (self.exchange_keys[pos] == key) & (self.r_town[:, None] >= 0),
                self.exchange_counts[pos],
                0,
            )
            total = total + np.round(w["exchanges"] * np.minimum(met, aff.EXCHANGES_CAP), 3)
        sim = self.similarity.block(self.reviewer_ids, [self.plan_ids[c] for c in cols])
        text = np.where(sim > 0, np.round(w["text"] * sim, 3), 0.0)
        total = total + text
        return (
            np.rint(total * aff.SCALE).astype(np.int64),
            np.rint(text * aff.SCALE).astype(np.int64),
        )


class _ReviewerBest:
    """Each reviewer's `REVIEWER_KEEP` highest-ranked (plan, rubric) seen so far, merged block by
    block. Ranked by value: their best plans; ranked by a hash: a spread of plans, so that a
    reviewer with a minimum load can be placed even when everyone's best plans are the same few
    (the 1,000-plan round was infeasible on each plan's top 40 and every reviewer's best 10)."""

    def __init__(self, n_reviewers: int) -> None:
        shape = (n_reviewers, REVIEWER_KEEP)
        self.rank = np.full(shape, -1, dtype=np.int64)
        self.value = np.zeros(shape, dtype=np.int64)
        self.plan = np.zeros(shape, dtype=np.int64)
        self.rubric = np.zeros(shape, dtype=np.int64)
        self.text = np.zeros(shape, dtype=np.int64)

    def offer(
        self, ranked: np.ndarray, value: np.ndarray, text: np.ndarray, cols: np.ndarray, q: int
    ) -> None:
        """`ranked`: reviewers x plans[cols] of rubric q, -1 where not eligible; `value` and
        `text` the affinity and its text term of the same cells."""
        rank = np.concatenate([self.rank, ranked], axis=1)
        top = np.argpartition(-rank, REVIEWER_KEEP - 1, axis=1)[:, :REVIEWER_KEEP]

        def pick(old: np.ndarray, new: np.ndarray) -> np.ndarray:
            return np.take_along_axis(np.concatenate([old, new], axis=1), top, axis=1)

        self.rank = np.take_along_axis(rank, top, axis=1)
        self.value = pick(self.value, value)
        self.plan = pick(self.plan, np.broadcast_to(cols, ranked.shape))
        self.rubric = pick(self.rubric, np.full(ranked.shape, q))
        self.text = pick(self.text, text)

    def triples(self) -> tuple[np.ndarray, ...]:
        r, j = np.nonzero(self.rank >= 0)
        return r, self.plan[r, j], self.rubric[r, j], self.value[r, j], self.text[r, j]
