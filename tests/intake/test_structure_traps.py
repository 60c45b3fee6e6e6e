"""Structures every real plan has, written as plans write them (none taken from a holdout
plan): tables of contents with and without leaders, over several pages and under other titles;
running headers and footers whose page number changes; the guidance of the NetZeroCities
Climate City Contract templates left in. None of it is the plan's own text, none is evidence."""

from __future__ import annotations

import pytest

from review.intake.document import Unit
from review.intake.findings import check_plan
from review.intake.structure import GUIDANCE, RUNNING, TOC, analyse

BODY = (
    "The city reduced its district heating losses by renewing pipes in the northern districts.\n"
    "Bus lines were extended to the new housing areas and the cycling network grew by 40 km.\n"
    "Schools and kindergartens took part in the energy saving campaign of the utility."
)


def _pages(*texts: str) -> list[Unit]:
    return [Unit("page", i + 1, t) for i, t in enumerate(texts)]


def _body_pages(n: int, first: int = 1) -> list[str]:
    return [
        f"{BODY}\nPage {k} goes on with the retrofit of the town hall."
        for k in range(first, first + n)
    ]


def _blanked(units: list[Unit], role: str) -> list[str]:
    structure = analyse(units)
    return [
        units[i].text[s.start : s.end]
        for i, spans in enumerate(structure.excluded)
        for s in spans
        if s.role == role
    ]


TOCS = {
    "dotted leaders": (
        "Table of Contents\n1 Introduction ........................ 3\n"
        "2 Baseline emission inventory ........ 5\n3 Risk and vulnerability assessment .... 9\n"
        "4 Mitigation actions ................. 12\n5 Financing and council decision ...... 20"
    ),
    "no leaders": (
        "Contents\n1 Introduction 3\n2 Baseline emission inventory 5\n"
        "3 Risk and vulnerability assessment 9\n4 Mitigation actions 12\n"
        "5 Financing and council decision 20"
    ),
    "capitals and spaced leaders": (
        "CONTENTS\nINTRODUCTION . . . . . . . . . 3\nBASELINE EMISSION INVENTORY . . . . 5\n"
        "RISK AND VULNERABILITY ASSESSMENT . . . 9\nMITIGATION ACTIONS . . . . . . 12\n"
        "FINANCING AND COUNCIL DECISION . . . 20"
    ),
    "tabs": (
        "Content\n1. Introduction\t3\n2. Baseline emission inventory\t5\n"
        "3. Risk and vulnerability assessment\t9\n4. Mitigation actions\t12\n"
        "5. Financing and council decision\t20"
    ),
    "Inhaltsverzeichnis without leaders": (
        "Inhaltsverzeichnis\n1 Einleitung 3\n2 Energie- und Treibhausgasbilanz 5\n"
        "3 Risiko- und Vulnerabilitätsanalyse 9\n4 Maßnahmenkatalog 12\n"
        "5 Finanzierung und Ratsbeschluss 20"
    ),
    "Inhalt with leaders": (
        "Inhalt\n1 Einleitung ............ 3\n2 Energie- und Treibhausgasbilanz ...... 5\n"
        "3 Risiko- und Vulnerabilitätsanalyse ...... 9\n4 Maßnahmenkatalog ...... 12\n"
        "5 Finanzierung und Ratsbeschluss ...... 20"
    ),
    "Index": (
        "Index\n1 Introduction 3\n2 Baseline emission inventory 5\n"
        "3 Risk and vulnerability assessment 9\n4 Mitigation actions 12\n"
        "5 Financing and council decision 20"
    ),
    "Inhaltsübersicht": (
        "Inhaltsübersicht\n1 Einleitung 3\n2 Energie- und Treibhausgasbilanz 5\n"
        "3 Risiko- und Vulnerabilitätsanalyse 9\n4 Maßnahmenkatalog 12\n"
        "5 Finanzierung und Ratsbeschluss 20"
    ),
    "wrapped titles": (
        "Table of contents\n1 Introduction 3\n2 The baseline emission inventory of the city and\n"
        "its key sectors 5\n3 Risk and vulnerability assessment 9\n"
        "4 Mitigation actions and their\nfinancing 12\n5 Council decision 20"
    ),
}


@pytest.mark.parametrize("name", TOCS)
def test_a_table_of_contents_is_never_evidence(name: str) -> None:
    units = _pages("Climate Action Plan of the City", TOCS[name], *_body_pages(22))
    toc_text = " ".join(_blanked(units, TOC))
    for words in (
        ("nventory", "isk", "itigation", "inancing")
        if "Inhalt" not in name
        else (
            "bilanz",
            "Vulnerabilität",
            "Maßnahmen",
            "Finanzierung",
        )
    ):
        assert words.lower() in toc_text.lower(), (name, toc_text)
    findings = {f["check"]: f for f in check_plan(units)}
    for check in ("inventory", "risk_vulnerability", "financing", "council_approval"):
        assert not findings[check]["evidence"], (name, check, findings[check]["evidence"])
        assert not findings[check].get("mentions"), (name, check)


def test_a_table_of_contents_over_two_pages() -> None:
    first = (
        "Contents\n1 Introduction ............ 3\n2 Context ............ 4\n"
        "3 Governance ............ 6\n4 Stakeholders ............ 8"
    )
    second = (
        "5 Baseline emission inventory ............ 10\n6 Risk and vulnerability assessment "
        "............ 14\n7 Mitigation actions ............ 18\n8 Financing ............ 30\n"
        "9 Monitoring and reporting ............ 34"
    )
    units = _pages("Climate Action Plan", first, second, *_body_pages(36))
    toc_text = " ".join(_blanked(units, TOC))
    assert "Baseline emission inventory" in toc_text and "Financing" in toc_text
    findings = {f["check"]: f for f in check_plan(units)}
    assert not findings["inventory"]["evidence"] and not findings["risk_vulnerability"]["evidence"]


