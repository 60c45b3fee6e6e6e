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
from itertools import chain
from typing import Any

from review.intake.document import Unit
from review.intake.facts.headline import Candidate, choose_headline, confidence, votes
from review.intake.facts.indicator_targets import indicator_targets
from review.intake.facts.target_words import (
    BASE,
    CHAPTER,
    CITY,
    EMISSIONS,
    EU,
    HALVE,
    HALVE_ANCHORS,
    INSTEAD,
    MID_CENTURY,
    MID_CENTURY_YEAR,
    NAME_OF_THE_MISSION,
    NAMED_IN_QUOTES,
    NAMED_PATH,
    NAMED_PLAN,
    NATIONAL,
    NEUTRAL,
    NEUTRAL_ANCHORS,
    NEUTRAL_REACH,
    NO_NEUTRALITY_GOAL,
    NO_NEUTRALITY_GOAL_ANCHORS,
    NOT_EMISSIONS,
    OFFSET,
    OWN,
    PERCENT,
    PERCENT_ANCHORS,
    PERCENT_FIRST,
    PERCENT_REACH,
    REDUCE,
    SPAN_BEFORE,
    TARGET_YEAR,
    VISION,
    scope_of,
    target_score,
)
from review.intake.facts.text import Sentence, percent_value, sentence_at, sentences_with
from review.intake.scan import units_with

MAX_CANDIDATES = 40
# A "target" for a year before this is a result already measured in every plan we read.
FIRST_TARGET_YEAR = 2020
FIRST_NEUTRALITY_YEAR = 2025
# A neutrality year stands next to the word ("climate neutral by 2030", "2030 climate
# neutrality"); one further on belongs to something else ("the participatory model for climate
# neutrality / Stakeholder mapping / Part B - Pathways ... by 2030").
NEUTRALITY_YEAR_REACH = 120
# A share defines the neutrality goal named just before it ("climate neutral by 2030, i.e. 80 %
# less than in 1990"), not one a long sentence (or a heading run into it) named earlier.
DEFINING_REACH = 100
# A year this close to a neutrality word is the neutrality's ("klimaneutral bis 2045").
NEUTRAL_NEXT = 25
# What a share reduces may be named in the sentence before ("the emissions ... Our goal: -70 %").
EARLIER = 160


def read_targets(
    units: list[tuple[Unit, str]], city: str | None = None, headings: Iterable[str] = ()
) -> dict[str, Any]:
    """The headline target, the neutrality year and the other targets of a plan.

    `units`: (unit, lower-cased plan's own text) pairs; `city`: the municipality's name if known
    (a sentence naming it speaks of the city's own target)."""
    titles = {" ".join(t.lower().split()) for t in headings}
    candidates = (
        _neutrality(units, city, titles) + _reductions(units, city) + indicator_targets(units, city)
    )
    # A neutrality year the plan says it does not pursue ("not currently achievable") is not its
    # goal, wherever else it is named; nor is any, where the plan says it set none.
    denied_votes = Counter(c.target_year for c in candidates if c.scope == "not_pursued")
    stated = Counter(c.target_year for c in candidates if c.scope == "city")
    denied = {year for year, n in denied_votes.items() if 2 * n >= stated[year]}
    no_goal = _no_neutrality_goal(units)
    own = [
        c
        for c in candidates
        if c.scope == "city"
        and not (c.kind == "neutrality" and (no_goal or c.target_year in denied))
    ]
    own.sort(key=lambda c: (-c.score, c.sentence.index, c.sentence.start))
    headline = choose_headline(own)
    neutral_votes = votes(c for c in own if c.kind == "neutrality")
    others = [c for c in candidates if c is not headline]
    others.sort(key=lambda c: (c.sentence.index, c.sentence.start))
    result: dict[str, Any] = {
        "headline": None,
        "neutrality_year": max(neutral_votes, key=neutral_votes.__getitem__)
        if neutral_votes
        else None,
        "other_targets": [],
    }
    if headline is not None:
        result["headline"] = headline.as_dict() | {"confidence": confidence(headline, own)}
        if headline.kind == "neutrality":
            result["neutrality_year"] = headline.target_year
    result["other_targets"] = _distinct(others, result["headline"])
    return result


