"""Completeness pre-check of a plan against the SECAP structure and the JRC eligibility criteria.

Pure: text in, findings out. Each finding says which part of a SECAP was looked for, whether
German or English wording for it was found, and where (page or paragraph, with a snippet), so a
reviewer can check it in seconds. These are automatic hints for the reviewers, never a verdict:
a plan can describe its inventory in words no list anticipates, and a word can appear without
the substance.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from review.intake.checks import (
    CHECKS,
    DECIDED_BY_NUMBER,
    KEY_SECTORS,
    MIN_ACTION_SECTORS,
    MIN_INVENTORY_SECTORS,
    Terms,
)
from review.intake.document import Unit
from review.intake.facts import (
    add_action_sectors,
    add_council,
    add_inventory,
    add_targets,
    base_year_from_targets,
    inventory,
    lead_with,
    substance,
    targets,
)
from review.intake.facts.actions import action_sectors
from review.intake.facts.inventory import read_inventory
from review.intake.facts.substance import (
    adapts,
    assessed,
    assessment_spots,
    financed,
    min_financed,
)
from review.intake.facts.targets import read_targets
from review.intake.markup import plain_text
from review.intake.report import describe
from review.intake.scan import AnchorIndex, IndexedUnits
from review.intake.structure import Structure, analyse

NOTE = {
    "de": "Automatische Hinweise für die Begutachtung, keine Bewertung: bitte im Plan prüfen.",
    "en": "Automatic hints for the reviewers, not a verdict: please check them in the plan.",
}
MAX_EVIDENCE = 3
FACT_ANCHOR_SETS = [*substance.ANCHOR_SETS, *inventory.ANCHOR_SETS, *targets.ANCHOR_SETS]
#: Every anchor the checks and the facts ask the document's index about: `analyse` finds them
#: in its pass (read.py asks it to), `check_plan` edits that index for the plan's own text.
ANCHOR_SETS = [*(c.pattern.anchors for c in CHECKS), DECIDED_BY_NUMBER.anchors, *FACT_ANCHOR_SETS]
_WORDS = {a for anchors in ANCHOR_SETS for a in anchors}
SNIPPET_CHARS = 90


def check_plan(
    units: Sequence[Unit],
    headings: Iterable[tuple[str, int | None]] = (),
    structure: Structure | None = None,
    city: str | None = None,
) -> list[dict[str, Any]]:
    """The findings for one plan, in the order of the SECAP structure. `headings`: the
    (kind, number) of units that are headings (DOCX); a chapter's text window ends at the next.

    Only the plan's own text is searched: the table of contents, running headers, disclaimers,
    funding acknowledgements and template guidance (`structure`) are blanked out first, so no
    evidence comes from them."""
    structure = structure if structure is not None else analyse(units, anchor_sets=ANCHOR_SETS)
    labels = structure.page_labels
    texts = [body.lower() for body in structure.body]
    lowered = IndexedUnits(
        (
            (_Body(u, labels.get(u.number) if u.kind == "page" else None, body), text)
            for u, body, text in zip(units, structure.body, texts, strict=True)
        ),
        ANCHOR_SETS,
        _index_of_the_body(structure, texts),
    )
    stops = {(kind, number) for kind, number in headings}
    index = lowered.anchors
    findings = []
    for check in CHECKS:
        hits = _weighed(check.id, _hits(check.id, check.pattern, lowered, index))
        finding = _finding(check.id, check.label_de, check.label_en, hits)
        if check.id == "inventory":
            # Sectors from the inventory's chapter (its tables first); without a chapter the
            # text following each mention of the inventory.
            _add_sectors(finding, _windows(lowered, hits, stops), MIN_INVENTORY_SECTORS)
            add_inventory(finding, read_inventory(lowered, structure.headings))
        elif check.id == "mitigation_actions":
            _add_sectors(finding, _windows(lowered, hits, stops), MIN_ACTION_SECTORS)
            add_action_sectors(finding, action_sectors(lowered, structure.headings))
        elif check.id == "target":
            add_targets(finding, read_targets(lowered, city, [h.title for h in structure.headings]))
        elif check.id == "council_approval":
            add_council(finding, lowered, hits)
        elif check.id == "financing":
            money = financed(lowered, structure.headings)
            # Named (financing, funding, Finanzierung) and put money on (amounts).
            finding["present"] = bool(hits) and len(money) >= min_financed(lowered)
            if finding["present"]:
                found = [_evidence(u, a, b) for u, a, b in money[:MAX_EVIDENCE]]
                finding["evidence"] = lead_with(found, finding["evidence"])
        elif check.id == "risk_vulnerability":
            _add_assessment(finding, bool(hits), lowered, structure)
        elif check.id == "adaptation_actions":
            finding["present"] = bool(hits) and adapts(hits, structure.headings, lowered)
        if hits and not finding["present"]:
            # Named in passing only: the mentions stay visible, as mentions, not as evidence.
            finding["mentions"], finding["evidence"] = finding["evidence"], []
        finding["summary"] = describe(finding)
        findings.append(finding)
    by_check = {f["check"]: f for f in findings}
    if base_year_from_targets(by_check["inventory"], by_check["target"]):
        by_check["inventory"]["summary"] = describe(by_check["inventory"])
    return findings


def _add_assessment(
    finding: dict[str, Any], named: bool, lowered: Sequence[tuple[Unit, str]], structure: Structure
) -> None:
    """Present when the plan did the assessment; its evidence where it says so first."""
    finding["present"] = named and assessed(lowered, structure.headings)
    if finding["present"]:
        found = [_evidence(u, a, b) for u, a, b in assessment_spots(lowered)]
        finding["evidence"] = lead_with(found, finding["evidence"])


def _index_of_the_body(structure: Structure, texts: list[str]) -> AnchorIndex | None:
    """Where the checks' and facts' anchors stand in the plan's own text (`texts`, lower-cased):
    the structure's one automaton pass over the whole text, edited where it blanked spans (a
    second pass over the document cost as much as the first); None when the structure's index
    was not made for these anchors."""
    if structure.index is None or not set(structure.index.words) >= _WORDS:
        return None
    spans = [[(s.start, s.end) for s in unit_spans] for unit_spans in structure.excluded]
    return structure.index.edited(texts, spans)


WINDOW_CHARS = 2500

Span = tuple[Unit, str, int, int]  # a unit, its lower-cased text, and a range in it


def _windows(
    lowered: list[tuple[Unit, str]],
    hits: list[tuple[Unit, str, Any]],
    stops: set[tuple[str, int | None]],
) -> list[Span]:
    """The text following each hit, WINDOW_CHARS long, running on into the next units: a DOCX
    heading "Maßnahmenkatalog" is followed by the actions, a PDF chapter runs over pages."""
    position = {id(u): i for i, (u, _) in enumerate(lowered)}
    spans: list[Span] = []
    for unit, text, match in hits:
        i = position[id(unit)]
        left = WINDOW_CHARS
        start = match.start()
        while left > 0 and i < len(lowered):
            unit, text = lowered[i]
            if start == 0 and (unit.kind, unit.number) in stops:
                break  # the next chapter
            end = min(len(text), start + left)
            spans.append((unit, text, start, end))
            left -= end - start
            i, start = i + 1, 0
    return spans


def _finding(
    check_id: str, de: str, en: str, hits: list[tuple[Unit, str, re.Match[str]]]
) -> dict[str, Any]:
    return {
        "kind": "check",
        "check": check_id,
        "label": {"de": de, "en": en},
        "present": bool(hits),
        "evidence": [_evidence(u, m.start(), m.end()) for u, _, m in hits[:MAX_EVIDENCE]],
        "hits": len(hits),
        "automatic": True,
        "note": NOTE,
    }


def _hits(
    check_id: str, terms: Terms, lowered: list[tuple[Unit, str]], index: AnchorIndex
) -> list[tuple[Unit, str, re.Match[str]]]:
    """Each unit's first mention of the check's terms, in the plan's order: searched from
    `reach` before the unit's first anchor (no match starts earlier), not from its start."""
    if terms.reach is None:
        hits: list[tuple[Unit, str, re.Match[str]]] = [
            (unit, text, m)
            for i in index.units_with(terms.anchors)
            if (m := terms.pattern.search(text := lowered[i][1])) and (unit := lowered[i][0])
        ]
    else:
        spots, reach = index.spots(terms.anchors), terms.reach
        hits = [
            (unit, text, m)
            for i in index.units_with(terms.anchors)
            if (m := terms.pattern.search(text := lowered[i][1], max(0, min(spots[i]) - reach)))
            and (unit := lowered[i][0])
        ]
    if check_id == "council_approval":
        hits = _with_decisions_by_number(hits, lowered, index)
    return hits


