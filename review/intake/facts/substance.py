"""Whether the plan does a thing, not only names it.

In a short plan (a few pages, a few dozen paragraphs) one sentence is its chapter on a thing;
in a plan of 200 pages, one sentence is a passing mention. The rules below apply to long plans;
a short plan does a thing when it names it.

A word is cheap: every Climate City Contract mentions climate risks, adaptation and funding in
passing ("vulnerability to climate change", "a separate adaptation plan", "we applied for
external funding"). The plan does the thing when it says so with substance:
- financing: sentences that put money on it (an amount and a currency beside budget, cost,
  investment or funding), in at least MIN_FINANCED units;
- a risk and vulnerability assessment: a chapter named so, or the assessment named as such in
  at least MIN_ASSESSMENT units;
- adaptation actions: a chapter on adaptation, or adaptation spoken of in at least
  MIN_ADAPTATION units.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from review.intake.document import Heading, Unit

MIN_FINANCED = 2
FINANCE_WINDOW = 150
# A short plan (a few pages, a few dozen paragraphs) says what it costs once, in its chapter.
SHORT_PLAN_UNITS = 60
MIN_ASSESSMENT = 2
MIN_ADAPTATION = 5

# An amount: digits then a currency or a multiple ("1,138,000 EUR", "5 million", "3,5 Mio. €"),
# or a currency sign then digits ("€ 2.4m"). Led by a digit or a sign: fast to find.
_MONEY = re.compile(
    r"\d[\d.,]*\s?(?:€|£|eur\b|euro|mio\b|mio\.|million|billion|mrd|meur|dkk|sek\b|nok\b|"
    r"isk\b|huf\b|kr\b|gbp|tsd\.?\s?€|k€|m€)|[€£]\s?\d"
)
# "DKK 500m", "EUR 2.5bn": a currency code before the figure (looked for only where one stands).
_CODES = ("eur", "dkk", "sek", "nok", "isk", "huf", "gbp", "pln", "czk", "chf")
_MONEY_CODE_FIRST = re.compile(r"\b(?:eur|dkk|sek|nok|isk|huf|gbp|pln|czk|chf)\s?\d")
_MONEY_ANCHORS = (
    "€",
    "eur",
    "mio",
    "million",
    "billion",
    "mrd",
    "dkk",
    "sek",
    "nok",
    "isk",
    "huf",
    "kr",
    "£",
    "gbp",
)
_FINANCE = re.compile(
    r"budget|cost|invest|financ|funding|\bfunds?\b|finanzier|förder|haushalt|kosten|mittel\b"
)
_ASSESSMENT = re.compile(
    r"(?:risk and vulnerability|vulnerability and risk|climate risk|vulnerability|hazard)"
    r"\s(?:assessment|analysis|analyses)|risikoanalyse|vulnerabilitätsanalyse|"
    r"klimarisikoanalyse|betroffenheitsanalyse|klimawirkungsanalyse|verwundbarkeitsanalyse"
)
_ASSESSMENT_CHAPTER = re.compile(
    r"vulnerab|climate risk|risk assessment|hazard|klimarisik|betroffenheit|klimawirkung|"
    r"verwundbarkeit|klimafolgen"
)
_ADAPTATION_CHAPTER = re.compile(r"adaptation|klimaanpassung|anpassung an den klimawandel")

Hit = tuple[Unit, str, "re.Match[str]"]


def financed(units: Sequence[tuple[Unit, str]]) -> list[tuple[Unit, int, int]]:
    """Sentences that give an amount of money for budgets, costs, investments or funding (one
    per unit is enough)."""
    found = []
    for unit, text in units:
        if not any(a in text for a in _MONEY_ANCHORS):
            continue
        amounts = list(_MONEY.finditer(text))
        if not amounts and any(code in text for code in _CODES):
            amounts = list(_MONEY_CODE_FIRST.finditer(text))
        for m in amounts:
            # The words around the amount (a table row's cells count: "Total costs | 7.163 M€").
            start, end = max(0, m.start() - FINANCE_WINDOW), m.end() + FINANCE_WINDOW
            if _FINANCE.search(text, start, end):
                found.append((unit, m.start(), m.end()))
                break
    return found


def min_financed(units: int) -> int:
    return 0 if units < SHORT_PLAN_UNITS else MIN_FINANCED


def assessed(units: Sequence[tuple[Unit, str]], headings: Sequence[Heading]) -> bool:
    if len(units) < SHORT_PLAN_UNITS:
        return True
    if any(_ASSESSMENT_CHAPTER.search(h.title.lower()) for h in headings):
        return True
    named = (
        text
        for _, text in units
        if ("analys" in text or "assessment" in text) and _ASSESSMENT.search(text)
    )
    return sum(1 for _ in named) >= MIN_ASSESSMENT


def adapts(hits: list[Any], headings: Sequence[Heading], units: int) -> bool:
    if units < SHORT_PLAN_UNITS:
        return True
    if any(_ADAPTATION_CHAPTER.search(h.title.lower()) for h in headings):
        return True
    return len(hits) >= MIN_ADAPTATION
