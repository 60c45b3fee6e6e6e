"""Consolidation rules on hand-computed examples (technical rubric: weights T1 10, T2 15, T3 10,
T4 20, T5 15, T6 10, T7 10, T8 10; scale 0-4; thresholds from rubrics/technical.yaml)."""

from __future__ import annotations

import pytest

from review.consolidation.rules import (
    RubricInput,
    SubmittedReview,
    assess_gates,
    score_plan,
    score_rubric,
    weighted_total,
)
from review.rubric import load_rubrics

RUBRICS = load_rubrics()
TECH = RUBRICS["technical"]
COMM = RUBRICS["communication"]
T_IDS = [c.id for c in TECH.criteria]
C_IDS = [c.id for c in COMM.criteria]


def review(
    label: str, ids: list[str], default: int | None, **overrides: int | None
) -> SubmittedReview:
    scores = {cid: default for cid in ids}
    scores.update(overrides)
    return SubmittedReview(label=label, scores=scores)


def test_not_applicable_drops_the_weight_instead_of_counting_zero() -> None:
    # 10*4 + 15*4 + 20*2 + 15*2 + 10*2 + 10*2 + 10*2 = 230 over 4 * (100 - 10) = 360
    r = review("Reviewer A", T_IDS, 2, T1=4, T2=4, T3=None)
    assert weighted_total(TECH, r.scores) == pytest.approx(63.888889)
    result = score_rubric(RubricInput(rubric=TECH, expected=1, reviews=[r]))
    assert result.status == "complete"
    assert result.total == pytest.approx(63.888889)
    assert result.outcome.id == "minor_revision"
    t3 = next(c for c in result.criteria if c.criterion_id == "T3")
    assert t3.value is None and not t3.flagged


def test_two_reviewers_take_the_mean() -> None:
    a = review("Reviewer A", T_IDS, 3)  # 75
    b = review("Reviewer B", T_IDS, 2, T4=4)  # (80*2 + 20*4) / 400 = 60
    result = score_rubric(RubricInput(rubric=TECH, expected=2, reviews=[a, b]))
    assert result.reviewer_totals == {"Reviewer A": 75.0, "Reviewer B": 60.0}
    values = {c.criterion_id: c.value for c in result.criteria}
    assert values["T4"] == 3.5 and values["T1"] == 2.5
    # (80 * 2.5 + 20 * 3.5) / 400 = 67.5
    assert result.total == 67.5
    assert result.outcome.id == "minor_revision"
    assert result.flags == 0 and not result.extra_review


def test_three_reviewers_take_the_median_and_flag_disagreement() -> None:
    a = review("Reviewer A", T_IDS, 3, T5=0)
    b = review("Reviewer B", T_IDS, 3, T5=2)
    c = review("Reviewer C", T_IDS, 3, T5=4)
    result = score_rubric(RubricInput(rubric=TECH, expected=3, reviews=[a, b, c]))
    t5 = next(x for x in result.criteria if x.criterion_id == "T5")
    assert (t5.value, t5.spread, t5.flagged) == (2.0, 4, True)
    assert result.flags == 1
    assert not result.extra_review  # 1 flag < 3, totals 67.5..82.5 < 25 apart
    # (85 * 3 + 15 * 2) / 400 = 71.25
    assert result.total == 71.25


def test_the_disagreement_threshold_comes_from_the_rubric() -> None:
    strict = TECH.model_copy(
        update={"consolidation": TECH.consolidation.model_copy(update={"disagreement_spread": 5})}
    )
    a = review("Reviewer A", T_IDS, 3, T5=0)
    b = review("Reviewer B", T_IDS, 3, T5=4)
    assert score_rubric(RubricInput(rubric=TECH, expected=2, reviews=[a, b])).flags == 1
    assert score_rubric(RubricInput(rubric=strict, expected=2, reviews=[a, b])).flags == 0


def test_extra_review_is_called_for_by_flags() -> None:
    a = review("Reviewer A", T_IDS, 3, T5=1, T6=1, T7=1)
    b = review("Reviewer B", T_IDS, 3, T5=3, T6=3, T7=4)
    result = score_rubric(RubricInput(rubric=TECH, expected=2, reviews=[a, b]))
    assert result.flags == 3
    assert result.extra_review
    assert "3 criteria with disagreement" in result.extra_review_reasons[0]


