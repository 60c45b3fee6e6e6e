"""What the completeness pre-check looks for: the parts of a SECAP (inventory, target, risk and
vulnerability assessment, actions, financing, monitoring, council decision, participation) and
the JRC key sectors, each as German and English terms. `review.intake.findings` searches them."""

from __future__ import annotations

import re
import re._constants as _constants  # the regex's parse tree: how long its matches can be
import re._parser as _parser
from dataclasses import dataclass


class Terms:
    """Alternative terms, matched against lower-cased text with \\b on the left only, so that
    German compounds and inflections (Klimabilanzen, Maßnahmenkatalogs) match too.

    Each alternative is a plain word (its own anchor) or `(anchors, regex)`: a regex with the
    literal substrings one of which every match contains. A text containing no anchor is
    skipped with a fast substring test before the (much slower) regex runs: most pages of a
    plan mention most parts nowhere, and the pre-check must cost little next to PDF reading.
    """

    _META = set("\\()[]?*+|{}.^$")

    def __init__(self, *alternatives: str | tuple[str | tuple[str, ...], str]) -> None:
        patterns: list[str] = []
        anchors: list[str] = []
        for alternative in alternatives:
            if isinstance(alternative, tuple):
                anchor, regex = alternative
                anchors += [anchor] if isinstance(anchor, str) else list(anchor)
                patterns.append(regex)
            else:
                if self._META & set(alternative):
                    raise ValueError(f"give the anchors of the regex {alternative!r}")
                anchors.append(alternative)
                patterns.append(re.escape(alternative))
        # An anchor containing another is implied by it: testing the shorter one suffices.
        unique = list(dict.fromkeys(anchors))
        self.anchors = tuple(a for a in unique if not any(b != a and b in a for b in unique))
        self.pattern = re.compile(r"\b(?:" + "|".join(patterns) + ")")
        # Every match holds an anchor at most `reach` characters after its start (it holds one,
        # and is at most so long): a unit's first match starts at most so far before its first
        # anchor. None where a match's length has no bound.
        longest = _parser.parse(self.pattern.pattern).getwidth()[1]
        shortest = min(len(a) for a in self.anchors)
        self.reach = longest - shortest if longest < _constants.MAXREPEAT else None

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        if not any(anchor in text for anchor in self.anchors):
            return None
        return self.pattern.search(text, pos, len(text) if endpos is None else endpos)


_terms = Terms


@dataclass(frozen=True)
class Check:
    id: str
    label_de: str
    label_en: str
    pattern: Terms


