"""An action list from three reviews: split, attributed, merged, prioritised; and as a
spreadsheet that runs no formula."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from review.consolidation.action_sheet import write_action_sheet
from review.exchange.actions import action_list, split_items
from tests.support.exchange_round import dossier


def three_reviews(blind: bool = True):
    return dossier(
        7,
        "Tulln",
        [
            {
                "rubric": "technical",
                "base": 3,
                "scores": {"T2": 1, "T8": 2},
                "recommendations": "Recommendations: add the emission inventory per carrier; "
                "T8: report every two years.",
            },
            {
                "rubric": "technical",
                "base": 3,
                "scores": {"T2": 1, "T8": 2},
                "recommendations": "- Add the emission inventory per carrier.\n"
                '- =HYPERLINK("http://x") ask Quirinus Zeppelfeld7x0 for the climate budget',
            },
            {
                "rubric": "communication",
                "base": 3,
                "scores": {"C4": 1},
                "recommendations": "Involve citizens in the participation level of decisions",
            },
        ],
        blind=blind,
    )


def test_split_drops_the_lead_in_and_the_bullets_but_keeps_a_criterion_id() -> None:
    assert split_items("Empfehlungen: Bilanz ergänzen; T2: Faktoren nennen.\n- Budget") == [
        "Bilanz ergänzen",
        "T2: Faktoren nennen",
        "Budget",
    ]


def test_three_reviews_merge_into_one_prioritised_list() -> None:
    plan = three_reviews()
    actions = action_list(plan, plan.score(), "en")
    by_text = {a.recommendation: a for a in actions}
    # The same recommendation from two reviewers is one action, counted twice.
    inventory = by_text["Add the emission inventory per carrier"]
    assert (inventory.criterion_id, inventory.reviewers, inventory.priority) == ("T2", 2, "high")
    # A critical criterion at 1 is high whatever its weight; T8 at 2 leaves 5 of 100 points open.
    assert by_text["T8: report every two years"].criterion_id == "T8"
    assert by_text["T8: report every two years"].priority == "medium"
    assert by_text["Involve citizens in the participation level of decisions"].criterion_id == "C4"
    general = next(a for a in actions if a.criterion_id == "")
    assert general.priority == "medium" and "climate budget" in general.recommendation
    # High first, and within a priority the most open points first.
    ranks = ["high", "medium", "low"]
    assert [ranks.index(a.priority) for a in actions] == sorted(
        ranks.index(a.priority) for a in actions
    )
    assert actions[0].points >= actions[1].points


def test_a_weak_criterion_nobody_recommended_anything_for_gets_the_rubrics_next_level() -> None:
    plan = dossier(8, "Krems", [{"rubric": "technical", "base": 3, "scores": {"T3": 1}}])
    (action,) = action_list(plan, plan.score(), "de")
    assert (action.criterion_id, action.source, action.level) == ("T3", "rubric", 2)
    assert action.recommendation == "Gefahren und betroffene Sektoren bewertet."


def test_the_action_spreadsheet_is_in_the_municipalitys_language_and_runs_no_formula(
    tmp_path: Path,
) -> None:
    plan = three_reviews(blind=True).model_copy(update={"municipality_language": "de"})
    path = write_action_sheet(plan, plan.score(), tmp_path / "actions.xlsx")
    sheet = load_workbook(path).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Priorität", "Kriterium", "Empfehlung"]
    assert rows[1][0] == "hoch"
    cells = [c for row in sheet.iter_rows() for c in row]
    formula = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert formula.data_type == "s"
    assert "Zeppelfeld" not in " ".join(str(v) for row in rows for v in row)
