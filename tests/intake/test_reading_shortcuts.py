"""The intake's shortcuts for speed read exactly what the plain way reads (#14, #15).

Each shortcut skips work the plain rule would do and then discard; these tests hold the
shortcut to the rule it stands for, on the edge cases of that rule."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path
from typing import Any

import pytest

from review.intake import language, pdf, scan
from review.intake.checks import CHECKS, DECIDED_BY_NUMBER
from review.intake.document import Unit
from review.intake.facts import actions, inventory, substance, target_words, targets
from review.intake.facts import text as text_helpers
from review.intake.findings import FACT_ANCHOR_SETS
from review.intake.structure import boilerplate, furniture
from review.intake.structure.furniture import _SHORT_LINE, _is_short, _short_lines, line_places
from review.intake.structure.text import Span, blank
from review.synthetic import plan_spec, write_pdf

LINES = [
    "Klimaschutzkonzept der Stadt Münster 2017",
    "  \tKlimaschutzkonzept der Stadt Münster 2017 \t ",
    "exactly eleven",
    "twelve chars",
    "x" * 70,
    "x" * 71,
    "  " + "y" * 70 + "  ",
    "\u00a0leading no-break space is no tab",
    "a line ending in a carriage return\r",
    "a line ending in a no-break space\u00a0",
    "\tTabs\tinside\tthe\tline\tcount\t",
    "",
    "   ",
    "a",
    "Stadt Münster · Amt für Grünflächen, Umwelt und Nachhaltigkeit · Seite",
]


@pytest.mark.parametrize("end", ["", "\n"])
def test_short_lines_are_the_short_line_pattern(end: str) -> None:
    text = "\n".join(LINES) + end
    assert _short_lines(text) == _SHORT_LINE.findall(text)
    assert "twelve chars" in _short_lines(text)
    assert "x" * 71 not in _short_lines(text)


@pytest.mark.parametrize("end", ["", "\n"])
def test_every_line_counted_then_the_short_ones_kept_is_the_short_lines_counted(end: str) -> None:
    """`_running_in_body` counts every line in C and keeps the short ones among the frequent:
    the counts of the short lines are those of `_short_lines`."""
    text = "\n".join(LINES * 3 + LINES[::2]) + end
    every = Counter(map(str.strip, text.split("\n"), repeat(" \t")))
    assert {k: n for k, n in every.items() if _is_short(k)} == Counter(_short_lines(text))


REDUCTIONS = [
    # reduction words near the percentage, far from it, or only in the sentence before it
    "We will have " + "a " * 50 + "40 % less CO2 emissions by 2030 compared to 1990.",
    "Bis 2030 sollen die CO2-Emissionen um 40 % gegenüber 1990 gesenkt werden; "
    + "und " * 30
    + "der Anteil erneuerbarer Energien steigt auf 60 %.",
    "The city will reduce greenhouse gas emissions by 55 % by 2030 compared with 1990.",
    "Emissions reduction" + "." * 80 + " 40 % by 2030 against 1990 levels.",
    "By 2030 the city cuts its carbon emissions to 45% below 2005 levels.",
    "A 2,5 % share; a 250 % growth; a reduktion of CO2 by 0 % by 2030.",
]


@pytest.mark.parametrize("text", REDUCTIONS)
def test_percentages_passed_over_would_not_have_counted(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = [(Unit("page", 1, text), text.lower())]
    quick = targets.read_targets(units)
    monkeypatch.setattr(targets, "_may_reduce", lambda text, m: True)
    assert targets.read_targets(units) == quick


def _plain_sentence_at(text: str, start: int, end: int) -> tuple[int, int]:
    """The rule sentence_at stands for: the last sentence end of the whole stretch before."""
    a = max(0, start - text_helpers.MAX_SENTENCE)
    before = [m.end() for m in text_helpers._SENTENCE_END.finditer(text, a, start)]
    s = before[-1] if before else a
    after = text_helpers._SENTENCE_END.search(
        text, end, min(len(text), end + text_helpers.MAX_SENTENCE)
    )
    e = after.start() + 1 if after else min(len(text), end + text_helpers.MAX_SENTENCE)
    while s < start and text[s] in " \n\t|":
        s += 1
    return s, e


SENTENCES = [
    # table cells, empty lines of spaces, bullets, abbreviations, long runs without an end
    "Ziel | 40 % | bis 2030 |  \n \n  | 55 % | 2035 \n- Punkt eins; z.B. Wärme, ca. 3 Mio. €\n"
    + "wort " * 40
    + "\n\n\n   |   \n"
    + "x" * 130
    + ". The city, i.e. we, cuts 55 % by 2030 vs. 1990! "
    + " " * 150
    + "|"
    + " " * 10
    + "net zero by 2040? Yes.\n• next",
    "a" * 700 + " | " + "b " * 200 + "end.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_sentence_found_near_is_the_sentence_of_the_whole_stretch(text: str) -> None:
    for start in range(len(text)):
        end = min(len(text), start + 3)
        assert text_helpers.sentence_at(text, start, end) == _plain_sentence_at(text, start, end)


@pytest.mark.parametrize("n", range(5))
@pytest.mark.parametrize("items", range(6))
def test_counting_up_to_the_threshold_is_counting_all(items: int, n: int) -> None:
    assert substance.at_least(iter(range(items)), n) == (sum(1 for _ in range(items)) >= n)


def test_counting_stops_at_the_threshold() -> None:
    def found() -> Iterator[int]:
        yield from (1, 2, 3)
        raise AssertionError("searched past the threshold")

    assert substance.at_least(found(), 3)


# Texts made of the pieces each pattern's matches are made of, in every order: the anchored
# scan must find exactly what the regex finds over the whole text.
PIECES = {
    "percent": (
        target_words.PERCENT,
        target_words.PERCENT_ANCHORS,
        target_words.PERCENT_REACH,
        "1|12|123|1234|5|,|.|0|25|12,5|%|per|cent|per cent|percent|prozent|x|-|a1|1.2.3|٣",
    ),
    "neutral": (
        target_words.NEUTRAL,
        target_words.NEUTRAL_ANCHORS,
        target_words.NEUTRAL_REACH,
        "climate|carbon|co2|co₂|ghg|greenhouse|gas|emission|s|-|neutral|ity|net|zero|klima|"
        "treibhausgas|thg|neutralit|é|y|climatique|x|.|greenhouse-gas-neutral|"
        "greenhouse gas neutral|emissions-neutral|treibhausgas-neutral|net-zero|net zero|netto|"
        "null|netto null|netto-null|zero net emissions|zero net carbon|zero net|emissions",
    ),
    "adapting": (
        substance._ADAPTING,
        substance._ADAPTING_ANCHORS,
        substance.ADAPTING_REACH,
        "heat|island|wave|stress|over|ing|urban|storm|rain|water|cloudburst|flash|flood|risk|"
        "cool|area|spot|depav|unseal|sponge|shad|e|retention|basin|drought|blue|green|sea|level|"
        "climate|resilien|tree|canopy|hitze|starkregen|überflutung|entsiegel|regenwasser|x|-|"
        "climate resilience|tree canopy|water retention|urban heat|flash flood|overheating|"
        "flooding risk|cooling centres|blue-green",
    ),
}


@pytest.mark.parametrize("name", PIECES)
def test_anchored_scan_finds_what_the_regex_finds(name: str) -> None:
    pattern, anchors, reach, pieces = PIECES[name]
    words = pieces.split("|")
    rng = random.Random(name)
    for _ in range(1000):
        text = "".join(
            rng.choice(words) + rng.choice(("", "", " ", "  ", "\n", "-")) for _ in range(30)
        )
        expected = [(m.span(), m.group(0)) for m in pattern.finditer(text)]
        found = [
            (m.span(), m.group(0)) for m in scan.anchored_finditer(pattern, text, anchors, reach)
        ]
        assert found == expected, text


BOILERPLATE_UNITS = [
    "Your text\nThe city council adopted the plan in 2021.",
    "please describe your city's 2030 ambition. Please please describe the local plan.",
    "This section should describe the inventory. Cities should list their actions.",
    "This project has received funding from the European Union's Horizon 2020 programme "
    "under grant agreement No 101036519.",
    "Disclaimer\nThe views and opinions expressed are those of the authors only.",
    "",
    "detail and describe the latest GHG inventory\nDescribe how the city will act",
    "Das Klimaschutzkonzept wurde im Rahmen der Nationalen Klimaschutzinitiative gefördert. "
    "Förderkennzeichen 03K01234. Bitte beschreiben Sie hier Ihre Kommune.",
    "kindly",
    "your ",
    "Plain text of the plan with no guidance at all, 40 % by 2030.",
    "the module b-2 is intended to show; the table must be filled. Supported at a minimum by",
]


@pytest.mark.parametrize("shift", range(len(BOILERPLATE_UNITS)))
def test_boilerplate_of_a_document_is_each_units_boilerplate(shift: int) -> None:
    texts = BOILERPLATE_UNITS[shift:] + BOILERPLATE_UNITS[:shift]
    lowered = [t.lower() for t in texts]
    one_by_one: list[list[Span]] = [[] for _ in texts]
    for i, text in enumerate(texts):
        boilerplate.boilerplate(text, lowered[i], one_by_one[i])
    at_once: list[list[Span]] = [[] for _ in texts]
    boilerplate.boilerplate_of(texts, lowered, at_once)
    assert at_once == one_by_one
    assert sum(map(len, at_once)) >= 12


SECTOR_PIECES = (
    "office buildings|tertiär|commercial vehicle|commercial|services sector|service sector|"
    "municipal buildings|public buildings|institutional|public sector|city-owned|tertiary|"
    "commercial|service|services|servicesx|business|gewerbe|ghd|dienstleistung|handel|"
    "residential|household|households|homes|housing|dwelling|private haushalte|haushalte|"
    "domestic|wohngebäude|wohnen|transport|mobility|traffic|vehicle|verkehr|mobilität|buildings|"
    "buildingsx|stationary energy|built environment|x|the|-|.|,"
)


@pytest.mark.parametrize(
    "pattern",
    [*inventory.SECTOR_TERMS.values(), inventory._BUILDINGS, *actions.ACTION_SECTOR_TERMS.values()],
    ids=lambda p: p.pattern[:20],
)
def test_searched_from_its_starts_a_regex_finds_what_it_finds(pattern: re.Pattern[str]) -> None:
    started = scan.Started(pattern)
    words = SECTOR_PIECES.split("|")
    rng = random.Random(pattern.pattern)
    for _ in range(300):
        text = "".join(rng.choice(words) + rng.choice(("", " ", "\n", "|")) for _ in range(25))
        assert [m.span() for m in started.finditer(text)] == [
            m.span() for m in pattern.finditer(text)
        ], text
        found, expected = started.search(text), pattern.search(text)
        assert (found and found.span()) == (expected and expected.span())


def test_literal_starts_are_read_from_the_regex() -> None:
    assert scan.literal_starts(re.compile(r"\b(?:tertiary|commercial)|^handel")) == (
        "tertiary",
        "commercial",
        "handel",
    )
    assert scan.literal_starts(re.compile(r"heat ?island|heat ?wave")) == ("heat",)
    # No literal start: an optional word first, a class, too short a start, case folded.
    for regex in (r"(?:energie- und )?bilanz", r"[\d€]\s?mio", r"ab|abc", r"(?i)handel"):
        assert scan.literal_starts(re.compile(regex)) is None, regex


def _finds(text: str, anchor: str) -> Iterator[int]:
    at = text.find(anchor)
    while at != -1:
        yield at
        at = text.find(anchor, at + 1)


# Every anchor set the rules search by, and texts made of the anchors themselves (overlapping,
# repeated, inside longer words, in other cases, split by the units' "\x00" joints): the
# automaton must find exactly what a str.find pass per anchor finds.
ANCHOR_SETS = {
    "guidance": boilerplate.GUIDANCE_ANCHORS,
    "modal": boilerplate._MODAL_ANCHORS,
    "funding": boilerplate._FUNDING_ANCHORS,
    "disclaimer": boilerplate._DISCLAIMER_ANCHORS,
    "neutral": target_words.NEUTRAL_ANCHORS,
    "percent": target_words.PERCENT_ANCHORS,
    "adapting": substance._ADAPTING_ANCHORS,
    "money": substance._MONEY_ANCHORS,
    "codes": substance._CODES,
    "assessment": substance.ASSESSMENT_ANCHORS,
    "base year": inventory._BASE_ANCHORS,
    "halve": target_words.HALVE_ANCHORS,
    "no neutrality goal": target_words.NO_NEUTRALITY_GOAL_ANCHORS,
    "decided by number": DECIDED_BY_NUMBER.anchors,
    "overlapping": ("he", "she", "hers", "his", "is", "s", "she"),
    **{check.id: check.pattern.anchors for check in CHECKS},
}


@pytest.fixture(params=["hyperscan", "automaton"])
def scanner(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The anchors found by Hyperscan (where installed) and by the Aho-Corasick automaton that
    stands in where it is not: both must find what a str.find pass per anchor finds."""
    if request.param == "hyperscan":
        if scan.hyperscan is None or scan.literal_database(("x",)) is None:
            pytest.skip("Hyperscan is not installed or cannot run here")
    else:
        monkeypatch.setattr(scan, "USE_HYPERSCAN", False)
    return str(request.param)


