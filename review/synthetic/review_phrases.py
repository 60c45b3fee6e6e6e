"""The phrase bank of simulated reviews (review.synthetic.review_texts puts sentences together
from it): openers in a reviewer's voice, per criterion three ways to name what is assessed (each
with the municipality and, where there is one, a fact of the plan), predicates per score band,
and the lead-ins and items of strengths, weaknesses and recommendations. German and English;
the second edition of a plan (the next round) has openers and lead-ins of its own.

No phrase may contain a full stop followed by a space (no abbreviations): reviews are compared
sentence by sentence."""

from __future__ import annotations

Bank = dict[str, tuple[str, ...]]

#: A reviewer's way into a comment, by language and edition (1: first plan, 2: revised plan).
#: German openers end in a colon: the sentence after them keeps its own word order.
OPENERS: dict[tuple[str, int], tuple[str, ...]] = {
    ("en", 1): (
        "",
        "In our reading, ",
        "From the perspective of a fellow municipality, ",
        "Compared with similar plans, ",
        "Overall, ",
        "As far as we can tell, ",
        "On a close reading, ",
        "To put it plainly, ",
    ),
    ("en", 2): (
        "In the revised plan, ",
        "In this new version, ",
        "Compared with the first submission, ",
        "This time, ",
        "Now that the plan has been revised, ",
        "In the updated plan, ",
        "Since the last round, ",
        "On second submission, ",
    ),
    ("de", 1): (
        "",
        "Unser Eindruck: ",
        "Aus Sicht einer Nachbargemeinde: ",
        "Im Vergleich mit ähnlichen Konzepten: ",
        "Insgesamt gilt: ",
        "Soweit wir das beurteilen können: ",
        "Nach gründlicher Lektüre: ",
        "Klar gesagt: ",
    ),
    ("de", 2): (
        "In der überarbeiteten Fassung: ",
        "In der neuen Fassung: ",
        "Gegenüber der ersten Einreichung: ",
        "Diesmal gilt: ",
        "Nach der Überarbeitung: ",
        "Im aktualisierten Konzept: ",
        "Seit der letzten Runde: ",
        "Bei der zweiten Einreichung: ",
    ),
}

