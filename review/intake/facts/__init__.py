"""The plan's facts, read from its own text (review.intake.structure blanks what is not):
its headline target and the targets it quotes (`targets`), the baseline inventory's base year
and key sectors (`inventory`), the council decision's date or reference (`council`).

Each fact comes with its evidence (page with printed label, or paragraph/table, and a snippet)
and the findings carry them on their checks (`add_*` below), so everything that shows findings
(`peerplan intake --json`, the portal, the intake artifact, the consolidated document) has them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from review.intake.document import Unit
from review.intake.facts.council import council_reference

MAX_EVIDENCE = 3
_PLACES = ("page", "paragraph", "table")


def lead_with(first: list[dict[str, Any]], rest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A fact's own evidence ahead of the check's mentions, without a mention from a page or
    paragraph the fact already shows: the council's decision and the mention of "Beschluss" in
    the same paragraph were listed as two pieces of evidence."""
    shown = {(p, e[p]) for e in first for p in _PLACES if p in e}
    others = [e for e in rest if not any((p, e[p]) in shown for p in _PLACES if p in e)]
    return (first + others)[:MAX_EVIDENCE]


def add_targets(finding: dict[str, Any], facts: dict[str, Any]) -> None:
    """The target check: present when the plan states a target of its own (a percent and year
    quoted from the EU, the nation or for a sector is not the plan's target)."""
    headline = facts["headline"]
    finding["headline"] = headline
    finding["neutrality_year"] = facts["neutrality_year"]
    finding["other_targets"] = facts["other_targets"]
    listed = ([headline] if headline else []) + facts["other_targets"]
    # The older shape, kept for readers of stored findings: percent (100 for neutrality) and year.
    finding["targets"] = [
        {
            "percent": t["percent"] if t["percent"] is not None else 100.0,
            "year": t["target_year"],
            "kind": t["kind"],
            "scope": t["scope"],
            "evidence": t["evidence"],
        }
        for t in listed
    ]
    finding["present"] = headline is not None
    if headline is not None:
        finding["percent"] = headline["percent"]
        finding["year"] = headline["target_year"]
        finding["base_year"] = headline["base_year"]
        finding["confidence"] = headline["confidence"]
        finding["evidence"] = [headline["evidence"]]
    else:
        finding["percent"] = finding["year"] = finding["base_year"] = None
        finding["evidence"] = []
    finding["hits"] = len(finding["evidence"])


def add_inventory(finding: dict[str, Any], facts: dict[str, Any]) -> None:
    """The inventory check: its base year, and its sectors from its own chapter when the plan
    has one (the text after each mention otherwise, already on the finding)."""
    finding["base_year"] = facts["base_year"]
    finding["base_year_evidence"] = facts["base_year_evidence"]
    if not finding["present"] and facts.get("present_from"):
        # Found by its chapter's quantities or its base year, not by the inventory's name.
        finding["present"] = True
        finding["evidence"] = lead_with([facts["present_from"]], finding["evidence"])
    if facts["chapter"]:
        finding["sectors"] = facts["sectors"]
        finding["sector_evidence"] = {s: [e] for s, e in facts["sectors_from"].items()}
        finding["jrc_min_sectors_met"] = len(facts["sectors"]) >= finding["jrc_min_sectors"]
        finding["chapter"] = facts["chapter"][0]


def base_year_from_targets(inventory: dict[str, Any], target: dict[str, Any]) -> bool:
    """Where a plan has an inventory but names no base year for it, the year its own reduction
    targets are measured against ("-70 % by 2030 compared to 1990") is its reference year (the
    labels' rule: the year the document calls its base or reference year). True when set."""
    if not inventory.get("present") or inventory.get("base_year") is not None:
        return False
    own = [t for t in target.get("other_targets") or [] if t["scope"] == "city"]
    stated = [t for t in ([target["headline"]] if target.get("headline") else []) + own]
    years = Counter(t["base_year"] for t in stated if t.get("base_year"))
    if not years:
        return False
    year = years.most_common(1)[0][0]
    inventory["base_year"] = year
    first = next(t for t in stated if t.get("base_year") == year)
    inventory["base_year_evidence"] = first["evidence"] | {"from_target": True}
    return True


def add_action_sectors(
    finding: dict[str, Any], found: tuple[list[str], dict[str, dict[str, Any]]] | None
) -> None:
    """The actions' sectors: those named after each mention of the actions, and those of the
    action chapters (their tables first) where the plan has such chapters."""
    if found is None:
        return
    sectors, evidence = found
    order = ["municipal", "tertiary", "residential", "transport"]
    merged = set(finding.get("sectors") or []) | set(sectors)
    finding["sectors"] = [s for s in order if s in merged]
    for sector, item in evidence.items():
        finding.setdefault("sector_evidence", {}).setdefault(sector, [item])
    finding["jrc_min_sectors_met"] = len(finding["sectors"]) >= finding["jrc_min_sectors"]


def add_council(
    finding: dict[str, Any], units: list[tuple[Unit, str]], hits: list[tuple[Unit, str, Any]]
) -> None:
    found = council_reference(units, hits)
    finding["reference"] = found["reference"] if found else None
    if found:
        finding["evidence"] = lead_with([found["evidence"]], finding["evidence"])