@pytest.mark.parametrize("name", ANCHOR_SETS)
def test_the_automaton_finds_what_a_find_per_anchor_finds(name: str, scanner: str) -> None:
    anchors = ANCHOR_SETS[name]
    words = [*anchors, *(a.upper() for a in anchors), *(a[1:] for a in anchors), "x", "é", " "]
    rng = random.Random(name)
    for _ in range(300):
        units = [
            "".join(rng.choice(words) + rng.choice(("", "", " ", "-", "\n")) for _ in range(8))
            for _ in range(rng.randint(1, 4))
        ]
        index = scan.AnchorIndex(units, [anchors, ("neutral", "x")])
        assert index.units_with(anchors) == [
            i for i, unit in enumerate(units) if any(a in unit for a in anchors)
        ], units
        expected: dict[int, list[int]] = {}  # per unit, each anchor's places in turn
        for a in anchors:
            for i, unit in enumerate(units):
                for at in _finds(unit, a):
                    expected.setdefault(i, []).append(at)
        assert index.spots(anchors) == expected, units


# Pieces of the facts' rules (money, assessments, adaptation, base years, targets): documents
# made of them, read with the document's anchor index (`IndexedUnits`, as check_plan reads) and
# with a substring test per unit, must give the same facts.
FACT_PIECES = (
    "€|eur|euro|mio.|million|billion|mrd|meur|dkk|sek|nok|isk|huf|kr|£|gbp|k€|m€|tsd. €|"
    "1,5|2.400|3 |40|2030|1990|2019|budget|cost|investment|financing|funding|fördermittel|"
    "kosten|haushalt|tonnes|people|of |eur 2|dkk 500m|/capita|/year|per kwh|"
    "risk and vulnerability assessment|vulnerability analysis|risikoanalyse|analyse|analysis|"
    "assessment|climate risk|hazard|heat island|heatwave|stormwater|rain water|cloudburst|"
    "flooding risk|cooling areas|depaving|unsealing|sponge|shade|drought|blue-green|sea level|"
    "climate resilience|tree canopy|hitze|starkregen|überflutung|entsiegelung|regenwasser|"
    "base year|base\nyear|baseline|reference year|basisjahr|bilanzjahr|bilanz |a-1.1|"
    "climate neutral|net zero|netto-null|neutrality|%|prozent|per cent|halve|half|halbieren|"
    "hälfte|reduce|senken|emissions|co2|by|bis|did not set|not adopt|the city|x|.|,"
)


