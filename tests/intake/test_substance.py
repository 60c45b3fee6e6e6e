"""A long plan does a thing when it says so with substance, not when it names it in passing.

The snippets paraphrase passages of the real plans in ../shared/data/plans (Malmö's "Your text"
fields, Bratislava's EU allocations, Reykjavik's youth fund, Copenhagen's CCS roadmap, Parma's
adaptation in passing)."""

from __future__ import annotations

from typing import Any

from review.intake.document import Heading, Unit
from review.intake.facts.inventory import read_inventory
from review.intake.findings import check_plan
from review.intake.structure import GUIDANCE, analyse

FILLER = "The city works with its partners on the transition of the district heating network."


def _long_plan(*paragraphs: str) -> list[Unit]:
    """A plan of 80 paragraphs (a long plan: one sentence is a passing mention there)."""
    texts = list(paragraphs) + [FILLER] * (80 - len(paragraphs))
    return [Unit("paragraph", i + 1, t) for i, t in enumerate(texts)]


def _finding(units: list[Unit], check: str) -> dict[str, Any]:
    return next(f for f in check_plan(units) if f["check"] == check)


def test_a_template_field_label_hides_only_itself_not_the_citys_answer_under_it() -> None:
    page = (
        "2 Goal: Climate neutrality by 2030\nYour text\nThe climate neutrality 2030 goal is "
        "enshrined in the city's\nEnvironment Programme, adopted by the city council. The "
        "targets are\nsupported by key stakeholders."
    )
    units = [Unit("page", 1, page)]
    structure = analyse(units)
    assert [(page[s.start : s.end], s.role) for s in structure.excluded[0]] == [
        ("Your text", GUIDANCE)
    ]
    assert _finding(units, "council_approval")["present"]


def test_financing_stated_once_with_two_amounts_is_financing() -> None:
    units = _long_plan(
        "The operational programme for 2021-2027 includes an ERDF allocation of 26.99 million "
        "EUR for smart city initiatives, energy efficiency and green infrastructure. "
        "Additionally, there is a 221.891 million EUR allocation from the Cohesion Fund for "
        "sustainable transport investments.",
        "Funding for the renovation of schools is discussed with the region.",
    )
    financing = _finding(units, "financing")
    assert financing["present"]
    assert "26.99 million" in financing["evidence"][0]["snippet"]


def test_tonnes_and_a_restated_figure_are_not_financing() -> None:
    units = _long_plan(
        "The national roadmap and a financing model show how CCS can contribute with 3.2 "
        "million tons of CO2 reductions in 2030.",
        "The funding available for each youth project is 140.000 - 690.000 ISK (approximately "
        "960 - 4.700 EUR).",
    )
    assert not _finding(units, "financing")["present"]


def test_adaptation_named_often_is_no_adaptation_action() -> None:
    in_passing = [
        f"Paragraph {n}: our work on mitigation and adaptation goes on with the region."
        for n in range(6)
    ]
    acting = [
        "Action 12: create 100 cool islands by depaving schoolyards.",
        "Action 13: stormwater management with blue-green streets.",
        "Action 14: heat wave plan for the elderly.",
    ]
    assert not _finding(_long_plan(*in_passing), "adaptation_actions")["present"]
    assert _finding(_long_plan(*in_passing, *acting), "adaptation_actions")["present"]


def test_buildings_aggregated_cover_all_three_building_sectors_despite_services_in_passing() -> (
    None
):
    """Košice's A-1 table: "Buildings & Heating" as one sector; a note on "services" does not
    make the inventory a split one that lacks homes and municipal buildings."""
    heading = "Module A-1 Greenhouse Gas Emissions Baseline Inventory"
    table = (
        "Sector | Emissions (tCO2e)\nBuildings & Heating | 602682\nTransport | 180000\n"
        "Note: energy use of services is included in the district heating figures."
    )
    units = [Unit("paragraph", 1, heading), Unit("table", 1, table)]
    inventory = read_inventory(
        [(u, u.text.lower()) for u in units], [Heading(1, heading, "paragraph", 1)]
    )
    assert inventory["sectors"] == ["municipal", "tertiary", "residential", "transport"]


