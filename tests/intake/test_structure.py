"""Structure of real plans: what is not the plan's own text never becomes evidence.

The snippets are short quotations of the real plans in ../shared/data/plans (Münster's
Klimabilanz, the NetZeroCities Climate City Contracts of Angers, Lahti, Bergamo)."""

from __future__ import annotations

from review.intake.document import Heading, Unit
from review.intake.findings import check_plan
from review.intake.structure import (
    DISCLAIMER,
    FUNDING,
    GUIDANCE,
    RUNNING,
    TOC,
    analyse,
)

KLIMABILANZ_TOC = """Seite 2
Inhaltsverzeichnis
1. Ergebnis der CO2-Bilanz 1990 - 2015 ............................................ 5
2. Entwicklung der Energie- und CO2-Bilanzierung in den Bereichen Wärme, Strom und Verkehr
1990 bis 2015 ............................................................................. 8
2.1 Entwicklungen im Bereich Wärme (Endenergie und CO2-Emissionen) .............. 10
2.3 Entwicklungen im Bereich Verkehr (Endenergie und CO2-Emissionen) ........... 14
4. Fazit und Ausblick ................................................................ 22"""


def _pages(*texts: str) -> list[Unit]:
    return [Unit("page", i + 1, t) for i, t in enumerate(texts)]


def _klimabilanz() -> list[Unit]:
    body = [f"Seite {n}\nText über Fernwärme und Strom auf Seite {n}." for n in range(3, 23)]
    body[2] = (
        "Seite 5\n1. Ergebnis der CO2-Bilanz 1990 - 2015\nFür Münster bildet das Jahr 1990 mit "
        "2.517 kt CO2-Emissionen das sogenannte Basisjahr. Dabei stellen die drei Bereiche "
        "Wärme, Strom und Verkehr die untersuchten Sektoren dar."
    )
    return _pages("Seite 1\nEnergie- und Klimabilanz\nder Stadt Münster", KLIMABILANZ_TOC, *body)


def test_table_of_contents_is_recognised_and_never_evidence() -> None:
    units = _klimabilanz()
    structure = analyse(units)
    assert [u.number for u in structure.toc_units()] == [2]
    titles = [e.title for e in structure.toc]
    assert "1. Ergebnis der CO2-Bilanz 1990 - 2015" in titles
    assert {e.page_label for e in structure.toc} >= {"5", "8", "22"}
    # The wrapped line "1990 bis 2015 ....." belongs to the table of contents too.
    assert "Bilanz" not in structure.body[1] and "Verkehr" not in structure.body[1]
    inventory = next(f for f in check_plan(units, structure=structure) if f["check"] == "inventory")
    assert inventory["present"]
    assert all(e["page"] != 2 for e in inventory["evidence"])
    assert inventory["evidence"][0]["page"] == 1


def test_printed_page_labels_and_chapters_found_through_the_table_of_contents() -> None:
    units = _klimabilanz()
    structure = analyse(units)
    assert structure.page_labels[5] == "5" and structure.page_labels[22] == "22"
    heading = next(h for h in structure.headings if h.title.startswith("1. Ergebnis"))
    assert (heading.kind, heading.number) == ("page", 5)
    evidence = next(f for f in check_plan(units, structure=structure) if f["check"] == "inventory")
    on_page_5 = [e for e in evidence["evidence"] if e["page"] == 5]
    assert on_page_5 and on_page_5[0]["page_label"] == "5"
    assert "Seite 5" not in on_page_5[0]["snippet"]  # the running header is not in the snippet


def test_running_header_is_not_evidence() -> None:
    """A header a conversion left in the text on every page ("Climate Neutrality Action Plan")
    names no chapter; a file path printed on every page mentions no monitoring."""
    header = "C:\\Projekte\\Klimaschutz\\Monitoring\\Klimaschutzkonzept_Endfassung.docx"
    pages = [f"{header}\nDie Stadt baut Radwege, Abschnitt {n}.\n{n}" for n in range(1, 11)]
    structure = analyse(_pages(*pages))
    assert all(any(s.role == RUNNING for s in spans) for spans in structure.excluded)
    monitoring = next(f for f in check_plan(_pages(*pages)) if f["check"] == "monitoring")
    assert not monitoring["present"]