def _plain_financed(units: list[tuple[Unit, str]]) -> list[tuple[Unit, int, int]]:
    """The rule `financed` stands for: every amount of each unit found, then the first ones
    counted (before the amounts were taken one by one)."""
    found: list[tuple[Unit, int, int]] = []
    for unit, text in units:
        if not any(a in text for a in substance._MONEY_ANCHORS):
            continue
        amounts = list(substance._MONEY.finditer(text))
        if not amounts and any(code in text for code in substance._CODES):
            amounts = list(substance._MONEY_CODE_FIRST.finditer(text))
        in_unit = 0
        for m in amounts:
            if substance._RATE_AFTER.match(text, m.end()):
                continue  # "EUR 6.800/capita"
            start = max(0, m.start() - substance.FINANCE_WINDOW)
            end = m.end() + substance.FINANCE_WINDOW
            if substance._FINANCE.search(text, start, end) and (
                not in_unit or m.start() - found[-1][2] >= substance.APART
            ):
                found.append((unit, m.start(), m.end()))
                in_unit += 1
                if in_unit == substance.AMOUNTS_PER_UNIT:
                    break
    return found


def _fact_documents(seed: str) -> Iterator[list[tuple[Unit, str]]]:
    words = FACT_PIECES.split("|")
    rng = random.Random(seed)
    for _ in range(150):
        units = []
        for number in range(1, rng.randint(2, 70)):
            text = "".join(
                rng.choice(words) + rng.choice(("", " ", " ", "  ", "\n", "-"))
                for _ in range(rng.randint(0, 40))
            )
            units.append((Unit("page", number, text), text.lower()))
        yield units


