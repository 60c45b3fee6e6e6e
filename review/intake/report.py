"""The findings in words, where people look: one line per check (the portal's findings page, the
consolidated document's hint column), what is missing (the intake artifact), and the JSON of
`peerplan intake --json` (schema in docs/intake-json.md).

The intake owns the findings' format, so it writes these words too, in German and English.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

SCOPES = {
    "eu": ("EU", "EU"),
    "national": ("national", "national"),
    "sector": ("Sektorziel", "sector target"),
    "past": ("bereits erreicht", "already achieved"),
    "former": ("früheres Ziel", "former target"),
    "interim": ("Zwischenziel", "interim target"),
    "not_pursued": ("nicht verfolgt", "not pursued"),
    "projection": ("Szenario oder Schätzung", "scenario or estimate"),
}
MAX_QUOTED = 3
#: The JRC's four key sectors, as the German SECAP guidance names them.
SECTORS = {
    "municipal": ("kommunale Gebäude und Anlagen", "municipal"),
    "tertiary": ("tertiärer Sektor", "tertiary"),
    "residential": ("Wohngebäude", "residential"),
    "transport": ("Verkehr", "transport"),
}


def target_words(target: dict[str, Any], lang: str) -> str:
    """'−95 % by 2050 against 1990', 'climate neutrality by 2030'."""
    de = lang == "de"
    year = target.get("target_year")
    if target.get("kind") == "neutrality":
        text = f"Klimaneutralität bis {year}" if de else f"climate neutrality by {year}"
        if target.get("percent") is not None:
            text += f" (−{target['percent']:g} %)"
    else:
        text = f"−{target['percent']:g} % " + (f"bis {year}" if de else f"by {year}")
    if target.get("base_year"):
        text += (" gegenüber " if de else " against ") + str(target["base_year"])
    return text


def describe(finding: dict[str, Any]) -> dict[str, str]:
    """One line per language saying what the check found beyond present or not."""
    return {lang: _describe(finding, lang) for lang in ("de", "en")}


def _describe(finding: dict[str, Any], lang: str) -> str:
    de = lang == "de"
    check = finding.get("check")
    if check == "target":
        return _target_line(finding, lang)
    parts: list[str] = []
    if check == "inventory" and finding.get("base_year"):
        parts.append(
            f"Basisjahr {finding['base_year']}" if de else f"base year {finding['base_year']}"
        )
    if finding.get("sectors"):
        names = [SECTORS.get(s, (s, s))[0 if de else 1] for s in finding["sectors"]]
        parts.append(("Sektoren: " if de else "sectors: ") + ", ".join(names))
    if check == "council_approval" and finding.get("reference"):
        parts.append(("Beschluss: " if de else "decision: ") + str(finding["reference"]))
    if not finding.get("present") and finding.get("mentions"):
        n = len(finding["mentions"])
        parts.append(
            f"nur beiläufig erwähnt ({n}×), nicht ausgeführt"
            if de
            else f"named only in passing ({n}×), not carried out"
        )
    return "; ".join(parts)


def _target_line(finding: dict[str, Any], lang: str) -> str:
    de = lang == "de"
    headline = finding.get("headline")
    parts = []
    if headline:
        parts.append(("Eigenes Ziel: " if de else "own target: ") + target_words(headline, lang))
    elif finding.get("other_targets"):
        parts.append("kein eigenes Ziel gefunden" if de else "no target of its own found")
    neutral = finding.get("neutrality_year")
    if neutral and not (headline and headline.get("kind") == "neutrality"):
        parts.append(f"Klimaneutralität {neutral}" if de else f"neutrality {neutral}")
    quoted = [t for t in finding.get("other_targets") or [] if t.get("scope") in SCOPES]
    if quoted:
        shown = [
            f"{SCOPES[t['scope']][0 if de else 1]} {target_words(t, lang)}"
            for t in quoted[:MAX_QUOTED]
        ]
        parts.append(("zitiert/sonstige: " if de else "quoted/other: ") + "; ".join(shown))
    return "; ".join(parts)


_MISSING = {
    "inventory": ("kein Basis-Emissionsinventar", "no baseline emission inventory"),
    "target": ("kein eigenes Minderungsziel", "no reduction target of its own"),
    "risk_vulnerability": (
        "keine Risiko- und Vulnerabilitätsanalyse",
        "no risk and vulnerability assessment",
    ),
    "mitigation_actions": ("keine Klimaschutzmaßnahmen", "no mitigation actions"),
    "adaptation_actions": ("keine Anpassungsmaßnahmen", "no adaptation actions"),
    "financing": ("keine Finanzierung", "no financing"),
    "monitoring": ("kein Monitoring", "no monitoring"),
    "council_approval": ("kein Ratsbeschluss", "no council decision"),
    "participation": ("keine Beteiligung", "no participation"),
}


def missing(
    findings: Sequence[dict[str, Any]], lang: str = "en", asked: Collection[str] | None = None
) -> str:
    """What the pre-check did not find, in words: 'no financing; inventory: 2 of 3 key sectors'.
    `asked`: the checks the round asks for (review.asked_parts); None: every check."""
    found = gaps(findings, lang, asked)
    if found is None:
        return ""  # not checked: refused, or no text layer (its problems say so)
    return "; ".join(found) or ("nichts" if lang == "de" else "nothing")


def gaps(
    findings: Sequence[dict[str, Any]], lang: str = "en", asked: Collection[str] | None = None
) -> list[str] | None:
    """Each thing the pre-check did not find of what the round asks for (`asked`, the checks
    of review.asked_parts; None: every check), in words; None when the plan was not checked."""
    if not any(f.get("kind", "check") == "check" for f in findings):
        return None
    de = lang == "de"
    parts = []
    for f in findings:
        if f.get("kind", "check") != "check":
            continue
        check = str(f.get("check"))
        if asked is not None and check not in asked:
            continue  # no rubric of the round asks for this part
        if not f.get("present") and check in _MISSING:
            parts.append(_MISSING[check][0 if de else 1])
        elif f.get("jrc_min_sectors_met") is False:
            n, need = len(f.get("sectors") or []), f.get("jrc_min_sectors")
            name = "Inventar" if check == "inventory" else "Maßnahmen"
            if not de:
                name = "inventory" if check == "inventory" else "actions"
            parts.append(
                f"{name}: {n} von {need} Schlüsselsektoren"
                if de
                else f"{name}: {n} of {need} key sectors"
            )
    return parts


JSON_KEYS = (
    "check",
    "present",
    "summary",
    "evidence",
    "mentions",
    "sectors",
    "sector_evidence",
    "jrc_min_sectors_met",
    "base_year",
    "base_year_evidence",
    "headline",
    "neutrality_year",
    "other_targets",
    "reference",
    "percent",
    "year",
)


def json_view(finding: dict[str, Any]) -> dict[str, Any]:
    """A finding as `peerplan intake --json` prints it (docs/intake-json.md)."""
    return {k: finding[k] for k in JSON_KEYS if k in finding}
