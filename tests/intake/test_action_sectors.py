"""The mitigation actions' sectors are counted from what the actions act on, in the action
chapters, not from the plan's context.

The snippets paraphrase passages of the real plans in ../shared/data/plans (Copenhagen's and
Malmö's inventory tables in "Part A – Current State of Climate Action", the template's "key
local businesses", Groningen's municipal fleet, Reykjavik's "commercial cars" and stakeholder
cells, Parma's "business trips", Gävle's heat pumps in commercial buildings)."""

from __future__ import annotations

from review.intake.document import Heading, Unit
from review.intake.facts.actions import action_sectors


def _sectors(*chapters: tuple[str, list[str]]) -> list[str] | None:
    """The action sectors of a plan made of chapters: (heading, paragraphs under it)."""
    units: list[Unit] = []
    headings: list[Heading] = []
    for title, paragraphs in chapters:
        units.append(Unit("paragraph", len(units) + 1, title))
        headings.append(Heading(1, title, "paragraph", len(units)))
        units += [Unit("paragraph", len(units) + 1 + i, p) for i, p in enumerate(paragraphs)]
    found = action_sectors([(u, u.text.lower()) for u in units], headings)
    return None if found is None else found[0]


CONTEXT = (
    "Part A – Current State of Climate Action",
    [
        "Module A-1 informs the subsequent modules and the outlined pathways to accelerated "
        "climate action, including commitments and strategies of key local businesses.",
        "Residential Buildings 1 630 000 000 | Commercial & Institutional Buildings and "
        "Facilities 402 000 000",
    ],
)


def test_the_context_chapter_before_the_actions_gives_no_sector() -> None:
    portfolio = (
        "Module B-2 Climate Neutrality Portfolio Design",
        [
            "Action 3: renovate 5 000 social homes a year.",
            "Action 7: extend the tram network and public transport.",
        ],
    )
    assert _sectors(CONTEXT, portfolio) == ["residential", "transport"]


def test_a_fleet_commercial_cars_and_stakeholders_are_not_buildings() -> None:
    portfolio = (
        "Module B-2 Climate Neutrality Portfolio Design",
        [
            "Charging infrastructure for private cars, for commercial cars, trucks and public "
            "transport in the city districts.",
            "160 EV for the municipal fleet in 2025; replacing the company fleet, reducing "
            "business trips and home-work travel plans.",
            "Involved stakeholders: car rentals, private and public sector, local businesses.",
        ],
    )
    assert _sectors(portfolio) == ["transport"]


def test_actions_on_commercial_and_municipal_buildings_count() -> None:
    portfolio = (
        "Actions",
        [
            "Heat pumps in commercial buildings: proportion of commercial buildings heated with "
            "oil converted to heat pumps by 2030 | 45% | 1 kt",
            "In terms of the City Group's own buildings, new energy solutions will be sought.",
            "Energetische Sanierung kommunaler Liegenschaften und Wohngebäude.",
        ],
    )
    assert _sectors(portfolio) == ["municipal", "tertiary", "residential"]


def test_a_plan_without_an_action_chapter_has_no_chapter_sectors() -> None:
    assert _sectors(CONTEXT) is None


def test_a_plans_numbered_priorities_are_its_actions() -> None:
    """The Hague's CCC names its actions as priorities ("2.3.1 Priority 1: Retrofitting Homes
    to Stop Using Natural Gas"); a chapter on "Strategic priorities" of governance is not one."""
    priorities = [
        (
            "2.3.1 Priority 1: Retrofitting Homes to Stop Using Natural Gas (Energy Transition)",
            ["The objective is to annually provide 10.000 existing homes with an energy label."],
        ),
        (
            "2.3.2 Priority 2: Zero-Emission Zone (Sustainable Mobility)",
            ["From 2025, the environmental zone becomes a zero-emission zone for logistics."],
        ),
    ]
    assert _sectors(*priorities) == ["residential", "transport"]
    governance = ("3 Strategic priorities", ["Support for citizens covering housing and travel."])
    assert _sectors(governance) is None


def test_the_action_modules_title_unstyled_between_styled_headings() -> None:
    """Seville's "MODULE B-2: Portfolio of transformative actions" is a plain paragraph between
    the styled "MODULE B-1" and "B-2.3" headings; its action tables are the actions. A bus's
    "commercial speed" is no commercial building."""
    texts = [
        "MODULE B-1: Climate Neutral Scenarios and Impact Pathways",
        "The impact pathways describe the systemic levers of the city.",
        "MODULE B-2: Portfolio of transformative actions",
        "Pilot building project based on high energy efficiency parameters for monitoring and "
        "analysis of its application to other municipal buildings.",
        "Actions to promote public transport | In the short term, measures to improve the "
        "commercial speed of urban public transport and optimisation of the network.",
        "Through the implementation of bioclimatic architectural techniques in the design and "
        "construction of housing, the energy efficiency of buildings can be improved.",
        "B-2.3: Summary of residual emissions strategy",
        "Offsetting programmes will have as special target groups the shops in Seville.",
    ]
    units = [Unit("paragraph", i + 1, t) for i, t in enumerate(texts)]
    headings = [Heading(1, texts[0], "paragraph", 1), Heading(1, texts[6], "paragraph", 7)]
    found = action_sectors([(u, u.text.lower()) for u in units], headings)
    assert found is not None and found[0] == ["municipal", "residential", "transport"]