#: What a criterion assesses, as the subject of a sentence (singular), per language.
SUBJECTS: dict[str, Bank] = {
    "T1": {
        "en": (
            "{m}'s target of minus {pct}% by {ty}",
            "the strategy of {m}, with its {ty} target and the council decision behind it,",
            "the political mandate for {m}'s plan, adopted on {council},",
        ),
        "de": (
            "Das Ziel von {m}, die Emissionen bis {ty} um {pct} % zu senken,",
            "Die Strategie von {m} mit dem Zieljahr {ty} und dem Ratsbeschluss dahinter",
            "Der politische Auftrag für das Konzept von {m}, beschlossen am {council},",
        ),
    },
    "T2": {
        "en": (
            "{m}'s {by} inventory, which covers {n_key} of the 4 key sectors,",
            "the emission inventory of {m} ({t} t CO2 in {by})",
            "the baseline inventory that {m} presents for {by}",
        ),
        "de": (
            "Die Treibhausgasbilanz von {m} für {by}, die {n_key} der 4 Schlüsselsektoren abdeckt,",
            "Das Emissionsinventar von {m} ({t} t CO2 im Jahr {by})",
            "Die Ausgangsbilanz, die {m} für {by} vorlegt,",
        ),
    },
    "T3": {
        "en": (
            "{m}'s assessment of climate risks",
            "the risk and vulnerability chapter of {m}",
            "the way {m} rates its exposure to climate hazards",
        ),
        "de": (
            "Die Klimarisikoanalyse von {m}",
            "Das Kapitel von {m} zu Risiken und Verwundbarkeit",
            "Die Einschätzung von {m} zu den eigenen Klimagefahren",
        ),
    },
    "T4": {
        "en": (
            "the set of {n_act} mitigation actions of {m}",
            "{m}'s flagship action '{act}'",
            "the technical design of {m}'s efficiency actions",
        ),
        "de": (
            "Das Paket der {n_act} Klimaschutzmaßnahmen von {m}",
            "Die Leitmaßnahme „{act}“ von {m}",
            "Die technische Ausgestaltung der Effizienzmaßnahmen von {m}",
        ),
    },
    "T5": {
        "en": (
            "{m}'s action catalogue, which spans {sectors},",
            "the way {m} links its actions across {sectors}",
            "the integration of sectors in {m}'s plan ({sectors})",
        ),
        "de": (
            "Der Maßnahmenkatalog von {m}, der {sectors} umfasst,",
            "Die Verknüpfung der Maßnahmen von {m} über {sectors}",
            "Die sektorübergreifende Planung von {m} ({sectors})",
        ),
    },
    "T6": {
        "en": (
            "{m}'s set of actions, which closes about {gap}% of the gap to the target,",
            "the match between {m}'s actions and its {pct}% target (about {gap}% of the gap)",
            "the pathway of {m} to {ty}, covering about {gap}% of the gap,",
        ),
        "de": (
            "Das Maßnahmenpaket von {m}, das rund {gap} % der Lücke zum Ziel schließt,",
            "Der Abgleich zwischen den Maßnahmen von {m} und dem Ziel (rund {gap} % der Lücke)",
            "Der Zielpfad von {m} bis {ty}, der rund {gap} % der Lücke abdeckt,",
        ),
    },
    "T6-unquantified": {
        "en": (
            "{m}'s pathway to {ty}, which cannot be quantified without an inventory,",
            "the effect of {m}'s actions, which cannot be put into figures without an inventory,",
            "the match between {m}'s actions and its {pct}% target, open without an inventory,",
        ),
        "de": (
            "Der Zielpfad von {m} bis {ty}, der sich ohne Bilanz nicht beziffern lässt,",
            "Die Wirkung der Maßnahmen von {m}, die ohne Bilanz nicht quantifizierbar ist,",
            "Der Abgleich von Maßnahmen und Ziel in {m}, der ohne Bilanz offen bleibt,",
        ),
    },
    "T7": {
        "en": (
            "the financing of {m}'s actions, about {cost} million euros in all,",
            "{m}'s budget for the plan ({cost} million euros)",
            "the way {m} plans to pay for its actions",
        ),
        "de": (
            "Die Finanzierung der Maßnahmen von {m}, insgesamt rund {cost} Millionen Euro,",
            "Das Budget von {m} für das Konzept ({cost} Millionen Euro)",
            "Die Art, wie {m} die Maßnahmen bezahlen will,",
        ),
    },
    "T8": {
        "en": (
            "{m}'s monitoring and reporting scheme",
            "the monitoring chapter of {m}'s plan",
            "the way {m} intends to track progress until {ty}",
        ),
        "de": (
            "Das Monitoring und Controlling von {m}",
            "Das Monitoringkapitel im Konzept von {m}",
            "Die Art, wie {m} den Fortschritt bis {ty} verfolgen will,",
        ),
    },
    "C1": {
        "en": (
            "{m}'s communication strategy and its objectives",
            "the set of communication objectives {m} sets itself",
            "the strategic framing of communication in {m}'s plan",
        ),
        "de": (
            "Die Kommunikationsstrategie von {m} mit ihren Zielen",
            "Die Kommunikationsziele, die sich {m} setzt,",
            "Die strategische Einbettung der Kommunikation im Konzept von {m}",
        ),
    },
    "C2": {
        "en": (
            "the way {m} addresses its target groups",
            "{m}'s choice of audiences and messages",
            "the message {m} prepares for its {pop} residents",
        ),
        "de": (
            "Die Ansprache der Zielgruppen in {m}",
            "Die Auswahl von Zielgruppen und Botschaften in {m}",
            "Die Botschaft von {m} an die rund {pop} Einwohnerinnen und Einwohner",
        ),
    },
    "C3": {
        "en": (
            "the choice of channels in {m}",
            "{m}'s mix of print, events and digital tools",
            "the use of digital tools in {m}'s communication",
        ),
        "de": (
            "Die Auswahl der Kanäle in {m}",
            "Der Mix aus Print, Veranstaltungen und digitalen Werkzeugen in {m}",
            "Der Einsatz digitaler Werkzeuge in der Kommunikation von {m}",
        ),
    },
    "C4": {
        "en": (
            "citizen participation in {m}",
            "the range of participation methods in {m}",
            "the level of participation {m} offers its residents",
        ),
        "de": (
            "Die Bürgerbeteiligung in {m}",
            "Das Spektrum der Beteiligungsmethoden in {m}",
            "Die Beteiligungsstufe, die {m} den Einwohnern anbietet,",
        ),
    },
    "C5": {
        "en": (
            "{m}'s attention to inclusiveness and accessibility",
            "the way {m} reaches people who rarely take part",
            "the accessibility of {m}'s events and materials",
        ),
        "de": (
            "Der Blick von {m} auf Inklusion und Barrierefreiheit",
            "Die Ansprache von Menschen, die sich in {m} selten beteiligen,",
            "Die Barrierefreiheit der Veranstaltungen und Materialien von {m}",
        ),
    },
    "C6": {
        "en": (
            "the feedback loop {m} promises participants",
            "the transparency with which {m} reports back to residents",
            "{m}'s account of what became of citizens' input",
        ),
        "de": (
            "Die Rückmeldung, die {m} den Beteiligten zusagt,",
            "Die Transparenz, mit der {m} über Ergebnisse berichtet,",
            "Der Bericht von {m} darüber, was aus den Anregungen wurde,",
        ),
    },
    "C7": {
        "en": (
            "the split of roles, resources and timeline for communication in {m}",
            "{m}'s staffing and schedule for communication",
            "the question of who does what and when in {m}'s communication",
        ),
        "de": (
            "Die Verteilung von Rollen, Mitteln und Zeitplan für die Kommunikation in {m}",
            "Die personelle und zeitliche Planung der Kommunikation in {m}",
            "Die Frage, wer in {m} wann welche Kommunikationsaufgabe übernimmt,",
        ),
    },
    "C8": {
        "en": (
            "{m}'s evaluation of its communication",
            "the set of indicators {m} uses to measure communication",
            "the way {m} checks whether its messages get through",
        ),
        "de": (
            "Die Wirkungsmessung der Kommunikation von {m}",
            "Das Indikatorenset, mit dem {m} Kommunikation misst,",
            "Die Überprüfung, ob die Botschaften von {m} ankommen,",
        ),
    },
}
#: A coordinator's own criterion (an id not above): its title stands in.
GENERIC_SUBJECTS: Bank = {
    "en": (
        "'{title}' in {m}'s plan",
        "the treatment of '{title}' by {m}",
        "what {m} writes on '{title}'",
    ),
    "de": (
        "Der Punkt „{title}“ im Konzept von {m}",
        "Die Behandlung von „{title}“ durch {m}",
        "Was {m} zu „{title}“ schreibt,",
    ),
}

