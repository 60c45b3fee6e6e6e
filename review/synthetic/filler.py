"""The sentences that pad a synthetic plan to its length: neutral prose for any chapter, prose
for the chapter of a part that is present, and inventory prose per sector. None of them speaks
the vocabulary of a part it does not belong to (`prose.PART_KEYWORDS`), so padding never makes a
missing part look present."""

from __future__ import annotations

# Neutral prose: it describes the municipality and the energy transition in general without any
# word of PART_KEYWORDS, so it can pad any chapter of any plan.
FILLER = {
    "de": (
        "{m} liegt in einer Landschaft aus Feldern, Wäldern und kleinen Bachtälern, die das "
        "Ortsbild seit Jahrhunderten prägt.",
        "Die Gemeinde zählt rund {pop} Einwohnerinnen und Einwohner, die sich auf den Hauptort "
        "und mehrere Ortsteile verteilen.",
        "Viele Wohngebäude stammen aus den Jahren zwischen 1950 und 1979 und wurden seither nur "
        "teilweise modernisiert.",
        "Der Anteil der Ein- und Zweifamilienhäuser ist hoch, während Mehrfamilienhäuser vor "
        "allem im Ortskern zu finden sind.",
        "Die Energiewende verändert die Art, wie Strom und Wärme erzeugt, verteilt und genutzt werden.",
        "Zahlreiche Betriebe aus Handwerk, Handel und Landwirtschaft sind in {m} ansässig und "
        "bieten Arbeitsplätze vor Ort.",
        "Die Verwaltung arbeitet dabei eng mit den Stadtwerken, dem Landkreis und den "
        "Nachbargemeinden zusammen.",
        "Steigende Energiepreise haben in den vergangenen Jahren gezeigt, wie wichtig eine "
        "sichere und bezahlbare Versorgung für Haushalte und Betriebe ist.",
        "Ein großer Teil der Wärme wird heute noch mit Heizöl und Erdgas erzeugt.",
        "Auf den Dächern von {m} befinden sich bereits zahlreiche Solaranlagen, deren Zahl in den "
        "letzten Jahren deutlich gewachsen ist.",
        "Die Pendlerströme in die benachbarten Zentren sind beträchtlich, und viele Wege werden "
        "mit dem eigenen Auto zurückgelegt.",
        "Vereine, Kirchengemeinden und Schulen tragen das gesellschaftliche Leben im Ort.",
        "Die Wälder der Gemeinde dienen der Erholung und liefern zugleich Holz für die Region.",
        "Wärmenetze, Speicher und flexible Verbraucher gewinnen für die Versorgung an Bedeutung.",
        "Die Topografie mit ihren Hanglagen bietet gute Voraussetzungen für die Nutzung der Sonnenenergie.",
        "Neue Baugebiete werden seit einigen Jahren verdichtet und mit kurzen Wegen geplant.",
        "Die Wasserversorgung und die Abwasserbeseitigung verbrauchen nennenswerte Mengen an Strom.",
        "Für den Erfolg kommt es auf das Zusammenspiel von Verwaltung, Wirtschaft und "
        "Zivilgesellschaft an.",
        "Erfahrungen aus anderen Kommunen zeigen, dass klare Zuständigkeiten die Umsetzung beschleunigen.",
        "Die Bevölkerungsentwicklung der letzten zehn Jahre war weitgehend stabil, mit leichtem "
        "Zuzug junger Familien.",
        "Im Ortskern prägen historische Fachwerkhäuser das Bild, deren Modernisierung besondere "
        "Sorgfalt erfordert.",
        "Der Landkreis stellt mit seiner Energieagentur Fachwissen und Beratung für die Kommunen bereit.",
    ),
    "en": (
        "{m} lies in a landscape of fields, woodland and small river valleys that has shaped "
        "the town for centuries.",
        "The municipality has about {pop} inhabitants, living in the town centre and several "
        "surrounding villages.",
        "Many homes were built between 1950 and 1979 and have been only partly modernised since.",
        "Detached and semi-detached houses make up most of the housing stock, while flats are "
        "concentrated in the centre.",
        "The energy transition changes how electricity and heat are produced, distributed and used.",
        "Many businesses in crafts, retail and farming are based in {m} and provide local jobs.",
        "The local authority works closely with the energy utility, the county and neighbouring "
        "towns.",
        "Rising energy prices in recent years have shown how much households and businesses "
        "depend on a secure and affordable supply.",
        "Much of the heat is still produced with heating oil and natural gas.",
        "Solar panels are already installed on many roofs in {m}, and their number has grown "
        "quickly over the last years.",
        "Commuting to the neighbouring cities is considerable, and many trips are made by car.",
        "Clubs, churches and schools carry the social life of the town.",
        "The woodland owned by the town is used for recreation and supplies timber to the region.",
        "Heat networks, storage and flexible demand are becoming more important for the supply.",
        "South-facing slopes offer good conditions for the use of solar energy.",
        "New housing areas have for some years been planned compactly and with short distances.",
        "Water supply and wastewater treatment use a notable amount of electricity.",
        "Success depends on the local authority, businesses and civil society working together.",
        "Experience from other towns shows that clear responsibilities speed up delivery.",
        "The population has been broadly stable over the last ten years, with young families "
        "moving in.",
        "Historic timber-framed houses shape the old town, and modernising them requires particular care.",
        "The county's energy agency offers expertise and advice to its towns.",
    ),
}

