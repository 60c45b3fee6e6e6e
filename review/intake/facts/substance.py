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

MIN_FINANCED = 3
# A short plan (a few pages, a few dozen paragraphs) says what it costs once, in its chapter.
SHORT_PLAN_UNITS = 60
MIN_ASSESSMENT = 2
MIN_ADAPTATION = 5

_MONEY = re.compile(
    r"€|\beur\b|\beuro|\bmio\b|\bmillion|\bbillion|\bmrd\b|\bmeur|\bdkk|\bsek\b|\bnok\b|\bisk\b|"
    r"\bhuf\b|\bkr\b|£|\bgbp|k€|m€|\btsd\.?\s?€"
)
_FINANCE = re.compile(
    r"budget|cost|invest|financ|funding|\bfunds?\b|finanzier|förder|haushalt|kosten|mittel\b"
)
_DIGIT = re.compile(r"\d")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n\s*\n|\s\|\s")
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
    """Sentences that give an amount of money for budgets, costs, investments or funding."""
    found = []
    for unit, text in units:
        if not _MONEY.search(text) or not _DIGIT.search(text):
            continue
        at = 0
        for sentence in _SENTENCE.split(text):
            start = text.find(sentence, at)
            at = start + len(sentence)
            if _MONEY.search(sentence) and _DIGIT.search(sentence) and _FINANCE.search(sentence):
                found.append((unit, start, start + len(sentence)))
                break  # one per unit is enough
    return found


def min_financed(units: int) -> int:
    return 0 if units < SHORT_PLAN_UNITS else MIN_FINANCED


def assessed(units: Sequence[tuple[Unit, str]], headings: Sequence[Heading]) -> bool:
    if len(units) < SHORT_PLAN_UNITS:
        return True
    if any(_ASSESSMENT_CHAPTER.search(h.title.lower()) for h in headings):
        return True
    return sum(1 for _, text in units if _ASSESSMENT.search(text)) >= MIN_ASSESSMENT


def adapts(hits: list[Any], headings: Sequence[Heading], units: int) -> bool:
    if units < SHORT_PLAN_UNITS:
        return True
    if any(_ADAPTATION_CHAPTER.search(h.title.lower()) for h in headings):
        return True
    return len(hits) >= MIN_ADAPTATION
