"""The demo's reviews read like reviews of different people about different plans: no sentence
of one review appears in another, in German or English, in the first round or the next, and the
texts say what the scores say."""

from __future__ import annotations

import re
from collections import defaultdict

from review.rubric import load_rubrics
from review.synthetic.plans import revised
from review.synthetic.reviews import emphasis, simulate_review
from review.synthetic.round import demo_participants

# The demo's rubrics: its reviewers review with these two, never with another rubric file.
RUBRICS = {r: rubric for r, rubric in load_rubrics().items() if r in ("technical", "communication")}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def _demo_reviews():
    """Every review the demo's reviewers could write: each of the 20 reviewers (seeded by its
    place in the participants file, as the demo does) on each plan of both rounds (the revised
    plans of the next round included), with each rubric, in the reviewer's language."""
    participants = demo_participants(2026)
    first = participants.plan_specs()
    specs = [*first, *(revised(spec) for spec in first)]
    for seed, reviewer in enumerate(participants.reviewers):
        for spec in specs:
            for rubric in RUBRICS.values():
                review = simulate_review(rubric, spec, language=reviewer.language, seed=seed)
                yield (seed, spec.municipality, spec.edition, rubric.id), review


def test_no_sentence_appears_in_two_reviews_of_the_demo() -> None:
    where: dict[str, set[tuple]] = defaultdict(set)
    languages = set()
    count = 0
    for key, review in _demo_reviews():
        count += 1
        languages.add(review.language)
        texts = [*review.comments.values(), review.strengths, review.weaknesses]
        texts.append(review.recommendations)
        for text in texts:
            for sentence in _sentences(text):
                where[sentence].add(key)
    repeated = {s: sorted(keys)[:3] for s, keys in where.items() if len(keys) > 1}
    assert not repeated, list(repeated.items())[:5]
    assert count == 20 * 16 * 2 and languages == {"de", "en"}
    assert len(where) > 5000  # many sentences, not a few long ones


def test_each_plan_is_strong_on_some_criteria_and_weak_on_others() -> None:
    """The same for every reviewer, and their texts say so: a strong criterion is named among
    the strengths, a weak one among the weaknesses."""
    participants = demo_participants(2026)
    rubric = RUBRICS["communication"]
    checked = 0
    for spec in participants.plan_specs():
        shift = emphasis(spec)
        if not (spec.has("communication") and spec.has("participation")):
            continue  # its missing parts score 0 whatever the plan's strengths
        checked += 1
        strong = [c for c in rubric.criteria if shift.get(c.id, 0) > 0]
        reviews = [simulate_review(rubric, spec, language="en", seed=s) for s in range(3)]
        means = {
            c.id: sum(r.scores[c.id] or 0 for r in reviews) / len(reviews) for c in rubric.criteria
        }
        weak = [c.id for c in rubric.criteria if shift.get(c.id, 0) < 0]
        assert all(means[c] <= 1.5 for c in weak), (spec.municipality, means)
        for criterion in strong:
            assert means[criterion.id] >= 2.5, (spec.municipality, criterion.id, means)
            assert any(criterion.title("en") in r.strengths for r in reviews), spec.municipality
        for cid in weak:
            title = rubric.criterion(cid).title("en")
            assert any(title in r.weaknesses for r in reviews), (spec.municipality, cid)
    assert checked >= 3


def test_the_revised_plan_has_taken_up_its_weak_points() -> None:
    spec = demo_participants(2026).plan_specs()[1]
    again = revised(spec)
    assert again.edition == 2 and not again.missing
    weak = [cid for cid, shift in emphasis(spec).items() if shift < 0]
    rubric = RUBRICS["technical"]
    weak_technical = [cid for cid in weak if cid.startswith("T")]
    before = [simulate_review(rubric, spec, seed=s) for s in range(3)]
    after = [simulate_review(rubric, again, seed=s) for s in range(3)]
    for cid in weak_technical:
        assert sum(r.scores[cid] or 0 for r in after) > sum(r.scores[cid] or 0 for r in before)
    assert "revised" in " ".join(r.strengths + r.weaknesses for r in after)
