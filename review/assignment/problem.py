"""The assignment problem as integer arrays: what the solver builds from an `Instance` and what
the explanations read. Its own module so that `solver` (which explains infeasibility) and
`explain` (which reads the problem) do not import each other."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Problem:
    """The instance as integer arrays. Reviewer/plan/rubric are indices into the lists."""

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

    @property
    def n_plans(self) -> int:
        return len(self.plan_ids)

    @property
    def n_reviewers(self) -> int:
        return len(self.reviewer_ids)