def test_facts_read_with_the_documents_index_are_the_facts_read_unit_by_unit() -> None:

    found = 0
    for units in _fact_documents("facts"):
        indexed = scan.IndexedUnits(units, FACT_ANCHOR_SETS)
        assert indexed == units
        headings: list = []
        money = substance.financed(indexed)
        assert money == substance.financed(units) == _plain_financed(units)
        assert substance.assessed(indexed, headings) == substance.assessed(units, headings)
        hits = [(u, t, None)] * 5 if (u := units[0][0]) and (t := units[0][1]) else []
        assert substance.adapts(hits, headings, indexed) == substance.adapts(hits, headings, units)
        assert inventory.read_inventory(indexed, headings) == inventory.read_inventory(
            units, headings
        )
        assert targets.read_targets(indexed) == targets.read_targets(units)
        found += len(money)
    assert found > 100  # the documents hold amounts of money


@pytest.mark.parametrize("name", PIECES)
def test_anchored_scan_from_the_indexs_spots_finds_what_the_regex_finds(name: str) -> None:
    pattern, anchors, reach, pieces = PIECES[name]
    words = pieces.split("|")
    rng = random.Random(name + " spots")
    for _ in range(300):
        texts = [
            "".join(rng.choice(words) + rng.choice(("", " ", "\n", "-")) for _ in range(20))
            for _ in range(3)
        ]
        units = scan.IndexedUnits(((Unit("page", i, t), t) for i, t in enumerate(texts)), [])
        for i, text in enumerate(texts):
            spots = scan.spots_in(units, anchors, i)
            found = [m.span() for m in scan.anchored_finditer(pattern, text, anchors, reach, spots)]
            assert found == [m.span() for m in pattern.finditer(text)], text


LANGUAGE_PIECES = (
    "der|die|und|the|of|and|für|über|straße|maß|daß|é|à|ç|ñ|ø|å|œ|€|–|—|’|“|ß|ẞ|İ|ı|ﬁ|ǆ|Ä|Ö|Ü|"
    "x|1|2030|co2|co₂|-|.|,|;|:|/|\\|\t|\n|\r|\x00|\x0b|\x0c|\x1c|\x85|\xa0|\u2028|\ufffd|"
    "\ud800|🙂|中|ä|ö|ü|ÿ|þ|ð|µ|ª|º|²|³"
)


def test_words_of_a_text_are_the_words_the_regex_finds() -> None:
    words = LANGUAGE_PIECES.split("|")
    rng = random.Random("language")
    for _ in range(2000):
        text = "".join(rng.choice(words) + rng.choice(("", "", " ")) for _ in range(30))
        for sample in (text, text.lower()):
            expected = language._WORD.findall(sample)
            assert [w.decode("latin-1") for w in language.words_of(sample)] == expected, sample


def test_every_stop_word_is_a_word_the_vote_can_count() -> None:
    for words in language.STOP_WORDS.values():
        for word in words:
            assert language._WORD.fullmatch(word), word