def test_extra_review_is_called_for_by_a_gap_between_reviewer_totals() -> None:
    a = review("Reviewer A", T_IDS, 4)  # 100
    b = review("Reviewer B", T_IDS, 3)  # 75: exactly the 25-point gap, no criterion flagged
    result = score_rubric(RubricInput(rubric=TECH, expected=2, reviews=[a, b]))
    assert result.flags == 0
    assert result.extra_review
    assert "25.0 points apart" in result.extra_review_reasons[0]


def test_missing_review_makes_the_rubric_and_the_plan_incomplete() -> None:
    a = review("Reviewer A", T_IDS, 4)
    plan = score_plan(
        [
            RubricInput(rubric=TECH, expected=2, reviews=[a]),
            RubricInput(rubric=COMM, expected=1, reviews=[review("Reviewer B", C_IDS, 4)]),
        ]
    )
    tech = next(r for r in plan.rubrics if r.rubric_id == "technical")
    assert tech.status == "incomplete"
    assert tech.total is None and tech.outcome is None
    assert tech.partial_total == 100.0  # shown as partial, never as the result
    assert "1 of 2 reviews submitted" in tech.problems
    assert plan.status == "incomplete" and plan.outcome is None


def test_a_missing_score_where_na_is_not_allowed_is_incomplete() -> None:
    a = review("Reviewer A", T_IDS, 3, T2=None)  # T2 allow_na: false
    result = score_rubric(RubricInput(rubric=TECH, expected=1, reviews=[a]))
    assert result.status == "incomplete"
    assert result.outcome is None
    assert any("T2" in p for p in result.problems)


def test_critical_criterion_at_or_below_critical_max_gives_the_weakest_outcome() -> None:
    a = review("Reviewer A", T_IDS, 4, T2=1)  # total (85*4 + 15*1)/400 = 88.75
    result = score_rubric(RubricInput(rubric=TECH, expected=1, reviews=[a]))
    assert result.total == 88.75
    assert result.outcome.id == "major_revision"
    assert "T2 is critical" in result.reasons[0]


def test_outcome_thresholds() -> None:
    for default, expected in [(3, "good_practice"), (2, "minor_revision")]:
        r = review("Reviewer A", T_IDS, default)  # 75 and 50: the thresholds are inclusive
        assert (
            score_rubric(RubricInput(rubric=TECH, expected=1, reviews=[r])).outcome.id == expected
        )
    r = review("Reviewer A", T_IDS, 2, T4=1)  # (80*2 + 20*1)/400 = 45
    assert (
        score_rubric(RubricInput(rubric=TECH, expected=1, reviews=[r])).outcome.id
        == "major_revision"
    )


def test_plan_outcome_is_the_weakest_rubric_outcome() -> None:
    plan = score_plan(
        [
            RubricInput(rubric=TECH, expected=1, reviews=[review("Reviewer A", T_IDS, 4)]),
            RubricInput(rubric=COMM, expected=1, reviews=[review("Reviewer B", C_IDS, 2)]),
        ]
    )
    assert plan.status == "complete"
    assert [r.outcome.id for r in plan.rubrics] == ["minor_revision", "good_practice"]
    assert plan.outcome.id == "minor_revision"


def test_a_failed_gate_gives_the_weakest_outcome() -> None:
    def with_gate(label: str, ids: list[str], met: bool) -> SubmittedReview:
        r = review(label, ids, 4)
        return r.model_copy(update={"eligibility": {"council_approval": met}})

    findings = [
        {"gate": "council_approval", "met": True, "evidence": [{"page": 3, "snippet": "x"}]}
    ]
    plan = score_plan(
        [
            RubricInput(
                rubric=TECH,
                expected=2,
                reviews=[
                    with_gate("Reviewer A", T_IDS, False),
                    with_gate("Reviewer B", T_IDS, False),
                ],
            ),
            RubricInput(rubric=COMM, expected=1, reviews=[with_gate("Reviewer C", C_IDS, True)]),
        ],
        findings,
    )
    gate = next(g for g in plan.gates if g.gate_id == "council_approval")
    assert gate.status == "failed"
    assert gate.hint is True  # the automatic finding disagreed: a hint, never the verdict
    assert all(r.outcome.id == "good_practice" for r in plan.rubrics)
    assert plan.outcome.id == "major_revision"
    assert "eligibility gate not met: Approved by the municipal council" in plan.reasons