CHECKS: tuple[Check, ...] = (
    Check(
        "inventory",
        "Basis-Emissionsinventar (Energie- und Treibhausgasbilanz)",
        "Baseline emission inventory (BEI)",
        _terms(
            (
                "bilanz",
                r"(?:energie- und )?(?:klima|treibhausgas|thg|co2|co 2|co₂|energie)[- ]?bilanz",
            ),
            r"emissionsinventar",
            r"basisbilanz",
            r"startbilanz",
            r"bilanzierung",
            r"baseline emission inventory",
            r"emission inventory",
            r"emissions inventory",
            ("inventory", r"(?:ghg|greenhouse gas|co2) inventory"),
        ),
    ),
    Check(
        "target",
        "Minderungsziel (Prozent und Zieljahr)",
        "Reduction target (percent and year)",
        _terms(
            r"klimaschutzziel",
            r"minderungsziel",
            r"reduktionsziel",
            r"klimaneutral",
            r"treibhausgasneutral",
            r"reduction target",
            r"emission target",
            r"mitigation target",
            ("neutral", r"climate[- ]neutral"),
            ("neutral", r"carbon[- ]neutral"),
            ("zero", r"net[- ]zero"),
        ),
    ),
    Check(
        "risk_vulnerability",
        "Klimarisiko- und Vulnerabilitätsanalyse",
        "Risk and vulnerability assessment (RVA)",
        _terms(
            r"vulnerabilität",
            r"verwundbarkeit",
            r"klimarisik",
            r"risikoanalyse",
            r"betroffenheitsanalyse",
            r"klimafolgen",
            r"klimawirkungsanalyse",
            r"vulnerability",
            r"climate risk",
            r"risk assessment",
            r"climate hazard",
        ),
    ),
    Check(
        "mitigation_actions",
        "Klimaschutzmaßnahmen (Maßnahmenkatalog, Handlungsprogramm)",
        "Mitigation actions",
        _terms(
            r"maßnahmenkatalog",
            r"massnahmenkatalog",
            r"maßnahmenprogramm",
            r"handlungsprogramm",
            r"handlungskonzept",
            r"handlungsfeld",
            r"maßnahmenplan",
            r"klimaschutzmaßnahme",
            r"maßnahmenblatt",
            r"maßnahmenübersicht",
            r"mitigation action",
            r"mitigation measure",
            ("climate actions", r"climate actions\b"),
            # A Climate City Contract's Module B-2: "the portfolio of impact actions", "action
            # portfolio" (Angers names its actions in no other words).
            ("portfolio", r"portfolio of (?:\w+ )?actions|action portfolio"),
            r"energy efficiency measure",
        ),
    ),
    Check(
        "adaptation_actions",
        "Anpassungsmaßnahmen (Klimaanpassung)",
        "Adaptation actions",
        _terms(
            r"klimaanpassung",
            r"anpassungsmaßnahme",
            r"anpassungsstrategie",
            r"anpassung an den klimawandel",
            r"hitzeaktionsplan",
            r"adaptation",
            r"climate resilien",
        ),
    ),
    Check(
        "financing",
        "Finanzierung und Ressourcen",
        "Financing and resources",
        _terms(
            r"finanzierung",
            r"fördermittel",
            r"förderprogramm",
            r"kostenschätzung",
            r"investitionsplan",
            r"investitionskosten",
            r"kostenrahmen",
            r"haushaltsmittel",
            r"haushaltsansatz",
            r"financing",
            r"funding",
            r"cost estimate",
            # (a carbon budget, "CO2-Budget", is no money)
            (
                "budget",
                r"(?<!co2-)(?<!co2 )(?<!co₂-)(?<!co₂ )(?<!carbon )(?<!emission )(?<!emissions )"
                r"(?<!ghg )(?<!thg-)(?<!climate )budget",
            ),
            r"investment plan",
        ),
    ),
    Check(
        "monitoring",
        "Monitoring und Controlling",
        "Monitoring and reporting",
        _terms(
            r"monitoring",
            r"controlling",
            r"sachstandsbericht",
            r"fortschreibung",
            r"indikator",
            r"zielerreichung",
            r"progress report",
            r"indicator",
            r"reporting",
        ),
    ),
    Check(
        "council_approval",
        "Beschluss des Rates",
        "Approval by the municipal council",
        _terms(
            ("ratsbeschluss", r"\w*ratsbeschluss"),
            ("beschluss des ", r"beschluss des (?:stadt|gemeinde|kreis)?rat"),
            r"beschlussvorlage",
            (
                ("beschlossen", "verabschiedet", "zugestimmt"),
                r"(?:stadt|gemeinde|kreis)?rat\b.{0,200}?\b(?:beschlossen|verabschiedet|zugestimmt)",
            ),
            (
                ("beschlossen", "verabschiedet"),
                r"(?:beschlossen|verabschiedet) (?:vom|durch den) (?:stadt|gemeinde|kreis)?rat",
            ),
            r"kreistag",
            r"stadtverordnetenversammlung",
            ("v/", r"v/\d{4}/\d{4}"),
            # "Beschluss der Stadtverordnetenversammlung", "die Bürgerschaft hat ... beschlossen"
            (
                ("bürgerschaft", "gemeindevertretung"),
                r"(?:bürgerschaft|gemeindevertretung)\w*\b.{0,200}?\b(?:beschlossen|verabschiedet)",
            ),
            (
                "beschluss der ",
                r"beschluss der (?:stadtverordneten|bürgerschaft|gemeindevertretung)",
            ),
            ("council ", r"council (?:decision|resolution|approval)"),
            # "approved by the City Council on", "adopted by the Municipal Assembly", "approved by
            # the Plenary of the City Council", "unanimously adopted by the council"
            (
                ("council", "assembly", "plenary"),
                r"(?:approved|adopted|endorsed|ratified) (?:\w+ )?by the (?:\w+ ){0,3}?"
                r"(?:council|assembly|plenary)",
            ),
            ("council ", r"council (?:unanimously )?(?:approved|adopted|endorsed|ratified)"),
            # "The City Council of Exampleton approved", "the council voted in favour of the plan"
            (
                "council",
                r"council\b[^.;\n]{0,60}?\b(?:unanimously )?(?:approved|adopted|endorsed|ratified|"
                r"voted (?:for|in favou?r)|gave its approval)\b",
            ),
            # "decision of the City Council", "resolution of the Municipal Council"
            (
                ("council", "assembly", "plenary"),
                r"(?:decision|resolution) of the (?:\w+ ){0,3}?(?:council|assembly|plenary)",
            ),
        ),
    ),
    Check(
        "participation",
        "Kommunikation und Bürgerbeteiligung",
        "Communication and citizen participation",
        _terms(
            r"bürgerbeteiligung",
            r"beteiligung",
            r"öffentlichkeitsarbeit",
            r"bürgerforum",
            r"bürgerinnen",
            r"workshop",
            r"kampagne",
            r"citizen participation",
            r"public participation",
            r"consultation",
            r"stakeholder",
            r"communication",
            r"awareness campaign",
        ),
    ),
)

