"""A risk and vulnerability assessment: the plan did it or reports it, or it only names it.

Wordings written from the SECAP guidebook of the Covenant of Mayors (JRC) and the German
guidance on Klimawirkungs- und Vulnerabilitätsanalysen, as a plan would state them; none is
taken from a plan of the holdout. A long plan (80 paragraphs) is one where a single sentence is
a passing mention."""

from __future__ import annotations

from typing import Any

import pytest

from review.intake.document import Heading, Unit
from review.intake.findings import check_plan

FILLER = "The city works with its partners on the transition of the district heating network."


def _long_plan(*paragraphs: str) -> list[Unit]:
    texts = list(paragraphs) + [FILLER] * (80 - len(paragraphs))
    return [Unit("paragraph", i + 1, t) for i, t in enumerate(texts)]


def _risk(units: list[Unit], headings: list[Heading] | None = None) -> dict[str, Any]:
    findings = check_plan(units, structure=None) if headings is None else None
    if findings is None:
        from review.intake.structure import analyse

        findings = check_plan(units, structure=analyse(units, headings))
    return next(f for f in findings if f["check"] == "risk_vulnerability")


DONE = [
    pytest.param(
        (
            "A climate risk and vulnerability assessment was carried out in 2021 for the whole "
            "municipal territory.",
            "The risk and vulnerability assessment identified heat waves, extreme precipitation "
            "and river floods as the main climate hazards.",
        ),
        id="en-carried-out-and-findings",
    ),
    pytest.param(
        (
            "According to the vulnerability assessment, the elderly and the city centre are "
            "most exposed to extreme heat.",
            "The results of the climate risk assessment are summarised in Table 12.",
        ),
        id="en-according-to-results",
    ),
    pytest.param(
        (
            "Climate hazards: extreme heat and flooding. Exposure: 40 % of the population live "
            "in heat islands. Sensitivity: high for the elderly; adaptive capacity: medium.",
            "For droughts the hazard level is moderate, the exposure of green areas high and "
            "the adaptive capacity of the water supply high.",
        ),
        id="en-jrc-framework-table",
    ),
    pytest.param(
        (
            "Die Risiko- und Vulnerabilitätsanalyse hat ergeben, dass Hitze und Starkregen die "
            "größten Gefahren für die Stadt sind.",
            "Die Ergebnisse der Betroffenheitsanalyse zeigen, dass vor allem die Innenstadt "
            "betroffen ist.",
        ),
        id="de-ergeben-ergebnisse",
    ),
    pytest.param(
        (
            "Im Rahmen des Konzepts wurde eine Klimawirkungsanalyse für das Stadtgebiet "
            "durchgeführt.",
            "Laut der Klimarisikoanalyse sind 12 Stadtteile durch Überflutung gefährdet.",
        ),
        id="de-durchgefuehrt-laut",
    ),
    pytest.param(
        (
            "An assessment of the city's climate risks shows that sea level rise threatens the "
            "harbour district.",
            "The vulnerability diagnosis of the territory covers heat, floods and storms.",
        ),
        id="en-assessment-of-risks-and-diagnosis",
    ),
]


@pytest.mark.parametrize("paragraphs", DONE)
def test_an_assessment_the_plan_did_or_reports_is_present(paragraphs: tuple[str, ...]) -> None:
    units = _long_plan(FILLER, *paragraphs)
    risk = _risk(units)
    assert risk["present"], risk
    # The evidence shows the assessment first, not a mention of vulnerability elsewhere.
    assert risk["evidence"][0]["paragraph"] == 2


NOT_DONE = [
    "A risk and vulnerability assessment will be carried out in 2025.",
    "The city plans to prepare a climate risk assessment in the next years.",
    "The city has a separate climate risk and vulnerability assessment.",
    "Next steps: a vulnerability assessment of the harbour district.",
    "Please describe the risk and vulnerability assessment of your city.",
    "This section should summarise the climate risk assessment and the climate hazards.",
    "[Insert the results of the vulnerability assessment here]",
    "No climate risk assessment has been made yet.",
    "A vulnerability analysis of the district is planned for 2026.",
    "Updating the vulnerability diagnosis is one of the tasks of the adaptation plan.",
    "The SECAP must include a risk and vulnerability assessment within two years.",
    "Action 4.2: Develop a climate risk assessment for the city, highlighting risks.",
    "Maßnahme 7: Erstellung einer Klimawirkungsanalyse für die Innenstadt.",
    "Eine Risiko- und Vulnerabilitätsanalyse soll im Jahr 2025 erstellt werden.",
    "Künftig ist eine Betroffenheitsanalyse für das Stadtgebiet geplant.",
    "Eine Klimawirkungsanalyse wird 2025 durchgeführt.",
    "Die Klimarisikoanalyse steht noch aus.",
    "Für die Stadt liegt noch keine Vulnerabilitätsanalyse vor.",
    "Socially vulnerable groups are involved in the energy poverty programme.",
    "The city is vulnerable to climate change, like every coastal city.",
    "Climate risks are growing across Europe; hazards differ between regions.",
    "The students of the university analysed the energy use of their buildings.",
]


@pytest.mark.parametrize("sentence", NOT_DONE)
def test_an_assessment_named_as_a_task_guidance_or_another_document_is_absent(
    sentence: str,
) -> None:
    """Each sentence in two paragraphs of the plan: still no assessment."""
    assert not _risk(_long_plan(sentence, FILLER, sentence))["present"]


def test_one_mention_in_a_long_plan_is_a_passing_mention() -> None:
    units = _long_plan("The risk and vulnerability assessment identified heat as the main hazard.")
    assert not _risk(units)["present"]


def test_a_chapter_on_the_assessment_is_the_assessment() -> None:
    units = _long_plan("5 Climate risks and vulnerability", "Heat is the main climate hazard.")
    heading = Heading(1, "5 Climate risks and vulnerability", "paragraph", 1)
    assert _risk(units, [heading])["present"]


@pytest.mark.parametrize(
    "title",
    [
        "Vulnerable groups and a just transition",
        "Klimafolgenanpassung",
        "Next steps: vulnerability assessment",
    ],
)
def test_a_chapter_on_vulnerable_groups_adaptation_or_a_task_is_no_assessment(title: str) -> None:
    units = _long_plan(title, "The city supports vulnerable households with climate risks.")
    assert not _risk(units, [Heading(1, title, "paragraph", 1)])["present"]


def test_the_assessment_as_a_heading_in_the_table_of_contents_is_absent() -> None:
    toc = (
        "Contents\n1 Introduction .......... 3\n2 Baseline emission inventory .......... 5\n"
        "3 Risk and vulnerability assessment .......... 9\n"
        "4 Climate risk assessment of the city .......... 12\n5 Actions .......... 14"
    )
    pages = [Unit("page", 1, toc)] + [
        Unit("page", n, f"{FILLER}\n" * 60 + "The city is vulnerable to heat.")
        for n in range(2, 30)
    ]
    assert not _risk(pages)["present"]