# Chapter prose: sentences that pad a chapter of a present part. Each speaks only its own part's
# vocabulary (and neutral words), so the chapter reads like its subject without leaking.
PART_FILLER: dict[str, dict[str, tuple[str, ...]]] = {
    "strategy": {
        "de": (
            "Das Minderungsziel gilt für alle Sektoren und wird alle fünf Jahre überprüft.",
            "Das Leitbild wurde in einer Arbeitsgruppe mit allen Fachbereichen der Verwaltung entwickelt.",
            "Die Gemeinde orientiert sich an den Zielen des Bundes und des Landes.",
            "Zwischenziele machen den Weg zum Zieljahr überprüfbar.",
            "Ein Vorrang für Effizienz vor dem Ausbau der Erzeugung zieht sich durch das Leitbild.",
        ),
        "en": (
            "The reduction target applies to all sectors and is reviewed every five years.",
            "The long-term vision was developed by a working group of all departments.",
            "The municipality follows the national and regional climate objectives.",
            "Interim milestones make the path to the target year verifiable.",
            "Efficiency first is a guiding principle throughout the long-term vision.",
        ),
    },
    "inventory": {
        "de": (
            "Die Daten zum Stromverbrauch stammen vom Netzbetreiber, "
            "die Erdgasmengen vom örtlichen Versorger.",
            "Nicht leitungsgebundene Energieträger wie Heizöl und Holz wurden über Daten der "
            "Schornsteinfeger abgeschätzt.",
            "Die Pro-Kopf-Emissionen liegen etwas unter dem Bundesdurchschnitt.",
            "Für jeden Energieträger ist der verwendete Emissionsfaktor im Anhang dokumentiert.",
        ),
        "en": (
            "Electricity consumption data were provided by the distribution network operator.",
            "Heating oil and wood use were estimated from chimney sweep records.",
            "Per-capita emissions are slightly below the national average.",
            "The emission factor used for each energy carrier is documented in the annex.",
        ),
    },
    "risk_assessment": {
        "de": (
            "Die Zahl der heißen Tage über 30 Grad hat seit 1990 deutlich zugenommen.",
            "Besonders betroffen sind ältere Menschen, Kleinkinder und Beschäftigte im Freien.",
            "Die Karten der Starkregengefahren zeigen mehrere Senken im Ortskern.",
            "Längere Trockenphasen setzen dem Gemeindewald und den Straßenbäumen zu.",
            "Die Vulnerabilität wurde je Ortsteil mit Fachleuten aus Verwaltung und Feuerwehr eingeschätzt.",
        ),
        "en": (
            "The number of hot days above 30 degrees has risen markedly since 1990.",
            "Older people, young children and outdoor workers are most exposed.",
            "Surface water flood maps show several low points in the town centre.",
            "Longer dry spells put the woodland and street trees under stress.",
            "Vulnerability was rated for each district together with staff and the fire service.",
        ),
    },
    "mitigation": {
        "de": (
            "Jede Maßnahme ist in einem Steckbrief mit Zuständigkeit, Zeitplan und Kosten beschrieben.",
            "Die Reihenfolge richtet sich nach den Kosten je eingesparter Tonne CO2.",
            "Viele Maßnahmen wirken erst mittelfristig, weil sie Investitionen Dritter auslösen sollen.",
            "Ein Drittel der Straßenbeleuchtung ist bereits auf LED umgestellt.",
            "Für die Wärmeversorgung der Neubaugebiete werden Wärmepumpen und Nahwärme verglichen.",
        ),
        "en": (
            "Each action has a fact sheet with lead, timeline and cost.",
            "Actions are ranked by cost per tonne of CO2 saved.",
            "Many actions take effect in the medium term because they aim to trigger private investment.",
            "A third of the street lighting has already been converted to LED.",
            "Heat pumps and district heating are compared for the heat supply of new housing areas.",
        ),
    },
    "adaptation": {
        "de": (
            "Neue Bebauungspläne sehen Dachbegrünung und Versickerungsflächen vor.",
            "Die Klimaanpassung wird bei allen Bauvorhaben der Gemeinde mitgedacht.",
            "Trinkbrunnen und schattige Plätze sollen in heißen Sommern Entlastung bringen.",
            "Bei der Pflanzung von Straßenbäumen werden hitzeverträgliche Arten bevorzugt.",
        ),
        "en": (
            "New local plans require green roofs and soakaways.",
            "Climate adaptation is considered in all building projects of the municipality.",
            "Drinking fountains and shaded squares bring relief in hot summers.",
            "Heat-tolerant species are preferred when street trees are planted.",
        ),
    },
    "financing": {
        "de": (
            "Für die Beantragung von Fördermitteln ist eine zentrale Stelle in der Verwaltung zuständig.",
            "Contracting-Modelle werden für die Sanierung größerer Liegenschaften geprüft.",
            "Einnahmen aus der Verpachtung von Flächen für Solarparks fließen in einen Klimafonds.",
            "Die Finanzierung über mehrere Haushaltsjahre wird in der mittelfristigen Planung abgebildet.",
        ),
        "en": (
            "A central team in the administration applies for funding.",
            "Energy performance contracting is being considered for larger buildings.",
            "Lease income from land for solar parks flows into a climate fund.",
            "Financing over several years is set out in the medium-term financial plan.",
        ),
    },
    "monitoring": {
        "de": (
            "Die Indikatoren werden in einer Tabelle fortgeschrieben und im Internet veröffentlicht.",
            "Ein jährlicher Bericht zeigt, wo die Umsetzung hinter dem Zeitplan zurückbleibt.",
            "Abweichungen werden im Controlling begründet, und es wird Abhilfe vorgeschlagen.",
            "Das Monitoring nutzt soweit möglich Daten, die ohnehin in der Verwaltung vorliegen.",
        ),
        "en": (
            "Indicators are updated in a spreadsheet and published online.",
            "An annual report shows where delivery lags behind the timeline.",
            "Deviations are explained and remedies proposed in the monitoring report.",
            "Monitoring uses data the administration already holds wherever possible.",
        ),
    },
    "communication": {
        "de": (
            "Ein einheitliches Erscheinungsbild macht die Öffentlichkeitsarbeit im Ort wiedererkennbar.",
            "Die Presse wird vierteljährlich über den Stand informiert.",
            "Geschichten von Menschen aus {m}, die ihr Haus saniert haben, sollen andere ermutigen.",
            "Informationen gibt es in einfacher Sprache und in mehreren Sprachen.",
        ),
        "en": (
            "A common visual identity makes the communication recognisable in town.",
            "The local press is briefed every quarter.",
            "Stories of people in {m} who have retrofitted their homes are meant to encourage others.",
            "Information is available in plain language and in several languages.",
        ),
    },
    "participation": {
        "de": (
            "Die Ergebnisse der Bürgerwerkstätten wurden dokumentiert und veröffentlicht.",
            "Jugendliche wurden über die Schulen gezielt eingebunden.",
            "Zu jeder Werkstatt gab es eine Rückmeldung, welche Vorschläge aufgenommen wurden.",
            "Der Klimabeirat tagt zweimal im Jahr öffentlich.",
        ),
        "en": (
            "The results of the workshops were documented and published.",
            "Young people were involved through the schools.",
            "Each workshop received feedback on which suggestions were taken up.",
            "The climate panel meets in public twice a year.",
        ),
    },
}

# Inventory prose about one sector: used only when the inventory covers that sector, so the
# chapter never speaks of a sector its table leaves out.
INVENTORY_SECTOR_FILLER: dict[str, dict[str, tuple[str, ...]]] = {
    "transport": {
        "de": (
            "Der Verkehr wird nach dem Territorialprinzip bilanziert, "
            "also einschließlich des Durchgangsverkehrs.",
        ),
        "en": ("Transport emissions follow the territorial principle, including through traffic.",),
    },
    "tertiary": {
        "de": (
            "Die größte Datenunsicherheit besteht bei den Verbräuchen von Gewerbe, Handel und "
            "Dienstleistungen.",
        ),
        "en": ("Energy use of tertiary buildings is the least certain part of the data.",),
    },
    "residential": {
        "de": ("Bei den privaten Haushalten dominiert der Wärmebedarf der Wohngebäude.",),
        "en": ("Heating dominates the energy use of residential buildings.",),
    },
    "municipal_buildings": {
        "de": (
            "Die Verbräuche der kommunalen Gebäude stammen aus dem Energiemanagement der Gemeinde.",
        ),
        "en": (
            "Consumption of municipal buildings comes from the municipality's energy management system.",
        ),
    },
}
