"""The phrase bank of a simulated review's verdict (review.synthetic.review_texts): lead-ins of
strengths and weaknesses (each with the municipality, per language and edition), sentences for
when there are none, closings, and the lead-ins and items of the recommendations."""

from __future__ import annotations

STRENGTHS: dict[tuple[str, int], tuple[str, ...]] = {
    ("en", 1): (
        "What works best in {m}'s plan: {list}",
        "{m} is strongest on {list}",
        "The plan of {m} convinces most on {list}",
        "Our pick of {m}'s strengths: {list}",
        "Peers could learn from {m} on {list}",
        "The best parts of {m}'s plan are {list}",
        "Where {m} leads: {list}",
    ),
    ("en", 2): (
        "The revised plan of {m} is strongest on {list}",
        "In its new version, {m} convinces on {list}",
        "{m}'s updated plan does best on {list}",
        "After the revision, {m} leads on {list}",
        "The second version of {m}'s plan shines on {list}",
        "Since the last round, {m} stands out on {list}",
        "What works best in {m}'s revised plan: {list}",
    ),
    ("de", 1): (
        "Am besten gelingt {m}: {list}",
        "Die Stärken von {m} liegen bei {list}",
        "Am meisten überzeugt das Konzept von {m} bei {list}",
        "Unsere Auswahl der Stärken von {m}: {list}",
        "Von {m} lernen können andere bei {list}",
        "Die besten Teile des Konzepts von {m}: {list}",
        "Hier ist {m} vorn: {list}",
    ),
    ("de", 2): (
        "Die überarbeitete Fassung von {m} ist am stärksten bei {list}",
        "In der neuen Fassung überzeugt {m} bei {list}",
        "Das aktualisierte Konzept von {m} gelingt am besten bei {list}",
        "Nach der Überarbeitung ist {m} vorn bei {list}",
        "Die zweite Fassung von {m} glänzt bei {list}",
        "Seit der letzten Runde sticht {m} hervor bei {list}",
        "Am besten gelingt {m} in der überarbeiteten Fassung: {list}",
    ),
}
NO_STRENGTH: dict[str, tuple[str, ...]] = {
    "en": (
        "Nothing in the {rubric} part of {m}'s plan stands out yet",
        "In the {rubric} part, {m}'s plan has no clear strength so far",
        "No criterion of the {rubric} part reaches 'good' in {m}'s plan",
        "{m}'s plan is even in the {rubric} part, with no part above the rest",
        "In the {rubric} part, {m} has yet to show a strength",
        "The {rubric} part of {m}'s plan has no highlight so far",
        "For the {rubric} part, no strength of {m}'s plan stands out",
    ),
    "de": (
        "Im Teil {rubric} ragt im Konzept von {m} noch nichts heraus",
        "Im Teil {rubric} hat das Konzept von {m} bisher keine klare Stärke",
        "Kein Kriterium im Teil {rubric} erreicht bei {m} die Stufe gut",
        "Das Konzept von {m} ist im Teil {rubric} gleichmäßig, ohne herausragenden Teil",
        "Im Teil {rubric} muss {m} eine Stärke erst noch zeigen",
        "Der Teil {rubric} im Konzept von {m} hat bisher keinen Höhepunkt",
        "Für den Teil {rubric} sticht keine Stärke von {m} heraus",
    ),
}
WEAKNESSES: dict[tuple[str, int], tuple[str, ...]] = {
    ("en", 1): (
        "{m}'s plan is weakest on {list}",
        "Where {m} falls short: {list}",
        "The gaps in {m}'s plan lie in {list}",
        "{m} has most to catch up on {list}",
        "The weak spots of {m}'s plan are {list}",
        "We see {m}'s main shortcomings in {list}",
        "Most work remains for {m} on {list}",
    ),
    ("en", 2): (
        "Even after the revision, {m} is weakest on {list}",
        "The revised plan of {m} still falls short on {list}",
        "In its new version, {m} still lags on {list}",
        "{m}'s updated plan remains weak on {list}",
        "Still open in {m}'s second version: {list}",
        "Since the last round, {m} has not yet caught up on {list}",
        "The remaining gaps of {m}'s revised plan: {list}",
    ),
    ("de", 1): (
        "Am schwächsten ist das Konzept von {m} bei {list}",
        "Hier bleibt {m} zurück: {list}",
        "Die Lücken im Konzept von {m} liegen bei {list}",
        "Am meisten aufzuholen hat {m} bei {list}",
        "Die Schwachstellen des Konzepts von {m}: {list}",
        "Die wesentlichen Mängel bei {m} sehen wir bei {list}",
        "Die meiste Arbeit bleibt für {m} bei {list}",
    ),
    ("de", 2): (
        "Auch nach der Überarbeitung ist {m} am schwächsten bei {list}",
        "Die überarbeitete Fassung von {m} bleibt zurück bei {list}",
        "In der neuen Fassung hinkt {m} noch hinterher bei {list}",
        "Das aktualisierte Konzept von {m} bleibt schwach bei {list}",
        "Noch offen in der zweiten Fassung von {m}: {list}",
        "Seit der letzten Runde hat {m} noch nicht aufgeholt bei {list}",
        "Die verbleibenden Lücken der neuen Fassung von {m}: {list}",
    ),
}
NO_WEAKNESS: dict[str, tuple[str, ...]] = {
    "en": (
        "We found no major weakness in the {rubric} part of {m}'s plan",
        "The {rubric} part of {m}'s plan has no serious gap",
        "Nothing in the {rubric} part of {m}'s plan falls below 'adequate'",
        "In the {rubric} part, {m}'s plan holds up throughout",
        "No criterion of the {rubric} part is weak in {m}'s plan",
        "The {rubric} part of {m}'s plan leaves no large gap",
        "{m} shows no real weakness in the {rubric} part",
    ),
    "de": (
        "Im Teil {rubric} haben wir im Konzept von {m} keine wesentliche Schwäche gefunden",
        "Der Teil {rubric} im Konzept von {m} hat keine ernste Lücke",
        "Nichts im Teil {rubric} fällt bei {m} unter angemessen",
        "Im Teil {rubric} hält das Konzept von {m} durchgehend stand",
        "Kein Kriterium im Teil {rubric} ist bei {m} schwach",
        "Der Teil {rubric} im Konzept von {m} lässt keine große Lücke",
        "Eine echte Schwäche zeigt {m} im Teil {rubric} nicht",
    ),
}
#: Before a sentence on the revised plan that has no wording of its own for it.
REVISED = {"en": "In the revised version, ", "de": "In der überarbeiteten Fassung gilt: "}
CLOSINGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "strengths"): ("", ", a good basis for the next steps", " – worth showing to peers"),
    ("en", "weaknesses"): (
        "",
        ", which the action list should take first",
        " – here the peers' examples can help",
    ),
    ("en", "no-strengths"): (
        "",
        ", though the basics are in place",
        " – the next version can change that",
    ),
    ("en", "no-weaknesses"): ("", ", a solid result", " – well done"),
    ("de", "strengths"): (
        "",
        ", eine gute Grundlage für die nächsten Schritte",
        " – sehenswert für andere Gemeinden",
    ),
    ("de", "weaknesses"): (
        "",
        ", die die Maßnahmenliste zuerst angehen sollte",
        " – hier hilft der Blick auf andere Gemeinden",
    ),
    ("de", "no-strengths"): (
        "",
        ", doch die Grundlagen sind da",
        " – das kann die nächste Fassung ändern",
    ),
    ("de", "no-weaknesses"): ("", ", ein solides Ergebnis", " – gut gemacht"),
}
#: Lead-ins of the recommendations: at most 40 characters with the name and no digit, so the
#: action list drops them (review.exchange.actions.split_items).
RECOMMEND: dict[tuple[str, int], tuple[str, ...]] = {
    ("en", 1): (
        "For {m} we recommend:",
        "Our advice to {m}:",
        "Next steps for {m}:",
        "What {m} should do:",
        "Suggestions for {m}:",
        "To do for {m}:",
        "Priorities for {m}:",
    ),
    ("en", 2): (
        "Still to do for {m}:",
        "Further advice to {m}:",
        "Remaining tasks for {m}:",
        "Left for {m} to do:",
        "Further steps for {m}:",
        "Our new advice to {m}:",
        "Open points for {m}:",
    ),
    ("de", 1): (
        "Empfehlungen für {m}:",
        "Unser Rat an {m}:",
        "Nächste Schritte für {m}:",
        "Was {m} tun sollte:",
        "Vorschläge für {m}:",
        "Aufgaben für {m}:",
        "Prioritäten für {m}:",
    ),
    ("de", 2): (
        "Noch offen für {m}:",
        "Weiterer Rat an {m}:",
        "Restaufgaben für {m}:",
        "Was {m} noch fehlt:",
        "Weitere Schritte für {m}:",
        "Neuer Rat an {m}:",
        "Offene Punkte für {m}:",
    ),
}
ADD_PART: dict[str, tuple[str, ...]] = {
    "en": (
        "add the {what}",
        "prepare the {what} as a chapter of its own",
        "include the {what} in the next version",
    ),
    "de": (
        "{what} ergänzen",
        "ein eigenes Kapitel zum Thema {what} anlegen",
        "den Baustein {what} in die nächste Fassung aufnehmen",
    ),
}
DEEPEN: dict[str, tuple[str, ...]] = {
    "en": (
        "strengthen '{title}'",
        "work out '{title}' in more detail",
        "give '{title}' more substance with figures and examples",
    ),
    "de": (
        "„{title}“ vertiefen",
        "„{title}“ genauer ausarbeiten",
        "„{title}“ mit Zahlen und Beispielen untermauern",
    ),
}
KEEP: dict[tuple[str, str], tuple[str, ...]] = {
    ("en", "communication"): (
        "keep the communication work going and report on its reach",
        "continue the participation formats and tell residents what came of them",
        "keep the channels alive and measure what gets through",
    ),
    ("en", "technical"): (
        "continue implementation as planned and track it in the monitoring",
        "keep to the schedule of the actions and report on them every two years",
        "carry on with the actions and update the inventory regularly",
    ),
    ("de", "communication"): (
        "die Kommunikationsarbeit fortführen und über ihre Reichweite berichten",
        "die Beteiligungsformate fortsetzen und zeigen, was aus den Beiträgen wurde",
        "die Kanäle pflegen und messen, was ankommt",
    ),
    ("de", "technical"): (
        "die Umsetzung wie geplant fortsetzen und im Monitoring nachhalten",
        "den Zeitplan der Maßnahmen einhalten und alle zwei Jahre berichten",
        "die Maßnahmen weiterführen und die Bilanz regelmäßig fortschreiben",
    ),
}