def _with_decisions_by_number(
    hits: list[tuple[Unit, str, re.Match[str]]],
    lowered: list[tuple[Unit, str]],
    index: AnchorIndex,
) -> list[tuple[Unit, str, re.Match[str]]]:
    """The council's mentions and, in the units without one, a decision given by its number
    (`DECIDED_BY_NUMBER`), in the plan's order."""
    found = {id(unit): (unit, text, m) for unit, text, m in hits}
    for i in index.units_with(DECIDED_BY_NUMBER.anchors):
        unit, text = lowered[i]
        if id(unit) not in found and (m := DECIDED_BY_NUMBER.pattern.search(text)):
            found[id(unit)] = (unit, text, m)
    if len(found) == len(hits):
        return hits
    order = {id(unit): i for i, (unit, _) in enumerate(lowered)}
    return sorted(found.values(), key=lambda h: order[id(h[0])])


# "is expected to be adopted by the city council in autumn", "soll vom Rat beschlossen werden"
# ("will not be finally endorsed by the City Council until 2025": a word or two between)
_TO_COME_BEFORE = re.compile(
    r"(?:expected to be|is to be|are to be|will(?: not)? be|shall be|would be|planned to be|"
    r"to be|yet to be|awaiting|pending)(?:\s+(?:\w+ly|not|yet|also|then|soon|still))*\s*$"
)
_TO_COME_AFTER = re.compile(r"^\s*(?:werden|worden soll|wird|soll)\b")


