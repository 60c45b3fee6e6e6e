"""Text pools for synthetic plans, in German and English.

Each part of a plan speaks only its own vocabulary (see `PART_KEYWORDS`): a plan that leaves a part
out must not mention it anywhere else, or an intake test could not tell a real finding from a
stray word. The sentences that pad a plan are in `review.synthetic.filler`.
"""

from __future__ import annotations

# Whole words that betray a part where a substring test would be too broad ("Maßnahmen" is in
# "Anpassungsmaßnahmen", which belongs to adaptation).
PART_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "mitigation": {"de": ("Maßnahme", "Maßnahmen", "Maßnahmenkatalog"), "en": ()},
}

# The words that betray a part. Tests check that none of them appears (case-insensitively) in a
# plan that leaves the part out; the intake may use them as a starting vocabulary.
PART_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "strategy": {
        "de": ("Minderungsziel", "Klimaneutralität", "Zieljahr", "Leitbild"),
        "en": ("reduction target", "climate neutrality", "target year", "long-term vision"),
    },
    "council_approval": {
        "de": ("Gemeinderatsbeschluss", "Gemeinderat", "Beschluss"),
        "en": ("council approval", "council", "approved by"),
    },
    "inventory": {
        "de": ("Treibhausgasbilanz", "Klimabilanz", "Basisjahr", "Emissionsfaktor"),
        "en": (
            "Baseline Emission Inventory",
            "emission inventory",
            "baseline year",
            "emission factor",
        ),
    },
    "risk_assessment": {
        "de": ("Vulnerabilität", "Klimarisiko"),
        "en": ("vulnerability", "risk and vulnerability"),
    },
    "mitigation": {
        "de": ("Maßnahmenkatalog", "Handlungsprogramm", "Klimaschutzmaßnahme"),
        "en": ("mitigation",),
    },
    "adaptation": {
        "de": ("Klimaanpassung", "Anpassungsmaßnahme"),
        "en": ("adaptation",),
    },
    "financing": {
        "de": ("Finanzierung", "Fördermittel", "Förderprogramm", "Haushaltsmittel"),
        "en": ("financing", "funding", "budget"),
    },
    "monitoring": {
        "de": ("Monitoring", "Controlling"),
        "en": ("monitoring",),
    },
    "communication": {
        "de": ("Öffentlichkeitsarbeit", "Kommunikationsstrategie"),
        "en": ("communication strategy", "communication"),
    },
    "participation": {
        "de": ("Bürgerbeteiligung", "Beteiligung"),
        "en": ("citizen participation", "participation"),
    },
}

# Chapter headings; several synonyms per part so the intake meets the variety of real plans.
HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "intro": {
        "de": ("Einleitung", "Ausgangslage", "Einführung und Ausgangslage"),
        "en": ("Introduction", "Context", "Introduction and local context"),
    },
    "council_approval": {
        "de": ("Gemeinderatsbeschluss", "Politischer Beschluss des Gemeinderats"),
        "en": ("Council approval", "Political mandate and council approval"),
    },
    "strategy": {
        "de": (
            "Leitbild und Minderungsziel",
            "Strategie und Minderungsziele",
            "Klimaneutralität: Leitbild und Ziele",
        ),
        "en": (
            "Strategy and reduction target",
            "Long-term vision and reduction target",
            "Overall strategy and targets",
        ),
    },
    "inventory": {
        "de": ("Energie- und Treibhausgasbilanz", "Klimabilanz", "Treibhausgasbilanz"),
        "en": ("Baseline Emission Inventory", "Baseline Emission Inventory (BEI)"),
    },
    "risk_assessment": {
        "de": ("Klimarisiko- und Vulnerabilitätsanalyse", "Vulnerabilität und Klimarisiken"),
        "en": ("Risk and vulnerability assessment", "Climate risk and vulnerability assessment"),
    },
    "mitigation": {
        "de": ("Maßnahmenkatalog", "Handlungsprogramm", "Maßnahmenkatalog Klimaschutz"),
        "en": ("Mitigation actions", "Mitigation actions and measures"),
    },
    "adaptation": {
        "de": ("Klimaanpassung", "Klimaanpassung und Vorsorge"),
        "en": ("Adaptation actions", "Climate adaptation actions"),
    },
    "financing": {
        "de": ("Finanzierung und Fördermittel", "Finanzierung der Umsetzung"),
        "en": ("Financing", "Financing and funding sources"),
    },
    "monitoring": {
        "de": ("Monitoring und Controlling", "Controlling und Monitoring"),
        "en": ("Monitoring and reporting", "Monitoring"),
    },
}