# Amounts of money with figures of every length (a run of digits, points and commas longer
# than MONEY_REACH before its currency takes the plain scan), currency signs, codes and
# multiples, words that hold an anchor without being money ("kraft", "europe").
MONEY_PIECES = (
    "€|£|eur|euro|europe|mio|mio.|million|millions of people|billion|mrd|meur|dkk|mdkk|sek|"
    "nok|isk|huf|kr|mkr|kraft|gbp|k€|m€|tsd. €|tsd€|1|2.400|3,5|40|000|.|,|1234567890|"
    "12.345.678.901.234|" + "9" * 45 + "|" + "1," * 25 + "| |  |\n|x|budget|tonnes|people|of "
)


def test_amounts_from_the_anchors_are_the_money_regexs() -> None:
    words = MONEY_PIECES.split("|")
    rng = random.Random("money")
    plain = anchored = 0
    for _ in range(1500):
        texts = [
            "".join(
                rng.choice(words) + rng.choice(("", "", " ")) for _ in range(rng.randint(1, 40))
            )
            for _ in range(3)
        ]
        units = scan.IndexedUnits(
            ((Unit("page", i, t), t) for i, t in enumerate(texts)), FACT_ANCHOR_SETS
        )
        for i, text in enumerate(texts):
            spots = scan.spots_in(units, substance._MONEY_ANCHORS, i)
            assert spots is not None
            expected = [m.span() for m in substance._MONEY.finditer(text)]
            assert [m.span() for m in substance._amounts(text, spots)] == expected, text
            codes = scan.spots_in(units, substance._CODES, i)
            assert [
                m.span()
                for m in scan.anchored_finditer(
                    substance._MONEY_CODE_FIRST, text, substance._CODES, 0, codes
                )
            ] == [m.span() for m in substance._MONEY_CODE_FIRST.finditer(text)], text
            far = any(
                at >= substance.MONEY_REACH and text[at - substance.MONEY_REACH] in "0123456789.,"
                for at in spots
            )
            plain += far
            anchored += bool(expected) and not far
    assert plain > 50 and anchored > 500  # both ways were taken, on texts holding money


def test_a_shorter_money_reach_misses_an_amount() -> None:
    text = "x " + "1" * 34 + " tsd. € y"  # the figure's first digit 40 before the €
    at = text.index("€")
    expected = [m.span() for m in substance._MONEY.finditer(text)]

    def found(reach: int) -> list[tuple[int, int]]:
        return [
            m.span()
            for m in scan.anchored_finditer(
                substance._MONEY,
                text,
                substance._MONEY_ANCHORS,
                reach,
                [at],
                substance._MONEY_FIRST,
            )
        ]

    assert found(substance.MONEY_REACH) == expected == [(2, at + 1)]
    assert found(substance.MONEY_REACH - 1) != expected


# The checks' longest mentions, whose anchor stands furthest from their start.
LONG_MENTIONS = (
    "energie- und treibhausgas-bilanz",
    "energie- und co₂ bilanz",
    "greenhouse gas inventory",
    "baseline emission inventory",
    "treibhausgasneutral",
    "climate-neutral",
    "net zero",
    "risk assessment",
    "anpassung an den klimawandel",
    "climate resilien",
    "cost estimate",
    "progress report",
    "citizen participation",
    "awareness campaign",
    "öffentlichkeitsarbeit",
)


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_a_checks_first_mention_searched_from_its_first_anchor_is_the_plain_search(
    check: object,
) -> None:
    """`_hits` searches each unit from `reach` before its first anchor: the same first match
    as the search from the unit's start (texts of the check's own words and their pieces:
    compounds, prefixes, the words before an anchor)."""
    from review.intake.findings import _hits

    terms = check.pattern  # type: ignore[attr-defined]
    words = sorted(
        {
            *terms.anchors,
            *re.findall(r"[a-zäöüß0-9₂'/ -]+", terms.pattern.pattern),
            *LONG_MENTIONS,
            "x",
            "\n",
        }
    )
    rng = random.Random(check.id)  # type: ignore[attr-defined]
    found = 0
    for _ in range(300):
        texts = [
            "".join(rng.choice(words) + rng.choice(("", "", " ", "-")) for _ in range(25))
            for _ in range(4)
        ]
        units = scan.IndexedUnits(((Unit("page", i, t), t) for i, t in enumerate(texts)), [])
        hits = _hits("", terms, units, units.anchors)
        expected = [(u, t, m) for u, t in units if (m := terms.pattern.search(t)) is not None]
        assert [(u.number, m.span()) for u, _, m in hits] == [
            (u.number, m.span()) for u, _, m in expected
        ], texts
        found += len(hits)
    assert found > 100


def _line_places_by_regex(text: str, lines: list[str]) -> dict[str, list[int]]:
    """The rule `line_places` replaces: one multi-line regex of the lines, longest first."""
    alternatives = "|".join(re.escape(k) for k in sorted(lines, key=len, reverse=True))
    found: dict[str, list[int]] = {}
    for m in re.finditer(r"^[ \t]*(" + alternatives + r")[ \t]*$", text, re.M):
        found.setdefault(m.group(1), []).append(m.start(1))
    return found