def _weighed(
    check_id: str, hits: list[tuple[Unit, str, re.Match[str]]]
) -> list[tuple[Unit, str, re.Match[str]]]:
    """The mentions that count for a check, the strongest first: a council decision taken and
    about the climate plan; for participation, people taking part before stakeholders named;
    for every check, lines of a listing last."""
    if check_id == "council_approval":
        hits = [
            h
            for h in hits
            if _about_climate(h[1], h[2])
            and not _still_to_come(h[1], h[2])
            and not _another_council(h[1], h[2])
        ]
    elif check_id == "participation":
        hits = _taking_part_first(hits)
    return sorted(hits, key=lambda h: _in_a_listing(h[0], h[2]))


# Entries of a listing: a table of contents or a list of figures that the structure step did
# not recognise, run together in the text layer ("... Impact Indicators 70 C.1.1 Description
# or visualisation of the participatory governance model 72 C.1.2 Sample Table ...", "... with
# stakeholders. 28 Figure 11. Estimated ..."): a page number, then the next entry's number.
_NEXT_ENTRY = re.compile(r"\b\d{1,3}\s+(?:Figure|Table|Abbildung|Tabelle|[A-D][.-]\d|\d+\.\d)")
LISTING_WINDOW = 150


def _in_a_listing(unit: Unit, m: re.Match[str]) -> bool:
    """Whether the mention stands among two or more entries of a listing (the unit's own text
    keeps its capitals, which tell "28 Figure 11" from "28 figures")."""
    a, b = max(0, m.start() - LISTING_WINDOW), m.end() + LISTING_WINDOW
    return len(_NEXT_ENTRY.findall(unit.text, a, b)) >= 2


# What a council decision behind the plan is about: the plan itself ("the plan was approved",
# "hat das Konzept beschlossen", "the CCC"), the climate plan, its target or the energy
# transition ("Klimaschutzkonzept", "SECAP", "climate neutrality", "Climate City Contract").
_CLIMATE = re.compile(
    r"klima|co2|co₂|treibhausgas|\benergie|climate|carbon|emission|neutral|secap|\bseap|paesc|"
    r"pcaet|\bplan\b|\bccc\b|roadmap|fahrplan|strateg|konzept|concept|programm|contract|"
    r"mission|masterplan|sustainab|nachhaltig"
)
ABOUT = 250


def _about_climate(text: str, m: re.Match[str]) -> bool:
    """A council decision near words of the climate plan: a decision on a land-use plan ("Auf
    Grund des Ratsbeschlusses zur 65. Änderung des Flächennutzungsplans ... für
    Windenergieanlagen") is the council's, but not behind this plan."""
    return bool(_CLIMATE.search(text, max(0, m.start() - ABOUT), m.end() + ABOUT))


# A council or assembly that is not the city's: "the European Council adopted the 2030 target",
# "approved by the Council of the European Union", "the youth council", "a citizens' assembly",
# "the city's Climate Council" (an advisory body).
_ANOTHER_COUNCIL = re.compile(
    r"(?:european|\beu|security|advisory|youth|climate|research|nordic|economic|scientific|"
    r"expert|citizens'?|citizen|senior|business|general|national|federal|regional|works|"
    r"children's|environmental|energy|sustainability|klima|jugend|senioren|bei)"
    r"[\s-](?:council|assembly|rat\b)|council\sof\s(?:the\s)?(?:european|eu\b|europe|ministers)"
)


def _another_council(text: str, m: re.Match[str]) -> bool:
    """Whether the council of the mention is another body than the city's council."""
    return bool(_ANOTHER_COUNCIL.search(text, max(0, m.start() - 30), m.end() + 30))


def _still_to_come(text: str, m: re.Match[str]) -> bool:
    """A decision the plan expects, not one taken."""
    return bool(
        _TO_COME_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
        or _TO_COME_AFTER.match(text[m.end() : m.end() + 20])
    )


