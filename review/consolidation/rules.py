"""The rules of consolidation (scoring): from submitted reviews to criterion scores, totals,
flags, gates, outcome.

Pure functions on plain data; every number comes from the rubric file (`review.rubric`): weights,
`allow_na`, `critical`, the scale, and `consolidation` (disagreement_spread, extra_review_flags,
extra_review_total_gap, critical_max, outcomes with min_total). Nothing here reads the database.

The rules, in the order they are applied:

1. Reviewer total (0-100): sum(w * (s - min)) / ((max - min) * sum(w)) * 100 over the criteria the
   reviewer scored; "not applicable" (None) drops the criterion's weight (renormalisation).
2. Criterion score across reviewers: the median of the scores given (with two scores that is
   their mean); reviewers who said "not applicable" are left out; all n/a gives n/a.
3. Disagreement flag: (max - min) of the scores given >= `disagreement_spread`.
4. Rubric total: rule 1 applied to the consolidated criterion scores.
5. An extra review is called for when the flags number >= `extra_review_flags` or the reviewer
   totals lie >= `extra_review_total_gap` apart.
6. Rubric outcome: the first outcome whose `min_total` the total reaches; a critical criterion
   whose consolidated score is <= `critical_max` gives the rubric's weakest (last) outcome.
7. A rubric is *incomplete* (no total, no outcome) while fewer reviews are submitted than expected,
   or when a submitted review lacks a score on a criterion that does not allow n/a, or has a score
   outside the scale. Partial scores are still reported, marked as such, never as a result.
8. Eligibility gates (the JRC criteria the round's rubrics ask about, `review.eligibility`,
   `review.asked_parts.gates_in`), plan-wide: a gate *fails* when more
   reviewers (of any rubric) answered "not met" than "met"; it is *disputed* on a tie, *met* on a
   majority for "met", and *unconfirmed* when no reviewer answered. The intake's automatic finding
   is attached as a hint and never decides. Only a failed gate changes the outcome.
9. Plan outcome: incomplete if any rubric is incomplete; otherwise the weakest of the rubric
   outcomes (weakness = position in the rubric's own outcome list, counted from the bottom, so
   rubrics may name their outcomes differently). A plan that is strong in communication but weak
   technically needs the technical revision: averaging would hide it. A failed gate gives the
   weakest outcome.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from review.eligibility import JRC_GATES, gate_hints, gate_label
from review.i18n import Translator, translator
from review.rubric import Outcome, Rubric

# Totals are compared against thresholds after rounding away float noise (74.99999999 is 75).
_PRECISION = 6


class SubmittedReview(BaseModel):
    """One submitted review as scoring sees it. `label` is the blind name ("Reviewer A")."""

    model_config = ConfigDict(frozen=True)
    label: str
    scores: dict[str, int | None] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)
    strengths: str = ""
    weaknesses: str = ""
    recommendations: str = ""
    eligibility: dict[str, bool] = Field(default_factory=dict)


class RubricInput(BaseModel):
    """A rubric on one plan: how many reviews are expected and those submitted so far."""

    rubric: Rubric
    expected: int = Field(ge=0)
    reviews: list[SubmittedReview] = Field(default_factory=list)


class CriterionResult(BaseModel):
    criterion_id: str
    scores: dict[str, int | None]  # reviewer label -> score (None: not applicable)
    value: float | None  # consolidated score; None when nobody scored it
    spread: int | None
    flagged: bool
    critical_failed: bool = False


class RubricResult(BaseModel):
    rubric_id: str
    status: Literal["complete", "incomplete"]
    expected: int
    received: int
    criteria: list[CriterionResult]
    reviewer_totals: dict[str, float | None]
    total: float | None  # None while incomplete
    partial_total: float | None  # the same rule on what has come in; never an outcome
    outcome: Outcome | None
    flags: int
    extra_review: bool
    extra_review_reasons: list[str]
    reasons: list[str]  # why the outcome is what it is (critical criteria)
    problems: list[str]  # why the rubric is incomplete


class GateResult(BaseModel):
    gate_id: str
    status: Literal["met", "failed", "disputed", "unconfirmed"]
    votes: dict[str, bool]  # reviewer label -> answer
    hint: bool | None  # the intake's automatic finding, if it names this gate


class PlanResult(BaseModel):
    status: Literal["complete", "incomplete"]
    outcome: Outcome | None
    rubrics: list[RubricResult]
    gates: list[GateResult]
    reasons: list[str]

    @property
    def extra_review(self) -> bool:
        return any(r.extra_review for r in self.rubrics)

    @property
    def flags(self) -> int:
        return sum(r.flags for r in self.rubrics)


def _round(value: float) -> float:
    return round(value, _PRECISION)


def weighted_total(rubric: Rubric, scores: dict[str, float | int | None]) -> float | None:
    """0-100 total of one set of criterion scores; n/a (None or absent) drops out of the weights."""
    low, high = rubric.scale.minimum, rubric.scale.maximum
    numerator = denominator = 0.0
    for criterion in rubric.criteria:
        score = scores.get(criterion.id)
        if score is None:
            continue
        numerator += criterion.weight * (score - low)
        denominator += criterion.weight * (high - low)
    if denominator == 0:
        return None
    return _round(numerator / denominator * 100)


def consolidate_scores(scores: Sequence[int]) -> float | None:
    """Median of the given scores; with two, their mean (statistics.median does exactly this)."""
    if not scores:
        return None
    return float(statistics.median(scores))


def outcome_for(rubric: Rubric, total: float) -> Outcome:
    for outcome in rubric.consolidation.outcomes:
        if _round(total) >= outcome.min_total:
            return outcome
    return rubric.consolidation.outcomes[-1]


def _review_problems(rubric: Rubric, review: SubmittedReview, t: Translator) -> list[str]:
    problems = []
    low, high = rubric.scale.minimum, rubric.scale.maximum
    for criterion in rubric.criteria:
        score = review.scores.get(criterion.id)
        values = {"reviewer": review.label, "criterion": criterion.id, "score": score}
        if score is None and not criterion.allow_na:
            problems.append(
                t.gettext("%(reviewer)s: no score for %(criterion)s, which needs one") % values
            )
        elif score is not None and not low <= score <= high:
            problems.append(
                t.gettext("%(reviewer)s: score %(score)s for %(criterion)s is outside %(range)s")
                % {**values, "range": f"{low}–{high}"}
            )
    return problems


def score_rubric(data: RubricInput, language: str = "en") -> RubricResult:
    """Rules 1-7 for one rubric; reasons and problems are written in `language` (the
    coordinator's: the round's)."""
    rubric, reviews = data.rubric, data.reviews
    t = translator(language)
    rules = rubric.consolidation
    problems: list[str] = []
    if len(reviews) < data.expected:
        problems.append(
            t.gettext("%(received)s of %(expected)s reviews submitted")
            % {"received": len(reviews), "expected": data.expected}
        )
    for review in reviews:
        problems.extend(_review_problems(rubric, review, t))

    criteria: list[CriterionResult] = []
    consolidated: dict[str, float | None] = {}
    reasons: list[str] = []
    low, high = rubric.scale.minimum, rubric.scale.maximum
    for criterion in rubric.criteria:
        by_label = {r.label: r.scores.get(criterion.id) for r in reviews}
        given = [s for s in by_label.values() if s is not None and low <= s <= high]
        value = consolidate_scores(given)
        spread = max(given) - min(given) if given else None
        flagged = len(given) >= 2 and spread is not None and spread >= rules.disagreement_spread
        critical_failed = criterion.critical and value is not None and value <= rules.critical_max
        if critical_failed and value is not None:
            reasons.append(
                t.gettext("%(criterion)s is critical and scored %(value)s (at most %(max)s)")
                % {
                    "criterion": criterion.id,
                    "value": t.format_decimal(value),
                    "max": rules.critical_max,
                }
            )
        consolidated[criterion.id] = value
        criteria.append(
            CriterionResult(
                criterion_id=criterion.id,
                scores=by_label,
                value=value,
                spread=spread,
                flagged=flagged,
                critical_failed=critical_failed,
            )
        )

    reviewer_totals = {r.label: weighted_total(rubric, dict(r.scores)) for r in reviews}
    flags = sum(c.flagged for c in criteria)
    extra_reasons: list[str] = []
    if flags >= rules.extra_review_flags:
        extra_reasons.append(
            t.gettext("%(flags)s criteria with disagreement (threshold %(threshold)s)")
            % {"flags": flags, "threshold": rules.extra_review_flags}
        )
    totals = [t for t in reviewer_totals.values() if t is not None]
    if len(totals) >= 2:
        gap = _round(max(totals) - min(totals))
        if gap >= rules.extra_review_total_gap:
            extra_reasons.append(
                t.gettext("reviewer totals %(gap)s points apart (threshold %(threshold)s)")
                % {
                    "gap": t.format_decimal(gap, 1),
                    "threshold": t.format_decimal(rules.extra_review_total_gap),
                }
            )

    partial_total = weighted_total(rubric, consolidated)
    complete = not problems and partial_total is not None
    if not problems and partial_total is None:
        problems.append(t.gettext("no criterion was scored"))
    outcome = None
    if complete:
        assert partial_total is not None
        outcome = rules.outcomes[-1] if reasons else outcome_for(rubric, partial_total)
    return RubricResult(
        rubric_id=rubric.id,
        status="complete" if complete else "incomplete",
        expected=data.expected,
        received=len(reviews),
        criteria=criteria,
        reviewer_totals=reviewer_totals,
        total=partial_total if complete else None,
        partial_total=partial_total,
        outcome=outcome,
        flags=flags,
        extra_review=bool(extra_reasons),
        extra_review_reasons=extra_reasons,
        reasons=reasons,
        problems=problems,
    )


def assess_gates(
    reviews: Sequence[SubmittedReview],
    findings: Sequence[dict[str, Any]] = (),
    gates: Sequence[str] | None = None,
) -> list[GateResult]:
    """Rule 8. Gates are the JRC criteria the round asks about (`gates`, its own:
    `review.asked_parts.gates_in`; None: every one) plus any other key a reviewer answered. A JRC
    gate the round does not ask about is not judged, whatever a reviewer said of it."""
    every = [g.id for g in JRC_GATES]
    gate_ids = [g for g in every if gates is None or g in gates]
    for review in reviews:
        gate_ids.extend(k for k in review.eligibility if k not in gate_ids and k not in every)
    hints = gate_hints(findings)
    results = []
    for gate_id in gate_ids:
        votes = {
            r.label: bool(r.eligibility[gate_id])
            for r in sorted(reviews, key=lambda r: (len(r.label), r.label))
            if gate_id in r.eligibility
        }
        yes = sum(votes.values())
        no = len(votes) - yes
        if not votes:
            status = "unconfirmed"
        elif no > yes:
            status = "failed"
        elif yes > no:
            status = "met"
        else:
            status = "disputed"
        results.append(
            GateResult(gate_id=gate_id, status=status, votes=votes, hint=hints.get(gate_id))
        )
    return results


def _weakness(rubric: Rubric, outcome: Outcome) -> int:
    """0 for the rubric's weakest outcome, 1 for the next stronger, ..."""
    ids = [o.id for o in rubric.consolidation.outcomes]
    return len(ids) - 1 - ids.index(outcome.id)