def test_gate_statuses() -> None:
    def r(label: str, **gates: bool) -> SubmittedReview:
        return SubmittedReview(label=label, eligibility=gates)

    gates = {
        g.gate_id: g.status
        for g in assess_gates(
            [
                r("A", council_approval=True, bei_rva=False, bei_sectors=True),
                r("B", council_approval=True, bei_rva=True, bei_sectors=False),
                r("C", council_approval=False, bei_sectors=False),
            ],
            [{"gate": "targets", "status": "missing"}],
        )
    }
    assert gates["council_approval"] == "met"
    assert gates["bei_rva"] == "disputed"
    assert gates["bei_sectors"] == "failed"
    # The intake alone says missing: still unconfirmed, not a failure.
    assert gates["targets"] == "unconfirmed"


def test_no_rubric_at_all_is_incomplete() -> None:
    assert score_plan([]).status == "incomplete"


def test_gate_ids_are_the_ones_reviewers_confirm_in_the_portal() -> None:
    from review.eligibility import JRC_GATES
    from review.reviewing.form import ELIGIBILITY

    assert [g.id for g in JRC_GATES] == list(ELIGIBILITY)


def test_gate_hints_from_the_intake_checks() -> None:
    from review.eligibility import gate_hints

    findings = [
        {"kind": "check", "check": "council_approval", "present": False, "evidence": []},
        {"kind": "check", "check": "target", "present": True, "percent": 55.0, "year": 2030},
        {"kind": "check", "check": "adaptation_actions", "present": True},
        {"kind": "check", "check": "inventory", "present": True, "jrc_min_sectors_met": False},
        {"kind": "check", "check": "risk_vulnerability", "present": True},
    ]
    assert gate_hints(findings) == {
        "council_approval": False,
        "targets": True,
        "bei_rva": True,
        "bei_sectors": False,
    }
    gates = {g.gate_id: g for g in assess_gates([SubmittedReview(label="A")], findings)}
    assert gates["council_approval"].hint is False
    assert gates["council_approval"].status == "unconfirmed"  # a hint never decides
    assert gates["action_sectors"].hint is None


def test_a_round_judges_only_the_gates_its_rubrics_ask() -> None:
    """The standard rubrics ask all five JRC gates; a CCC round's rubric three: a 'no' to
    another is not judged, and a round whose rubrics cannot be found asks every gate."""
    from datetime import date

    from review.asked_parts import gates_in
    from review.models import Round
    from review.rubric import load_rubrics

    rubrics = load_rubrics()

    def round_(min_per_rubric: dict[str, int] | None) -> Round:
        return Round(name="R", due_date=date(2026, 12, 15), min_per_rubric=min_per_rubric)

    every = ("council_approval", "targets", "bei_rva", "bei_sectors", "action_sectors")
    assert gates_in(round_({"technical": 1, "communication": 1}), rubrics) == every
    assert gates_in(round_({"technical": 1, "communication": 1})) == every  # from the files
    assert gates_in(round_(None), rubrics) == every
    assert gates_in(round_({"gone": 1}), rubrics) == every
    ccc = gates_in(round_({"climate-city-contract": 2}), rubrics)
    assert ccc == ("council_approval", "bei_sectors", "action_sectors")
    answers = SubmittedReview(label="A", eligibility={g: g not in ccc for g in every})
    assert {g.gate_id: g.status for g in assess_gates([answers], (), ccc)} == {
        "council_approval": "failed",
        "bei_sectors": "failed",
        "action_sectors": "failed",
    }
    yes = SubmittedReview(label="A", eligibility={g: g in ccc for g in every})
    assert {g.status for g in assess_gates([yes], (), ccc)} == {"met"}
    assert [g.gate_id for g in assess_gates([yes])] == list(every)  # None: every gate
