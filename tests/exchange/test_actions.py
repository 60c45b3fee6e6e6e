"""An action list from three reviews: split, attributed, merged, prioritised; and as a
spreadsheet that runs no formula."""

from __future__ import annotations

from pathlib import Path

import docx
from openpyxl import load_workbook

from review.consolidation.action_sheet import write_action_sheet
from review.consolidation.plan_document import write_consolidated
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


def paraphrasing_reviews(language: str = "en", municipality_language: str = "en"):
    return dossier(
        9,
        "Ybbs",
        [
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: Add a monitoring schedule with yearly reports\n"
                "- T5: add a heat plan",
            },
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: The monitoring should be reported every year; "
                "T5: add a mobility plan",
            },
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: add a monitoring schedule with yearly reports.",
            },
        ],
        language=language,
        municipality_language=municipality_language,
    )


def test_the_same_advice_in_other_words_is_one_action_with_every_wording() -> None:
    plan = paraphrasing_reviews()
    actions = action_list(plan, plan.score(), "en")
    [monitoring] = [a for a in actions if a.criterion_id == "T8" and a.source == "reviewer"]
    assert monitoring.reviewers == 3
    assert [(w.labels, w.text) for w in monitoring.wordings] == [
        (["Reviewer A", "Reviewer C"], "T8: Add a monitoring schedule with yearly reports"),
        (["Reviewer B"], "T8: The monitoring should be reported every year"),
    ]
    # Different advice on one criterion stays two actions.
    plans = sorted(a.recommendation for a in actions if a.criterion_id == "T5")
    assert plans == ["T5: add a heat plan", "T5: add a mobility plan"]


def test_german_compounds_and_inflections_merge() -> None:
    plan = dossier(
        10,
        "Melk",
        [
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: Jährlichen Monitoringbericht veröffentlichen",
            },
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: Die Monitoring-Berichte sollen jährlich "
                "veröffentlicht werden",
            },
            {
                "rubric": "technical",
                "base": 2,
                "recommendations": "T8: Emissionsbericht jährlich veröffentlichen",
            },
        ],
        language="de",
    )
    actions = [a for a in action_list(plan, plan.score(), "de") if a.source == "reviewer"]
    assert sorted((a.reviewers, len(a.wordings)) for a in actions) == [(1, 1), (2, 2)]


def test_the_document_and_the_sheet_show_who_wrote_which_wording(tmp_path: Path) -> None:
    plan = paraphrasing_reviews(municipality_language="de")
    sheet = load_workbook(write_action_sheet(plan, plan.score(), tmp_path / "a.xlsx"))
    rows = [[c.value for c in row] for row in sheet.worksheets[0].iter_rows()]
    [cell] = [r[2] for r in rows if "monitoring" in str(r[2]).lower()]
    [shown] = [r[2] for r in sheet.worksheets[0].iter_rows() if r[2].value == cell]
    assert shown.alignment.wrap_text  # one wording a line in the spreadsheet too
    assert cell == (
        "Gutachten A, Gutachten C: T8: Add a monitoring schedule with yearly reports\n"
        "Gutachten B: T8: The monitoring should be reported every year"
    )
    path = write_consolidated(plan, plan.score(), "municipality", tmp_path / "m.docx")
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert cell in cells  # the action list's table, one wording a line
