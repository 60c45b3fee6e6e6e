"""The baseline inventory where a plan does not call it one in the words the term search knows,
and its base year in the wordings plans use (paraphrases in the styles of the real plans:
The Hague's baseline sentence, Gävle's and Malmö's A-1 chapters, Lahti's "1990 as the
baseline", Madrid's PDF table cells one word a line)."""

from __future__ import annotations

from typing import Any

import pytest

from review.intake.document import Heading, Unit
from review.intake.facts.inventory import read_inventory
from review.intake.findings import check_plan


def _inventory(*paragraphs: str, heading: str | None = None) -> dict[str, Any]:
    units = [Unit("paragraph", i + 1, p) for i, p in enumerate(paragraphs)]
    headings = [Heading(1, heading, "paragraph", 1)] if heading else []
    return read_inventory([(u, u.text.lower()) for u in units], headings)


def _finding(*paragraphs: str) -> dict[str, Any]:
    units = [Unit("paragraph", i + 1, p) for i, p in enumerate(paragraphs)]
    return next(f for f in check_plan(units) if f["check"] == "inventory")


@pytest.mark.parametrize(
    ("sentence", "year"),
    [
        ("In the CCC documents we use 1990 as the baseline and 2021 as a check point.", 1990),
        ("For the City 1990 is the baseline used for calculating climate neutrality.", 1990),
        (
            "Emissions were 27 percent lower compared to 2018, the year that the city uses as "
            "its baseline year for this contract.",
            2018,
        ),
        ("We will use the emissions from 2020 as our baseline for the 2030 target.", 2020),
        ("Figure 8: Summary of the 2019 baseline [tCO2eq]", 2019),
        ("A-1.4: GHG emissions by sector\nBase\nyear\n2019\nUnit\nt CO2 equivalent/year", 2019),
        ("Das Basisjahr ist 1990, die aktuelle Bilanz stammt aus 2019.", 1990),
    ],
)
def test_the_base_year_in_a_wording_of_its_own(sentence: str, year: int) -> None:
    assert _inventory(sentence)["base_year"] == year


def test_an_inventory_chapter_with_emission_figures_is_an_inventory() -> None:
    """Named "Greenhouse Gas Emissions Baseline Inventory" (no term of the search: it says
    "emissions baseline inventory"), with its table of tonnes."""
    heading = "Greenhouse Gas Emissions Baseline Inventory"
    found = _inventory(
        heading,
        "Table 4. Baseline for greenhouse gas emissions: transport 180 000 tonnes CO2e, "
        "buildings 120 000 tonnes CO2e.",
        heading=heading,
    )
    assert found["present_from"] is not None
    assert found["present_from"]["paragraph"] == 2


def test_a_chapter_heading_without_figures_is_no_inventory() -> None:
    heading = "Greenhouse Gas Emissions Baseline Inventory"
    found = _inventory(heading, "This module will be completed next year.", heading=heading)
    assert found["present_from"] is None


def test_a_base_year_beside_the_citys_measured_emissions_is_an_inventory() -> None:
    finding = _finding(
        "In 2022, the city's CO2 emissions were approximately 27 percent lower compared to "
        "2018, the year that the city uses as its baseline year for this CCC. This decrease "
        "is mainly due to lower energy use in homes, companies and institutions."
    )
    assert finding["present"]
    assert finding["base_year"] == 2018
    assert finding["evidence"][0]["paragraph"] == 1


def test_a_targets_base_year_alone_is_no_inventory() -> None:
    finding = _finding(
        "The city will reduce its greenhouse gas emissions by 55 % compared to the base year "
        "1990 by 2030."
    )
    assert not finding["present"]