def test_a_forms_header_repeated_with_every_record_is_not_evidence() -> None:
    """Münster's progress report: each action is a record under the table's header
    ("Handlungsfeld / Nr. Titel / Zuständigkeit ...", "Beschreibung im Handlungskonzept"),
    printed once or twice on every page; the header's words are no mitigation action. A
    table's labels on a few pages, several times each, stay content."""
    record = (
        "Handlungsfeld /\nNr. Titel / Zuständigkeit Priorität / CO2-\nMinderungspotenzial\n"
        "Beschreibung im Handlungskonzept\nDie Stadt saniert {what}.\n"
    )
    works = [
        "Schulen",
        "Brücken",
        "Kitas",
        "Bäder",
        "Hallen",
        "Straßen",
        "Ämter",
        "Wege",
        "Plätze",
        "Parks",
    ]
    pages = [
        "".join(record.format(what=f"{works[n]} und {works[k]}") for k in range(1 + n % 2))
        for n in range(10)
    ]
    structure = analyse(_pages(*pages))
    assert all("Handlungskonzept" not in body for body in structure.body)
    assert all("Die Stadt saniert" in body for body in structure.body)
    labels = "Sector Residential buildings\nSector Transport and mobility\n"
    few = [
        f"Über {w}\n" + (labels * 3 if n < 3 else "") + f"{w} enden." for n, w in enumerate(works)
    ]
    assert "Sector Residential buildings" in analyse(_pages(*few)).body[0]


def test_table_of_contents_with_short_leaders_and_a_wrapped_title() -> None:
    page = (
        "NetZeroCities has received funding from the H2020 Research and\n"
        "Innovation Programme under the grant agreement n°101036519.\n"
        "Table of contents\nTable of contents ... 2\nSummary ... 3\nIntroduction ... 7\n"
        "Module A-1 Baseline inventory of greenhouse gas emissions ... 19\n"
        "Module A-3 Systemic obstacles and opportunities for climate neutrality by\n2030 ... 33\n"
        "Module B-3 Monitoring, evaluation and learning indicators ... 70\n"
        "Module C-3 Financing of Action Portfolio ... 77"
    )
    structure = analyse(_pages(page))
    assert "inventory" not in structure.body[0] and "Financing" not in structure.body[0]
    assert any(s.role == TOC for s in structure.excluded[0])
    found = {f["check"]: f for f in check_plan(_pages(page), structure=structure)}
    assert not found["inventory"]["present"] and not found["financing"]["present"]
    assert not found["monitoring"]["present"]


def test_word_table_of_contents_paragraphs() -> None:
    units = [
        Unit("paragraph", 1, "Table of Contents"),
        Unit("paragraph", 2, "Summary\t3"),
        Unit("paragraph", 3, "Module A-1 Greenhouse Gas Emissions Baseline Inventory\t9"),
        Unit("paragraph", 4, "Module C-3 Financing of Action Portfolio\t77"),
        Unit("paragraph", 5, "Summary"),
        Unit("paragraph", 6, "Our city will be climate neutral by 2030."),
    ]
    structure = analyse(units, [Heading(1, "Summary", "paragraph", 5)])
    assert [e.title for e in structure.toc][:3] == [
        "Summary",
        "Module A-1 Greenhouse Gas Emissions Baseline Inventory",
        "Module C-3 Financing of Action Portfolio",
    ]
    assert structure.body[4] == "Summary"  # the heading itself is the plan's text
    found = {f["check"]: f for f in check_plan(units, structure=structure)}
    assert not found["inventory"]["present"] and not found["financing"]["present"]


def test_template_guidance_is_not_the_plan_doing_it() -> None:
    units = [
        Unit(
            "paragraph",
            1,
            "Your 2030 ambition should be supported at a minimum by a Council decision.",
        ),
        Unit(
            "paragraph",
            2,
            'Module A-1 "Greenhouse Gas Emissions Baseline Inventory" should detail and describe '
            "the city's latest GHG inventory to establish the emission baseline.",
        ),
        Unit(
            "paragraph",
            3,
            "This section should list the working steps carried out, for example along the NZC "
            "Climate Transition Map, and describe the monitoring and reporting.",
        ),
        Unit("paragraph", 4, "Textual element"),
        Unit("paragraph", 5, "The city of Lahti reduces traffic in the centre."),
    ]
    structure = analyse(units)
    assert [bool(spans) and spans[0].role for spans in structure.excluded] == [
        GUIDANCE,
        GUIDANCE,
        GUIDANCE,
        GUIDANCE,
        False,
    ]
    found = {f["check"]: f for f in check_plan(units, structure=structure)}
    assert not found["council_approval"]["present"]
    assert not found["inventory"]["present"]
    assert not found["monitoring"]["present"]


