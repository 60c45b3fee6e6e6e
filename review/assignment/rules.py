"""The hard rules of an assignment instance as index arrays: plans, reviewers, rubrics,
municipalities and languages numbered, and who may review which plan for which rubric (never
their own municipality's, only in a language they read, only a rubric they declared, no
forbidden pair)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from review.assignment.instance import Instance


@dataclass
class Rules:
    """The instance's hard rules as index arrays: who may review which plan for which rubric."""

    P: int
    R: int
    Q: int
    rubrics: list[str]
    pidx: dict
    ridx: dict
    qidx: dict
    names: list[str]
    plan_group: np.ndarray
    reviewer_group: np.ndarray
    plan_lang: np.ndarray
    reads: np.ndarray  # reviewer x language
    can: np.ndarray  # reviewer x rubric
    forbidden: set[tuple[int, int]]

    def eligible(self, r: np.ndarray, p: np.ndarray, q: np.ndarray) -> np.ndarray:
        ok = (
            (self.reviewer_group[r] != self.plan_group[p])
            & self.reads[r, self.plan_lang[p]]
            & self.can[r, q]
        )
        if self.forbidden:
            key = r * self.P + p
            bad = np.fromiter(
                (a * self.P + b for a, b in self.forbidden), np.int64, len(self.forbidden)
            )
            ok &= ~np.isin(key, bad)
        return ok


def hard_rules(instance: Instance) -> Rules:
    """Indexes of plans, reviewers, rubrics, municipalities and languages, and who may review
    what: not their own municipality, only languages they read, only rubrics they declared."""
    plans, reviewers = instance.plans, instance.reviewers
    rubrics = sorted(set(instance.min_per_rubric) | {q for r in reviewers for q in r.rubrics})
    qidx = {q: i for i, q in enumerate(rubrics)}
    pidx = {p.id: i for i, p in enumerate(plans)}
    ridx = {r.id: i for i, r in enumerate(reviewers)}
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
    languages = sorted({p.language for p in plans} | {x for r in reviewers for x in r.languages})
    lidx = {x: i for i, x in enumerate(languages)}
    reads = np.zeros((len(reviewers), len(languages)), dtype=bool)
    can = np.zeros((len(reviewers), len(rubrics)), dtype=bool)
    for i, r in enumerate(reviewers):
        reads[i, [lidx[x] for x in r.languages]] = True
        can[i, [qidx[q] for q in r.rubrics]] = True
    return Rules(
        P=len(plans),
        R=len(reviewers),
        Q=len(rubrics),
        rubrics=rubrics,
        pidx=pidx,
        ridx=ridx,
        qidx=qidx,
        names=names,
        plan_group=plan_group,
        reviewer_group=np.array(rgroup, dtype=np.int64),
        plan_lang=np.array([lidx[p.language] for p in plans], dtype=np.int64),
        reads=reads,
        can=can,
        forbidden={(ridx[r], pidx[p]) for r, p in instance.forbidden},
    )