def test_whole_lines_found_by_find_are_those_the_lines_regex_finds() -> None:
    keys = ["stadt münster klimaplan", "klimaplan", "seite # von", "a b", "münster klimaplan 2030"]
    pieces = [*keys, " ", "\t", "\n", "\n\n", "x", "\r", "\u00a0", ".", "klima", "plan"]
    rng = random.Random("lines")
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        lines = rng.sample(keys, rng.randint(1, len(keys)))
        expected = _line_places_by_regex(text, lines)
        got = line_places(text, lines)
        assert got == expected and list(got) == list(expected), (text, lines)
        found += len(got)
    assert found > 300


def test_an_index_edited_where_the_text_changed_is_the_index_of_the_new_text(
    scanner: str,
) -> None:
    """`AnchorIndex.edited` keeps the places outside the changed ranges and scans only around
    them: the same places as a pass over the new texts, also where a change makes an anchor
    ("council" + a blanked letter = "council "), breaks one, or the text differs elsewhere."""
    anchors = ("council ", "council", "cities ", "net zero", "kr", "eur", "base\nyear", "a b")
    pieces = [*anchors, "x", " ", "\n", "é", "ab", "cities", "net", "zero", "base", "year"]
    rng = random.Random("edited")
    rescanned = 0
    for _ in range(2000):
        texts = [
            "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
            for _ in range(rng.randint(1, 4))
        ]
        changed: list[list[tuple[int, int]]] = []
        new_texts = []
        for text in texts:
            spans = []
            for _ in range(rng.randint(0, 3)):
                a = rng.randint(0, len(text))
                spans.append((a, min(len(text), a + rng.randint(0, 8))))
            chars = list(text)
            for a, b in spans:  # blanked as the structure blanks, or any change
                for k in range(a, b):
                    chars[k] = rng.choice((" ", " ", "x", chars[k])) if chars[k] != "\n" else "\n"
            if rng.random() < 0.05 and chars:  # a change outside the ranges
                chars[rng.randrange(len(chars))] = "y"
            changed.append(spans)
            new_texts.append("".join(chars))
        if rng.random() < 0.02:
            new_texts[0] += "z"  # another length: scanned whole
        index = scan.AnchorIndex(texts, [anchors])
        edited = index.edited(new_texts, changed)
        fresh = scan.AnchorIndex(new_texts, [anchors])
        assert edited.places == fresh.places, (texts, new_texts, changed)
        assert edited.units_with(anchors) == fresh.units_with(anchors)
        assert edited.spots(anchors) == fresh.spots(anchors)
        rescanned += edited.places != index.places
    assert rescanned > 500


def test_hyperscan_finds_what_the_automaton_finds_in_any_text(scanner: str) -> None:
    """Hyperscan scans Latin-1 bytes: characters outside Latin-1 (one "?" each, so the offsets
    stay), anchors holding one (the euro sign), a "?" or a NUL (found by str.find), overlapping and
    repeated anchors, a unit joint: the places of a find pass per anchor, in order."""
    anchors = ("€", "eur", "k€", "?", "a?", "ab", "aba", "bab", "\u2013 x", "ü", "\x00a")
    pieces = [*anchors, "a", "b", "x", " ", "\u2013", "\u20ac", "\U0001f600", "é", "?", "\n"]
    rng = random.Random("hyperscan")
    found = 0
    for _ in range(500):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        places = scan.find_all(anchors, text)
        assert places == {a: list(_finds(text, a)) for a in anchors}, text
        found += sum(map(len, places.values()))
    assert found > 3000
    if scanner == "hyperscan":
        literals = scan.literal_database(anchors)
        assert literals is not None
        assert set(literals.found_by_find) == {"€", "k€", "?", "a?", "\u2013 x", "\x00a"}


def test_findings_from_the_structures_edited_index_are_those_from_a_pass_of_their_own() -> None:
    """check_plan edits the structure's index where it blanked running headers, page numbers,
    the table of contents and guidance: the same findings as with an index of its own."""
    from review.intake.findings import ANCHOR_SETS, check_plan
    from review.intake.structure import analyse

    words = FACT_PIECES.split("|") + [
        "council decision",
        "monitoring",
        "workshop",
        "adaptation",
        "inventory",
        "funding",
        "please describe your city's plan.",
        "this section should list the actions.",
    ]
    rng = random.Random("edited findings")
    blanked = 0
    for _ in range(40):
        pages = []
        for number in range(1, rng.randint(4, 25)):
            body = "".join(
                rng.choice(words) + rng.choice((" ", " ", "\n", ". ")) for _ in range(60)
            )
            toc = "Contents\n1 Inventory ........ 4\n2 Funding ...... 9\n3 Monitoring .... 12\n"
            pages.append(
                Unit(
                    "page",
                    number,
                    "Climate council funding plan 2030\n"
                    + (toc if number == 2 else "")
                    + body
                    + f"\n{number}",
                )
            )
        shared = analyse(pages, anchor_sets=ANCHOR_SETS)
        own = analyse(pages)
        assert shared.body == own.body and shared.excluded == own.excluded
        assert shared.index is not None and own.index is not None
        assert not set(own.index.words) >= {a for s in ANCHOR_SETS for a in s}
        assert check_plan(pages, (), shared, "x") == check_plan(pages, (), own, "x")
        blanked += sum(map(len, shared.excluded))
    assert blanked > 100


