"""The solver's reasons (why no assignment exists, why a pinned pair breaks a rule, why a pair
was chosen) are kept in English and said in the coordinator's language where they are shown."""

from __future__ import annotations

import pickle

from review.assignment.affinity import Why
from review.assignment.instance import parse_instance
from review.assignment.solver import solve
from review.coordinator import artifacts
from review.i18n import translator

INSTANCE = {
    "reviews_per_plan": 1,
    "min_per_rubric": {"technical": 1},
    "plans": [{"id": 1, "municipality": "Tulln", "language": "de"}],
    "reviewers": [
        {"id": 7, "municipality": "Tulln", "languages": ["en"], "rubrics": ["communication"]},
        {"id": 8, "municipality": "Graz", "languages": ["de"], "rubrics": ["technical"]},
    ],
    "pinned": [[7, 1, "technical"]],
}


def test_a_pinned_pair_that_breaks_the_rules_says_why_in_both_languages() -> None:
    result = solve(parse_instance(INSTANCE), budget=10)
    assert result.status == "infeasible"
    english = (
        "pinned pair reviewer 7 / plan 1 (technical) breaks a hard rule: it is the reviewer's "
        "own municipality, the reviewer does not read de, the reviewer has no technical expertise"
    )
    assert result.reasons[0] == english  # the instance file's result and the audit event
    assert result.reasons[0]("de") == (
        "das festgelegte Paar Gutachter:in 7 / Plan 1 (technical) verletzt eine feste Regel: es "
        "ist die eigene Gemeinde der Gutachter:in, die Gutachter:in liest kein de, die "
        "Gutachter:in hat kein Fachgebiet technical"
    )
    markdown = artifacts.no_assignment_markdown(result.reasons, translator("de"))
    assert markdown.startswith("## Keine Zuteilung möglich\n\n- das festgelegte Paar")
    assert "- pinned pair reviewer 7" in artifacts.no_assignment_markdown(
        result.reasons, translator("en")
    )
    copied = pickle.loads(pickle.dumps(result.reasons[0]))  # crossing a process keeps it
    assert copied == english and copied("de") == result.reasons[0]("de")


def test_why_a_pair_was_chosen_reads_as_the_language_writes_numbers() -> None:
    why = Why({"text": 0.42, "expertise": 1.0, "country": 0.25})
    assert why == "expertise 1, text similarity 0.42, same country 0.25"
    assert why("de") == "Fachgebiet 1, Textähnlichkeit 0,42, gleiches Land 0,25"
    row = {
        "plan": "Tulln (de)",
        "rubric": "technical",
        "reviewer": "Anna",
        "reviewer's municipality": "Graz",
        "affinity": 1.67,
        "reasons": why,
        "plan_id": 1,
        "reviewer_id": 8,
    }
    [german] = artifacts.proposal_rows([row], translator("de"))
    assert german["Gründe"] == "Fachgebiet 1, Textähnlichkeit 0,42, gleiches Land 0,25"
    assert german["Passung"] == "1,670"