def test_participation_evidence_shows_people_taking_part_before_names_of_stakeholders() -> None:
    """Gävle: a paragraph on applying for funding names "stakeholder engagement" first; the
    plan's consultation is what shows participation (and a Beteiligung in German)."""
    units = _long_plan(
        "When we joined Viable Cities in 2021 we applied for external funding to develop a local "
        "climate agreement since stakeholder engagement was something we needed to develop.",
        "Our communication reaches the residents through the city's website.",
        "The action plan was open for consultation during three months and many of the "
        "suggestions from civil society were added to the plan.",
        "Die Bürgerbeteiligung umfasste zwei Bürgerwerkstätten und eine Online-Umfrage.",
    )
    participation = _finding(units, "participation")
    assert participation["present"]
    snippets = [e["snippet"] for e in participation["evidence"]]
    assert "open for consultation" in snippets[0]
    assert "Bürgerbeteiligung" in snippets[1]
    assert not any("external funding" in s for s in snippets[:2])


def test_a_council_decision_on_another_matter_is_not_the_plans() -> None:
    """Münster's Klimabilanz: the council's decision on a land-use plan is no decision behind
    the climate plan; the Gemeinderat adopting the Klimaschutzkonzept, or the city council
    approving the SECAP, is."""
    land_use = [
        Unit(
            "page",
            1,
            "Die Windenergie ist in Münster nur noch marginal ausgebaut worden. Auf Grund des "
            "Ratsbeschlusses zur 65. Änderung des Flächennutzungsplans der Stadt zur Darstellung "
            "von Konzentrationszonen sind nun mehrere neue Zonen ausgewiesen worden.",
        )
    ]
    assert not _finding(land_use, "council_approval")["present"]
    for text in (
        "Das Klimaschutzkonzept wurde am 12.03.2019 vom Gemeinderat beschlossen.",
        "The SECAP was approved by the City Council Plenary on 11 April 2019.",
    ):
        assert _finding([Unit("page", 1, text)], "council_approval")["present"], text


def test_a_report_of_many_full_pages_is_long_though_it_has_few_pages() -> None:
    """Münster's CO2 report: 22 full PDF pages. Naming a funding programme there ("Förderprogramm
    Altbausanierung") is no financing of its own, as it would be in a plan of three pages."""
    prose = (
        "Der Rückgang der Emissionen im Wärmebereich ist auf energieeffiziente Neubauten sowie "
        "umfangreiche Sanierungsmaßnahmen zurückzuführen, die Netzwerke mit Energieberatern und "
        "Handwerkern begleitet haben. "
    ) * 12
    named = "Dazu trug das Förderprogramm Altbausanierung bei; seine Finanzierung trägt die Stadt."
    report = [Unit("page", n, prose + (named if n == 12 else "")) for n in range(1, 23)]
    assert not _finding(report, "financing")["present"]
    short_plan = [Unit("page", 1, prose[:600] + named), Unit("page", 2, prose[:600])]
    assert _finding(short_plan, "financing")["present"]


def test_a_portfolio_of_actions_is_the_plans_mitigation_actions() -> None:
    """Angers names its mitigation actions only as the Climate City Contract's portfolio."""
    units = _long_plan(
        "3.2 Module B-2 Designing a climate neutral portfolio. The portfolio of impact actions "
        "that will enable us to achieve our climate neutrality objectives is shown in table 12."
    )
    assert _finding(units, "mitigation_actions")["present"]
    assert not _finding(_long_plan(), "mitigation_actions")["present"]


def test_a_listing_the_structure_missed_gives_evidence_last() -> None:
    """Bergamo's and Copenhagen's tables of contents and lists of figures, run together in the
    text layer: a mention there is shown after the plan's own text."""
    units = _long_plan(
        "B-3.1 Impact Indicators 70 C.1.1 Description or visualisation of the participatory "
        "governance model for climate neutrality 72 C.1.2 Sample Table: Relations 74",
        "Figure 9. Emissions until 2030. 21 Figure 10. An illustration of the activities "
        "carried out to co-create the plan "
        "together with stakeholders. 28 Figure 11. Estimated electricity use 31",
        "The expression of interest was followed by a workshop to present the pathway.",
    )
    evidence = _finding(units, "participation")["evidence"]
    assert "workshop to present" in evidence[0]["snippet"]
    assert any("Figure 11" in e["snippet"] for e in evidence[1:])


def test_a_council_decision_is_shown_once_not_again_as_a_mention_of_its_paragraph() -> None:
    decision = (
        "Der Gemeinderat hat das Klimaschutzkonzept in seiner Sitzung am 08.03.2022 mit 12 "
        "Ja-Stimmen beschlossen. Mit dem Gemeinderatsbeschluss verpflichtet sich die Gemeinde, "
        "das Konzept umzusetzen und jährlich über den Stand der Maßnahmen zu berichten."
    )
    again = "Der Beschluss des Gemeinderats zum Klimaschutzkonzept gilt bis 2030."
    units = _long_plan(decision, again)
    council = _finding(units, "council_approval")
    assert council["reference"] is not None
    shown = [e["paragraph"] for e in council["evidence"]]
    assert shown == [1, 2]


