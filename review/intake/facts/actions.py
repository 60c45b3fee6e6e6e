"""The JRC key sectors the plan's mitigation actions cover, read from its action chapters.

An action names what the plan will do, so its sector is counted from the action chapters
("Module B-2 Climate Neutrality Portfolio Design", "Maßnahmenkatalog", "Actions"), never from
the context before them: a Climate City Contract's "Part A – Current State of Climate Action"
holds the inventory ("Commercial & Institutional Buildings and Facilities") and the template's
own words ("commitments and strategies of key local businesses"), which are no actions.

Within the actions a sector is named for what the action acts on, by the JRC's meaning:
- municipal: the municipality's own buildings and facilities. Its fleet is transport (the JRC
  counts the municipal fleet there), and "the public sector" named among the stakeholders of
  an action is who takes part, not what the action changes.
- tertiary: commercial and service buildings. "Commercial vehicles" are transport; "local
  businesses" among the stakeholders, "business trips" and a bus "service" are no buildings.
- residential and transport as the inventory reads them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from review.intake.document import Heading, Unit
from review.intake.facts.inventory import _BUILDINGS, BUILDING_SECTORS, SECTOR_TERMS
from review.intake.facts.text import chapter_units, evidence
from review.intake.scan import Held, Started

_ACTION_CHAPTER = re.compile(
    r"\bb-2\b|portfolio|mitigation action|climate action|actions\b|"
    r"maßnahmen|massnahmen|handlungsfeld|handlungsprogramm|"
    # A numbered priority ("2.3.1 Priority 1: Retrofitting Homes ...", The Hague); "Strategic
    # priorities" of a governance chapter are none.
    r"priorit(?:y|ät) \d"
)
# The plan's context: where it stands today, not what it will do ("Part A – Current State of
# Climate Action", "Ausgangslage", "Bestandsaufnahme", "Ist-Analyse").
_CONTEXT_CHAPTER = re.compile(
    r"\bpart a\b|current state|current status|ausgangslage|ausgangssituation|bestandsaufnahme|"
    r"ist-analyse|ist-zustand"
)

ACTION_SECTOR_TERMS: dict[str, re.Pattern[str]] = {
    "municipal": re.compile(
        r"municipal (?:buildings|facilit|operations|assets|propert|premises|estate|stock)|"
        r"public buildings|city[- ]owned (?:buildings|propert|facilit)|"
        r"(?:city|municipal|municipality)(?:'s| group's) own (?:buildings|propert|premises)|"
        r"kommunale\w* (?:liegenschaft|gebäude|einrichtung)|städtische\w* (?:liegenschaft|gebäude)|"
        r"öffentliche\w* gebäude"
    ),
    "tertiary": re.compile(
        r"tertiary|tertiär|commercial(?! (?:vehicle|car|truck|transport|fleet|traffic|lorr|van|speed))|"
        r"services? sector|office buildings|gewerbe|\bghd\b|dienstleistung|\bhandel\b"
    ),
    "residential": SECTOR_TERMS["residential"],
    "transport": SECTOR_TERMS["transport"],
}


# The same searches, the regex tried only where a literal its matches start with stands.
# (The municipal one's alternatives each start with one of MUNICIPAL_ANCHORS.)
MUNICIPAL_ANCHORS = (
    "municipal",
    "public buildings",
    "city",
    "kommunale",
    "städtische",
    "öffentliche",
)
_ACTION_SECTORS_STARTED: dict[str, Started | Held] = {
    sector: Held(p, MUNICIPAL_ANCHORS, 0) if sector == "municipal" else Started(p)
    for sector, p in ACTION_SECTOR_TERMS.items()
}
_BUILDINGS_STARTED = Started(_BUILDINGS)


# The template's action module by its title: "MODULE B-2: Portfolio of transformative actions".
_ACTION_MODULE = re.compile(r"\s*module b-2\b")
MODULE_TITLE_CHARS = 120


def _unstyled_action_modules(units: list[tuple[Unit, str]]) -> list[Heading]:
    """The action module's title standing as a paragraph of its own where the file did not
    style it as a heading (Seville's "MODULE B-2: ..." between its styled "MODULE B-1" and
    "B-2.3" headings), as a heading of the outline's top level."""
    return [
        Heading(1, text, unit.kind, unit.number)
        for unit, text in units
        if unit.kind == "paragraph"
        and len(text) <= MODULE_TITLE_CHARS
        and _ACTION_MODULE.match(text)
    ]


def action_sectors(
    units: list[tuple[Unit, str]], headings: Sequence[Heading]
) -> tuple[list[str], dict[str, dict[str, Any]]] | None:
    """Key sectors of the mitigation actions, with where each was found, from the action
    chapters (their tables first) outside the context chapters; None when the plan has no
    action chapter."""
    context = set(chapter_units(units, headings, _CONTEXT_CHAPTER))
    outline = [*headings, *_unstyled_action_modules(units)]
    chapter = [i for i in chapter_units(units, outline, _ACTION_CHAPTER) if i not in context]
    if not chapter:
        return None
    pool = [i for i in chapter if units[i][0].kind == "table"] or chapter
    named: dict[str, dict[str, Any]] = {}
    aggregated: dict[str, Any] | None = None
    for i in pool:
        unit, text = units[i]
        for sector, pattern in _ACTION_SECTORS_STARTED.items():
            if sector not in named and (m := pattern.search(text)):
                named[sector] = evidence(unit, m.start(), m.end())
        if aggregated is None and (m := _BUILDINGS_STARTED.search(text)):
            aggregated = evidence(unit, m.start(), m.end())
    # Actions on "buildings" with the homes not named apart act on all three building sectors.
    if aggregated is not None and "residential" not in named:
        for sector in BUILDING_SECTORS:
            named.setdefault(sector, aggregated | {"aggregated": True})
    sectors = [s for s in ACTION_SECTOR_TERMS if s in named]
    return sectors, {s: named[s] for s in sectors}
