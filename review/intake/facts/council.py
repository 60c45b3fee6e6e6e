"""The council decision behind a plan: its date or reference where the plan gives one."""

from __future__ import annotations

import re
from typing import Any

from review.intake.document import Unit
from review.intake.facts.text import evidence

_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"januar|februar|märz|mai|juni|juli|oktober|dezember)"
)
_DATE = (
    r"(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:19|20)\d\d|\d{1,2}(?:st|nd|rd|th)?\.?\s"
    + _MONTHS
    + r"\s(?:19|20)\d\d"
    r"|" + _MONTHS + r"\s\d{1,2},?\s(?:19|20)\d\d|" + _MONTHS + r"\s(?:19|20)\d\d|(?:19|20)\d\d)"
)
# "approved by the City Council on 12 March 2024", "Ratsbeschluss vom 08.12.2010", "V/0592/2010"
_REFERENCE = re.compile(
    r"(?P<ref>\b[a-z]{1,4}/\d{3,5}/(?:19|20)\d\d(?:/[a-z]\d)?\b|\bdrucksache\s?(?:nr\.?\s?)?[\w/-]+"
    r"|\bvorlage\s?(?:nr\.?\s?)?[\w/-]*\d[\w/-]*|\bresolution (?:no\.?|number)\s?[\w/-]+"
    r"|\bbeschluss-? ?nr\.?\s?[\w/-]*\d[\w/-]*)"
    r"|(?:council|rat\b|ratsbeschluss|kreistag|stadtverordnet\w*|gemeinderat\w*|beschlossen|"
    r"verabschiedet|adopted|approved)[^.\n]{0,80}?\b(?:on|am|vom|in|of|dated)\s(?P<date>"
    + _DATE
    + r")"
)


def council_reference(
    units: list[tuple[Unit, str]], hits: list[tuple[Unit, str, Any]]
) -> dict[str, Any] | None:
    """The first date or reference given beside a mention of the council's decision."""
    for unit, text, m in hits:
        window_start = max(0, m.start() - 200)
        for r in _REFERENCE.finditer(text, window_start, min(len(text), m.end() + 250)):
            value = r.group("ref") or r.group("date")
            if value:
                return {
                    "reference": " ".join(
                        unit.text[r.start(r.lastgroup or 0) : r.end(r.lastgroup or 0)].split()
                    )
                    or value,
                    "evidence": evidence(unit, r.start(), r.end()),
                }
    return None
