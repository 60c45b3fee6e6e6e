"""The intake's hints as the portal lists them (templates/portal/findings_list.html)."""

from __future__ import annotations

import pytest

from review.i18n import translator
from review.portal.pages import environment, finding_view, page_context

FINDING = {
    "kind": "check",
    "check": "mitigation_actions",
    "label": {"en": "Mitigation actions", "de": "Minderungsmaßnahmen"},
    "present": True,
    "evidence": [
        {"paragraph": 320, "snippet": "Axis 10. Strengthening governance"},
        {"table": 3, "snippet": "Academy | University of Seville | Academy"},
        {"snippet": "said somewhere"},
    ],
}


@pytest.mark.parametrize(("lang", "table"), [("en", "table 3"), ("de", "Tabelle 3")])
def test_evidence_from_a_table_says_which_table(lang: str, table: str) -> None:
    # Found in a round of the 30 English CCC plans (Seville's hints on a phone): evidence from
    # a Word table was listed as ': “…Academy | University of Seville…”', a colon after nothing.
    html = (
        environment()
        .get_template("findings_list.html")
        .render(**page_context(translator(lang)), items=[finding_view(FINDING, lang)])
    )
    items = [" ".join(li.split()) for li in html.split("<li>")[2:]]
    assert items[1].startswith(f"{table}: <q>Academy | University of Seville | Academy</q>")
    assert items[2].startswith("<q>said somewhere</q>")  # no place: no colon before it