def test_city_text_that_says_should_is_kept() -> None:
    text = (
        "The development of the new heating strategy is a key measure of our CCC, and should "
        "help define the necessary pathways. The plan was approved by the City Council on "
        "12 March 2024."
    )
    structure = analyse([Unit("paragraph", 1, text)])
    assert structure.excluded[0] == []
    council = next(
        f for f in check_plan([Unit("paragraph", 1, text)]) if f["check"] == "council_approval"
    )
    assert council["present"]


def test_funding_acknowledgement_and_disclaimer_are_not_financing() -> None:
    page = (
        "NET ZERO CITIES\nEU MISSION PLATFORM | CLIMATE NEUTRAL AND SMART CITIES\n"
        "2030 Climate Neutrality Action Plan of Bergamo\n"
        "The content of this document reflects only the author's view. The European\n"
        "Commission is not responsible for any use that may be made of the\n"
        "information it contains.\n"
        "NetZeroCities has received funding from the H2020 Research and\n"
        "Innovation Programme under the grant agreement n°101036519."
    )
    structure = analyse(_pages(page))
    roles = {s.role for s in structure.excluded[0]}
    assert {FUNDING, DISCLAIMER} <= roles
    assert "funding" not in structure.body[0].lower()
    financing = next(f for f in check_plan(_pages(page)) if f["check"] == "financing")
    assert not financing["present"]


def test_a_plan_that_names_its_funding_sources_has_financing() -> None:
    text = (
        "Funding of the building retrofits comes from the municipal budget and the European "
        "Regional Development Fund; the financing plan is in Module C-3."
    )
    financing = next(
        f for f in check_plan([Unit("paragraph", 1, text)]) if f["check"] == "financing"
    )
    assert financing["present"]


def test_a_council_decision_still_to_come_is_not_one_taken() -> None:
    """Groningen: 'is expected to be adopted by the city council in autumn 2024'."""
    expected = (
        "The Roadmap Groningen CO2 neutral 2035 is currently under revision and is expected to "
        "be adopted by the city council in autumn 2024."
    )
    taken = "The Roadmap was adopted by the city council on 12 March 2024."
    council = {
        text: next(
            f for f in check_plan([Unit("paragraph", 1, text)]) if f["check"] == "council_approval"
        )
        for text in (expected, taken)
    }
    assert not council[expected]["present"]
    assert council[taken]["present"] and council[taken]["reference"] == "12 March 2024"


