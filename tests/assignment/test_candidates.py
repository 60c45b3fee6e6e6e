"""The round's candidates computed in bulk equal the per-pair affinity, term by term."""

from __future__ import annotations

from review.assignment import affinity as aff
from review.assignment import round_instance
from review.assignment.candidates import round_candidates
from review.assignment.problem import REVIEWER_KEEP
from tests.assignment.test_service import _round


def test_bulk_values_equal_the_per_pair_affinity(session_sqlite):
    round_ = _round(session_sqlite)
    data = aff.gather(session_sqlite, round_)
    instance, _ = round_instance.build_instance(session_sqlite, round_, data=data)
    found = round_candidates(data, instance, top_k=40)
    rubrics = sorted({q for r in instance.reviewers for q in r.rubrics})
    plans = {p.id: p for p in data.plans}
    reviewers = {r.id: r for r in data.reviewers}
    expected = {}
    for p in data.plans:
        for r in data.reviewers:
            if r.municipality != p.municipality and p.language in r.languages:
                for q in r.rubrics:
                    expected[(r.id, p.id, q)] = aff.value(aff.terms(data, r, p, q))
    got = {
        (instance.reviewers[r].id, instance.plans[p].id, rubrics[q]): v
        for r, p, q, v in zip(
            found.r.tolist(), found.p.tolist(), found.q.tolist(), found.value.tolist(), strict=True
        )
    }
    assert got == expected
    assert found.pruning is None
    texts = found.text_of(found.r, found.p)
    for i in range(len(found.r)):
        reviewer = reviewers[instance.reviewers[found.r[i]].id]
        plan = plans[instance.plans[found.p[i]].id]
        t = aff.terms(data, reviewer, plan, rubrics[found.q[i]])
        assert round(t.get("text", 0) * aff.SCALE) == texts[i]


def test_a_large_round_is_pruned_and_says_so(session_sqlite):
    round_ = _round(session_sqlite)
    data = aff.gather(session_sqlite, round_)
    instance, _ = round_instance.build_instance(session_sqlite, round_, data=data)
    full = round_candidates(data, instance, top_k=40)
    pruned = round_candidates(data, instance, top_k=2, dense_limit=10)
    assert pruned.pruning == {
        "top_k": 2,
        "reviewer_keep": REVIEWER_KEEP,
        "candidates": len(pruned.r),
        "eligible": len(full.r),
    }
    best = {}
    for _, p, q, v in zip(full.r, full.p, full.q, full.value, strict=True):
        best.setdefault((int(p), int(q)), []).append(int(v))
    kept = {}
    for _, p, q, v in zip(pruned.r, pruned.p, pruned.q, pruned.value, strict=True):
        kept.setdefault((int(p), int(q)), []).append(int(v))
    # each plan keeps its two best of every rubric (and each reviewer their best ten plans)
    for key, values in best.items():
        assert sorted(kept[key], reverse=True)[:2] == sorted(values, reverse=True)[:2]
