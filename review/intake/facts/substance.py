"""Whether the plan does a thing, not only names it.

In a short plan (a few pages, a few dozen paragraphs) one sentence is its chapter on a thing;
in a plan of 200 pages, one sentence is a passing mention. The rules below apply to long plans;
a short plan does a thing when it names it. Short is short in units and in text: a report of 22
PDF pages holds as much text as 500 paragraphs ("Förderprogramm Altbausanierung" named in a
CO2 report is no financing of its own).

A word is cheap: every Climate City Contract mentions climate risks, adaptation and funding in
passing ("vulnerability to climate change", "a separate adaptation plan", "we applied for
external funding"). The plan does the thing when it says so with substance:
- financing: amounts of money (a figure and a currency beside budget, cost, investment or
  funding, or anywhere in a chapter named for them), at least MIN_FINANCED of them (two in
  one paragraph count);
- a risk and vulnerability assessment: a chapter named so, or the assessment as done in at
  least MIN_ASSESSMENT units: named as such (not as a task to come, template guidance or another
  document), or reported through its framework (hazards, exposure, sensitivity);
- adaptation actions: a chapter on adaptation, or adaptation spoken of in at least
  MIN_ADAPTATION units; and what adaptation acts on (heat, stormwater, flooding, drought) in
  at least MIN_ADAPTING units.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

from review.intake.document import Heading, Unit
from review.intake.facts.text import chapter_units
from review.intake.scan import anchored_finditer, spots_in, units_with

MIN_FINANCED = 2
AMOUNTS_PER_UNIT = 2
# Two amounts closer than this are one figure restated ("690.000 ISK (approximately 4.700 EUR)").
APART = 80
FINANCE_WINDOW = 150
# A short plan (a few pages, a few dozen paragraphs) says what it costs once, in its chapter.
SHORT_PLAN_UNITS = 60
SHORT_PLAN_CHARS = 20_000  # about 6 pages of prose; the generated plans have 6,000-8,000
MIN_ASSESSMENT = 2
MIN_ADAPTATION = 5

# What a million counts besides money: "1.67 million tCO2e", "3 million trees", "2 million people".
_NOT_MONEY = (
    r"(?:t\b|t ?co|tco|\$|tonnes?|tons?|kwh|mwh|gwh|twh|kg|km|m2|m²|sqm|square|people|persons|"
    r"inhabitants|residents|citizens|visitors|guests|passengers|trips|journeys|trees|homes|"
    r"vehicles|cars|households|litres|liters|m3|m³)"
)
# An amount: digits then a currency or a multiple ("1,138,000 EUR", "5 million", "3,5 Mio. €"),
# or a currency sign then digits ("€ 2.4m"). Led by a digit or a sign: fast to find, when the
# pattern starts with that class (the engine then skips to those characters; an alternation at
# the top would be tried at every character).
_MONEY = re.compile(
    r"[\d€£](?:(?<=\d)[\d.,]*\s?(?:€|£|eur\b|euro|mio\b|mio\.|(?:million|billion)(?!s? (?:of )?"
    + _NOT_MONEY
    + r")|"
    r"mrd|meur|teur\b|t€|[mbk]?(?:dkk|sek|nok|isk)\b|huf\b|m?kr\b|gbp|tsd\.?\s?(?:€|euro|eur\b)|"
    r"k€|m€)|(?<=[€£])\s?\d)"
)
# Every match of _MONEY starts with one of these characters and holds one of _MONEY_ANCHORS at
# most MONEY_REACH characters after its start, unless its figure is a run of digits, points
# and commas reaching back past it (`_amounts` tests that): the figure, one space, at most
# "tsd. " before the currency.
_MONEY_FIRST = re.compile(r"[\d€£]")
MONEY_REACH = 40
_FIGURE = frozenset("0123456789.,")
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
    r"budget|cost|invest|financ|funding|\bfunds?\b|allocat|\bgrants?\b|expenditure|spending|"
    r"\bloans?\b|subsid|capex|opex|finanzier|förder|haushalt|kosten|mittel\b|zuschu[sß]|"
    r"zuschüsse|ausgaben|\betat\b"
)
# An amount per something but time is a rate, no budget: "EUR 6.800/capita" (a city's debt),
# "500 €/tCO2", "0.30 € per kWh" (looked at from where the amount's match ends: after its first
# digits).
_RATE_AFTER = re.compile(
    r"[\d.,]*\s?(?:[mk]?€|eur(?:os?)?\b|[mb]?(?:sek|dkk|nok|isk)\b|huf\b|gbp\b|£|kr\b|"
    r"million\b|billion\b|mio\b\.?)?\s?(?:/|per\b|pro\b|je\b)"
    # (a sum per year is a budget: "6.5 MSEK/year in operational costs", "795 MSEK/år")
    r"(?!\s?(?:year|yr\b|annum|år|jahr|month|monat|a\b))"
)
# A chapter on what the plan costs and how it is paid: "Financing of Action Portfolio (Economic
# Case)" (a Climate City Contract's Module C-3), "Investment plan", "Kosten und Finanzierung".
_FINANCE_CHAPTER = re.compile(
    r"financ|investment|budget|\bcosts?\b|finanzierung|kosten|haushalt|förder"
)
# The assessment named: "risk and vulnerability assessment", "climate risk analysis",
# "vulnerability diagnosis" (a PCAET's word), "an assessment of the city's climate risks",
# "Risiko- und Vulnerabilitätsanalyse", "Betroffenheitsanalyse", "Klimawirkungsanalyse".
_ASSESSMENT = re.compile(
    r"(?:risk and vulnerability|vulnerability and risk|risks? and vulnerabilit(?:y|ies)|"
    r"climate(?:-related| change)? risks?|vulnerability|hazard|impact and vulnerability)"
    r"\s(?:assessments?|analysis|analyses|diagnosis|diagnostic|study|studies|evaluation|mapping)"
    r"|(?:assessment|analysis|analyses|diagnosis|diagnostic|study|evaluation|mapping) of (?:the )?"
    r"(?:[\w'’]+ ){0,2}?(?:climate(?:-related)? risks|climate hazards|risks and vulnerabilit|"
    r"vulnerabilit)"
    r"|risikoanalyse|vulnerabilitätsanalyse|klimarisikoanalyse|betroffenheitsanalyse|"
    r"klimawirkungsanalyse|verwundbarkeitsanalyse|klimafolgenanalyse|vulnerabilitätsstudie|"
    r"risikobewertung|vulnerabilitätsbewertung|betroffenheitsstudie"
)
# Every match of _ASSESSMENT holds one of these.
ASSESSMENT_ANCHORS = (
    "analys",
    "assessment",
    "diagnos",
    "stud",
    "evaluation",
    "mapping",
    "bewertung",
)
# The assessment still to come, asked for, or another document's, in the words before it in its
# sentence: "a risk and vulnerability assessment will be carried out", "the SECAP should
# include", "a separate vulnerability assessment", "updating the vulnerability diagnosis",
# "künftig soll eine Betroffenheitsanalyse", "no climate risk assessment has been made yet",
# an action to do it ("Develop a climate risk assessment for the city", "Erstellung einer").
_NOT_DONE_BEFORE = re.compile(
    r"\b(?:will|shall|should|must|would|could|plan(?:s|ned)? to|intends? to|planned|next steps?|"
    r"develop|prepare|conduct|commission|undertake|carry out|draw up|elaborate|in preparation|"
    r"erstellung|erarbeitung|durchführung|"
    r"future|upcoming|forthcoming|separate|update[sd]?|updating|need(?:s|ed)? (?:for|a|an|to)|"
    r"lack\w*|no|not|yet|soll\w*|geplant\w*|künftig\w*|zukünftig\w*|noch|keine?|"
    r"fortschreib\w*|aktualisier\w*)\b"
)
# ... or in the words after it (matched at the assessment's end): "... is planned for 2025",
# "... will be updated", "... wird 2025 erstellt", "... steht noch aus".
_NOT_DONE_AFTER = re.compile(
    r"[^.;:\n]{0,40}?\b(?:will|shall|should|must|is planned|are planned|(?:is|are) to be|"
    r"(?:is|are) being|(?:is|are|has|have) (?:not|yet)|has yet|is missing|"
    r"soll\w*|ist geplant|sind geplant|steht (?:noch )?aus|fehlt|"
    r"wird (?:\w+ ){0,4}?(?:erstellt|durchgeführt|erarbeitet|beauftragt|vergeben))\b"
)
NOT_DONE_REACH = 90
# The hazards of the city with their exposure and its sensitivity or adaptive capacity, in one
# passage: what a risk and vulnerability assessment reports (the JRC's SECAP framework: hazard,
# exposure, sensitivity, adaptive capacity; German: Klimasignal, Exposition, Sensitivität,
# Anpassungskapazität).
_HAZARDS = re.compile(r"hazard|gefahr|gefährdung|klimasignal")
_EXPOSURE = re.compile(r"\bexpos(?:ure|ed)\b|\bexposition\b")
_SENSITIVITY = re.compile(
    r"adaptive capacity|sensitivity|anpassungskapazität|anpassungsfähigkeit|sensitivität|"
    r"empfindlichkeit"
)
# Every unit holding an _EXPOSURE match holds this.
EXPOSURE_ANCHORS = ("expos",)
# A chapter on the assessment: "Climate risks and vulnerability", "Vulnerability assessment",
# "Betroffenheitsanalyse" (not "Vulnerable groups", not "Klimafolgenanpassung": adaptation).
_ASSESSMENT_CHAPTER = re.compile(
    r"vulnerabilit|verwundbarkeit|climate risk|risk assessment|hazard|klimarisik|betroffenheit|"
    r"klimawirkung|klimafolgen(?!anpassung)|risiko- und vulnerab"
)
# What an adaptation action acts on ("cool islands", "stormwater management", "Starkregen").
_ADAPTING = re.compile(
    r"heat ?island|heat ?wave|heat stress|overheating|urban heat|storm ?water|rain ?water|"
    r"cloudburst|flash flood|flood(?:ing)? (?:risk|protection|prevention)|cool(?:ing)? "
    r"(?:area|island|spot|centre|center)s?\b|depav|unseal|sponge|\bshad(?:e|ing)\b|"
    r"water retention|retention basin|drought|blue[- ]green|sea level|climate resilien|"
    r"tree canopy|hitze|starkregen|überflutung|entsiegel|regenwasser"
)
_ADAPTING_ANCHORS = (
    "heat",
    "storm",
    "rain",
    "cloudburst",
    "flood",
    "cool",
    "depav",
    "unseal",
    "sponge",
    "shad",
    "retention",
    "drought",
    "blue",
    "sea level",
    "resilien",
    "canopy",
    "overheat",
    "hitze",
    "starkregen",
    "überflutung",
    "entsiegel",
    "regenwasser",
)
# Every match holds an anchor at most this far after its start ("climate resilien"); a new
# alternative's words go into tests/intake/test_reading_shortcuts.py, which holds this.
ADAPTING_REACH = 8
MIN_ADAPTING = 3
_ADAPTATION_CHAPTER = re.compile(r"adaptation|klimaanpassung|anpassung an den klimawandel")

Hit = tuple[Unit, str, "re.Match[str]"]


def financed(
    units: Sequence[tuple[Unit, str]], headings: Sequence[Heading] = ()
) -> list[tuple[Unit, int, int]]:
    """Amounts of money for budgets, costs, investments or funding, up to AMOUNTS_PER_UNIT per
    unit: a plan whose financing is one paragraph or one cost table ("an ERDF allocation of
    26.99 million EUR ... 221.891 million EUR from the Cohesion Fund") states it there once.
    In a chapter named for costs or financing every amount is one: its table runs on over
    pages after the header that names the costs ("Estimated total cost", "(MEUR"), a cell
    "€ 129" pages away from it."""
    found: list[tuple[Unit, int, int]] = []
    in_chapter = set(chapter_units(list(units), headings, _FINANCE_CHAPTER)) if headings else ()
    codes = None  # the units holding a currency code, asked for only when needed
    for i in units_with(units, _MONEY_ANCHORS):
        unit, text = units[i]
        # The amounts one by one: the unit's first AMOUNTS_PER_UNIT amounts decide.
        amounts = _amounts(text, spots_in(units, _MONEY_ANCHORS, i))
        first = next(amounts, None)
        if first is not None:
            amounts = chain((first,), amounts)
        else:
            codes = set(units_with(units, _CODES)) if codes is None else codes
            if i in codes:  # each match starts with its code: tried only where one stands
                amounts = anchored_finditer(
                    _MONEY_CODE_FIRST, text, _CODES, 0, spots_in(units, _CODES, i)
                )
        in_unit = 0
        for m in amounts:
            # The words around the amount (a table row's cells count: "Total costs | 7.163 M€").
            start, end = max(0, m.start() - FINANCE_WINDOW), m.end() + FINANCE_WINDOW
            if _RATE_AFTER.match(text, m.end()):
                continue
            if (i in in_chapter or _FINANCE.search(text, start, end)) and (
                not in_unit or m.start() - found[-1][2] >= APART
            ):
                found.append((unit, m.start(), m.end()))
                in_unit += 1
                if in_unit == AMOUNTS_PER_UNIT:
                    break
    return found


def _amounts(text: str, spots: list[int] | None) -> Iterator[re.Match[str]]:
    """`_MONEY.finditer(text)`, the regex tried only before the anchors' `spots` (from the
    document's index) where a digit or a currency sign stands: scanning every page for digits
    cost a tenth of the reading of a generated plan. Where a figure's digits may reach back
    further than MONEY_REACH from an anchor, the plain scan."""
    if spots is None or any(
        at >= MONEY_REACH and text[at - MONEY_REACH] in _FIGURE for at in spots
    ):
        return _MONEY.finditer(text)
    return anchored_finditer(_MONEY, text, _MONEY_ANCHORS, MONEY_REACH, spots, _MONEY_FIRST)


def is_short(units: Sequence[tuple[Unit, str]]) -> bool:
    """A plan of a few pages or a few dozen paragraphs, whose one sentence on a thing is its
    chapter on it."""
    return len(units) < SHORT_PLAN_UNITS and sum(len(t) for _, t in units) < SHORT_PLAN_CHARS


def min_financed(units: Sequence[tuple[Unit, str]]) -> int:
    return 0 if is_short(units) else MIN_FINANCED


def assessed(units: Sequence[tuple[Unit, str]], headings: Sequence[Heading]) -> bool:
    """A chapter on the assessment, or the assessment as done in at least MIN_ASSESSMENT units:
    named (not as a task to come, asked for, or another document: `_not_done`), or reported
    through its framework (hazards with their exposure and sensitivity)."""
    if is_short(units):
        return True
    if any(
        (m := _ASSESSMENT_CHAPTER.search(title := h.title.lower())) and not _not_done(title, m)
        for h in headings
    ):
        return True
    named = (
        i
        for i in units_with(units, ASSESSMENT_ANCHORS)
        if any(not _not_done(units[i][1], m) for m in _ASSESSMENT.finditer(units[i][1]))
    )
    framework = (
        i
        for i in units_with(units, EXPOSURE_ANCHORS)
        if _EXPOSURE.search(text := units[i][1])
        and _HAZARDS.search(text)
        and _SENSITIVITY.search(text)
    )
    # Distinct units, the search stopping at the MIN_ASSESSMENT-th.
    found: set[int] = set()
    for i in chain(named, framework):
        found.add(i)
        if len(found) >= MIN_ASSESSMENT:
            return True
    return False


def assessment_spots(units: Sequence[tuple[Unit, str]]) -> list[tuple[Unit, int, int]]:
    """Where the plan names its assessment as done, or reports it by its framework, at most
    MIN_ASSESSMENT places: the evidence a reviewer wants first."""
    found: list[tuple[Unit, int, int]] = []
    for i in units_with(units, ASSESSMENT_ANCHORS):
        unit, text = units[i]
        m = next((m for m in _ASSESSMENT.finditer(text) if not _not_done(text, m)), None)
        if m:
            found.append((unit, m.start(), m.end()))
            if len(found) >= MIN_ASSESSMENT:
                return found
    for i in units_with(units, EXPOSURE_ANCHORS):
        unit, text = units[i]
        if (m := _EXPOSURE.search(text)) and _HAZARDS.search(text) and _SENSITIVITY.search(text):
            found.append((unit, m.start(), m.end()))
            if len(found) >= MIN_ASSESSMENT:
                break
    return found


def _not_done(text: str, m: re.Match[str]) -> bool:
    """Whether the assessment named at `m` is a task to come, asked for, or another
    document's: the words before it in its sentence, or the few after it, say so."""
    start = max(0, m.start() - NOT_DONE_REACH)
    stop = max(text.rfind(".", start, m.start()), text.rfind("\n\n", start, m.start()))
    before = text[(stop + 1 if stop != -1 else start) : m.start()]
    return bool(_NOT_DONE_BEFORE.search(before) or _NOT_DONE_AFTER.match(text, m.end()))


def adapts(hits: list[Any], headings: Sequence[Heading], units: Sequence[tuple[Unit, str]]) -> bool:
    if is_short(units):
        return True
    if not (
        any(_ADAPTATION_CHAPTER.search(h.title.lower()) for h in headings)
        or len(hits) >= MIN_ADAPTATION
    ):
        return False
    # Adaptation named often is not yet an action: what an action acts on (heat, stormwater,
    # flooding, drought) stands in a few places of a plan that has some.
    acting = (
        i
        for i in units_with(units, _ADAPTING_ANCHORS)
        if next(
            anchored_finditer(
                _ADAPTING,
                units[i][1],
                _ADAPTING_ANCHORS,
                ADAPTING_REACH,
                spots_in(units, _ADAPTING_ANCHORS, i),
            ),
            None,
        )
    )
    return at_least(acting, MIN_ADAPTING)


def at_least(found: Iterable[object], n: int) -> bool:
    """Whether `found` yields at least n items: the search stops at the n-th (the units after
    it cannot change the answer; searching them cost a tenth of the whole reading)."""
    return sum(1 for _ in islice(found, n)) >= n


#: The anchors these rules ask `units_with` about (the document's index finds them in its pass).
ANCHOR_SETS = (_MONEY_ANCHORS, _CODES, ASSESSMENT_ANCHORS, EXPOSURE_ANCHORS, _ADAPTING_ANCHORS)
