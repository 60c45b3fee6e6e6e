"""Simulated reviews: valid for the real rubrics and the real review validation, lower where the
plan leaves parts out, comments where the rubric asks for them, in the reviewer's language."""

from __future__ import annotations

import pytest

from review.reviewing.form import ELIGIBILITY, ReviewInput, validate
from review.rubric import load_rubrics
from review.synthetic.plans import plan_spec
from review.synthetic.reviews import simulate_review

RUBRICS = load_rubrics()


@pytest.mark.parametrize("rubric_id", sorted(RUBRICS))
@pytest.mark.parametrize("language", ["de", "en"])
def test_simulated_reviews_pass_the_portals_validation(rubric_id: str, language: str) -> None:
    rubric = RUBRICS[rubric_id]
    for seed in range(40):
        review = simulate_review(
            rubric, plan_spec(seed, "de" if seed % 2 else "en"), language=language, seed=seed
        )
        assert validate(rubric, review.as_input(), language=language) == {}, seed
        for criterion in rubric.criteria:
            if rubric.comment_required(criterion, review.scores[criterion.id]):
                assert review.comments.get(criterion.id), (seed, criterion.id)
        assert set(review.eligibility) == set(ELIGIBILITY)
        fields = review.form_fields(rubric)
        assert ReviewInput.from_form(rubric, fields).fields(rubric) == fields


def test_same_seed_same_review_and_reviewers_differ() -> None:
    rubric = RUBRICS["technical"]
    spec = plan_spec(5, "de")
    assert simulate_review(rubric, spec, seed=1) == simulate_review(rubric, spec, seed=1)
    reviews = [
        simulate_review(rubric, plan_spec(s, "de"), seed=r).scores
        for s in range(10)
        for r in range(3)
    ]
    assert len({tuple(sorted(r.items(), key=str)) for r in reviews}) > 20


def test_missing_parts_score_zero_and_are_recommended() -> None:
    technical, communication = RUBRICS["technical"], RUBRICS["communication"]
    spec = plan_spec(9, "de", missing={"inventory", "participation"})
    tech = simulate_review(technical, spec, language="de", seed=1)
    comm = simulate_review(communication, spec, language="de", seed=1)
    assert tech.scores["T2"] == 0
    assert comm.scores["C4"] == 0
    assert "Treibhausgasbilanz" in tech.comments["T2"]
    assert "Treibhausgasbilanz" in tech.recommendations
    assert "Bürgerbeteiligung" in comm.recommendations
    assert tech.eligibility["bei_rva"] is False
    full = plan_spec(9, "de", missing=())
    assert simulate_review(technical, full, seed=1).scores["T2"] >= 1


def test_complete_plans_score_higher_than_plans_with_gaps() -> None:
    rubric = RUBRICS["technical"]

    def mean_total(missing: set[str] | tuple) -> float:
        totals = []
        for seed in range(30):
            scores = simulate_review(
                rubric, plan_spec(seed, "en", missing=missing), seed=seed
            ).scores
            totals.append(sum(v or 0 for v in scores.values()))
        return sum(totals) / len(totals)

    assert mean_total(()) > mean_total({"inventory", "risk_assessment", "monitoring"}) + 3


def test_language_follows_the_reviewer() -> None:
    rubric = RUBRICS["technical"]
    spec = plan_spec(2, "en", missing={"financing"})
    german = simulate_review(rubric, spec, language="de", seed=4)
    english = simulate_review(rubric, spec, language="en", seed=4)
    assert german.scores == english.scores
    assert "Finanzierung" in german.comments["T7"] and "financing" in english.comments["T7"]
    assert "Finanzierung" in german.recommendations and "financing" in english.recommendations
    assert spec.municipality in german.recommendations.split(":")[0]  # the lead-in


@pytest.mark.parametrize("language", ["de", "en"])
def test_filled_word_form_reads_back_as_the_simulated_review(language: str) -> None:
    """The demo uploads some reviews as Word forms: what the form parser reads back from a form
    filled by the simulator is exactly what the portal form would have posted."""
    from review.documents.filled_form import parse_word_form
    from review.documents.word_form import render_word_form
    from review.reviewing.form import Seen
    from review.synthetic.word import fill_word_form, word_answers

    for rubric in RUBRICS.values():
        review = simulate_review(
            rubric, plan_spec(3, "de", missing={"participation"}), language=language, seed=2
        )
        form = render_word_form(
            rubric,
            assignment_id=7,
            seen=Seen(0, 0),
            data=ReviewInput(),
            language=language,
            plan_title="Plan",
            municipality="Testdorf",
            due="2026-12-15",
        )
        parsed = parse_word_form(fill_word_form(form, word_answers(review, rubric)))
        assert parsed.assignment_id == 7 and not parsed.errors
        assert parsed.data.fields(rubric) == review.form_fields(rubric)
