"""Whether two recommendations say the same thing in other words (the action list's merge rule,
`review.exchange.actions`), in German and English.

The rule, on two items of the same criterion written in one language:
1. Each item becomes a set of *concepts*: its words (letters or digits) folded (case, accents,
   ß), stop words and criterion ids ("T8") dropped (function words, the verbs any advice
   starts with and the words for where in the plan it goes: "should", "add", "strengthen",
   "chapter", "next version", "sollte", "ergänzen", "Kapitel", ...: `STOP`), each word stemmed
   by the Snowball stemmer of the items' language (the one whose stop words they use more; the
   round's on a tie), so "reports"/"reported" and "Berichte"/"berichtet" meet; a German
   compound that the other item writes apart is split ("Monitoringbericht" against
   "Monitoring-Berichte"; with a linking s: "Mobilitätskonzept"), and so is one that starts with
   a topic ("Emissionsbericht": emission + bericht); then the words of one meaning are one
   concept (`SYNONYMS`: "yearly", "annual", "every year", "jährlich" are *year*; "action",
   "measure", "Maßnahme" are *action*); number words are digits ("two" is 2).
2. They differ when each names a *topic* the other does not (a sector, a part of the plan, a
   hazard or a number: `TOPICS`): "add a heat plan" / "add a mobility plan", "report the
   emissions every two years" / "report the actions every two years", "target for 2030" / "for
   2040"; when their numbers differ ("every year" / "every four years"); and when only one of
   them says "not".
3. Otherwise they are the same when their concepts are equal, or when they share at least two
   concepts that make at least 3/4 of the shorter one's (`SHARE_OF_SHORTER`) and at least half
   of both together (`SHARE_OF_BOTH`): "Add a monitoring schedule with yearly reports" /
   "The monitoring should be reported every year" share monitor, report, year (3 of 3, 3 of 4).
   Where each also says something the other does not, that is at most one concept on each side
   (`MAX_OWN`) beside at least three shared (`MIN_SHARED_BOTH_OWN`): what only one of them
   says is then a detail, not another subject.

Stemmer: `snowballstemmer` (the Snowball project's stemmers compiled to pure Python, German and
English among them; no data files, no native code). Items in two different languages are not
compared across them (no translation): each keeps its own action.

The labelled pairs the rule is tested on are in tests/exchange/test_wording.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

from review.consolidation.redaction import fold

#: Rule 3.
SHARE_OF_SHORTER = 0.75
SHARE_OF_BOTH = 0.5
MIN_SHARED = 2
#: Rule 3, when each item says something the other does not.
MAX_OWN = 1
MIN_SHARED_BOTH_OWN = 3

_WORD = re.compile(r"[^\W_]+")
#: "T2": the criterion the item names, the same for every item compared.
_CRITERION_ID = re.compile(r"[a-z]\d{1,2}")
_STEMMERS = {"de": snowballstemmer.stemmer("german"), "en": snowballstemmer.stemmer("english")}

_STOP_EN = """
a an the and or of to in on for with by at from as into per via about up be is are was were been
being it its this that these those there their they them we our you your he she his her also more
most very each every all any some other which who whom what how when where than then so such
should must could would can may might will shall need needs needed please do does done doing
has have having just only still yet both either own same well
add adds added adding include includes including provide make give state describe define set
consider develop create ensure improve complete clarify specify name list show explain introduce
establish mention missing lacking better clearer clear further additional
given named stated described defined made provided included shown listed developed created
specified added set
strengthen deepen detail detailed substance prepare work out rework revise
chapter section part own next version document
"""
_STOP_DE = """
der die das den dem des ein eine einen einem einer eines und oder von vom zu zum zur im in ins am
an auf für mit bei beim aus als ist sind war waren wird werden wurde wurden worden sein
sollte sollten soll sollen muss müssen müsste müssten könnte könnten kann können dürfen bitte
es sie er wir ihr ihre ihren ihrem ihres dies diese dieser dieses diesen jede jeder jedes jeden
jedem alle allen auch noch mehr sehr so wie wo wann was wer welche welcher welches dass um über
nach vor durch zwischen bis hier dort dabei dazu hierzu sowie bzw etwa ggf z b
ergänzen ergänzt ergänzung hinzufügen aufnehmen angeben benennen nennen darstellen beschreiben
definieren festlegen erstellen entwickeln erarbeiten sicherstellen verbessern präzisieren
konkretisieren klären einführen berücksichtigen fehlt fehlen fehlende weitere zusätzlich
zusätzliche besser klarer genauer
erstellt ergänzt genannt benannt angegeben festgelegt dargestellt beschrieben definiert
entwickelt aufgenommen hinzugefügt berücksichtigt hinterlegt geklärt verbessert präzisiert
konkretisiert eingeführt sichergestellt
stärken stärker vertiefen ausarbeiten überarbeiten untermauern anlegen
kapitel abschnitt teil eigenes eigenen eigene thema baustein nächste nächsten fassung dokument
"""
#: Words dropped before stemming (folded), in both languages.
STOP = frozenset(fold(w) for w in (_STOP_EN + _STOP_DE).split())
_STOP_LANG = {
    "en": frozenset(fold(w) for w in _STOP_EN.split()),
    "de": frozenset(fold(w) for w in _STOP_DE.split()),
}
_NEGATION = frozenset({"not", "no", "never", "nicht", "kein", "keine", "keinen", "keiner", "nie"})

#: Concept -> the words of that meaning, either language (a topic's name is one of `TOPICS`).
_SYNONYM_WORDS = {
    "year": "year years yearly annual annually jahr jahre jährlich",
    "action": "action actions measure measures maßnahme maßnahmen aktion",
    "emission": "emission emissions co2 ghg greenhouse thg treibhausgas treibhausgase",
    "inventory": "inventory inventar bilanz bilanzierung",
    "monitoring": "monitoring monitor controlling tracking",
    "report": "report reports reporting bericht berichte berichten",
    "heat": "heat heating wärme wärmeversorgung",
    "mobility": "mobility transport traffic verkehr mobilität",
    "building": "building buildings gebäude",
    "electricity": "electricity strom",
    "renewable": "renewable renewables erneuerbar erneuerbare",
    "solar": "solar photovoltaic photovoltaics pv photovoltaik",
    "wind": "wind",
    "industry": "industry industrial industrie gewerbe",
    "residential": "residential household households private privat",
    "municipal": "municipal kommunal kommunale städtisch",
    "tertiary": "tertiary commercial services dienstleistung",
    "budget": "budget cost costs funding finance financing kosten finanzierung fördermittel mittel",
    "responsibility": (
        "responsible responsibility responsibilities zuständig zuständigkeit "
        "verantwortlich verantwortung"
    ),
    "schedule": "schedule timeline timetable zeitplan termin deadline frist",
    "participation": (
        "participation involve involvement citizen citizens stakeholder stakeholders "
        "public beteiligung beteiligen bürger bürgerinnen öffentlichkeit"
    ),
    "adaptation": "adaptation anpassung klimaanpassung",
    "risk": "risk risks hazard hazards vulnerability risiko gefahr gefährdung vulnerabilität",
    "target": "target targets goal goals aim objective objectives ziel ziele zielsetzung",
    "mitigation": "mitigation minderung klimaschutz",
    "indicator": "indicator indicators kpi indikator kennzahl kennzahlen",
    "staff": "staff personnel personal team stelle stellen",
    "energy": "energy consumption energie verbrauch energieverbrauch",
    "flood": "flood flooding hochwasser überschwemmung starkregen",
    "heatwave": "heatwave heatwaves hitze hitzewelle hitzeschutz",
    "drought": "drought dürre trockenheit",
    "scenario": "scenario scenarios szenario szenarien",
    "baseline": "baseline basisjahr ausgangsjahr",
    "communication": "communication kommunikation campaign kampagne",
    "plan": "plan plans concept konzept strategy strategie",
    "publish": "publish publication veröffentlichen veröffentlichung publizieren",
    "council": "council gemeinderat stadtrat rat",
}
SYNONYMS = {concept: tuple(words.split()) for concept, words in _SYNONYM_WORDS.items()}
#: Concepts naming what a recommendation is about: two items that each name one the other does
#: not give different advice (rule 2). Digits count as topics too.
TOPICS = frozenset(
    {
        "action", "emission", "inventory", "monitoring", "heat", "mobility", "building",
        "electricity", "renewable", "solar", "wind", "industry", "residential", "municipal",
        "tertiary", "budget", "responsibility", "schedule", "participation", "adaptation", "risk",
        "target", "indicator", "staff", "energy", "flood", "heatwave", "drought", "scenario",
        "baseline", "communication", "mitigation",
    }
)  # fmt: skip
_NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "eins": "1", "zwei": "2",
    "drei": "3", "vier": "4", "fünf": "5", "sechs": "6", "sieben": "7", "acht": "8",
    "neun": "9", "zehn": "10", "zwölf": "12",
}  # fmt: skip
_NUMBER_WORDS = {fold(word): digits for word, digits in _NUMBERS.items()}


def _stem(word: str, language: str) -> str:
    return str(_STEMMERS[language].stemWord(word))


def _concept_table() -> dict[str, str]:
    """Stem (by either language's stemmer) -> concept."""
    table: dict[str, str] = {}
    for concept, words in SYNONYMS.items():
        for word in words:
            for language in _STEMMERS:
                table.setdefault(_stem(fold(word), language), concept)
    return table


_CONCEPT = _concept_table()
#: The words a German compound may start with to be split although the other item does not
#: write the part apart (rule 1: "Emissionsbericht", "Hochwasserschutz").
_TOPIC_WORDS = frozenset(fold(w) for c in TOPICS for w in SYNONYMS.get(c, ()))


def language_of(text: str) -> str | None:
    """'de' or 'en': the language whose stop words the text uses more (a word both use, such as
    "an", counts for neither); None on a tie."""
    words = _WORD.findall(fold(text))
    counts = {
        lang: sum(w in stop and w not in _STOP_LANG[other] for w in words)
        for (lang, stop), other in zip(_STOP_LANG.items(), ("de", "en"), strict=True)
    }
    if counts["de"] == counts["en"]:
        return None
    return max(counts, key=lambda lang: counts[lang])


@lru_cache(maxsize=4096)
def _stems(text: str, language: str) -> tuple[frozenset[str], bool]:
    """The item's stems (stop words dropped, numbers as digits) and whether it says 'not'."""
    stems, negated = set(), False
    for word in _WORD.findall(fold(text)):
        if word in _NEGATION:
            negated = True
        elif word.isdigit():
            stems.add(word.lstrip("0") or "0")
        elif word in _NUMBER_WORDS:
            stems.add(_NUMBER_WORDS[word])
        elif word not in STOP and len(word) > 1 and not _CRITERION_ID.fullmatch(word):
            stems.add(_stem(word, language))
    return frozenset(stems), negated


def _split(word: str, known: frozenset[str], language: str) -> list[str]:
    """A German compound as its parts: a head that is a known stem (the other item's, or a
    topic's), then a tail (after a linking s) that is a known stem or a compound of them; or,
    where the head is a topic, any tail of four letters or more. The longest head wins; the
    word itself when no split fits."""
    if language != "de" or len(word) < 7 or word in known or word in _CONCEPT:
        return [word]
    fallback: list[str] | None = None
    for cut in range(len(word) - 3, 2, -1):
        head = word[:cut]
        head_stem = _stem(head, language)
        head_known = head in known or head_stem in known
        topic = head in _TOPIC_WORDS
        if not (head_known or topic):
            continue
        for tail in (word[cut:], word[cut + 1 :] if word[cut] == "s" else ""):
            if len(tail) < 3:
                continue
            tail_stem = _stem(tail, language)
            if tail in known or tail_stem in known or tail_stem in _CONCEPT:
                return [head_stem, tail_stem]
            rest = _split(tail, known, language)
            if len(rest) > 1:
                return [head_stem, *rest]
            if topic and fallback is None and len(tail) >= 4:
                fallback = [head_stem, tail_stem]
    return fallback or [word]


def _concept(stem: str, other: frozenset[str], language: str) -> str:
    """The concept of a stem; a German participle's stem ("veröffentlicht") as its verb's
    ("veröffentlich"), which the stemmer leaves apart."""
    if language == "de" and stem not in _CONCEPT and stem.endswith("t") and len(stem) > 5:
        verb = stem[:-1]
        if verb in _CONCEPT or verb in other:
            stem = verb
    return _CONCEPT.get(stem, stem)


def _concepts(stems: Iterable[str], other: frozenset[str], language: str) -> frozenset[str]:
    return frozenset(
        _concept(part, other, language) for stem in stems for part in _split(stem, other, language)
    )


def _topics(concepts: frozenset[str]) -> frozenset[str]:
    return frozenset(c for c in concepts if c in TOPICS or c.isdigit())


def same_advice(a: str, b: str, default_language: str = "en") -> bool:
    """Rules 1-3: whether recommendations `a` and `b` (of one criterion) say the same."""
    if fold(a).strip(" .") == fold(b).strip(" ."):
        return True
    said_a, said_b = language_of(a), language_of(b)
    if said_a and said_b and said_a != said_b:
        return False
    language = said_a or said_b or (default_language if default_language in _STEMMERS else "en")
    (stems_a, not_a), (stems_b, not_b) = _stems(a, language), _stems(b, language)
    if not_a != not_b:
        return False
    concepts_a = _concepts(stems_a, stems_b, language)
    concepts_b = _concepts(stems_b, stems_a, language)
    if not concepts_a or not concepts_b:
        return False
    if concepts_a == concepts_b:
        return True
    topics_a, topics_b = _topics(concepts_a), _topics(concepts_b)
    if topics_a - topics_b and topics_b - topics_a:
        return False
    if {c for c in concepts_a if c.isdigit()} != {c for c in concepts_b if c.isdigit()}:
        return False
    shared = len(concepts_a & concepts_b)
    only_a, only_b = len(concepts_a - concepts_b), len(concepts_b - concepts_a)
    if only_a and only_b and (max(only_a, only_b) > MAX_OWN or shared < MIN_SHARED_BOTH_OWN):
        return False
    shorter = min(len(concepts_a), len(concepts_b))
    return (
        shared >= MIN_SHARED
        and shared / shorter >= SHARE_OF_SHORTER
        and shared / len(concepts_a | concepts_b) >= SHARE_OF_BOTH
    )