# Madrid pp. 272-273 (PDF text layer, one word a line in the table's narrow columns): Module
# C-3's cost table, its header on one page and its rows on the next.
MADRID_C3 = (
    "Financing of Action Portfolio (Economic Case)\nIt should contain the list of actions and "
    "actions indicated in modules B-2, C-1\nand C-2 and detail further cost-related information "
    "to provide the basis for\nthe Climate Investment Plan.\nThe assumptions set out in the "
    "Economic Model and the related costs to\ncarry them out are detailed below.\nMADRID\n"
    "Subse\nctor\nAssum\nptions\n2030\nStart\nand\nend\ndate\nScope\nof\naction\nImpac\nt\n"
    "Estim\nated\ntotal\ncost\nGHG\nreduct\nion (kt\nCO2e)\nOpera\ntional\ncost\nsaving\ns\n"
    "(MEU\nco-\nbenefi\nts\n(MEU\nR -\nNPV"
)
MADRID_C3_ROWS = (
    "R -\nNPV\n2020-\n2050)\n2020-\n2050)\nReduc\ntion in\nthe\nneed\nfor\nmotori\nsed\ntransp\n"
    "ort\n15% reduct\nion\n2020-\n2030\nTrans\nport\n215 3.822\n€\n€\n1.010\nModal\nshift\nto\n"
    "public\nand\nnon-\nmotori\nsed\ntransp\nort\n5% reduct\nion in\nprivat\ne\nvehicl\ne\n"
    "passe\nnger-\nkm\n2020-\n2030\nTrans\nport\n39 € 129 € 328 -169 €"
)


def _pdf_plan(*pages: str, heading: str) -> tuple[list[Unit], list[Heading]]:
    """A PDF of 80 pages whose chapter `heading` starts on the first of `pages` (page 70); the
    next chapter starts after them."""
    texts = [FILLER] * 69 + list(pages) + [FILLER] * (11 - len(pages))
    units = [Unit("page", i + 1, t) for i, t in enumerate(texts)]
    headings = [
        Heading(1, "Module B-2 Climate Neutrality Portfolio", "page", 10),
        Heading(2, heading, "page", 70),
        Heading(2, "Module C-4 Monitoring", "page", 70 + len(pages)),
    ]
    return units, headings


def _financing(units: list[Unit], headings: list[Heading]) -> dict[str, Any]:
    structure = analyse(units, headings)
    return next(f for f in check_plan(units, structure=structure) if f["check"] == "financing")


def test_a_cost_table_running_on_after_its_header_in_the_financing_chapter() -> None:
    """The rows' "€ 129" stand a page away from "Estimated total cost": in a chapter named for
    the financing, every amount counts."""
    units, headings = _pdf_plan(
        MADRID_C3, MADRID_C3_ROWS, heading="Financing of Action Portfolio (Economic Case)"
    )
    financing = _financing(units, headings)
    assert financing["present"]
    on_71 = [e["snippet"] for e in financing["evidence"] if e["page"] == 71]
    assert any("39 € 129 € 328" in snippet for snippet in on_71)
    units, headings = _pdf_plan(MADRID_C3, MADRID_C3_ROWS, heading="Stakeholder engagement")
    assert not _financing(units, headings)["present"]


def test_a_citys_debt_per_capita_is_no_budget() -> None:
    """Gävle's chapter "Funding and financing the transition": its debt per inhabitant and the
    comparable cities' are rates, no money the plan puts on its actions."""
    debt = (
        "Funding and financing the transition\nAs seen above, the total debt of Gävle "
        "municipality and its' companies are around EUR 6.800/capita, per 2022-12-31. That "
        "debt level is lower per capita than the average of other comparable cities (bigger "
        "city), which on average is about EUR 8.200/capita."
    )
    units, headings = _pdf_plan(debt, heading="Funding and financing the transition")
    assert not _financing(units, headings)["present"]
    # A sum a year is a budget (Malmö's action outlines).
    units, headings = _pdf_plan(
        "Funding and financing the transition\nInvestments TBD, 6.5 MSEK/year in operational costs",
        "232 MSEK for solar energy, batteries and smart control devices on 50% of the roofs",
        heading="Funding and financing the transition",
    )
    assert _financing(units, headings)["present"]
