"""Markup a plan's conversion left in its text (inline LaTeX, HTML entities) reads as the plan
means it: in the evidence a reviewer sees, and for the rules that read the figures."""

from __future__ import annotations

import pytest

from review.config import Settings
from review.intake import read_document
from review.intake.markup import plain_text
from tests.support import plan_files


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        # as the real Climate City Contracts have them
        (r"the city's $\mathrm{CO}_{2}$ emissions", "the city's CO2 emissions"),
        (r"at least $80\%$ by 2030", "at least 80% by 2030"),
        (r"$4,7\mathrm{tCO}_{2}\mathrm{e}$ per capita", "4,7tCO2e per capita"),
        (r"$\left[\mathrm{tCO}_{2\mathrm{eq}}\right]$", "[tCO2eq]"),
        (r"residual emissions$^{6}$, the city", "residual emissions⁶, the city"),
        (r"$8,000~\mathrm{m}^3$ of water", "8,000 m³ of water"),
        (r"below $2^{\circ}\mathrm{C}$", "below 2°C"),
        (r"the award of a $4^{\text{th}}$ star", "the award of a 4th star"),
        (r"$\circ$ Mobility and Transport", "◦ Mobility and Transport"),
        (r"$&gt;83.3\%$ of the target", ">83.3% of the target"),
        ("Research &amp; Innovation", "Research & Innovation"),
        (r"$\mathrm{CO}_{2}$-Emissionen um $65\%$ senken", "CO2-Emissionen um 65% senken"),
        # a PDF's line broken inside the math keeps its break
        ("by at least $80\\%\n$ by 2050", "by at least 80%\n by 2050"),
        (
            "CO2 equivalents $\n(\\mathrm{CO}_{2}\\mathrm{e})$ based on",
            "CO2 equivalents \n(CO2e) based on",
        ),
        # a command cut by the PDF's line break, on the page and once its lines are joined
        ("of 0,8 $\\\nmathrm{tCO}_{2}\\mathrm{e}$ per", "of 0,8 tCO2e\n per"),
        (r"of 0,8 $\ mathrm{tCO}_{2}\mathrm{e}$ per", "of 0,8 tCO2e per"),
        # money and prose stay as written
        ("costs $5 million and $10 million", "costs $5 million and $10 million"),
        ("US$ 5 and US$ 6", "US$ 5 and US$ 6"),
        ("Kosten: 5 $ pro Tonne", "Kosten: 5 $ pro Tonne"),
        # math this module does not know stays as written
        (r"$\frac{1}{2}$ of it", r"$\frac{1}{2}$ of it"),
    ],
)
def test_simple_inline_math_and_entities_read_as_plain_text(written: str, meant: str) -> None:
    assert plain_text(written) == meant


def _with_latex(lines: list[list[str]], own: str, written: str) -> list[list[str]]:
    return [[written if line == own else line for line in page] for page in lines]


CASES = [
    (
        plan_files.PLAN_EN,
        "The town commits to reduce its greenhouse gas emissions by 55 % by 2030 compared to 1990.",
        r"The town commits to reduce its $\mathrm{CO}_{2}$ emissions by 55 % by 2030 "
        "compared to 1990 ($\\approx 4,7\\mathrm{tCO}_{2}\\mathrm{e}$ per capita).",
        "reduce its CO2 emissions by 55 % by 2030 compared to 1990 (≈ 4,7tCO2e per capita)",
    ),
    (
        plan_files.PLAN_DE,
        "Die Gemeinde senkt ihre Treibhausgasemissionen bis 2030 um 55 % gegenüber 1990.",
        r"Die Gemeinde senkt ihre $\mathrm{CO}_{2}$-Emissionen bis 2030 um 55 % "
        "gegenüber 1990 (Forschung &amp; Entwicklung).",
        "senkt ihre CO2-Emissionen bis 2030 um 55 % gegenüber 1990 (Forschung & Entwicklung)",
    ),
]


@pytest.mark.parametrize("kind", ["docx", "pdf"])
@pytest.mark.parametrize(("lines", "own", "written", "shown"), CASES)
def test_evidence_shows_latex_and_entities_as_the_plan_means_them(
    sqlite_settings: Settings, kind: str, lines, own: str, written: str, shown: str
) -> None:
    # The reviewer read "$\mathrm{CO}_{2}$" in the target's evidence.
    pages = _with_latex(lines, own, written)
    data = plan_files.plan_docx(pages) if kind == "docx" else plan_files.text_pdf(pages)
    doc = read_document(data, f"plan.{kind}", sqlite_settings)
    target = next(f for f in doc.findings if f["check"] == "target")
    headline = target["headline"]
    assert (headline["kind"], headline["percent"], headline["target_year"]) == (
        "reduction",
        55.0,
        2030,
    )
    assert headline["base_year"] == 1990
    assert shown in " ".join(headline["evidence"]["snippet"].split())
    # The text the rules read, and where evidence points, stay as extracted.
    assert r"$\mathrm{CO}_{2}$" in doc.text