def _distinct(others: list[Candidate], headline: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each other target once, at its first mention: a plan repeats its own goal and quotes the
    EU's on many pages ("EU climate neutrality by 2030" twice in one summary says nothing more).
    The same kind, percent, target year and scope is the same target; a base year one mention
    gives fills in the first's, two different base years stay apart. A repetition of the
    headline (its neutrality year named without its share, or its share named as a reduction
    of the same year, too) is the headline."""
    kept: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    if headline is not None:
        seen[_same_target(headline)] = [headline]
        if headline["kind"] == "neutrality" and headline["scope"] == "city":
            seen[("neutrality", None, headline["target_year"], "city")] = [headline]
            if headline["percent"] is not None:
                # the share that defines it, stated as a reduction of its own
                seen[("reduction", headline["percent"], headline["target_year"], "city")] = [
                    headline
                ]
    for c in others:
        same = seen.setdefault((c.kind, c.percent, c.target_year, c.scope), [])
        earlier = next(
            (t for t in same if t["base_year"] in (None, c.base_year) or c.base_year is None),
            None,
        )
        if earlier is None:
            if len(kept) < MAX_CANDIDATES:
                target = c.as_dict()
                same.append(target)
                kept.append(target)
        elif earlier is not headline and earlier["base_year"] is None:
            earlier["base_year"] = c.base_year
    return kept


def _same_target(target: dict[str, Any]) -> tuple[Any, ...]:
    return (target["kind"], target["percent"], target["target_year"], target["scope"])


def _neutrality(
    units: list[tuple[Unit, str]], city: str | None, titles: set[str]
) -> list[Candidate]:
    found: list[Candidate] = []
    for sentence, m in sentences_with(NEUTRAL, units, NEUTRAL_ANCHORS, reach=NEUTRAL_REACH):
        if titles and _line_at(units[sentence.index][1], m.start()) in titles:
            continue  # a chapter's title ("Climate neutrality target for 2030")
        text = _text_of(units, sentence)
        rel = m.start() - sentence.start
        if (
            NAME_OF_THE_MISSION.search(text[max(0, rel - 40) : rel + 60])
            or CHAPTER.match(text)
            or NAMED_PATH.search(text[max(0, rel - 25) : rel])
            or NAMED_PLAN.match(text, rel + len(m.group(0)))
            or NAMED_IN_QUOTES.search(text[max(0, rel - 30) : rel])
        ):
            # "the EU Mission 100 Climate-Neutral and Smart Cities", a chapter title, a
            # document's name ("the 2030 Climate Neutrality Action Plan", the Declaration
            # "Climate Neutral Cities in 2030")
            continue
        found_year = _target_year_at(text, rel, NEUTRALITY_YEAR_REACH)
        if found_year is None or found_year[0] < FIRST_NEUTRALITY_YEAR:
            continue
        year, year_at = found_year
        end = rel + len(m.group(0))
        if NEUTRAL.search(text, end, year_at) or NEUTRAL.search(text, year_at, rel):
            # The year is another mention's, nearer to it ("participatory model for climate
            # neutrality / Part B - Pathways towards climate neutrality by 2030"; "Climate-
            # neutrality commitments / Goal: Climate neutrality by 2030"): that one is read.
            continue
        percent, base = _defining_share(text, end, year)
        defined_in = ""
        if percent is None:
            # "Our goal is carbon neutrality by 2035. This means cutting emissions by 85 %
            # compared to 1990": the next sentence defines it.
            percent, base, defined_in = _defined_next(units[sentence.index][1], sentence.end, year)
        scope = _owner_of_this(units[sentence.index][1], sentence, scope_of(text, rel, city), city)
        following = units[sentence.index][1][sentence.end : sentence.end + 30]
        if INSTEAD.search(following):
            scope = "not_pursued"  # "... neutrality by 2030. Instead, the city aims to ..."
        score = target_score(text, rel, city) + 1 - 2 * bool(VISION.search(text))
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
                defined_in,
            )
        )
        if len(found) >= MAX_CANDIDATES:
            break
    return found


# A sentence that goes on from the one before it: "The Netherlands ... signed the Paris Climate
# Agreement. This sets the target of a 49 percent ... reduction in 2030" (not "This city ...",
# "This plan ...": those are the city's).
_THIS = re.compile(
    r"\W{0,3}(?:this|that|it|these|those|dies(?:e[rs]?)?|das|damit|demnach|danach|darin)\b"
    r"(?!\s+(?:city|town|municipality|council|plan|contract|strategy|roadmap|document|"
    r"stadt|gemeinde|kommune|konzept|plan)\b)"
)


def _owner_of_this(unit_text: str, sentence: Sentence, scope: str, city: str | None) -> str:
    """The owner of a target whose sentence names none but speaks of what the sentence before
    said ("This sets the target of ..."): the EU or the nation that sentence named, when it
    names no city. `scope` as read from the sentence alone otherwise."""
    if scope != "city" or not _THIS.match(unit_text, sentence.start):
        return scope
    last = len(unit_text[: sentence.start].rstrip()) - 2  # within it, before its full stop
    if last < 0:
        return scope
    s, e = sentence_at(unit_text, last, last)
    before = unit_text[s:e] if e <= sentence.start else ""
    if not before or OWN.search(before) or CITY.search(before) or (city and city in before):
        return scope
    eu = [m.end() for m in EU.finditer(before)]
    nation = [m.end() for m in NATIONAL.finditer(before)]
    if not (eu or nation):
        return scope
    return "eu" if max(eu, default=-1) > max(nation, default=-1) else "national"


def _no_neutrality_goal(units: list[tuple[Unit, str]]) -> bool:
    """The plan says it set no neutrality goal of its own ("the city of Košice did not set a
    specific goal for achieving climate neutrality"): the Mission's year it names is not one."""
    return any(
        NO_NEUTRALITY_GOAL.search(units[i][1])
        for i in units_with(units, NO_NEUTRALITY_GOAL_ANCHORS)
    )


# REDUCE without its word boundaries (removing an assertion only adds matches): where it finds
# nothing within 90 characters of a percentage, REDUCE finds nothing in the window of the
# percentage's sentence either, which lies inside.
_REDUCE_ANYWHERE = re.compile(REDUCE.pattern.replace(r"\b", ""))


def _may_reduce(text: str, m: re.Match[str]) -> bool:
    """What `_reductions` tests first, on the text around the percentage instead of its
    sentence (which contains the window `_reductions` looks at): saves finding the sentence of
    the percentages that reduce nothing."""
    return percent_value(m.group("pct")) is not None and bool(
        _minus(text, m.start())
        or _REDUCE_ANYWHERE.search(text, max(0, m.start() - 90), m.start() + 90)
    )


def _minus(text: str, at: int) -> bool:
    """A share written as a change: "-55 % GHG emissions by 2030", "minus 40 Prozent"."""
    before = text[max(0, at - 7) : at].rstrip()
    return before.endswith(("-", "−", "–", "minus")) and not before[:-1].rstrip()[-1:].isdigit()


def _reductions(units: list[tuple[Unit, str]], city: str | None) -> list[Candidate]:
    found: list[Candidate] = []
    shares = chain(
        sentences_with(PERCENT, units, PERCENT_ANCHORS, _may_reduce, PERCENT_REACH, PERCENT_FIRST),
        sentences_with(HALVE, units, HALVE_ANCHORS),
    )
    for sentence, m in shares:
        text = _text_of(units, sentence)
        rel = m.start() - sentence.start
        percent = _share(text, rel, m.end() - sentence.start, m)
        if percent is None or not _about_emissions(units[sentence.index][1], sentence, text):
            continue
        year = _target_year_near(text, rel, not_neutrality=True)
        if year is None or year < FIRST_TARGET_YEAR:
            continue
        if _defines_neutrality(text, rel, year):
            continue
        base = _base_year(text)
        if base is not None and base >= year:
            continue
        scope = _owner_of_this(
            units[sentence.index][1], sentence, scope_of(text, rel, city, share=True), city
        )
        net_zero = percent >= 100  # "a 100 % reduction by 2035" is neutrality
        found.append(
            Candidate(
                "neutrality" if net_zero else "reduction",
                None if net_zero else percent,
                year,
                None if net_zero else base,
                scope,
                target_score(text, rel, city) + (base is not None),
                sentence,
                (m.start(), m.end()),
            )
        )
        if len(found) >= MAX_CANDIDATES:
            break
    return found


_REMAINING_AFTER = re.compile(
    r"\s*(?:of|des|der|vom|von)\s+(?:the\s+|its\s+|their\s+|das\s+|dem\s+)?"
    r"(?:(?:19|20)\d\d|level|niveau|emission|ausgangs|basis|base|wert|stand)"
)


def _remaining(text: str, start: int, end: int) -> bool:
    """The share is what remains, not what is cut: "reduced to 30 % of the 1990 level",
    "auf 20 % des Niveaus von 1990 senken"."""
    before = text[max(0, start - 6) : start].rstrip()
    return before.endswith((" to", " auf")) and bool(_REMAINING_AFTER.match(text, end))


def _share(text: str, start: int, end: int, m: re.Match[str]) -> float | None:
    """The reduction share a percentage (or "halve") at text[start:end] states, if it states
    one: a cut of emissions, not a measured change between two years or a share of energy."""
    if m.re is HALVE:
        percent: float | None = 50.0  # "halve our emissions by 2030"
    else:
        percent = percent_value(m.group("pct"))
        window = text[max(0, start - 90) : start + 90]
        if percent is None or not (_minus(text, start) or REDUCE.search(window)):
            return None
        if text[max(0, start - 3) : start].rstrip().endswith("="):
            return None  # an index's base, "2019 = 100 %"
        if _remaining(text, start, end):
            percent = 100.0 - percent  # "reduced to 30 % of the 1990 level": a 70 % cut
    if NOT_EMISSIONS.search(text[max(0, start - 50) : start + 40]):
        return None
    if SPAN_BEFORE.search(text[max(0, start - 30) : start]):
        return None
    return percent if percent and percent > 0 else None


def _about_emissions(unit_text: str, sentence: Sentence, text: str) -> bool:
    """The sentence, or the one before it, speaks of emissions ("Die Emissionen sollen ...
    sinken. Unser Ziel ist eine Minderung um 70 % bis 2030 gegenüber 1990.")."""
    if EMISSIONS.search(text):
        return True
    return bool(EMISSIONS.search(unit_text, max(0, sentence.start - EARLIER), sentence.start))


def _defines_neutrality(text: str, at: int, year: int) -> bool:
    """The share says what the sentence's neutrality goal of the same year means ("climate
    neutral in 2035: minimal 80 % reduction, maximal 20 % compensation"; "net zero by 2040,
    i.e. cutting emissions by 85 % and offsetting the rest"): the neutrality candidate carries
    it (`_defining_share`), it is no reduction target of its own."""
    if OFFSET.search(text, max(0, at - 30), at + 60):
        return True
    for m in NEUTRAL.finditer(text, max(0, at - DEFINING_REACH), at):
        if NAMED_PATH.search(text[max(0, m.start() - 25) : m.start()]) or NAMED_PLAN.match(
            text, m.end()
        ):
            continue  # "the Roadmap towards climate neutrality", "the neutrality scenario"
        if _target_year_near(text, m.start(), NEUTRALITY_YEAR_REACH) == year:
            return True
    return False


def _line_at(text: str, at: int) -> str:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return " ".join(text[start : end if end != -1 else len(text)].split())


def _text_of(units: list[tuple[Unit, str]], sentence: Sentence) -> str:
    return units[sentence.index][1][sentence.start : sentence.end]


def _target_year_near(
    text: str, at: int, reach: int = 160, not_neutrality: bool = False
) -> int | None:
    """The target year nearest to position `at`: after "by", "until", "bis" ...; a year closer
    than `reach` characters, preferring the one after. `not_neutrality`: not a year the words
    next to it give to a neutrality goal ("um 55 % reduzieren und bis 2045 klimaneutral
    werden": the 55 % are for the year before, "bis 2030")."""
    found = _target_year_at(text, at, reach, not_neutrality)
    return found[0] if found else None


def _target_year_at(
    text: str, at: int, reach: int = 160, not_neutrality: bool = False
) -> tuple[int, int] | None:
    """`_target_year_near`'s year and where it stands."""
    best: tuple[int, int, int] | None = None
    # A base year is no target year ("compared to 1990", "lower than in 2019", "from 2015").
    bases = [b.span() for b in BASE.finditer(text)] if any(c.isdigit() for c in text) else []
    for m in TARGET_YEAR.finditer(text):
        if any(a <= m.start("year" if m.group("year") else "year2") < b for a, b in bases):
            continue
        year = int(m.group("year") or m.group("year2"))
        if not_neutrality and NEUTRAL.search(
            text, max(0, m.start() - NEUTRAL_NEXT), m.end() + NEUTRAL_NEXT
        ):
            continue
        distance = m.start() - at if m.start() >= at else 2 * (at - m.end())
        if distance <= reach and (best is None or distance < best[0]):
            best = (distance, year, m.start())
    if "mid" in text or "mitte" in text:
        # "the EU must reduce its emissions by at least 55% by 2030 and achieve climate
        # neutrality by mid-century": the neutrality's year is the horizon, not the share's 2030
        for m in MID_CENTURY.finditer(text):
            distance = m.start() - at if m.start() >= at else 2 * (at - m.end())
            if distance <= reach and (best is None or distance < best[0]):
                best = (distance, MID_CENTURY_YEAR, m.start())
    return (best[1], best[2]) if best else None


_THIS_MEANS = re.compile(
    r"\W{0,3}(?:this|that|which) (?:means|implies|translates)|\W{0,3}i\.\s?e\.|"
    r"\W{0,3}in other words|\W{0,3}(?:das|dies) (?:bedeutet|heißt)|\W{0,3}d\.\s?h\.|"
    # "Konkret bedeutet dies, dass ...", "Für die Stadt heißt das: ...", "Concretely, this
    # means ...", "In practice, that means ..."
    r"\W{0,3}(?:[\w-]+\s){1,3}(?:bedeutet|heißt) (?:dies|das)\b|"
    r"\W{0,3}(?:concretely|specifically|in (?:concrete|practical) terms|in practice),? "
    r"(?:this|that|it) (?:means|implies)|"
    # "To reach it, the city will reduce its emissions by 85 % ...", "Um dieses Ziel zu erreichen"
    r"\W{0,3}to (?:reach|achieve|meet) (?:it|this|that|th(?:is|e) (?:goal|target))\b|"
    r"\W{0,3}um (?:dies|das|dieses ziel|das ziel) zu erreichen"
)


def _defined_next(unit_text: str, end: int, year: int) -> tuple[float | None, int | None, str]:
    """The share and base year a sentence that begins "This means ..." gives the goal before,
    and that sentence (where it gives them)."""
    if not _THIS_MEANS.match(unit_text, end, end + 40):
        return None, None, ""
    s, e = sentence_at(unit_text, min(len(unit_text), end + 6), min(len(unit_text), end + 7))
    text = " ".join(unit_text[s:e].split())
    percent, base = _defining_share(text, 0, year)
    return percent, base, text if percent is not None else ""


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
    if EU.search(between) or NATIONAL.search(between):
        return None, None
    percent = percent_value(pm.group("pct"))
    if (
        percent is None
        or percent >= 100
        or (
            percent == 80
            and (year == 2030 or OFFSET.search(rest, pm.end(), pm.end() + 60))
            and not OWN.search(text)
        )
    ):
        return None, None
    return percent, _base_year(rest)


_OFFSET_AFTER = re.compile(r"\s*(?:of (?:the )?emissions? )?(?:is |are |to be )?" + OFFSET.pattern)


def _reduction_percent(text: str) -> re.Match[str] | None:
    """The reduction share a sentence gives; of several, the one next to its base year
    ("reduced more than 75 % to achieve the 2029 target, i.e. -90 % compared to 1990")."""
    found = []
    for m in PERCENT.finditer(text):
        window = text[max(0, m.start() - 60) : m.end() + 60]
        if _OFFSET_AFTER.match(text, m.end()):
            continue  # "maximal 20 % compensation": what is offset, not reduced
        # (what the share is of: the words as near as `_share` reads them; "... um 95 Prozent
        # gegenüber 1990 zu mindern und gleichzeitig den Endenergieverbrauch zu halbieren")
        if (_minus(text, m.start()) or REDUCE.search(window)) and not NOT_EMISSIONS.search(
            text[max(0, m.start() - 50) : m.start() + 40]
        ):
            found.append(m)
    base = BASE.search(text)
    if base is None or len(found) < 2:
        return found[0] if found else None
    return min(found, key=lambda m: abs(base.start() - m.end()))


def _base_year(text: str) -> int | None:
    m = BASE.search(text)
    if m is None:
        return None
    return int(m.group("year") or m.group("year2"))


#: The anchors these rules ask `units_with` about (the document's index finds them in its pass).
ANCHOR_SETS = (NEUTRAL_ANCHORS, PERCENT_ANCHORS, HALVE_ANCHORS, NO_NEUTRALITY_GOAL_ANCHORS)
