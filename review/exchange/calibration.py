"""Reviewer calibration, for the coordinator: how leniently each reviewer scores compared with
the co-reviewers of the same plans.

Rules (pure, on a round's scored plans):
1. Co-reviewers are the other reviewers of the same plan with the same rubric; a plan where a
   reviewer has none says nothing about them.
2. Leniency: the mean, over every criterion a reviewer and at least one co-reviewer scored, of
   (own score - mean of the co-reviewers' scores), in points of the rubric's scale. Positive:
   more generous than the others.
3. Total leniency: the same on reviewer totals (0-100), per plan and rubric.
4. Caution: fewer than `MIN_PLANS` plans with a co-reviewer is too little to read much into.
5. Calibrated total of a rubric on a plan (for orientation, never the result): the mean of its
   reviewers' totals, each minus that reviewer's total leniency; a reviewer with few data
   (rule 4) is left as scored, one plan is no measure of a person.
A reviewer is known by email address (unique within a round); names go to the coordinator only.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence

from review.consolidation.gather import PlanDossier, PlanRow
from review.consolidation.rules import PlanResult
from review.exchange.data import ReviewerLeniency

MIN_PLANS = 3


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def leniencies(rows: Sequence[PlanRow]) -> dict[str, ReviewerLeniency]:
    """Rules 1-4: email -> the reviewer's leniency over the round."""
    score_diffs: dict[str, list[float]] = defaultdict(list)
    total_diffs: dict[str, list[float]] = defaultdict(list)
    plans: dict[str, set[tuple[int, str]]] = defaultdict(set)
    names: dict[str, str] = {}
    for row in rows:
        d = row.dossier
        email_of = {info.label: info.email for info in d.reviewers}
        names.update({info.email: info.name for info in d.reviewers})
        totals = {res.rubric_id: res.reviewer_totals for res in row.result.rubrics}
        for ri in d.rubrics:
            reviews = ri.reviews
            for review in reviews:
                email = email_of.get(review.label)
                others = [r for r in reviews if r.label != review.label]
                if email is None or not others:
                    continue
                plans[email].add((d.plan_id, ri.rubric.id))
                for criterion in ri.rubric.criteria:
                    own = review.scores.get(criterion.id)
                    theirs = [s for r in others if (s := r.scores.get(criterion.id)) is not None]
                    if own is not None and theirs:
                        score_diffs[email].append(own - statistics.fmean(theirs))
                by_label = totals.get(ri.rubric.id, {})
                own_total = by_label.get(review.label)
                other_totals = [t for r in others if (t := by_label.get(r.label)) is not None]
                if own_total is not None and other_totals:
                    total_diffs[email].append(own_total - statistics.fmean(other_totals))
    return {
        email: ReviewerLeniency(
            label="",
            name=names.get(email, ""),
            email=email,
            leniency=_mean(score_diffs[email]),
            total_leniency=_mean(total_diffs[email]),
            plans=len(plans[email]),
            comparisons=len(score_diffs[email]),
            few=len(plans[email]) < MIN_PLANS,
        )
        for email in sorted(plans)
    }


def plan_leniencies(
    dossier: PlanDossier, round_view: dict[str, ReviewerLeniency]
) -> list[ReviewerLeniency]:
    """The round's leniency of each reviewer of one plan, under their label on it."""
    return [
        round_view[info.email].model_copy(update={"label": info.label})
        for info in dossier.reviewers
        if info.email in round_view
    ]


def calibrated_totals(
    dossier: PlanDossier, result: PlanResult, round_view: dict[str, ReviewerLeniency]
) -> dict[str, float | None]:
    """Rule 5: rubric id -> calibrated total (None without reviewer totals)."""
    email_of = {info.label: info.email for info in dossier.reviewers}
    out: dict[str, float | None] = {}
    for res in result.rubrics:
        adjusted = []
        for label, total in res.reviewer_totals.items():
            if total is None:
                continue
            seen = round_view.get(email_of.get(label, ""))
            shift = 0.0
            if seen is not None and not seen.few and seen.total_leniency is not None:
                shift = seen.total_leniency
            adjusted.append(min(100.0, max(0.0, total - shift)))
        out[res.rubric_id] = round(statistics.fmean(adjusted), 1) if adjusted else None
    return out
