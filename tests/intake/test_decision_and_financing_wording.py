"""A council decision behind the plan and the plan's own financing, in the wordings German and
English plans use for them (written for these tests, none taken from a holdout plan), with the
wordings that look alike and are not: a decision still to come, another body's, template
guidance; a carbon budget, a funding acknowledgement, amounts that are no money."""

from __future__ import annotations

from typing import Any

import pytest

from review.intake.document import Unit
from review.intake.findings import check_plan

FILLER = "The city works with its partners on the transition of the district heating network."


def _long_plan(*paragraphs: str) -> list[Unit]:
    texts = list(paragraphs) + [FILLER] * (80 - len(paragraphs))
    return [Unit("paragraph", i + 1, t) for i, t in enumerate(texts)]


def _finding(units: list[Unit], check: str) -> dict[str, Any]:
    return next(f for f in check_plan(units) if f["check"] == check)


COUNCIL = [
    ("The Climate Action Plan was approved by the City Council on 12 March 2024.", "12 March 2024"),
    ("The SECAP was adopted by the Municipal Assembly on 3 May 2021.", "3 May 2021"),
    ("The climate plan was unanimously adopted by the council in 2022.", None),
    ("The Plenary of the City Council approved the climate neutrality strategy in 2023.", None),
    ("The roadmap was endorsed by the Metropolitan Council in June 2022.", None),
    (
        "By decision of the City Council of 14 June 2023 the city committed to climate neutrality.",
        None,
    ),
    (
        "Das Klimaschutzkonzept wurde mit Gemeinderatsbeschluss vom 12.03.2020 verabschiedet.",
        "12.03.2020",
    ),
    ("Mit Beschluss des Stadtrats vom 5. Mai 2021 ist das Klimaschutzziel 2035 festgelegt.", None),
    (
        "Der Gemeinderat hat das integrierte Klimaschutzkonzept am 8. Dezember 2010 beschlossen.",
        None,
    ),
    ("Das Klimaschutzprogramm wurde von der Bürgerschaft im Jahr 2019 beschlossen.", None),
    ("Der Gemeinderat hat dem Klimaschutzkonzept am 3. Mai 2022 zugestimmt.", None),
    ("The City Council of Exampleton approved the climate neutrality roadmap in 2023.", None),
    ("In June 2022 the council voted in favour of the Climate City Contract.", None),
    (
        "Beschluss der Stadtverordnetenversammlung zum Klimaschutzkonzept vom 14.11.2019.",
        "14.11.2019",
    ),
]


@pytest.mark.parametrize(("text", "reference"), COUNCIL)
def test_a_council_decision_behind_the_plan(text: str, reference: str | None) -> None:
    council = _finding(_long_plan(text), "council_approval")
    assert council["present"], text
    if reference:
        assert council["reference"] == reference


NO_COUNCIL = [
    "The Climate Action Plan will be submitted to the City Council for approval in autumn.",
    "The plan is expected to be adopted by the city council in 2025.",
    "Your 2030 ambition should be supported at a minimum by a Council decision.",
    "Please describe the council decision that adopted your climate neutrality target.",
    "The European Council adopted the 2030 climate target of the Union in 2020.",
    "The target was approved by the Council of the European Union in 2023.",
    "The youth council adopted a statement on climate neutrality.",
    "The city's climate plan was approved by the mayor and the executive board.",
    "Das Klimaschutzkonzept soll dem Gemeinderat 2025 zur Beschlussfassung vorgelegt werden.",
    "Der Stadtrat hat den Bebauungsplan für das Gewerbegebiet Nord beschlossen.",
    "The council approved the new parking fees for the old town in 2023.",
    "The advisory council voted in favour of the climate plan.",
    "The 2030 framework on climate and energy policy: the European\nCouncil endorsed a target of 40 %.",
    "The initiatives will not be finally endorsed by the City Council until 2025.",
]


@pytest.mark.parametrize("text", NO_COUNCIL)
def test_no_council_decision_behind_the_plan(text: str) -> None:
    assert not _finding(_long_plan(text), "council_approval")["present"], text


FINANCED = [
    (
        "The total budget of the action portfolio is EUR 450 million until 2030.",
        "Funding sources: municipal budget (EUR 120 million), EU funds (EUR 80 million).",
    ),
    (
        "Die Finanzierung der Maßnahmen erfolgt aus Haushaltsmitteln in Höhe von 2,5 Mio. Euro.",
        "Für die Sanierung der Schulen sind Fördermittel von 800.000 Euro beantragt.",
    ),
    (
        "Im Haushalt 2024 stehen für den Klimaschutz 350 TEUR zur Verfügung.",
        "Die Investitionskosten der Wärmeleitung betragen 12 Mio. €.",
    ),
    (
        "The investment plan foresees capital expenditure of £25m on retrofits.",
        "A loan of 40 million euros from the EIB finances the tram extension.",
    ),
]


@pytest.mark.parametrize("paragraphs", FINANCED)
def test_the_plans_own_financing(paragraphs: tuple[str, str]) -> None:
    assert _finding(_long_plan(*paragraphs), "financing")["present"], paragraphs


NOT_FINANCED = [
    (
        "The city's remaining carbon budget is 12 million tonnes of CO2.",
        "The budget of 3.2 million tCO2e is spent by 2030 at today's rate.",
    ),
    (
        "NetZeroCities has received funding from the H2020 research and innovation programme "
        "under grant agreement No 101036519.",
        "This project has received funding from the European Union's Horizon 2020 programme.",
    ),
    (
        "Please describe the funding sources and the budget of each action.",
        "This section should list the financing of the actions in EUR.",
    ),
    (
        "Funding will be needed for the renovation of schools.",
        "The city will look for financing of the heat network with its partners.",
    ),
]


@pytest.mark.parametrize("paragraphs", NOT_FINANCED)
def test_no_financing_of_the_plans_own(paragraphs: tuple[str, str]) -> None:
    assert not _finding(_long_plan(*paragraphs), "financing")["present"], paragraphs


@pytest.mark.parametrize(
    "text",
    [
        "Die rote Linie zeigt, wie das CO2-Budget der Stadt eingehalten wird.",
        "The city's carbon budget is used up by 2032 at today's rate.",
    ],
)
def test_a_carbon_budget_in_a_short_plan_is_no_financing(text: str) -> None:
    """In a short plan one mention of financing is its chapter: a carbon budget is none."""
    assert not _finding([Unit("page", 1, text)], "financing")["present"]


def test_a_budget_in_a_short_plan_is_financing() -> None:
    text = "The budget for the heat pump programme is set in the city's annual budget."
    assert _finding([Unit("page", 1, text)], "financing")["present"]