#: What the reviewer finds, per score band (high: 3 and more, mid: 2, low: 1 and less).
PREDICATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "high"): (
        "is convincing and well documented",
        "stands out positively",
        "is carefully worked out",
        "could serve other municipalities as an example",
        "is among the strongest parts of the plan",
    ),
    ("en", "mid"): (
        "is present but stays general in places",
        "covers the basics without going into depth",
        "is adequate, though it could be more precise",
        "meets the basic requirements but could be more concrete",
        "is solid but not yet mature",
    ),
    ("en", "low"): (
        "remains thin",
        "falls well short of what the rubric asks",
        "is hardly reliable in its current form",
        "lacks the substance one would expect",
        "needs a thorough revision",
    ),
    ("de", "high"): (
        "ist überzeugend und gut belegt",
        "fällt positiv auf",
        "ist sorgfältig ausgearbeitet",
        "kann anderen Gemeinden als Vorbild dienen",
        "gehört zu den stärksten Teilen des Konzepts",
    ),
    ("de", "mid"): (
        "ist vorhanden, bleibt aber stellenweise allgemein",
        "deckt das Nötigste ab, ohne in die Tiefe zu gehen",
        "ist angemessen, ließe sich aber genauer fassen",
        "erfüllt die Grundanforderungen, könnte aber konkreter sein",
        "ist solide, aber noch nicht ausgereift",
    ),
    ("de", "low"): (
        "bleibt dünn",
        "bleibt deutlich hinter den Anforderungen zurück",
        "ist in der jetzigen Form kaum belastbar",
        "hat nicht die Substanz, die man erwarten würde",
        "braucht eine gründliche Überarbeitung",
    ),
}

#: A criterion whose parts the plan leaves out entirely ({what}: the parts, {title}: criterion).
MISSING: Bank = {
    "en": (
        "there is no {what} in {m}'s plan, so '{title}' cannot score",
        "{m}'s plan leaves out the {what}, which leaves '{title}' empty",
        "we found no {what} anywhere in the plan of {m}, so nothing counts towards '{title}'",
        "the {what} is missing from {m}'s plan, and with it the basis for '{title}'",
    ),
    "de": (
        "Zum Thema {what} enthält das Konzept von {m} nichts, daher gibt es für „{title}“ "
        "keine Punkte",
        "Das Konzept von {m} lässt den Baustein {what} aus, womit „{title}“ leer bleibt",
        "Einen Abschnitt zum Thema {what} haben wir im Konzept von {m} nicht gefunden, also "
        "zählt nichts für „{title}“",
        "Im Konzept von {m} fehlt der Baustein {what} und damit die Grundlage für „{title}“",
    ),
}
#: A criterion of which some parts are missing.
PARTLY: Bank = {
    "en": (
        "'{title}' is only partly covered, because {m}'s plan has no {what}",
        "without the {what}, {m}'s plan covers '{title}' only in part",
        "{m}'s plan addresses '{title}' only halfway, as the {what} is missing",
        "the missing {what} holds {m}'s plan back on '{title}'",
    ),
    "de": (
        "„{title}“ ist nur teilweise abgedeckt, weil im Konzept von {m} der Baustein {what} fehlt",
        "Ohne den Baustein {what} deckt das Konzept von {m} „{title}“ nur zum Teil ab",
        "Das Konzept von {m} behandelt „{title}“ nur zur Hälfte, da der Baustein {what} fehlt",
        "Der fehlende Baustein {what} bremst das Konzept von {m} bei „{title}“",
    ),
}
#: Where in the plan: a page reference the learning section finds (review.exchange.learning).
PAGE = {"en": " (see page {page})", "de": " (siehe Seite {page})"}