# Communication and participation share one chapter whose title says what it holds.
COMMUNICATION_HEADINGS: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {
    ("communication", "participation"): {
        "de": (
            "Öffentlichkeitsarbeit und Bürgerbeteiligung",
            "Kommunikationsstrategie und Bürgerbeteiligung",
        ),
        "en": (
            "Communication strategy and citizen participation",
            "Communication and citizen participation",
        ),
    },
    ("communication",): {
        "de": ("Kommunikationsstrategie und Öffentlichkeitsarbeit", "Öffentlichkeitsarbeit"),
        "en": ("Communication strategy",),
    },
    ("participation",): {
        "de": ("Bürgerbeteiligung",),
        "en": ("Citizen participation",),
    },
}

TITLES = {
    "de": (
        "Integriertes Klimaschutzkonzept",
        "Klimaschutzkonzept",
        "Energie- und Klimaschutzprogramm",
        "Klimaschutzplan",
    ),
    "en": (
        "Sustainable Energy and Climate Action Plan (SECAP)",
        "SECAP - Sustainable Energy and Climate Action Plan",
    ),
}

AUTHORS = {
    "de": (
        "Klimaschutzmanagement der Gemeinde",
        "Energieagentur der Region",
        "Bauamt, Sachgebiet Energie",
    ),
    "en": (
        "Climate and Energy Team",
        "Regional Energy Agency",
        "Planning and Sustainability Office",
    ),
}

SECTOR_LABELS: dict[str, dict[str, str]] = {
    "municipal_buildings": {
        "de": "Kommunale Gebäude und Anlagen",
        "en": "Municipal buildings, equipment and facilities",
    },
    "tertiary": {"de": "Gewerbe, Handel, Dienstleistungen", "en": "Tertiary buildings"},
    "residential": {"de": "Private Haushalte", "en": "Residential buildings"},
    "transport": {"de": "Verkehr", "en": "Transport"},
    "local_production": {"de": "Lokale Energieerzeugung", "en": "Local energy production"},
}

# Final energy in MWh per inhabitant and year, and t CO2 per MWh: orders of magnitude of German
# municipal inventories (BISKO), varied per plan.
SECTOR_MWH_PER_CAPITA = {
    "municipal_buildings": 0.35,
    "tertiary": 4.5,
    "residential": 8.0,
    "transport": 6.5,
    "local_production": 1.2,
}
SECTOR_FACTOR = {
    "municipal_buildings": 0.24,
    "tertiary": 0.31,
    "residential": 0.23,
    "transport": 0.29,
    "local_production": 0.05,
}