# Lists whose entries wrap over several lines, with the page number at the end or alone on a
# line, and run on over the next page: Bergamo pp. 5-6, Budapest p. 4, Copenhagen p. 4.
BERGAMO_TABLES = (
    "List of tables\nTable No Title Page\nI-1.1 Climate Neutrality\nTarget by 2030\n12\n"
    "A-1.1 Final energy use by\nsource sectors\n15\nA-1.5 Graphs and diagrams 18\n"
    "A-2.3 Emission Gap 32\nA-3.1 Description of urban\nsystems, systemic\nbarriers, and\n34"
)
BERGAMO_TABLES_ON = (
    "opportunities\nA-3.2 Systems & stakeholder\nmapping\n39\nB-1.1 Impact Pathways 46\n"
    "B-2.2c Behavioural actions 59\nC.1.1 Description or\nvisualisation of the\nparticipatory\n"
    "governance model for\nclimate neutrality\n72\nC.2.1 Sample Table:\nRelations between\n"
    "social innovations,\nsystems, and impact\npathways\n79\nC.2.2 Description of social\n"
    "innovation\ninterventions\n81"
)
BUDAPEST_FIGURES = (
    "List of figures\n"
    "Figure: Annual number of heat-wave days with a daily mean temperature of\n"
    "at least 27 °C for at least 3 days in the Budapest area between 1901 and\n"
    "2023, based on homogenized data (Source: Hungarian Meteorological\nInstitute, OMSZ) ... 11\n"
    "Figure: Strategic thematic goals of the Municipality (Source: IUDS, 2021) ...\n13\n"
    "Figure: Picture from the city's climate protection workshops organised for\n"
    "local companies ... 14\n"
    "Figure: Picture from Budapest's first citizen assembly on climate\nemergency ... 15\n"
    "Figure: Land use map of Budapest ... 17"
)
COPENHAGEN_FIGURES = (
    "List of figures\nFigure 1. Map of Copenhagen. The area of Copenhagen is 90,9 km2. 11\n"
    "Figure 3. Main power plants in Copenhagen. Black circle = peak load\n"
    "installations; Black square = Amagerværket power station; Black triangle =\n"
    "Amager Bakke waste-to-energy plant. Credit: FFH50. 11\n"
    "Figure 6. Per cent reduction obtained vs the 2010 baseline. 14\n"
    "Figure 10. An illustration of some of the activities carried out to co-create\n"
    "the Climate Action 2035 plan together with stakeholders. 28\n"
    "Figure 14. The role and influence of the City of Copenhagen as regards\n"
    "reduction potential. Model developed by CONCITO. 55"
)
ABBILDUNGEN = (
    "Abbildungsverzeichnis\nAbbildung 1: Entwicklung der CO2-Emissionen nach\nSektoren 1990 bis "
    "2015\n5\nAbbildung 2: Beteiligung der Bürgerinnen und Bürger am\nKlimaschutzkonzept 9\n"
    "Tabelle 1: Endenergieverbrauch der privaten Haushalte 12"
)
# Oslo p. 4: entries on a range of pages ("18-19"), three of them between two single pages.
OSLO_TABLES = (
    "List of tables\nTable No Table title Page No\nTable 1 A-2.1: List of relevant\n"
    "policies, strategies &\nregulations\n14-15\nTable 2 GHG emissions in the\n"
    "City of Oslo 2020, 2023\nand 2030\n17\nTable 3 Mitigation measures in\nthe Climate Budget"
    "\n18-19\nTable 4 Preliminary set of\nindicators for indirect\nemissions\n34-35\n"
    "Table 5 Identified measures\nand estimated isolated\neffect\n51\nTable 6 Outcome "
    "indicators in\nClimate Barometer\n66\nTable 7 C1.1. Enabling\norganisational and\n"
    "governance\ninterventions\n67-69\nTable 8 C.2.1: Enabling social\ninnovation\ninterventions\n72-76"
)
BODY = "The city council held workshops with residents on the heating plan in 2023."
# The rest of a plan of 90 pages (a listing's page numbers are within the plan's length).
REST = [f"Chapter text on page {n}." for n in range(90)]


def test_lists_of_figures_and_wrapped_tables_of_contents_are_never_evidence() -> None:
    for pages in (
        [BERGAMO_TABLES, BERGAMO_TABLES_ON],
        [BUDAPEST_FIGURES],
        [COPENHAGEN_FIGURES],
        [ABBILDUNGEN],
        [OSLO_TABLES],
    ):
        units = _pages(*pages, BODY, *REST)
        structure = analyse(units)
        for body in structure.body[: len(pages)]:
            assert body.strip() == "", body
        assert structure.body[len(pages)] == BODY
        found = {f["check"]: f for f in check_plan(units, structure=structure)}
        participation = found["participation"]
        assert participation["present"]
        assert {e["page"] for e in participation["evidence"]} == {len(pages) + 1}


def test_a_body_page_with_numbers_at_line_ends_is_no_listing() -> None:
    """A sentence naming "a list of" actions over a table of small numbers is the plan's text,
    and so is the page after it."""
    page = (
        "The list of actions below gives the savings per sector in GWh:\nTransport 12\n"
        "Buildings 25\nWaste 31\nIndustry 40\nThe city will monitor them every year."
    )
    after = "Heating 3\nCooling 7\nLighting 9\nThe savings add up to 140 GWh."
    structure = analyse(_pages(page, after, *REST))
    assert structure.body[:2] == [page, after]


# Bergamo p. 4's foot (its PDF has no printed page numbers; here a plan that prints them at the
# foot of each page, under the list of figures the page ends with) and p. 8's stray "C".
BERGAMO_FIGURES_FOOT = (
    "to be reduced with the strengthening and development of strategies.\n"
    "List of figures\nFigure No Title Page\n"
    "Figure A.5 Summary of Waste\nsector emissions\n22\n"
    "Figure A.6 Livestock as of 31\nDecember 2021 and\necological/environment\n"
    "al resources of the\nMunicipality of\nBergamo\n22"
)
BERGAMO_P8_FOOT = (
    "disjointed tools, the city of Bergamo's Mission started\nCERIPO SCOLASTICA CAMPANIA\n"
    "COMUNE DI BERGAMO\nClimate Neutrality Action Plan\nC"
)