def test_percentages_tried_only_at_digits_before_their_anchors_are_the_regexs() -> None:
    words = PIECES["percent"][3].split("|")
    rng = random.Random("percent first")
    found = 0
    for _ in range(1500):
        text = "".join(rng.choice(words) + rng.choice(("", "", " ", "\n")) for _ in range(20))
        expected = [m.span() for m in target_words.PERCENT.finditer(text)]
        got = scan.anchored_finditer(
            target_words.PERCENT,
            text,
            target_words.PERCENT_ANCHORS,
            target_words.PERCENT_REACH,
            first=target_words.PERCENT_FIRST,
        )
        assert [m.span() for m in got] == expected, text
        found += len(expected)
    assert found > 1000
    text = "123.45 per cent"  # the anchor 11 characters after the match's start
    shorter = scan.anchored_finditer(
        target_words.PERCENT, text, target_words.PERCENT_ANCHORS, target_words.PERCENT_REACH - 1
    )
    assert [m.span() for m in shorter] != [m.span() for m in target_words.PERCENT.finditer(text)]


TAKING_PART_PIECES = (
    "bürger|beteiligung|öffentlichkeits|bürgerforum|zukunfts|werkstatt|workshop|consultation|"
    "participat|ion|co-|co|creat|design|designed|survey|umfrage|citizens' |citizen|citizens |"
    "assembl|panel|jur|public hearing|public|hearing|x|_|1|é|-|'|stakeholder"
)


def test_taking_part_begun_before_its_first_anchor_is_the_regexs_search() -> None:
    from review.intake.findings import _TAKING_PART, taking_part

    pieces = TAKING_PART_PIECES.split("|")
    rng = random.Random("taking part")
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(("", "", " ", "\n")) for _ in range(15))
        expected = _TAKING_PART.search(text)
        got = taking_part(text)
        assert (got and (got.span(), got.group(0))) == (
            expected and (expected.span(), expected.group(0))
        ), text
        found += expected is not None
    assert found > 1000


# The sectors searched from just before the first literal their matches hold (`scan.Held`):
# texts of each regex's own words, table rows ("| municipality |") and the longest prefixes.
HELD_PIECES = {
    "inventory municipal": (
        inventory.SECTOR_TERMS["municipal"],
        *inventory.HELD["municipal"],
        "municipal|municipality|public buildings|public sector|institutional|| |\n|kommunal|"
        "kommunale|kommunalen|kommune|city-owned|city owned|own operations|städtische|"
        "liegenschaft|gebäude|einrichtung|öffentliche|buildings|facilit|operations|assets|"
        "fleet|stock|x| |public|city",
    ),
    "inventory tertiary": (
        inventory.SECTOR_TERMS["tertiary"],
        *inventory.HELD["tertiary"],
        "tertiary|tertiär|commercial|commercial vehicle|institutional|service|services|sector|"
        "buildings|building|industr|other |private |commercial || |\n|(|trade|commerce|"
        "industry| and | & |business|businesses|businesses'|business's| as usual|gewerbe|"
        "gewerbegebiet|ghd|dienstleistung|handel|x| |buildings and services",
    ),
    "actions municipal": (
        actions.ACTION_SECTOR_TERMS["municipal"],
        actions.MUNICIPAL_ANCHORS,
        0,
        "municipal|municipality|public buildings|city|city-owned|city owned|'s| group's| own |"
        "buildings|propert|premises|facilit|operations|assets|estate|stock|kommunale|"
        "kommunalen|städtische|öffentliche|liegenschaft|gebäude|einrichtung|x| |-",
    ),
}


@pytest.mark.parametrize("name", HELD_PIECES)
def test_a_sector_searched_from_its_first_literal_is_the_regexs_search(name: str) -> None:
    pattern, anchors, reach, pieces = HELD_PIECES[name]
    words = pieces.split("|")
    rng = random.Random(name)
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice(("", "", " ", "\n")) for _ in range(12))
        expected = pattern.search(text)
        got = scan.Held(pattern, anchors, reach).search(text)
        assert (got and got.span()) == (expected and expected.span()), text
        found += expected is not None
    assert found > 1000
    if reach:  # the longest way before a literal, one character short
        text = "x| municipality | 12" if "municipal" in name else "x buildings and services"
        shorter = scan.Held(pattern, anchors, reach - 1).search(text)
        assert (shorter and shorter.span()) != pattern.search(text).span()  # type: ignore[union-attr]


def test_a_running_lines_key_maps_the_ascii_digits_as_str_translate_did() -> None:
    """A header's key ("seite #") by a regex substitution: exactly the ten ASCII digits become
    "#", as `str.translate` with `str.maketrans("0123456789", "#" * 10)` made them; other
    digits (superscripts, Arabic-Indic, full-width) and letters stay."""
    table = str.maketrans("0123456789", "#" * 10)
    pieces = ["0", "9", "42", "²", "٣", "５", "Seite ", "ÜBER", "İ", " ", "\t", "\n", "x", "-"]
    rng = random.Random("key")
    for _ in range(2000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert furniture._key(line) == line.strip().lower().translate(table), line


def test_cleaning_a_page_only_where_its_text_stands_is_cleaning_it_all() -> None:
    """`_clean` replaces carriage returns, PDFium's hyphen marks and NULs only where a test
    finds them: the same text as every replacement made in turn."""

    def every_replacement(text: str) -> str:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufffe\n", "-\n")
        text = text.replace("\ufffe", "-\n").replace("\x00", "")
        if "  " in text or "\t" in text or "\u00a0" in text:
            text = pdf._SPACES.sub(" ", text)
        return text.replace(" \n", "\n").replace("\n ", "\n").strip()

    pieces = ["\r\n", "\r", "\n", "\ufffe", "\ufffe\r\n", "\x00", " ", "  ", "\t", "\u00a0", "ab"]
    rng = random.Random("clean")
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 15)))
        assert pdf._clean(text) == every_replacement(text), repr(text)