def score_plan(
    rubrics: Sequence[RubricInput],
    findings: Sequence[dict[str, Any]] = (),
    language: str = "en",
    gates: Sequence[str] | None = None,
) -> PlanResult:
    """Rules 1-9 for one plan. `rubrics` holds every rubric the plan is reviewed with; reasons
    and problems are written in `language` (the coordinator's: the round's); `gates` are the JRC
    gates its round asks about (None: every one)."""
    t = translator(language)
    ordered = sorted(rubrics, key=lambda r: r.rubric.id)
    results = [score_rubric(r, language) for r in ordered]
    all_reviews = [review for r in ordered for review in r.reviews]
    gate_results = assess_gates(all_reviews, findings, gates)
    reasons = [
        f"{data.rubric.title(language)}: {reason}"
        for data, res in zip(ordered, results, strict=True)
        for reason in res.reasons
    ]
    failed = [g.gate_id for g in gate_results if g.status == "failed"]
    reasons.extend(
        t.gettext("eligibility gate not met: %(gate)s") % {"gate": gate_label(gate, language)}
        for gate in failed
    )
    if not results or any(r.status == "incomplete" for r in results):
        return PlanResult(
            status="incomplete", outcome=None, rubrics=results, gates=gate_results, reasons=reasons
        )
    if failed:
        outcome = ordered[0].rubric.consolidation.outcomes[-1]
    else:
        pairs: list[tuple[Rubric, Outcome]] = []
        for data, res in zip(ordered, results, strict=True):
            assert res.outcome is not None  # a complete rubric has an outcome
            pairs.append((data.rubric, res.outcome))
        outcome = min(pairs, key=lambda p: _weakness(p[0], p[1]))[1]
    return PlanResult(
        status="complete", outcome=outcome, rubrics=results, gates=gate_results, reasons=reasons
    )