# Mitigation actions per sector: (German title, English title).
MITIGATION_CATALOG: dict[str, tuple[tuple[str, str], ...]] = {
    "municipal_buildings": (
        ("Energetische Sanierung der Grundschule", "Deep retrofit of the primary school"),
        ("Umstellung der Straßenbeleuchtung auf LED", "LED conversion of street lighting"),
        (
            "Energiemanagement für kommunale Liegenschaften",
            "Energy management system for municipal buildings",
        ),
        (
            "Photovoltaik auf allen geeigneten Dächern der Gemeinde",
            "Solar PV on all suitable municipal roofs",
        ),
        ("Wärmepumpe und Dämmung im Rathaus", "Heat pump and insulation for the town hall"),
    ),
    "tertiary": (
        (
            "Energieberatung für kleine und mittlere Unternehmen",
            "Energy advice for small and medium-sized businesses",
        ),
        (
            "Effizienznetzwerk Gewerbegebiet Süd",
            "Energy efficiency network for the south business park",
        ),
        ("Abwärmenutzung im Gewerbegebiet", "Waste heat recovery in the business park"),
    ),
    "residential": (
        ("Kostenlose Erstberatung zur Gebäudesanierung", "Free first advice on home retrofits"),
        ("Quartierskonzept Altstadt mit Nahwärmenetz", "District heating scheme for the old town"),
        (
            "Heizungstausch-Kampagne: Wärmepumpe statt Ölkessel",
            "Heating replacement campaign: heat pumps instead of oil boilers",
        ),
        ("Thermografie-Spaziergänge im Winter", "Winter thermal imaging walks"),
    ),
    "transport": (
        ("Ausbau des Radwegenetzes zwischen den Ortsteilen", "Cycle network between the villages"),
        (
            "Öffentliche Ladeinfrastruktur für Elektrofahrzeuge",
            "Public charging points for electric vehicles",
        ),
        (
            "Umstellung des kommunalen Fuhrparks auf E-Fahrzeuge",
            "Electrification of the municipal fleet",
        ),
        (
            "Rufbus und Carsharing im ländlichen Raum",
            "On-demand bus and car sharing in rural areas",
        ),
    ),
    "local_production": (
        (
            "Freiflächen-Photovoltaik an der Autobahn",
            "Ground-mounted solar park along the motorway",
        ),
        ("Repowering des Windparks", "Repowering of the wind farm"),
        ("Biomasse-Heizwerk mit Holzhackschnitzeln", "Wood chip biomass heating plant"),
    ),
}

ADAPTATION_CATALOG: tuple[tuple[str, str, str, str], ...] = (
    # (German title, English title, German hazard, English hazard)
    (
        "Hitzeaktionsplan mit kühlen Orten",
        "Heat action plan with cool spaces",
        "Hitze",
        "Heat waves",
    ),
    (
        "Entsiegelung und Begrünung des Marktplatzes",
        "Unsealing and greening of the market square",
        "Hitze",
        "Heat waves",
    ),
    (
        "Starkregengefahrenkarte und Rückhaltebecken",
        "Heavy rain hazard map and retention basin",
        "Starkregen",
        "Heavy rainfall",
    ),
    (
        "Klimaresiliente Baumarten im Stadtwald",
        "Climate-resilient tree species in the municipal forest",
        "Trockenheit",
        "Drought",
    ),
    (
        "Hochwasserschutz am Bachlauf",
        "Flood defence along the brook",
        "Hochwasser",
        "River flooding",
    ),
    (
        "Regenwassernutzung an Schulen und Kitas",
        "Rainwater harvesting at schools and nurseries",
        "Trockenheit",
        "Drought",
    ),
)

HAZARDS = (
    # (German, English, German effect, English effect)
    (
        "Hitze",
        "Heat waves",
        "Gesundheit älterer Menschen, Arbeitsschutz",
        "health of older people, working conditions",
    ),
    (
        "Starkregen",
        "Heavy rainfall",
        "Überflutung von Kellern und Straßen",
        "flooded cellars and roads",
    ),
    (
        "Trockenheit",
        "Drought",
        "Stadtbäume, Landwirtschaft, Wasserversorgung",
        "urban trees, farming, water supply",
    ),
    ("Hochwasser", "River flooding", "Wohngebiete in Gewässernähe", "homes near watercourses"),
    ("Sturm", "Storms", "Wald, Stromleitungen", "forests, power lines"),
)

FUNDING = {
    "de": (
        "Kommunalrichtlinie (Nationale Klimaschutzinitiative)",
        "KfW-Programm 432 Energetische Stadtsanierung",
        "Bundesförderung für effiziente Gebäude (BEG)",
        "Landesförderprogramm Klimaschutz",
        "Mittel der Bürgerenergiegenossenschaft",
        "Eigenmittel des kommunalen Haushalts",
    ),
    "en": (
        "ELENA technical assistance (European Investment Bank)",
        "National energy efficiency grants",
        "Public Sector Decarbonisation Scheme",
        "Green bonds of the municipality",
        "Community energy cooperative shares",
        "Municipal capital budget",
    ),
}

ROLES = {
    "de": ("Klimaschutzmanagerin", "Bauamt", "Kämmerei", "Stadtwerke", "Bürgermeister"),
    "en": (
        "Climate officer",
        "Planning department",
        "Finance department",
        "Energy utility",
        "Mayor",
    ),
}
