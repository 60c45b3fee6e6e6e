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
        # Oslo's table: the bracketed label names the year before it, not the next column's.
        ("GHG emissions\n2009\n(baseline\nyear)\n2020\n(inventory)\n2023 2030", 2009),
        ("Emissions by sector, 1990 (reference year) and 2021", 1990),
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


def _sectors(heading: str, *units: Unit, headings: list[Heading] | None = None) -> list[str]:
    title = Unit("paragraph", 1, heading)
    listed = [title, *units]
    found = read_inventory(
        [(u, u.text.lower()) for u in listed],
        headings or [Heading(1, heading, "paragraph", 1)],
    )
    return found["sectors"]


def test_a_municipality_row_of_a_split_inventory_is_the_municipal_sector() -> None:
    """Bratislava's A-1 table: "Municipality | 15 679" beside Tertiary and Residential."""
    table = (
        "Sector | Scope 1 | Scope 2\nSector: Buildings | 632 748 | 530 766\n"
        "Municipality | 15 679 | 34 231\nTertiary | 300 599 | 307 809\n"
        "Residential | 316 471 | 181 363\nSector: Transport | 419 847 | 17 000"
    )
    sectors = _sectors(
        "Module A-1 Greenhouse Gas Emissions Baseline Inventory", Unit("table", 1, table)
    )
    assert sectors == ["municipal", "tertiary", "residential", "transport"]


def test_buildings_with_homes_named_in_passing_are_still_all_buildings() -> None:
    """ "Built environment is the emissions from buildings, both residential and not
    residential" is one aggregated sector, not a split one that lacks the others."""
    text = (
        "Built environment is the emissions from heating, cooling and using buildings, both "
        "residential and not residential, such as offices. Mobility includes all fuels used "
        "for transportation: 310 kt CO2."
    )
    sectors = _sectors("Greenhouse Gas Emissions Baseline Inventory", Unit("paragraph", 2, text))
    assert sectors == ["municipal", "tertiary", "residential", "transport"]


def test_false_friends_do_not_split_the_buildings() -> None:
    """ "Business as usual" is no business sector, "domestic hot water" no household sector."""
    text = (
        "A-1.3b: GHG emissions by source sector according to Business as Usual (BAU) 2030\n"
        "Buildings & Heating | heating demand (space heating + domestic hot water) | 2287 GWh\n"
        "Transport | 347 280 t"
    )
    sectors = _sectors("Module A-1 Baseline Inventory", Unit("table", 1, text))
    assert sectors == ["municipal", "tertiary", "residential", "transport"]


def _tertiary_evidence(*units: Unit) -> str | None:
    heading = Heading(1, "Module A-1 Greenhouse Gas Emissions Baseline Inventory", units[0].kind, 1)
    found = read_inventory([(u, u.text.lower()) for u in units], [heading])
    item = found["sectors_from"].get("tertiary")
    return None if item is None or item.get("aggregated") else item["snippet"]


def test_tertiary_evidence_shows_the_sector_not_goods_and_services_bought() -> None:
    """Malmö's A-1 module starts with its procurement goal ("goods and services"); the tertiary
    sector is the table's "Commercial & Institutional Buildings" further on. Goods and services,
    a bus service, the template's "key local businesses" and "Business as Usual" (one word a
    line in a PDF table) show no sector."""
    procurement = (
        "Module A-1 Greenhouse Gas Emissions Baseline Inventory\nProcurement of climate-smart and "
        "climate-neutral goods and services with special focus on construction, civil "
        "engineering, IT products and services, capital goods."
    )
    template = (
        "including commitments and strategies of key local businesses, and informs the "
        "subsequent modules. A night bus service runs every hour.\nA-1.3b:\nGHG\nEmissions\n"
        "Business\nas Usual\n(BAU)"
    )
    table = (
        "Buildings Residential Buildings 1 630 000 000 1 014 000 000\nCommercial & "
        "Institutional Buildings and Facilities 402 000 000 405 334 800"
    )
    pages = [Unit("page", 1, procurement), Unit("page", 2, template)]
    assert _tertiary_evidence(*pages) is None
    snippet = _tertiary_evidence(*pages, Unit("page", 3, table))
    assert snippet is not None and "Commercial & Institutional" in snippet
    for sector in ("Other services | 67 973 | 306 466", "Service buildings and offices | 1461"):
        assert _tertiary_evidence(Unit("table", 1, "Sector | MWh\n" + sector))
    businesses = "Heating of businesses' premises: 120 GWh; households: 340 GWh."
    assert _tertiary_evidence(Unit("paragraph", 1, businesses))
    gewerbe = "Ausweisung von Gewerbegebieten in Höhe von 121 ha. Private Haushalte | 900 kt"
    assert _tertiary_evidence(Unit("paragraph", 1, gewerbe)) is None
    assert _tertiary_evidence(Unit("table", 1, "Gewerbe + Sonstiges | 410 kt"))


def test_a_sectoral_emissions_chapter_shows_the_inventorys_sectors() -> None:
    """Glasgow: the sectors stand in a chapter "Sectoral Emissions", a "domestic" sector for
    the homes and "Public Sector" for the municipality's own."""
    table = (
        "Sector | 2006 | 2022 | Reduction\nDomestic | 1500.1 | 800.2 | 46%\n"
        "Transport | 970.5 | 787.2 | 18.9%\nCommercial | 993.7 | 384.4 | 61.3%\n"
        "Public Sector | 398.8 | 224.2 | 43.8%"
    )
    assert _sectors("Sectoral Emissions", Unit("table", 1, table)) == [
        "municipal",
        "tertiary",
        "residential",
        "transport",
    ]


def test_a_template_module_runs_to_the_next_module_whatever_its_headings_levels() -> None:
    """A PDF gave "Module A-1" and its sub-heading one level: the module still runs on to its
    table, and stops where the next module's table opens."""
    units = [
        Unit("paragraph", 2, "Coverage of Emissions Reporting"),
        Unit("table", 1, "A-1.4: GHG emissions\nResidential | 120 kt\nTransport | 300 kt"),
        Unit("table", 2, "A-2.1: Policies\nCommercial buildings strategy | city | relevant"),
    ]
    heading = "2.1 Module A-1 Greenhouse Gas Emissions Baseline Inventory"
    headings = [Heading(2, heading, "paragraph", 1), Heading(2, units[0].text, "paragraph", 2)]
    assert _sectors(heading, *units, headings=headings) == ["residential", "transport"]


def test_without_a_base_year_of_its_own_the_inventory_takes_its_targets_reference_year() -> None:
    """Malmö's A-1 tables leave the year field empty; its target is measured against 1990."""
    finding = _finding(
        "The emission inventory covers buildings, transport, waste and industry.",
        "The city will reduce its territorial greenhouse gas emissions by 70 % by 2030 "
        "compared to 1990.",
    )
    assert finding["present"]
    assert finding["base_year"] == 1990
    assert finding["base_year_evidence"]["from_target"]
    assert "base year 1990" in finding["summary"]["en"]