# Where people took part (workshops, consultations, Beteiligung), as against where the plan only
# names its stakeholders or its communication: the evidence a reviewer wants to see first.
_TAKING_PART = re.compile(
    r"\b(?:\w*beteiligung|bürgerforum|\w*werkstatt|workshop|consultation|\w*participat|"
    r"co-?creat|co-?design|survey|umfrage|citizens'? (?:assembl|panel|jur)|public hearing)"
)

# Every match of _TAKING_PART holds one of these, at most 3 characters ("co-") after its start
# or after a run of word characters (`\w*beteiligung`).
_TAKING_PART_ANCHORS = (
    "beteiligung",
    "bürgerforum",
    "werkstatt",
    "workshop",
    "consultation",
    "participat",
    "creat",
    "design",
    "survey",
    "umfrage",
    "citizen",
    "public hearing",
)


def taking_part(text: str) -> re.Match[str] | None:
    """`_TAKING_PART.search(text)`, begun where its first match can start at the earliest:
    3 characters before the first anchor, and further back over the word characters there
    (its `\w*` alternatives backtrack through every word of the text before: 90 µs a page)."""
    found = [at for anchor in _TAKING_PART_ANCHORS if (at := text.find(anchor)) != -1]
    if not found:
        return None
    lo = max(0, min(found) - 3)
    while lo > 0 and (text[lo - 1].isalnum() or text[lo - 1] == "_"):  # what \w matches
        lo -= 1
    return _TAKING_PART.search(text, lo)


def _taking_part_first(
    hits: list[tuple[Unit, str, re.Match[str]]],
) -> list[tuple[Unit, str, re.Match[str]]]:
    """The units where people take part first (at that passage), then the other mentions:
    "we applied for external funding to develop a local climate agreement since stakeholder
    engagement was something we needed" names stakeholders, "the action plan was open for
    consultation during three months" shows them taking part."""
    found = [(h, taking_part(h[1])) for h in hits]  # once per hit: the regex is slow
    taking = [(u, t, m) for (u, t, _), m in found if m]
    rest = [h for h, m in found if not m]
    return taking + rest


class _Body(Unit):
    """A unit as evidence is taken from it: its own text only (what is not the plan's own is
    blanked, so a snippet never shows a running header), and a PDF page's printed label."""

    def __init__(self, unit: Unit, label: str | None, body: str) -> None:
        super().__init__(unit.kind, unit.number, body)
        self.label = label


def _evidence(unit: Unit, start: int, end: int) -> dict[str, Any]:
    out: dict[str, Any] = {unit.kind: unit.number}
    label = getattr(unit, "label", None)
    if label is not None:
        out["page_label"] = label
    out["snippet"] = snippet(unit.text, start, end)
    return out


def snippet(text: str, start: int, end: int) -> str:
    a, b = max(0, start - SNIPPET_CHARS), min(len(text), end + SNIPPET_CHARS)
    # (as the plan means it, where a conversion left markup in its text: review.intake.markup)
    body = plain_text(" ".join(text[a:b].split()))
    return ("…" if a > 0 else "") + body + ("…" if b < len(text) else "")


def _add_sectors(finding: dict[str, Any], pool: list[Span], minimum: int) -> None:
    sectors: dict[str, list[dict[str, Any]]] = {}
    for sector, (_de, _en, pattern) in KEY_SECTORS.items():
        seen: set[tuple[int, int]] = set()
        for unit, text, start, end in pool:
            m = pattern.search(text, start, end)
            if m and (id(unit), m.start()) not in seen:
                seen.add((id(unit), m.start()))
                sectors.setdefault(sector, []).append(_evidence(unit, m.start(), m.end()))
                if len(sectors[sector]) >= MAX_EVIDENCE:
                    break
    finding["sectors"] = sorted(sectors, key=list(KEY_SECTORS).index)
    finding["sector_evidence"] = sectors
    finding["sector_labels"] = {
        s: {"de": KEY_SECTORS[s][0], "en": KEY_SECTORS[s][1]} for s in KEY_SECTORS
    }
    finding["jrc_min_sectors"] = minimum
    finding["jrc_min_sectors_met"] = len(sectors) >= minimum


def summary(findings: Sequence[dict[str, Any]], asked: Collection[str] | None = None) -> str:
    """'7/9': the checks found of those the round asks for (`asked`, review.asked_parts; None:
    every check)."""
    checks = [
        f for f in findings if f.get("kind") == "check" and (asked is None or f["check"] in asked)
    ]
    return f"{sum(f['present'] for f in checks)}/{len(checks)}" if checks else "-"
