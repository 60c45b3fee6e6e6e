"""The findings in words where people look: the intake artifact's 'missing', the portal's and
the consolidated document's hint lines (review.eligibility reads the intake's summary)."""

from __future__ import annotations

from review.eligibility import finding_evidence, finding_text
from review.intake.document import Unit
from review.intake.findings import check_plan
from review.intake.report import missing
from review.portal.pages import finding_view

PLAN = [
    "Thus, the EU must reduce its emissions by at least 55% by 2030.",
    "Our city commits to reduce its greenhouse gas emissions by 60 % by 2030 compared to 1990.",
    "The baseline emission inventory for 2019 covers residential buildings, the tertiary sector, "
    "municipal buildings and transport.",
    "NetZeroCities has received funding from the H2020 Research and Innovation Programme under "
    "the grant agreement n°101036519.",
]


def _findings() -> dict[str, dict]:
    units = [Unit("paragraph", i + 1, text) for i, text in enumerate(PLAN)]
    return {f["check"]: f for f in check_plan(units)}


def test_the_target_line_names_the_plans_own_target_and_the_quoted_one() -> None:
    target = _findings()["target"]
    line = finding_text(target, "en")
    assert "own target: −60 % by 2030 against 1990" in line
    assert "EU −55 % by 2030" in line
    assert "Eigenes Ziel: −60 % bis 2030 gegenüber 1990" in finding_text(target, "de")
    view = finding_view(target, "en")
    assert view["present"] is True and "own target" in view["summary"]
    assert view["refs"][0]["paragraph"] == 2


def test_what_is_missing_in_words() -> None:
    words = missing(list(_findings().values()), "en")
    assert "no financing" in words  # the funding acknowledgement is not financing
    assert "no council decision" in words
    assert "no reduction target" not in words and "no baseline emission inventory" not in words
    assert "kein Ratsbeschluss" in missing(list(_findings().values()), "de")
    assert missing([], "en") == ""  # not checked (refused, no text layer)


def test_evidence_names_the_printed_page_beside_the_pdf_page() -> None:
    finding = {"evidence": [{"page": 7, "page_label": "5", "snippet": "Energie- und CO2-Bilanz"}]}
    assert finding_evidence(finding) == [("p. 5 (PDF 7)", "Energie- und CO2-Bilanz")]
    same = {"evidence": [{"page": 5, "page_label": "5", "snippet": "x"}]}
    assert finding_evidence(same) == [("p. 5", "x")]


def test_a_target_quoted_twice_is_listed_once() -> None:
    """Malmö's plan names the Mission's goal twice in one sentence (p. 7) and its own on many
    pages: the target line and the JSON's other targets list each target once."""
    plan = [
        "Malmö is one of the 100 selected municipalities in the EU that are working together to "
        "achieve climate neutrality by 2030, and one of the Net Zero Pilot cities. This mission is "
        "one of the EU's pioneering missions and an important tool in the implementation of EU's "
        "climate policy.",
        "The EU's climate target plan sets out a legislative program to reach the goal of climate "
        "neutrality by 2050 and reduce emissions by at least 55% by 2030.",
        "The City of Malmö has the ambition to become climate neutral by 2030.",
        "Malmö's goal of becoming climate neutral by 2030 guides every roadmap.",
        "Climate neutrality for Malmö by 2030 means: at least 70 % emission reductions compared "
        "to 1990.",
        "The EU aims at climate neutrality by 2050 and at least 55% less emissions by 2030.",
    ]
    units = [Unit("paragraph", i + 1, text) for i, text in enumerate(plan)]
    target = next(f for f in check_plan(units, city="malmö") if f["check"] == "target")
    line = finding_text(target, "en")
    quoted = line.split("quoted/other: ")[1].split("; ")
    assert len(quoted) == len(set(quoted)), line
    assert "EU −55 % by 2030" in quoted
    keys = [
        (t["kind"], t["percent"], t["target_year"], t["scope"]) for t in target["other_targets"]
    ]
    assert len(keys) == len(set(keys))
    assert ("neutrality", None, 2030, "city") not in keys  # the headline's year, said again


def test_the_inventory_line_names_the_sectors_in_the_readers_language() -> None:
    inventory = _findings()["inventory"]
    german = finding_text(inventory, "de")
    assert "Basisjahr 2019" in german
    assert (
        "Sektoren: kommunale Gebäude und Anlagen, tertiärer Sektor, Wohngebäude, Verkehr" in german
    )
    assert "sectors: municipal, tertiary, residential, transport" in finding_text(inventory, "en")
