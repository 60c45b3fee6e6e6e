"""The baseline emission inventory: its base year and which JRC key sectors it covers.

The sectors are read from the inventory's chapter (found by its heading: "Module A-1 Greenhouse
Gas Emissions Baseline Inventory", "Energie- und CO2-Bilanz"), from its tables where it has
them, else from its text. An inventory reporting only an aggregated "buildings" or "stationary
energy" sector covers the three building sectors (municipal, tertiary, residential): it includes
all buildings; a split inventory covers the sectors it names.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from review.intake.document import Heading, Unit
from review.intake.facts.text import evidence
from review.intake.scan import Held, Started, units_with

_CHAPTER = re.compile(
    r"(?:baseline|emissions?|ghg|greenhouse gas|co2) (?:emissions? )?inventor|\ba-1\b|"
    r"(?:energie|co2|co₂|treibhausgas|thg|klima)[- ]?(?:und [\w-]+ )?bilanz|emissionsinventar|"
    r"emission (?:balance|profile)|ghg emissions? (?:baseline|accounting)"
)
# Chapters that show the inventory's sectors without naming the inventory: "Sectoral
# Emissions", "Emissions by sector", "Emissionen nach Sektoren" (not read for the base year:
# they run over the years since an older reference year).
_SECTOR_CHAPTER = re.compile(
    _CHAPTER.pattern
    + r"|sectoral emissions|emissions? (?:by|per) (?:source )?sectors?|emissionen nach sektoren"
)
# A template module runs to the next module whatever the levels a PDF's headings were given
# ("2.1 Module A-1 ..." and its sub-headings "Coverage of Emissions Reporting" at one level).
_MODULE = re.compile(r"\bmodule [a-c]-\d\b")
_NEXT_MODULE = re.compile(r"\bmodule [a-c]-\d\b|\bpart [b-c]\b|\b[a-c]-[2-9]\b")
# A unit that opens the next module's part: a table "A-2.1: Policies ..." with no heading.
_OPENS_MODULE = re.compile(r"\s*(?:[\d.]+\s+)?(?:module\s+)?(?:[a-c]-[2-9]\b|[bc]-\d\b)")
_BASE_YEAR = re.compile(
    # A table's column "2009 (baseline year)": the label in brackets names the year before it,
    # not the next column's ("2009 (baseline year) | 2020 (inventory)", Oslo p. 23).
    r"\b(?P<y9>(?:19|20)\d\d)\s*\(\s*(?:base(?:line)?|reference|inventory)[-\s]year\s*\)"
    r"|\b(?:base(?:line)?|reference|inventory)[-\s]year(?!\s*\))\W{0,8}"
    r"(?:(?:is|was|of|for|used|selected|chosen|\|)\W{0,4})*(?P<y1>(?:19|20)\d\d)\b"
    r"|\b(?P<y2>(?:19|20)\d\d)\b,? (?:is|was|has been|as|serves as|will be|which is|that is)\s"
    r"(?:\w+\s){0,2}?(?:as )?(?:the |a |our |its )?(?:baseline(?: year)?|(?:base|reference) year)"
    # "we use 1990 as the baseline", "the emissions from 2020 as our baseline", "2018, the
    # year that The Hague uses as its baseline year"
    r"|\b(?P<y7>(?:19|20)\d\d)\b[^.\d]{0,60}?\bas (?:its |our |the |a )?"
    r"(?:baseline|base year|reference year)\b"
    # "the 1990 baseline", "a 2019 base year"
    r"|\b(?:the|a|our|its) (?P<y8>(?:19|20)\d\d) (?:baseline|base year|reference year)\b"
    r"|\bbaseline (?:emissions? )?(?:inventory )?(?:year )?(?:for|of|from|in) (?P<y3>(?:19|20)\d\d)\b"
    r"|\b(?:basisjahr|bezugsjahr|bilanzjahr)\W{0,5}(?:ist |war |bildet )?(?P<y4>(?:19|20)\d\d)\b"
    r"|\b(?P<y5>19\d\d|20[0-2]\d)\b[^.]{0,60}?\b(?:sogenannte )?basisjahr"
    r"|\b(?:basis|start|treibhausgas|thg|co2|energie)?bilanz (?:für|des jahres|für das jahr)\s"
    r"(?:das jahr\s)?(?P<y6>(?:19|20)\d\d)\b"
)
# The Climate City Contract's inventory tables: "A-1.1: Final energy use by source sectors".
_INVENTORY_TABLE = re.compile(r"\ba-1\.\d")
_BASE_ANCHORS = (
    "base\nyear",  # a PDF table's cells, one word a line: "Base\nyear\n2019"
    "reference year",
    "inventory year",
    "base year",
    "baseline",
    "base-year",
    "basisjahr",
    "bezugsjahr",
    "bilanzjahr",
    "bilanz ",
)

SECTOR_TERMS: dict[str, re.Pattern[str]] = {
    "municipal": re.compile(
        r"municipal (?:buildings|facilit|operations|assets|fleet|stock)|public buildings|"
        r"institutional|public sector|"
        # a table row labelled "Municipality | 15 679"
        r"(?:^|\n|\| )(?:municipal(?:ity)?|kommunal\w*|kommune)(?= \|)|"
        r"city[- ]owned|own operations|kommunale\w* (?:liegenschaft|gebäude|einrichtung)|"
        r"städtische\w* (?:liegenschaft|gebäude)|öffentliche\w* gebäude"
    ),
    # Commercial and service buildings, businesses' energy use. "Services" and "businesses" name
    # the sector only as one ("services sector", "service buildings", a row "Other services |
    # 557 …", "trade and services", "businesses' energy use"): goods and services bought, a bus
    # service, "key local businesses" as stakeholders, business as usual are no sector, nor are
    # commercial vehicles (transport) or a zone for businesses (Gewerbegebiet).
    "tertiary": re.compile(
        r"tertiary|tertiär|commercial(?! (?:vehicle|car|truck|transport|fleet|traffic|lorr|van))|"
        r"institutional|services? (?:sector|buildings?|industr)|"
        r"(?:^|\n|\| )(?:other |private |commercial )?services?(?= ?(?:\||\n|\(|$))|"
        r"\b(?:buildings?|trade|commerce|industry) (?:and|&) services\b|"
        r"business(?:es'?|'s)? (?:sector|buildings?|premises|energy|electricity|heating|"
        r"consumption|emissions)|(?:^|\n|\| )business(?:es)?(?!\s+as usual)(?= ?(?:\||\n|\(|$))|"
        r"gewerbe(?!gebiet|fläche)|\bghd\b|dienstleistung|handel\b"
    ),
    "residential": re.compile(
        r"residential|households?|\bhomes\b|housing|dwelling|private haushalte|haushalte|"
        r"\bdomestic(?! (?:product|flight|aviation|shipping|travel|touris|transport|hot water))|"
        r"wohngebäude|wohnen"
    ),
    "transport": re.compile(r"transport|mobility|traffic|vehicle|verkehr|mobilität"),
}
_BUILDINGS = re.compile(r"\bbuildings\b|stationary energy|built environment")
BUILDING_SECTORS = ("municipal", "tertiary", "residential")
MAX_CHAPTER_UNITS = 400


def read_inventory(
    units: list[tuple[Unit, str]], headings: Sequence[Heading], tables: Sequence[int] = ()
) -> dict[str, Any]:
    """Base year (with evidence) and the key sectors of the inventory (with where each was
    found). `units`: (unit, lower-cased plan's own text); `headings`: the outline."""
    chapter = _chapter(units, headings)
    base = _base_year(units, chapter)
    sectors, where = _sectors(units, _chapter(units, headings, _SECTOR_CHAPTER))
    return {
        "base_year": base[0] if base else None,
        "base_year_evidence": base[1] if base else None,
        "sectors_from": where,
        "sectors": sectors,
        "chapter": [units[i][0].where for i in chapter[:1]],
        "present_from": _inventoried(units, chapter, base),
    }


# Emission or energy quantities: "963 000 tonnes", "1.08 million tCO2eq", "7 102 848 MWh", "kt".
_QUANTITY = re.compile(
    r"\d\s?(?:million |mio\.? |tsd\.? )?(?:t|kt|mt|tonnes?|tons?|tco2\w*|mwh|gwh|twh)\b"
)
# The city's emissions as measured: "the city's CO2 emissions were 27 percent lower compared to
# 2018", "emissions amounted to", "die Emissionen betrugen".
_MEASURED = re.compile(
    r"emissions? (?:(?:\w+ ){0,2}(?:were|was|amounted|totall?ed|stood|fell|decreased|dropped|"
    r"declined|rose|increased))|emissionen (?:\w+ ){0,2}(?:betrugen|lagen|sanken|stiegen)"
)


def _inventoried(
    units: list[tuple[Unit, str]], chapter: list[int], base: tuple[int, dict[str, Any]] | None
) -> dict[str, Any] | None:
    """Evidence that the plan has a baseline inventory even where it names it in no words the
    term search knows ("Greenhouse Gas Emissions Baseline Inventory", a table of emissions by
    sector, "2018, the year The Hague uses as its baseline year"): a chapter found by its heading
    that gives quantities, or a base year stated beside the city's measured emissions."""
    for i in chapter:
        unit, text = units[i]
        if m := _QUANTITY.search(text):
            return evidence(unit, m.start(), m.end())
    if base is not None and _MEASURED.search(str(base[1].get("snippet", "")).lower()):
        return base[1]
    return None


def _chapter(
    units: list[tuple[Unit, str]], headings: Sequence[Heading], names: re.Pattern[str] = _CHAPTER
) -> list[int]:
    """Indexes of the units of the chapter(s) whose heading `names` match: from each such
    heading to the next heading of the same or a higher level."""
    position: dict[tuple[str, int | None], int] = {
        (u.kind, u.number): i for i, (u, _) in enumerate(units)
    }
    ordered = [h for h in headings if (h.kind, h.number) in position]
    ordered.sort(key=lambda h: position[h.kind, h.number])
    chosen: list[int] = []
    for k, h in enumerate(ordered):
        if not names.search(h.title.lower()):
            continue
        start = position[h.kind, h.number]
        end = len(units)
        module = bool(_MODULE.search(h.title.lower()))
        for nxt in ordered[k + 1 :]:
            if module and not _NEXT_MODULE.search(nxt.title.lower()):
                continue
            if (module or nxt.level <= h.level) and position[nxt.kind, nxt.number] > start:
                end = position[nxt.kind, nxt.number]
                break
        if module:
            end = next(
                (i for i in range(start + 1, end) if _OPENS_MODULE.match(units[i][1][:40])), end
            )
        chosen.extend(range(start, min(end, start + MAX_CHAPTER_UNITS)))
    return sorted(set(chosen))


def _base_year(
    units: list[tuple[Unit, str]], chapter: list[int]
) -> tuple[int, dict[str, Any]] | None:
    """The year most often named as base year, the inventory chapter's mentions first."""
    votes: Counter[int] = Counter()
    first: dict[int, dict[str, Any]] = {}
    in_chapter = set(chapter)
    for i in units_with(units, _BASE_ANCHORS):
        unit, text = units[i]
        for m in _BASE_YEAR.finditer(text):
            year = int(next(g for g in m.groups() if g))
            votes[year] += 3 if i in in_chapter else 1
            if _INVENTORY_TABLE.search(text, max(0, m.start() - 150), m.start()):
                votes[year] += 8  # the "Base year" field of the inventory's own tables
            first.setdefault(year, evidence(unit, m.start(), m.end()))
    if not votes:
        return None
    year = votes.most_common(1)[0][0]
    return year, first[year]


# The sectors whose matches start otherwise than with a literal (a table row's "| " before its
# label): the literals one of which every match holds, and how far after its start at most
# ("| " before "municipality"; "buildings and " before "services").
HELD = {
    "municipal": (
        (
            "municipal",
            "public buildings",
            "public sector",
            "institutional",
            "kommun",
            "city-owned",
            "city owned",
            "own operations",
            "städtische",
            "öffentliche",
        ),
        2,
    ),
    "tertiary": (
        (
            "terti",
            "commercial",
            "institutional",
            "service",
            "business",
            "gewerbe",
            "ghd",
            "dienstleistung",
            "handel",
        ),
        14,
    ),
}
# The same searches, the regex tried only where a literal its matches start with stands, or
# from just before the first literal its matches hold.
_SECTORS_STARTED: dict[str, Started | Held] = {
    sector: Held(pattern, *HELD[sector]) if sector in HELD else Started(pattern)
    for sector, pattern in SECTOR_TERMS.items()
}
_BUILDINGS_STARTED = Started(_BUILDINGS)


def _sectors(
    units: list[tuple[Unit, str]], chapter: list[int]
) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """Key sectors named in the chapter's tables (or its text when it has none)."""
    pool = [i for i in chapter if units[i][0].kind == "table"] or chapter
    named: dict[str, dict[str, Any]] = {}
    aggregated: dict[str, Any] | None = None
    for i in pool:
        unit, text = units[i]
        for sector, pattern in _SECTORS_STARTED.items():
            if sector not in named and (m := pattern.search(text)):
                named[sector] = evidence(unit, m.start(), m.end())
        if aggregated is None and (m := _BUILDINGS_STARTED.search(text)):
            aggregated = evidence(unit, m.start(), m.end())
    # A "services" or "homes" named in passing does not split the buildings ("buildings, both
    # residential and not residential, such as offices"): unless two building sectors are named
    # apart, "buildings" is the aggregate of all three.
    if aggregated is not None and sum(s in named for s in BUILDING_SECTORS) < 2:
        for sector in BUILDING_SECTORS:
            named.setdefault(sector, aggregated | {"aggregated": True})
    order = list(SECTOR_TERMS)
    sectors = sorted(named, key=order.index)
    return sectors, {s: named[s] for s in sectors}


#: The anchors these rules ask `units_with` about (the document's index finds them in its pass).
ANCHOR_SETS = (_BASE_ANCHORS,)