# A council decision by its number, the body only abbreviated or not named: "Lisbon approved
# the PAESC ... (Resolution No. 241/AML/2018)", "Das Klimaschutzkonzept wurde beschlossen
# (Drucksache 0123/2019)"; whether a plan is named, the findings judge (a decision about the
# climate plan). Searched apart from the council's terms, only in the units holding a number's
# word: its matches start at the approval, which would slow the council's search everywhere.
DECIDED_BY_NUMBER = _terms(
    (
        ("resolution no", "resolution number", "resolution nr"),
        r"(?:approved|adopted|endorsed)\b[^;]{0,400}?\bresolution (?:no\.?|number|nr\.?) ?"
        r"\d[\w/.-]*|resolution (?:no\.?|number|nr\.?) ?\d[\w/.-]*[^.;]{0,200}?"
        r"\b(?:approved|adopted|endorsed)\b",
    ),
    (
        ("beschluss-nr", "beschlussnr", "beschluss nr", "drucksache", "vorlage"),
        r"(?:beschlossen|verabschiedet|genehmigt|zugestimmt)\b[^;]{0,300}?"
        r"\b(?:beschluss-? ?nr\.?|drucksache|vorlage)(?: ?nr\.?)? ?(?:[a-z]{1,4}/)?\d[\w/.-]*|"
        r"(?:beschluss-? ?nr\.?|drucksache|vorlage)(?: ?nr\.?)? ?(?:[a-z]{1,4}/)?\d[\w/.-]*"
        r"[^.;]{0,200}?\b(?:beschlossen|verabschiedet|genehmigt|zugestimmt)\b",
    ),
)

KEY_SECTORS: dict[str, tuple[str, str, Terms]] = {
    "municipal": (
        "Kommunale Gebäude und Anlagen",
        "Municipal buildings and equipment",
        _terms(
            ("kommunal", r"kommunale\w* (?:liegenschaft|gebäude|einrichtung|gebäudebestand)"),
            ("städtisch", r"städtische\w* (?:liegenschaft|gebäude)"),
            ("gebäude", r"öffentliche\w* gebäude"),
            r"stadtverwaltung",
            ("liegenschaft", r"eigene\w* liegenschaft"),
            ("municipal ", r"municipal (?:building|facilit|equipment)"),
            r"public buildings",
        ),
    ),
    "tertiary": (
        "Gewerbe, Handel, Dienstleistungen",
        "Tertiary buildings",
        _terms(
            r"gewerbe",
            ("ghd", r"ghd\b"),
            r"dienstleistung",
            r"tertiär",
            r"wirtschaft",
            r"tertiary",
            # "commercial vehicles" are transport
            (
                "commercial",
                r"commercial(?! (?:vehicle|car|truck|transport|fleet|traffic|lorr|van))",
            ),
            r"services sector",
        ),
    ),
    "residential": (
        "Private Haushalte und Wohngebäude",
        "Residential buildings",
        _terms(
            ("haushalt", r"private\w* haushalt"),
            r"haushalte",
            r"wohngebäude",
            r"wohnungsbestand",
            r"residential",
            r"households",
        ),
    ),
    "transport": (
        "Verkehr",
        "Transport",
        _terms(r"verkehr", r"mobilität", r"transport", r"mobility"),
    ),
}
# JRC eligibility: the inventory covers at least 3, the mitigation actions at least 2 key sectors.
MIN_INVENTORY_SECTORS = 3
MIN_ACTION_SECTORS = 2