def test_the_printed_page_number_under_a_listings_last_entry() -> None:
    """The page label is the printed number that agrees with the other pages, not the listing's
    last page number standing just above it; a stray letter is no Roman page number."""
    pages = [f"Chapter text on page {n}.\n{n}" for n in range(1, 13)]
    pages[3] = BERGAMO_FIGURES_FOOT + "\n4"
    pages[7] = BERGAMO_P8_FOOT + "\n8"
    pages[9] = BERGAMO_P8_FOOT
    structure = analyse(_pages(*pages))
    assert structure.page_labels[4] == "4"
    assert structure.page_labels[8] == "8"
    assert 10 not in structure.page_labels
    assert structure.page_labels == {n: str(n) for n in range(1, 13) if n != 10}


def test_roman_page_numbers_only_in_the_front_matter() -> None:
    front = ["Title page", "Preface\nii", "Contents\niii"]
    body = [f"Chapter text.\n{n}" for n in range(1, 9)]
    structure = analyse(_pages(*front, *body))
    assert structure.page_labels[2] == "ii" and structure.page_labels[3] == "iii"
    assert structure.page_labels[4] == "1" and structure.page_labels[11] == "8"


def _council(text: str) -> dict:
    units = [Unit("paragraph", 1, text)]
    return next(f for f in check_plan(units) if f["check"] == "council_approval")


def test_a_council_decision_given_by_its_number() -> None:
    """Lisbon names the Municipal Assembly only as "AML" inside the resolution's number; a
    decision with its number, beside the plan it approves, is the council's decision. German
    plans give it as Beschluss-Nr., Drucksache or Vorlage."""
    taken = {
        "In 2018, Lisbon approved the Action Plan for Sustainable Energy and Climate (PAESC), a "
        "mandatory instrument under the Global Covenant of Mayors (Resolution No. 241/AML/2018, "
        "published in the 5th Supplement to Municipal Bulletin No. 1271);": "241/AML/2018",
        "By Resolution No. 57/2022 the city adopted its Climate Action Plan 2030.": "57/2022",
        "Das Klimaschutzkonzept wurde im Dezember 2019 beschlossen (Drucksache 0123/2019).": (
            "0123/2019"
        ),
        "Mit Beschluss-Nr. 45/2021 hat die Stadt den Klimaschutzplan verabschiedet.": "45/2021",
        "Der Masterplan 100 % Klimaschutz wurde mit der Vorlage V/0592/2010 beschlossen.": (
            "V/0592/2010"
        ),
    }
    for text, reference in taken.items():
        council = _council(text)
        assert council["present"], text
        assert reference in council["reference"], (text, council["reference"])
    not_taken = [
        # signed, not approved; a number without a decision; a decision still to come
        "In 2009, Lisbon signed the Covenant of Mayors (Resolution No. 994/CM/2008, published in "
        "Municipal Bulletin No. 772);",
        "Die Vorlage 12/2020 beschreibt den Stand der Radwege im Klimaschutzkonzept.",
        "The Climate Action Plan is to be approved in 2025 (Resolution No. 12/2025 in draft).",
    ]
    for text in not_taken:
        assert not _council(text)["present"], text


def test_a_year_on_a_line_of_its_own_at_a_pages_top_is_the_plans_text() -> None:
    """Oslo p. 23: a table's first column "2009 (baseline year)" stands on the page's second
    line. A bare number there is the printed page number; a year is the table's, and it is
    the inventory's base year (not the next column's 2020)."""
    oslo_p23 = (
        "GHG emissions in the City of Oslo 2020, 2023 and 2030\n2009\n(baseline\nyear)\n2020\n"
        "(inventory)\n2023 2030\nEmission\nlevel (tonnes\nCO2eq)*\n1,442,878 1,084,233 962,000 "
        "548,300\n*The figures are based on the latest available emission inventory from the\n"
        "Norwegian Environment Agency.\n23"
    )
    pages = [f"Oslo's climate strategy, page {n}.\nText of the plan.\n{n}" for n in range(20, 23)]
    units = [Unit("page", i + 1, t) for i, t in enumerate([*pages, oslo_p23])]
    structure = analyse(units)
    page = units[3].text
    running = [page[s.start : s.end] for s in structure.excluded[3] if s.role == RUNNING]
    assert "23" in running and "2009" not in running
    inventory = next(f for f in check_plan(units, structure=structure) if f["check"] == "inventory")
    assert inventory["base_year"] == 2009
