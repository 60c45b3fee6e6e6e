"""The plan's own emission targets, kept apart from the targets it quotes.

Plans quote many targets besides their own: the EU's -55 % by 2030, the nation's, the Cities
Mission's, a sector's (transport -55 %), a past one, a share of renewables. Each sentence that
states a reduction (percent, target year) or a neutrality year becomes a candidate; who owns it
(the city, the EU, the nation, a sector) is read from the sentence; the headline is the city's
own candidate with the most target-like wording. A neutrality sentence that also gives a
reduction share ("carbon neutral by 2025, with 80 % decrease ... compared to 1990") keeps both.

Pure: (unit, lower-cased plan text) pairs in, a dict out. German and English.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from review.intake.document import Unit
from review.intake.facts.text import Sentence, evidence, percent_value, sentences_with

_NEUTRAL = re.compile(
    r"(?:climate|carbon|co2|co₂|ghg|greenhouse[- ]gas|emissions?)[- ]?neutral\w*"
    r"|net[- ]zero|klimaneutral\w*|treibhausgas-?neutral\w*|thg-neutral\w*|co2-neutral\w*"
    r"|neutralit(?:y|é) climatique"
)
_NEUTRAL_ANCHORS = ("neutral", "net zero", "net-zero")
_PERCENT = re.compile(
    # (the lookbehind after the first digit: before it, it would run at every character)
    r"(?P<pct>\d(?<![\d.,]\d)\d{0,2}(?:[.,]\d{1,2})?)\s?(?:%|prozent|per ?cent|percent)"
)
_PERCENT_ANCHORS = ("%", "prozent", "cent")

_REDUCE = re.compile(
    r"\b(?:reduc|cut|decreas|lower|abat|minder|senk|reduz|verringer|einspar|less\b|fewer\b|"
    r"below\b|unter\b|drop|declin|fall|weniger)"
)
_EMISSIONS = re.compile(
    r"emission|ghg|co2|co₂|greenhouse|treibhausgas|thg|carbon|klimagas|kohlendioxid"
)
_BASE = re.compile(
    r"(?:compared (?:to|with)|relative to|against|from|below|versus|vs\.?|gegenüber|ggü\.?|"
    r"im vergleich zu|bezogen auf|basis(?:jahr)?|base(?:line)?(?: year)?|reference(?: year)?)"
    r"\s+(?:the\s+|dem\s+|das\s+|den\s+)?(?:(?:year|jahr|jahres|levels? (?:of|in)|baseline|"
    r"reference year|basisjahr|niveau von|stand)\s+)?(?:of\s+)?(?P<year>(?:19[89]\d|20[0-2]\d))\b"
    r"|(?P<year2>19[89]\d|20[0-2]\d)(?:'s)?[- ]levels?\b"
)
_TARGET_YEAR = re.compile(
    r"\b(?:by|until|till|in|before|to|for|bis|zum|im|ab|jahr|year|target year|zieljahr|horizon)"
    r"\s+(?:the\s+(?:year\s+)?|zum\s+jahr\s+|(?:end of|ende)\s+)?(?P<year>(?:19[89]|20[0-6])\d)\b"
    r"|(?P<year2>20[2-6]\d)\s+(?:target|goal|ziel|carbon|climate|net|klima)"
)

_CITY = re.compile(
    r"\b(?:our|we|us|the city|city's|city of|this city|the municipality|municipality's|"
    r"the council|city council|the region|metropole|métropole|metropolitan|urban area|"
    r"\w*stadt\b|städt|wir|unser|kommune|gemeinde|landkreis|kreis\b|region)"
)
_OWN = re.compile(r"\bown (?:target|goal|ambition)|\beigene\w* ziel|\bcity's (?:target|goal)")
_TARGET_WORDS = re.compile(
    r"\b(?:target|goal|aim|ambition|commit|objective|pledge|strive|vision|will be|become|"
    r"achiev|reach|\w*ziel|angestrebt|strebt|soll|will\b|wollen|werden)"
)
# A neutrality "vision" beside a dated reduction target is the long-term horizon, not the target.
_VISION = re.compile(r"\b(?:long[- ]term|vision|leitbild|langfristig|perspektivisch)")
_EU = re.compile(
    r"\beu\b|\beu[-’']|european union|european commission|europe's|\beurope\b|european|fit for 55|"
    r"green deal|europäische|\bmission(?:'s)? (?:target|goal|objective|ambition|requirement)|"
    r"(?:cities|the) mission\b|100 climate[- ]neutral|\bnzc\b|netzerocities|info kit"
)
_NATIONAL = re.compile(
    r"\bnational\b|\bnationwide|\bcountry\b|\bgovernment\b|federal|bundes|\bbund\b|deutschland|"
    r"germany|\bthe netherlands\b|\bdutch\b|finland|finnish|sweden|swedish|denmark|danish|"
    r"norway|norwegian|france|french|spain|spanish|italy|italian|poland|polish|slovak|"
    r"hungar|iceland|belgi|flemish|flanders|portugal|portuguese|\buk\b|united kingdom|scotland|"
    r"scottish|necp|paris agreement|pariser|klimaschutzgesetz|\bksg\b|ipcc|\bstate\b|"
    r"land nrw|landesregierung|nordrhein|hessen|covenant of mayors|hinku|\bfisu\b|c40"
)
_SECTOR = re.compile(
    r"\b(?:transport|traffic|mobility|vehicle|car\b|cars\b|buildings?|homes?|housing|heating|"
    r"heat\b|district heating|electricity|power|energy (?:consumption|use|demand)|final energy|"
    r"modal|waste|industr|municipal (?:buildings|fleet|operations)|own operations|procurement|"
    r"agricultur|verkehr|gebäude|wärme|strom|haushalte|endenergie|energieverbrauch|"
    r"abfall|industrie|wohn|fahrzeug|consumption-based|use-based)"
)
_TOTAL = re.compile(
    r"\b(?:total|overall|all sectors|territorial|city-wide|citywide|whole city|entire city|"
    r"gesamt|insgesamt|alle[rn]? sektoren|gesamtstädtisch)"
)
_PAST = re.compile(
    r"\b(?:has been reduced|have been reduced|were reduced|was reduced|has (?:fallen|decreased|"
    r"declined|dropped)|have (?:fallen|decreased|declined|dropped)|fell|decreased by|"
    r"dropped by|declined by|achieved a reduction|already achieved|has achieved|exceeded its|"
    r"(?:decreased|fell|dropped|declined|sank) from|"
    r"gesunken|zurückgegangen|reduziert worden|"
    r"wurden? (?:\w+ ){0,3}reduziert|between (?:19|20)\d\d and (?:19|20)\d\d|since (?:19|20)\d\d|"
    r"seit (?:19|20)\d\d|von (?:19|20)\d\d bis)"
)
_NOT_EMISSIONS = re.compile(
    r"\b(?:share|anteil|renewable|erneuerbar|modal|recycl|growth|wachstum|zuwachs|increase|"
    r"steiger|efficiency|effizienz|rate\b|quote\b|coverage|of the (?:population|budget)|"
    r"endenergie|energieverbrauch|energy (?:consumption|use|demand)|final energy)"
)
# "Although full climate neutrality by 2030 is not currently achievable in Bratislava"
_DENIED = re.compile(
    r"\b(?:not (?:\w+ )?(?:achievable|possible|feasible|realistic|attainable)|cannot|can't|"
    r"unable|unrealistic|nicht (?:\w+ )?(?:erreichbar|möglich|realistisch)|"
    r"(?:did|does|has) not set)"
)
_INSTEAD = re.compile(r"^\W{0,3}(?:instead|stattdessen|rather)\b")
_INTERIM = re.compile(r"\binterim|\bintermediate|\bzwischenziel|\bmilestone|\bteilziel")
_FORMER = re.compile(
    r"\b(?:bisherig|früher|ehemalig|alte[ns]? (?:klimaschutz)?ziel|former|previous|earlier|old"
    r"(?:er)? (?:target|goal)|original(?:ly)? (?:target|goal)|superseded|replaced)"
)
# A measured change: "Minderung 1990 bis 2006 (-9%)", "21,7 % CO2-Reduzierung bis 2015".
_SPAN_BEFORE = re.compile(r"(?:19|20)\d\d\s*(?:bis|-|–|to|and)\s*(?:19|20)\d\d\s*\(?\s*[-–]?$")

MAX_CANDIDATES = 40
# A "target" for a year before this is a result already measured in every plan we read.
FIRST_TARGET_YEAR = 2020
FIRST_NEUTRALITY_YEAR = 2025
_NAME_OF_THE_MISSION = re.compile(
    r"(?:mission|100)\W+(?:for\W+)?(?:100\W+)?climate[- ]neutral and smart cities"
    r"|climate[- ]neutral and smart cities mission|climate[- ]neutral and smart cities by 2030"
)
# A document's name: "the Roadmap towards climate neutrality", "Pathways to Climate Neutrality"
_NAMED_PATH = re.compile(r"(?:roadmap|pathways?|road|path|fahrplan)\s(?:to|towards|zur)\s$")
# Template chapters: "Part B – Pathways towards Climate Neutrality by 2030", "Module A-3 ..."
_CHAPTER = re.compile(r"^(?:[\d.]+\s+)?(?:module|part|teil)\s+[a-c](?:\W|-?\d)")


@dataclass
class Candidate:
    kind: str  # "reduction" | "neutrality"
    percent: float | None
    target_year: int
    base_year: int | None
    scope: str  # "city" | "eu" | "national" | "sector" | "past" | "other"
    score: int
    sentence: Sentence
    at: tuple[int, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "percent": self.percent,
            "target_year": self.target_year,
            "base_year": self.base_year,
            "scope": self.scope,
            "covers": _covers(self.sentence.text),
            "evidence": evidence(self.sentence.unit, *self.at),
        }


def read_targets(
    units: list[tuple[Unit, str]], city: str | None = None, headings: Iterable[str] = ()
) -> dict[str, Any]:
    """The headline target, the neutrality year and the other targets of a plan.

    `units`: (unit, lower-cased plan's own text) pairs; `city`: the municipality's name if known
    (a sentence naming it speaks of the city's own target)."""
    titles = {" ".join(t.lower().split()) for t in headings}
    candidates = _neutrality(units, city, titles) + _reductions(units, city)
    # A neutrality year the plan says it does not pursue ("not currently achievable") is not its
    # goal, wherever else it is named.
    denied_votes = Counter(c.target_year for c in candidates if c.scope == "not_pursued")
    stated = Counter(c.target_year for c in candidates if c.scope == "city")
    denied = {year for year, n in denied_votes.items() if 2 * n >= stated[year]}
    own = [
        c
        for c in candidates
        if c.scope == "city" and not (c.kind == "neutrality" and c.target_year in denied)
    ]
    own.sort(key=lambda c: (-c.score, c.sentence.index, c.sentence.start))
    headline = _headline(own)
    neutral_votes = _votes(c for c in own if c.kind == "neutrality")
    others = [c for c in candidates if c is not headline]
    others.sort(key=lambda c: (c.sentence.index, c.sentence.start))
    result: dict[str, Any] = {
        "headline": None,
        "neutrality_year": max(neutral_votes, key=neutral_votes.__getitem__)
        if neutral_votes
        else None,
        "other_targets": [c.as_dict() for c in others[:MAX_CANDIDATES]],
    }
    if headline is not None:
        result["headline"] = headline.as_dict() | {"confidence": _confidence(headline, own)}
        if headline.kind == "neutrality":
            result["neutrality_year"] = headline.target_year
    return result


def _votes(candidates: Iterable[Candidate]) -> dict[int, int]:
    """Target years weighed by how target-like each sentence stating them is: a plan states its
    own goal many times, a quoted one once or twice."""
    votes: dict[int, int] = {}
    for c in candidates:
        votes[c.target_year] = votes.get(c.target_year, 0) + max(1, c.score)
    return votes


def _headline(own: list[Candidate]) -> Candidate | None:
    """The city's target stated most often and most target-like: neutrality (by year) against
    reduction (by percent and year); the chosen target's most specific sentence (one giving a
    reduction share and base year, if its wording is as target-like as the best)."""
    if not own:
        return None
    neutral = [c for c in own if c.kind == "neutrality"]
    reductions = [c for c in own if c.kind == "reduction"]
    n_votes = _votes(neutral)
    r_votes: dict[tuple[float | None, int], int] = {}
    for c in reductions:
        key = (c.percent, c.target_year)
        r_votes[key] = r_votes.get(key, 0) + max(1, c.score)
    best_n = max(n_votes.items(), key=lambda kv: kv[1]) if n_votes else None
    best_r = max(r_votes.items(), key=lambda kv: kv[1]) if r_votes else None
    # A dated reduction before a later neutrality year is the plan's next target, the
    # neutrality its horizon ("-65 % by 2030 against 1990, and climate neutrality by 2050").
    nearer = bool(
        best_n
        and best_r
        and best_r[0][1] < best_n[0]
        and 2 * best_r[1] >= best_n[1]
        and any(c.base_year for c in reductions if (c.percent, c.target_year) == best_r[0])
    )
    if best_n and not nearer and (not best_r or best_n[1] >= best_r[1]):
        year = best_n[0]
        same = [c for c in neutral if c.target_year == year]
        top = same[0].score
        specific = [c for c in same if c.percent is not None and c.score >= top - 2]
        return specific[0] if specific else same[0]
    assert best_r is not None
    # Two own targets stated about as often (an older 2020 goal beside the newer 2050 one): the
    # later one is the plan's current goal.
    strong = [key for key, votes in r_votes.items() if 2 * votes >= best_r[1]]
    (percent, year) = max(strong, key=lambda key: (key[1], r_votes[key]))
    same = [c for c in reductions if (c.percent, c.target_year) == (percent, year)]
    with_base = [c for c in same if c.base_year is not None]
    return with_base[0] if with_base else same[0]


def _confidence(headline: Candidate, own: list[Candidate]) -> float:
    """High when the wording is clearly the city's target and no rival comes close."""
    rival = next((c for c in own if c is not headline and _key(c) != _key(headline)), None)
    margin = headline.score - rival.score if rival else 4
    return round(min(0.95, 0.4 + 0.08 * headline.score + 0.05 * min(margin, 3)), 2)


def _key(c: Candidate) -> tuple[object, ...]:
    return (c.kind, c.percent, c.target_year, c.base_year)


def _neutrality(
    units: list[tuple[Unit, str]], city: str | None, titles: set[str]
) -> list[Candidate]:
    found: list[Candidate] = []
    for sentence, m in sentences_with(_NEUTRAL, units, _NEUTRAL_ANCHORS):
        if titles and _line_at(units[sentence.index][1], m.start()) in titles:
            continue  # a chapter's title ("Climate neutrality target for 2030")
        text = _text_of(units, sentence)
        rel = m.start() - sentence.start
        if (
            _NAME_OF_THE_MISSION.search(text[max(0, rel - 40) : rel + 60])
            or _CHAPTER.match(text)
            or _NAMED_PATH.search(text[max(0, rel - 25) : rel])
        ):
            continue  # "the EU Mission 100 Climate-Neutral and Smart Cities", a chapter title
        year = _target_year_near(text, rel)
        if year is None or year < FIRST_NEUTRALITY_YEAR:
            continue
        percent, base = _defining_share(text, rel + len(m.group(0)), year)
        scope = _scope(text, rel, city)
        following = units[sentence.index][1][sentence.end : sentence.end + 30]
        if _INSTEAD.search(following):
            scope = "not_pursued"  # "... neutrality by 2030. Instead, the city aims to ..."
        score = _score(text, rel, city) + 1 - 2 * bool(_VISION.search(text))
        found.append(
            Candidate(
                "neutrality",
                percent,
                year,
                base,
                scope,
                score,
                sentence,
                (m.start(), m.end()),
            )
        )
        if len(found) >= MAX_CANDIDATES:
            break
    return found


def _reductions(units: list[tuple[Unit, str]], city: str | None) -> list[Candidate]:
    found: list[Candidate] = []
    for sentence, m in sentences_with(_PERCENT, units, _PERCENT_ANCHORS):
        text = _text_of(units, sentence)
        rel = m.start() - sentence.start
        percent = percent_value(m.group("pct"))
        if percent is None:
            continue
        window = text[max(0, rel - 90) : rel + 90]
        if not _REDUCE.search(window) or not _EMISSIONS.search(text):
            continue
        if _NOT_EMISSIONS.search(text[max(0, rel - 50) : rel + 40]):
            continue
        if _SPAN_BEFORE.search(text[max(0, rel - 30) : rel]):
            continue
        year = _target_year_near(text, rel)
        if year is None or year < FIRST_TARGET_YEAR:
            continue
        base = _base_year(text)
        if base is not None and base >= year:
            continue
        scope = _scope(text, rel, city)
        found.append(
            Candidate(
                "reduction",
                percent,
                year,
                base,
                scope,
                _score(text, rel, city) + (base is not None),
                sentence,
                (m.start(), m.end()),
            )
        )
        if len(found) >= MAX_CANDIDATES:
            break
    return found


def _line_at(text: str, at: int) -> str:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return " ".join(text[start : end if end != -1 else len(text)].split())


def _text_of(units: list[tuple[Unit, str]], sentence: Sentence) -> str:
    return units[sentence.index][1][sentence.start : sentence.end]


def _target_year_near(text: str, at: int) -> int | None:
    """The target year nearest to position `at`: after "by", "until", "bis" ...; a year closer
    than 120 characters, preferring the one after."""
    best: tuple[int, int] | None = None
    for m in _TARGET_YEAR.finditer(text):
        year = int(m.group("year") or m.group("year2"))
        distance = m.start() - at if m.start() >= at else 2 * (at - m.end())
        if distance <= 160 and (best is None or distance < best[0]):
            best = (distance, year)
    return best[1] if best else None


def _defining_share(text: str, after: int, year: int) -> tuple[float | None, int | None]:
    """The reduction share and base year with which a sentence defines its neutrality goal:
    after the goal ("carbon neutral by 2025, with 80 % decrease ... compared to 1990"), with no
    EU or national target in between ("... exceeding the target set by the European Commission
    (a reduction of 55 %)"). The Mission's generic definition (80 % by 2030, the rest offset)
    and "a net 100 % reduction" restate neutrality and define nothing of the city's own."""
    rest = text[after:]
    pm = _reduction_percent(rest)
    if pm is None:
        return None, None
    between = rest[: pm.start()]
    if _EU.search(between) or _NATIONAL.search(between):
        return None, None
    percent = percent_value(pm.group("pct"))
    if (
        percent is None
        or percent >= 100
        or (percent == 80 and year == 2030 and not _OWN.search(text))
    ):
        return None, None
    return percent, _base_year(rest)


def _reduction_percent(text: str) -> re.Match[str] | None:
    """The reduction share a sentence gives; of several, the one next to its base year
    ("reduced more than 75 % to achieve the 2029 target, i.e. -90 % compared to 1990")."""
    found = []
    for m in _PERCENT.finditer(text):
        window = text[max(0, m.start() - 60) : m.end() + 60]
        minus = text[max(0, m.start() - 2) : m.start()].strip() in ("-", "−", "–")
        if (minus or _REDUCE.search(window)) and not _NOT_EMISSIONS.search(window):
            found.append(m)
    base = _BASE.search(text)
    if base is None or len(found) < 2:
        return found[0] if found else None
    return min(found, key=lambda m: abs(base.start() - m.end()))


def _base_year(text: str) -> int | None:
    m = _BASE.search(text)
    if m is None:
        return None
    return int(m.group("year") or m.group("year2"))


def _scope(text: str, at: int, city: str | None) -> str:
    """Whose target the sentence states. The words just before the figure decide first (in
    "European efforts to achieve climate neutrality by 2050 by aiming to fulfil our own ambition
    to be climate-neutral by 2030" the first year is Europe's, the second the city's)."""
    before = text[max(0, at - 120) : at]
    near = text[max(0, at - 120) : at + 60]
    if _PAST.search(near):
        return "past"
    if _INTERIM.search(near):
        return "interim"
    if _DENIED.search(text[at : at + 120]):
        return "not_pursued"
    if _FORMER.search(before):
        return "former"
    own = bool(_OWN.search(before))
    if _EU.search(before) and not own:
        return "eu"
    if _NATIONAL.search(before) and not own:
        return "national"
    if _SECTOR.search(near) and not _TOTAL.search(near):
        return "sector"
    if _EU.search(text) and not (own or _CITY.search(text)):
        return "eu"
    if _NATIONAL.search(text) and not (own or _CITY.search(text)):
        return "national"
    return "city"


def _score(text: str, at: int, city: str | None) -> int:
    before = text[max(0, at - 160) : at + 40]
    score = 0
    if _OWN.search(before):
        score += 3
    if (city is not None and city in text) or _CITY.search(text):
        score += 2
    if _TARGET_WORDS.search(text):
        score += 2
    if _EMISSIONS.search(text):
        score += 1
    return score


_COVERS = (
    ("greenhouse gas emissions", re.compile(r"greenhouse|ghg|treibhausgas|thg")),
    ("CO2 emissions", re.compile(r"co2|co₂|kohlendioxid|carbon dioxide")),
    ("per capita", re.compile(r"per capita|pro kopf|per inhabitant|je einwohner")),
    ("scope 1", re.compile(r"scope 1\b")),
    ("all sectors", re.compile(r"all sectors|alle[rn]? sektoren|territorial|city-wide")),
)


def _covers(text: str) -> str | None:
    named = [name for name, pattern in _COVERS if pattern.search(text)]
    return ", ".join(named) if named else None
