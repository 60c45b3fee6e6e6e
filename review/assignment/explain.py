"""Words a coordinator can act on: why no assignment exists, and why a pair was chosen.

Infeasibility is explained by necessary conditions, each naming the plan, language, rubric or
reviewer that lacks capacity and by how much. If all of them hold and still no assignment exists,
the constraints only conflict together; that is said too, with the tightest spots.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np

from review.assignment.affinity import describe
from review.assignment.problem import Problem
from review.i18n import N_, Count, Listing, Phrase

# Each reason is a Phrase: `str()` is English (the instance file's result, the audit event),
# said in the coordinator's language where it is shown (CLI, artifacts, the run's log).


def _plan(pb: Problem, p: int) -> Phrase:
    return Phrase(
        N_("plan of %(name)s (%(language)s)"),
        name=pb.municipality_names[pb.plan_group[p]],
        language=pb.plan_languages[p],
    )


def infeasibility(pb: Problem) -> list[str]:
    """Why no assignment exists: each necessary condition that fails, per plan, per language,
    for all loads together and per reviewer; else the tightest plans."""
    # Per plan: distinct municipalities among its candidates (one reviewer per municipality).
    groups: dict[int, set[int]] = defaultdict(set)
    for r, p in zip(pb.r.tolist(), pb.p.tolist(), strict=True):
        groups[p].add(int(pb.reviewer_group[r]))
    reasons = _plan_reasons(pb, groups)
    reasons += _language_reasons(pb)
    reasons += _load_reasons(pb)
    if not reasons:
        k = pb.k
        tight = sorted(range(pb.n_plans), key=lambda p: (len(groups[p]) - k, p))[:3]
        spots = Listing(
            (
                Phrase(
                    N_("%(plan)s has %(n)s eligible reviewers"),
                    plan=_plan(pb, p),
                    n=Count(len(groups[p])),
                )
                for p in tight
            ),
            "; ",
        )
        reasons.append(
            Phrase(
                N_(
                    "every plan and language has enough eligible reviewers on its own, but not "
                    "all at once under the loads and rules together (%(spots)s): raise maximum "
                    "loads, add reviewers, or drop a pin or the reciprocity/frontrunner rule"
                ),
                spots=spots,
            )
        )
    return reasons


def _plan_reasons(pb: Problem, groups: dict[int, set[int]]) -> list[str]:
    """Plans with too few eligible municipalities, rubric reviewers or frontrunners."""
    reasons: list[str] = []
    k = pb.k
    per_rubric: dict[tuple[int, int], set[int]] = defaultdict(set)
    frontrunners: dict[int, set[int]] = defaultdict(set)
    for r, p, q in zip(pb.r.tolist(), pb.p.tolist(), pb.q.tolist(), strict=True):
        per_rubric[(p, q)].add(r)
        if pb.frontrunner[r]:
            frontrunners[p].add(r)
    for p in range(pb.n_plans):
        n = len(groups[p])
        if n < k:
            reasons.append(
                Phrase(
                    N_(
                        "%(plan)s: %(n)s eligible reviewers from different municipalities, "
                        "%(k)s needed"
                    ),
                    plan=_plan(pb, p),
                    n=Count(n),
                    k=Count(k),
                )
            )
        for q, m in enumerate(pb.minimum.tolist()):
            have = len(per_rubric[(p, q)])
            if have < m:
                reasons.append(
                    Phrase(
                        N_("%(plan)s: %(n)s eligible %(rubric)s reviewers, %(m)s needed"),
                        plan=_plan(pb, p),
                        n=Count(have),
                        rubric=pb.rubrics[q],
                        m=Count(m),
                    )
                )
        if pb.require_frontrunner and not frontrunners[p]:
            reasons.append(
                Phrase(
                    N_("%(plan)s: no eligible reviewer from a frontrunner municipality"),
                    plan=_plan(pb, p),
                )
            )
    return reasons


def _language_reasons(pb: Problem) -> list[str]:
    """Per language: reviews needed against what the reviewers reading it can take at most."""
    reasons: list[str] = []
    k = pb.k
    need = Counter(pb.plan_languages)
    for lang, plans in sorted(need.items()):
        readers = {
            r
            for r, p in zip(pb.r.tolist(), pb.p.tolist(), strict=True)
            if pb.plan_languages[p] == lang
        }
        capacity = int(sum(pb.hi[r] for r in readers))
        if capacity < plans * k:
            reasons.append(
                Phrase(
                    N_(
                        "language %(language)s: %(plans)s plans need %(needed)s reviews, the "
                        "%(readers)s reviewers who can take them have room for %(room)s "
                        "(%(short)s short)"
                    ),
                    language=lang,
                    plans=Count(plans),
                    needed=Count(plans * k),
                    readers=Count(len(readers)),
                    room=Count(capacity),
                    short=Count(plans * k - capacity),
                )
            )
    return reasons


def _load_reasons(pb: Problem) -> list[str]:
    """All maximum loads too small, all minimum loads too large, or a reviewer's minimum load
    above the plans they may review."""
    reasons: list[str] = []
    total, top, bottom = pb.k * pb.n_plans, int(pb.hi.sum()), int(pb.lo.sum())
    if top < total:
        reasons.append(
            Phrase(
                N_(
                    "all reviewers together can take %(top)s reviews, %(total)s needed "
                    "(%(short)s short): raise maximum loads or add reviewers"
                ),
                top=Count(top),
                total=Count(total),
                short=Count(total - top),
            )
        )
    if bottom > total:
        reasons.append(
            Phrase(
                N_(
                    "minimum loads add up to %(bottom)s reviews but there are only %(total)s: "
                    "lower minimum loads"
                ),
                bottom=Count(bottom),
                total=Count(total),
            )
        )
    plans_of: dict[int, set[int]] = defaultdict(set)
    for r, p in zip(pb.r.tolist(), pb.p.tolist(), strict=True):
        plans_of[r].add(p)
    for r in range(pb.n_reviewers):
        if pb.lo[r] > len(plans_of[r]):
            reasons.append(
                Phrase(
                    N_("reviewer %(id)s: minimum load %(min)s but only %(n)s eligible plans"),
                    id=pb.reviewer_ids[r],
                    min=Count(int(pb.lo[r])),
                    n=Count(len(plans_of[r])),
                )
            )
    return reasons


def chosen_reasons(terms: dict[str, float], language: str = "en") -> str:
    """'expertise 1, text similarity 0.42, ...': why a pair was chosen."""
    return describe(terms, language)


def load_summary(pb: Problem, chosen: np.ndarray) -> dict[str, int]:
    return {str(pb.reviewer_ids[r]): int(n) for r, n in Counter(pb.r[chosen].tolist()).items()}