def test_a_table_of_contents_over_two_pages_without_leaders() -> None:
    first = "Table of contents\n1 Introduction 3\n2 Context 4\n3 Governance 6\n4 Stakeholders 8"
    second = (
        "5 Baseline emission inventory 10\n6 Risk and vulnerability assessment 14\n"
        "7 Mitigation actions 18\n8 Financing 30\n9 Monitoring and reporting 34"
    )
    units = _pages("Climate Action Plan", first, second, *_body_pages(36))
    toc_text = " ".join(_blanked(units, TOC))
    assert "Baseline emission inventory" in toc_text and "Financing" in toc_text


HEADERS = {
    "city and title with a page number": "City of Exampleton | Climate City Contract 2030 | Page {n}",
    "title and page of pages": "Climate Action Plan 2030 – Risk, inventory and financing   {n} / 40",
    "page first": "{n} | Klimaschutzkonzept der Stadt Musterstadt – Finanzierung und Monitoring",
    "Seite n von m": "Integriertes Klimaschutzkonzept Musterstadt 2024 – Seite {n} von 40",
}


@pytest.mark.parametrize("name", HEADERS)
@pytest.mark.parametrize("where", ["header", "footer"])
def test_a_running_header_or_footer_with_its_changing_page_number(name: str, where: str) -> None:
    line = HEADERS[name]
    pages = [
        (f"{line.format(n=n)}\n{BODY}" if where == "header" else f"{BODY}\n{line.format(n=n)}")
        for n in range(1, 31)
    ]
    units = _pages(*pages)
    running = _blanked(units, RUNNING)
    assert len(running) >= 30, running
    findings = {f["check"]: f for f in check_plan(units)}
    for check in ("financing", "monitoring", "inventory", "risk_vulnerability"):
        assert not findings[check]["evidence"] and not findings[check].get("mentions"), check


GUIDANCE_TEXTS = [
    "This section should describe how the council decision supports the 2030 ambition.",
    "Please describe the financing of each action and the funding sources you plan to use.",
    "[Insert the date of the council decision here]",
    "[Insert the risk and vulnerability assessment]",
    "Guidance: list the funding sources and the budget of each action.",
    "Template guidance: the council decision and its date should be given here.",
    "In this module, describe the risk and vulnerability assessment of the city.",
    "Bitte beschreiben Sie die Finanzierung und den Ratsbeschluss.",
    "Ausfüllhinweis: Hier die Haushaltsmittel der Maßnahmen eintragen.",
]


@pytest.mark.parametrize("text", GUIDANCE_TEXTS)
def test_template_guidance_of_the_contract_templates_is_never_evidence(text: str) -> None:
    units = _pages(f"{BODY}\n{text}\n{BODY}", *_body_pages(3, 2))
    guidance = " ".join(_blanked(units, GUIDANCE))
    assert guidance, text
    body = analyse(units).body[0]
    for word in ("council", "financing", "funding", "risk", "Finanzierung", "Haushaltsmittel"):
        if word in text:
            assert word not in body, (text, body)
    assert "district heating losses" in body  # the plan's own text stays


def test_a_placeholder_is_blanked_alone_not_the_citys_text_beside_it() -> None:
    text = "The plan was approved by the City Council on 12 March 2024 [insert resolution number]."
    units = _pages(text)
    body = analyse(units).body[0]
    assert "approved by the City Council on 12 March 2024" in body
    assert "insert" not in body


@pytest.mark.parametrize(
    "text",
    [
        "In this chapter, we describe the risks the city faces.",
        "Guidance from the national energy agency helped the city to plan its heat network.",
        "[12] European Commission, Climate adaptation guidance, 2021.",
    ],
)
def test_the_citys_own_sentences_are_no_guidance(text: str) -> None:
    assert not _blanked(_pages(text), GUIDANCE)


WORDS = [
    "north",
    "south",
    "east",
    "west",
    "harbour",
    "river",
    "castle",
    "market",
    "station",
    "garden",
    "mill",
    "forest",
]


def _own_page(n: int) -> str:
    """A page of the plan's own text, each line its own (digits aside, as headers are told)."""
    a, b, c = (WORDS[(n * k) % len(WORDS)] + WORDS[n % 7] for k in (1, 5, 7))
    return (
        f"The {a} district gets new homes and shops along the {b} road.\n"
        f"The heat network reaches the {b} quarter and the {c} school.\n"
        f"A bus line runs from the {c} square to the {a} stop."
    )


def test_a_chapters_running_header_over_its_pages_only() -> None:
    """A header naming the chapter stands on the chapter's pages only (4 of 60: too few for a
    header of the whole document)."""
    header = "5 Financing and council decision | Climate Plan Exampleton"
    pages = [(f"{header}\n" if 10 <= n <= 13 else "") + _own_page(n) for n in range(1, 61)]
    units = _pages(*pages)
    structure = analyse(units)
    on = [
        units[i].number
        for i, spans in enumerate(structure.excluded)
        if any(s.role == RUNNING and "Financing" in units[i].text[s.start : s.end] for s in spans)
    ]
    assert on == [10, 11, 12, 13]
    findings = {f["check"]: f for f in check_plan(units)}
    assert not findings["financing"]["evidence"] and not findings["financing"].get("mentions")


def test_a_line_on_two_pages_in_a_row_is_the_plans_text() -> None:
    pages = [_own_page(n) for n in range(1, 61)]
    for n in (4, 5):
        pages[n] = "The funding of the heat network is agreed with the utility.\n" + pages[n]
    assert not _blanked(_pages(*pages), RUNNING)