def test_a_blanked_span_is_a_space_for_each_character_but_the_line_breaks() -> None:
    """`blank` by split and join: each character of a span a space, its line breaks kept, the
    text outside untouched, as a step per character made it."""
    rng = random.Random("blank")
    for _ in range(2000):
        text = "".join(rng.choice(["a", "ü", "\n", " ", "\t", "\r", "€", "xy"]) for _ in range(20))
        spans = []
        for _ in range(rng.randint(0, 4)):
            a = rng.randint(0, len(text))
            spans.append(Span(a, min(len(text), a + rng.randint(0, 9)), "running"))
        expected = text
        for span in spans:
            gap = expected[span.start : span.end]
            expected = (
                expected[: span.start]
                + "".join(" " if c != "\n" else c for c in gap)
                + expected[span.end :]
            )
        assert blank(text, spans) == expected, (text, spans)


def test_listings_cued_by_the_index_are_those_cued_by_a_test_per_page() -> None:
    """`listings` takes the pages holding a cue ("contents", "list of"...) from the document's
    index: the same spans marked as with a substring test per page and cue."""
    from review.intake.structure.text import LazyLines, lower_same_offsets
    from review.intake.structure.toc import LISTING_CUES, listings

    words = ["Contents", "List of figures", "Inhaltsverzeichnis", "Index of", "Figure", "x"]
    rng = random.Random("listings")
    marked = 0
    for _ in range(150):
        units = [
            Unit(
                "page",
                n + 1,
                "\n".join(
                    f"{rng.choice(words)} {rng.choice(words)} {n + k + rng.randint(0, 3)}"
                    for k in range(rng.randint(1, 8))
                ),
            )
            for n in range(rng.randint(1, 6))
        ]
        lowered = [lower_same_offsets(u.text) for u in units]
        index = scan.AnchorIndex(lowered, [LISTING_CUES])
        by_index: list[list[Span]] = [[] for _ in units]
        by_test: list[list[Span]] = [[] for _ in units]
        listings(units, LazyLines(units), lowered, by_index, index)
        listings(units, LazyLines(units), lowered, by_test)
        assert by_index == by_test
        marked += sum(map(len, by_index))
    assert marked > 20


def test_reading_a_plan_uses_the_scanner_compiled_at_import() -> None:
    """The anchor scanner is compiled when review.intake.read is imported (`prepare`), so that
    reading processes forked afterwards inherit it: reading a plan compiles none of its own, so
    `prepare` compiles the very anchor set reading uses."""
    from review.intake import read
    from review.intake.structure import analyse, prepare

    prepare(read.FINDINGS_ANCHOR_SETS)  # again: other tests' anchor sets may have pushed it out
    before = scan.literal_database.cache_info().misses
    pages = [
        Unit("page", n, f"Klimaschutzkonzept {n}\nMonitoring und Finanzierung") for n in (1, 2)
    ]
    read.check_plan(pages, (), analyse(pages, anchor_sets=read.FINDINGS_ANCHOR_SETS), "x")
    assert scan.literal_database.cache_info().misses == before


def _pages_by_both_ways(pdfium: Any, paths: list[Path]) -> int:
    """Asserts each page's text read by the raw calls is the page objects' text; counts pages."""
    pages = 0
    for path in paths:
        document = pdfium.PdfDocument(path.read_bytes())
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                expected = textpage.get_text_range()
                textpage.close()
                page.close()
                assert pdf._pdfium_page_text(document.raw, index) == expected, (path.name, index)
                pages += 1
        finally:
            document.close()
    return pages


def test_pdfium_pages_read_by_its_raw_calls_are_the_text_its_page_objects_give(
    tmp_path: Path,
) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    paths = [
        write_pdf(plan_spec(seed, lang, pages=12), tmp_path / f"plan-{seed}.pdf").path
        for seed, lang in ((1, "de"), (3, "en"))
    ]
    assert _pages_by_both_ways(pdfium, paths) >= 20


@pytest.mark.realdata
def test_real_pdfium_pages_read_by_its_raw_calls_are_the_text_its_page_objects_give(
    real_plans: Path,
) -> None:
    """Two tune plans (never the holdout's): a report with tables, a CCC plan's layout."""
    pdfium = pytest.importorskip("pypdfium2")
    paths = [
        real_plans / "Klimabilanz_2015_Bericht_2017_07_12.pdf",
        real_plans / "ccc" / "groningen-ccc.pdf",
    ]
    assert _pages_by_both_ways(pdfium, paths) >= 30
