"""The words with which plans state targets, and whose target a sentence states: the city's own,
the EU's, the nation's, a sector's, a past result, an interim or former goal, or one the plan
says it does not pursue. German and English, matched on lower-cased text."""

from __future__ import annotations

import re

NEUTRAL = re.compile(
    # (a PDF's line may break between the words: "and achieving climate\nneutrality by 2050")
    r"(?:climate|carbon|co2|co₂|ghg|greenhouse[-\s]gas|emissions?)[-\s]?neutral\w*"
    # ("net zero" keeps its space: the anchors that find it hold one)
    r"|net[- ]zero|zero net (?:emissions|carbon)|klimaneutral\w*|treibhausgas-?neutral\w*"
    r"|thg-neutral\w*|co2-neutral\w*"
    r"|neutralit(?:y|é) climatique"
    # German for net zero. (A "zero-emission city" is not: Oslo's is its 95 % cut.)
    r"|netto[- ]null"
)
NEUTRAL_ANCHORS = ("neutral", "net zero", "net-zero", "zero net", "netto")
# Every match holds an anchor at most this far after its start ("greenhouse-gas-neutral"); a
# new alternative's words go into tests/intake/test_reading_shortcuts.py, which holds this.
NEUTRAL_REACH = 15
PERCENT = re.compile(
    # (the lookbehind after the first digit: before it, it would run at every character)
    r"(?P<pct>\d(?<![\d.,]\d)\d{0,2}(?:[.,]\d{1,2})?)\s?(?:%|prozent|per\s?cent|percent)"
)
PERCENT_ANCHORS = ("%", "prozent", "cent")
# Every match starts with a digit and holds an anchor at most so far after its start: three
# digits, two decimals after a point, a space, "per " before "cent".
PERCENT_REACH = 11
PERCENT_FIRST = re.compile(r"\d")

# A reduction by half, in words: "halve emissions", "cut in half", "halbieren", "Halbierung".
HALVE = re.compile(
    r"\bhalv(?:e|es|ed|ing)\b|\b(?:cut|reduc\w*)\s(?:\w+\s){0,4}?(?:in|by) half\b|"
    r"\bhalbier\w*|\bum die hälfte"
)
HALVE_ANCHORS = ("halv", "half", "halbier", "hälfte")
REDUCE = re.compile(
    r"\b(?:reduc|redukt|cut|decreas|lower|abat|minder|senk|reduz|verringer|einspar|less\b|fewer\b|"
    r"below\b|unter\b|drop|declin|fall|weniger|sinken|sinkt|absink|gesenkt|gemindert)"
    # German compounds: "Emissionsminderung", "Treibhausgasreduktion", "CO2-Senkung"
    r"|(?:minderung|reduktion|reduzierung|senkung)"
)
EMISSIONS = re.compile(
    r"emission|ghg|co2|co₂|greenhouse|treibhausgas|thg|carbon|klimagas|kohlendioxid"
)
BASE = re.compile(
    r"(?:compared (?:to|with)|relative to|against|from|below|versus|vs\.?|gegenüber|ggü\.?|"
    r"im vergleich zu[mr]?|in relation to|with respect to|in comparison (?:to|with)|"
    r"unter das|bezogen auf|basis(?:jahr)?|bezugsjahr|referenzjahr|ausgangsjahr|"
    r"base(?:line)?(?: year)?|reference(?: year)?|"
    r"(?:lower|less|fewer|smaller|weniger|niedriger|geringer) (?:[\w-]+ ){0,3}?(?:than|als)"
    r"(?: in| im)?|"
    # "between 2019 and 2030", "auf 40 % des Standes von 1990", "the level of 2005"
    r"between|(?:niveaus?|stand(?:es)?|levels?) (?:von|vom|des jahres|of|in))"
    # "Basis: 1990", "baseline: 2019"
    r":?\s+(?:the\s+|dem\s+|das\s+|den\s+|a\s+)?(?:(?:year|jahr|jahres|levels? (?:of|in)|"
    r"baseline|reference year|basisjahr|bezugsjahr|niveau (?:von|des jahres)|stand)\s+)?"
    r"(?:of\s+)?"
    r"(?P<year>(?:19[89]\d|20[0-2]\d))\b"
    # "1990 levels", "a 2008 baseline", "(2018 base year)", "2019 = 100 %", "Basisjahr 1990"
    r"|(?P<year2>19[89]\d|20[0-2]\d)(?:'s)?(?:[- ]levels?\b|\s(?:baseline|base year|"
    r"reference year|basis(?:jahr)?|niveau)\b|\s?=\s?100\s?%)"
)
TARGET_YEAR = re.compile(
    r"\b(?:by|until|till|in|before|to|for|bis|zum|im|ab|jahr|year|target(?: year)?|goal|"
    r"ziel(?:jahr)?|horizon|as early as|no later than|not later than|spätestens|latest|from|"
    # "between 2019 and 2030": the span's end (its start is the base year)
    r"between\s+(?:19|20)\d\d\s+and)"
    r"\s+(?:the\s+(?:year\s+|end of\s+)?|zum\s+jahr\s+|(?:end of|ende)\s+)?"
    r"(?P<year>(?:19[89]|20[0-6])\d)\b"
    r"|(?P<year2>20[2-6]\d)\s+(?:target|goal|ziel|carbon|climate|net|klima)"
)

CITY = re.compile(
    r"\b(?:our|we|us|the city|city's|city of|this city|the municipality|municipality's|"
    r"the council|city council|the region|metropole|métropole|metropolitan|urban area|"
    r"\w*stadt\b|städt|wir|unser|kommune|gemeinde|landkreis|kreis\b|region)"
)
# The city as the subject of a target clause after a quoted one: "..., the city targets",
# "..., Turku aims", "..., our goal is", "..., wir wollen", "..., die Stadt strebt ... an".
CITY_SUBJECT = re.compile(
    r"(?:\bthe city|\bthe municipality|\bour|\bwe|\bwir|\bunser\w*|\bdie stadt|\bdie gemeinde|"
    r"\bder kreis|\bder landkreis)\s(?:\w+\s){0,3}?(?:target|aim|goal|ambition|commit|plan|"
    r"intend|want|will\b|strive|seek|set|ziel|strebt|will\b|wollen|möchte|verpflichtet|hat sich)"
)
OWN = re.compile(r"\bown (?:target|goal|ambition)|\beigene\w* ziel|\bcity's (?:target|goal)")
TARGET_WORDS = re.compile(
    r"\b(?:target|goal|aim|ambition|commit|objective|pledge|strive|vision|will be|become|"
    r"achiev|reach|\w*ziel|angestrebt|strebt|soll|will\b|wollen|werden)"
)
# How a neutrality goal is reached beyond the reduction: "the rest offset", "20 % compensation",
# "residual emissions", "Restemissionen kompensiert".
OFFSET = re.compile(
    r"\b(?:offset\w*|compensat\w*|residual|remaining emissions|carbon (?:removal|sink)|"
    r"negative emissions|kompensi\w*|kompensation|restemission\w*|"
    r"(?:co2|kohlenstoff|natürliche\w*) ?-?senken)"
)
# A neutrality "vision" beside a dated reduction target is the long-term horizon, not the target.
VISION = re.compile(r"\b(?:long[- ]term|vision|leitbild|langfristig|perspektivisch)")
EU = re.compile(
    r"\beu\b|\beu[-’']|european union|european commission|europe's|\beurope\b|european|fit for 55|"
    r"green deal|europäische|\bmission(?:'s)? (?:target|goal|objective|ambition|requirement)|"
    r"(?:cities|the) mission\b|100 climate[- ]neutral|\bnzc\b|netzerocities|info kit"
)
NATIONAL = re.compile(
    r"\bnational\b|\bnationwide|\bcountry\b|\bgovernment\b|federal|bundes|\bbund\b|deutschland|"
    r"germany|\bthe netherlands\b|\bdutch\b|finland|finnish|sweden|swedish|denmark|danish|"
    r"norway|norwegian|france|french|spain|spanish|italy|italian|poland|polish|slovak|"
    r"hungar|iceland|belgi|flemish|flanders|portugal|portuguese|\buk\b|united kingdom|scotland|"
    r"scottish|necp|paris (?:climate )?(?:agreement|accord)|(?:übereinkommen|abkommen) von paris|"
    r"pariser|klimaschutzgesetz|\bksg\b|ipcc|\bstate\b|"
    r"land nrw|landesregierung|\b(?:das|des|vom) land(?:es)?\b|\blandes|nordrhein|hessen|"
    r"covenant of mayors|hinku|\bfisu\b|c40"
)
SECTOR = re.compile(
    r"\b(?:transport|traffic|mobility|vehicle|car\b|cars\b|buildings?|homes?|housing|heating|"
    r"heat\b|district heating|electricity|power|energy (?:consumption|use|demand)|final energy|"
    r"modal|waste|industr|municipal (?:buildings|fleet|operations)|own operations|procurement|"
    r"agricultur|verkehr|gebäude|wärme|strom|haushalte|endenergie|energieverbrauch|"
    r"abfall|industrie|wohn|fahrzeug|consumption-based|use-based)"
)
TOTAL = re.compile(
    r"\b(?:total|overall|all sectors|territorial|city-wide|citywide|whole city|entire city|"
    r"gesamt|insgesamt|alle[rn]? sektoren|gesamtstädtisch)"
)
PAST = re.compile(
    # ("will have been reduced by 2030" is a target)
    r"\b(?:has been reduced|(?<!will )(?<!shall )have been reduced|were reduced|was reduced|"
    r"has (?:fallen|decreased|declined|dropped)|(?<!will )(?<!shall )have (?:fallen|decreased|"
    r"declined|dropped)|fell|decreased by|"
    r"dropped by|declined by|(?:achieved|reached) (?:a|an) (?:\w+ )?(?:reduction|decrease|cut)|"
    r"already achieved|has achieved|exceeded its|"
    r"(?:decreased|fell|dropped|declined|sank) from|"
    r"gesunken|zurückgegangen|reduziert worden|"
    r"wurden? (?:\w+ ){0,3}reduziert|since (?:19|20)\d\d|seit (?:19|20)\d\d|"
    # a span that has ended: "between 1990 and 2019", "von 1990 bis 2015" (not "... and 2030")
    r"(?:between (?:19|20)\d\d and|von (?:19|20)\d\d bis) (?:19\d\d|20[01]\d|202[0-4])\b|"
    # a level measured: "In 2022, the city's CO2 emissions were approximately 27 percent lower
    # compared to 2018", "2022 lagen die Emissionen um 27 % unter dem Wert von 2018"
    r"\b(?:were|was|stood|lagen|lag|waren|war)\s(?!to\b)(?:[\w-]+\s){0,5}?\d[\d.,]*\s?"
    r"(?:%|percent|per\s?cent|prozent)\s(?:lower|less|below|under|niedriger|geringer|unter)\b|"
    # a change seen or brought about: "we observe a 29.1% decrease in emissions in 2021", "have
    # resulted in a reduction of almost 70% by 2022", "führte zu einer Minderung um 30 %"
    r"\b(?:observ|beobacht)\w*\s(?:a\s|an\s|einen?\s)?(?:[\w-]+\s){0,2}?\d[\d.,]*\s?"
    r"(?:%|percent|per\s?cent|prozent)|"
    r"\bresulted\sin\s|"
    r"\bführten?\szu\s(?:einer|einem)\s(?:[\w-]+\s)?(?:minderung|reduktion|senkung|rückgang))"
)
# A figure a scenario or an estimate gives, not a target: "emissions in the sector could be
# reduced by 90% by 2030", "the baseline trajectory shows an estimated reduction of 39% in
# 2030", "das Szenario zeigt eine Minderung um 87 %".
# The words SCENARIO needs one of (a str.find each is cheaper than the regex's pass).
SCENARIO_WORDS = (
    "scenar",
    "szenar",
    "traject",
    "project",
    "forecast",
    "prognos",
    "trendfort",
    "estimat",
    "geschätzt",
)
# (for a share: "a decision was made that Gävle would become climate-neutral by 2030" is the
# city's goal in reported speech, and so is a share the council decided "would" be cut)
MODAL = re.compile(r"\b(?:could|would(?!\s+like)|might|könnte|könnten|würde|würden)\b")
MODAL_REACH = 40
DECIDED = re.compile(
    r"\b(?:decision|decided|agreed|resolved|pledged|promised|beschlossen|"
    r"beschluss|entschieden|vereinbart)"
)
SCENARIO = re.compile(
    r"(?:\b(?:scenario|trajectory|projection|forecast)|szenario|prognose|trendfortschreibung)\w*"
    r"[^.;:]{0,80}?\b(?:shows?|projects?|leads? to|results? in|gives|zeigt|ergibt|führt)\b|"
    r"\bestimated (?:reduction|decrease|cut)|\bgeschätzte\w* (?:minderung|reduktion|senkung)"
)
NOT_EMISSIONS = re.compile(
    r"\b(?:share|anteil|renewable|erneuerbar|modal|recycl|growth|wachstum|zuwachs|increase|"
    r"steiger|efficiency|effizienz|rate\b|quote\b|coverage|of the (?:population|budget)|"
    r"endenergie|energieverbrauch|energy (?:consumption|use|demand)|final energy)"
)
# "Although full climate neutrality by 2030 is not currently achievable in Bratislava"
DENIED = re.compile(
    r"\b(?:not (?:\w+ )?(?:achievable|possible|feasible|realistic|attainable)|"
    # (a condition is no denial: "aims to be climate neutral by 2035, ... we can't do it without
    # a societal change")
    r"(?:cannot|can['’]t)(?! (?:\w+ ){0,3}?(?:without|alone|on (?:its|our) own)\b)|"
    r"unable|unrealistic|nicht (?:\w+ )?(?:erreichbar|möglich|realistisch)|"
    r"(?:did|does|has) not set)"
)
INSTEAD = re.compile(r"^\W{0,3}(?:instead|stattdessen|rather)\b")
INTERIM = re.compile(r"\binterim|\bintermediate|\bzwischenziel|\bmilestone|\bteilziel")
FORMER = re.compile(
    r"\b(?:bisherig|früher|ehemalig|alte[ns]? (?:klimaschutz)?ziel|former|previous|earlier|old"
    r"(?:er)? (?:target|goal)|original(?:ly)? (?:target|goal)|superseded|replaced)"
)
# A measured change: "Minderung 1990 bis 2006 (-9%)", "21,7 % CO2-Reduzierung bis 2015".
SPAN_BEFORE = re.compile(r"(?:19|20)\d\d\s*(?:bis|-|–|to|and)\s*(?:19|20)\d\d\s*\(?\s*[-–]?$")

NAME_OF_THE_MISSION = re.compile(
    r"(?:mission|100)\W+(?:for\W+)?(?:100\W+)?climate[- ]neutral and smart cities"
    r"|climate[- ]neutral and smart cities mission|climate[- ]neutral and smart cities by 2030"
)
# A document's name: "the Roadmap towards climate neutrality", "Pathways to Climate Neutrality"
NAMED_PATH = re.compile(r"(?:roadmap|pathways?|road|path|fahrplan)\s(?:to|towards|zur)\s$")
# A declaration's or pact's name in quotes: 'signed the Declaration "Climate Neutral Cities in
# 2030"', 'die Erklärung „Klimaneutrale Kommunen 2035"': its title, not a target it states.
NAMED_IN_QUOTES = re.compile(
    r"(?:declaration|pact|charter|manifesto|agreement|accord|resolution|erklärung|deklaration|"
    r"pakt|charta|abkommen|vereinbarung)\s*(?:on\s|of\s|zur?\s)?[\"“”„«»']\s*$"
)
# Half-way through the century: the mid-century horizon ("climate neutrality by mid-century").
MID_CENTURY = re.compile(
    r"\bmid-?century|\bmiddle of (?:the|this) century|\bmitte (?:des|dieses) jahrhunderts"
)
MID_CENTURY_YEAR = 2050
# A document's or a scenario's name after the word: "the 2030 Climate Neutrality Action Plan",
# "the 2030 carbon neutrality scenario shows ...", "das Klimaneutral-Szenario".
NAMED_PLAN = re.compile(r"\s(?:action plan|roadmap|strategy|contract|scenarios?)\b|-szenario")
# "did not set a specific goal for achieving climate neutrality", "has not adopted a target
# year for carbon neutrality"
NO_NEUTRALITY_GOAL = re.compile(
    r"\b(?:did|does|has|have) not (?:yet )?(?:set|adopt|define|establish|commit)\w*"
    r"(?: to)? (?:a |an |any )?(?:specific |formal |explicit |official |own )?"
    r"(?:goal|target|date|year|deadline)s? (?:for|of|to) (?:achiev\w+ |reach\w* |becom\w+ )?"
    r"(?:climate|carbon)[- ]neutral"
)
NO_NEUTRALITY_GOAL_ANCHORS = ("not set", "not adopt", "not define", "not establish", "not commit")
# Template chapters: "Part B – Pathways towards Climate Neutrality by 2030", "Module A-3 ..."
CHAPTER = re.compile(r"^(?:[\d.]+\s+)?(?:module|part|teil)\s+[a-c](?:\W|-?\d)")


def scope_of(text: str, at: int, city: str | None, share: bool = False) -> str:
    """Whose target the sentence states. The words just before the figure decide first (in
    "European efforts to achieve climate neutrality by 2050 by aiming to fulfil our own ambition
    to be climate-neutral by 2030" the first year is Europe's, the second the city's)."""
    before = text[max(0, at - 120) : at]
    near = text[max(0, at - 120) : at + 60]
    if PAST.search(near):
        return "past"
    if INTERIM.search(near):
        return "interim"
    if DENIED.search(text[at : at + 120]):
        return "not_pursued"
    if FORMER.search(before):
        return "former"
    if (share and _modal(text, at)) or (
        any(w in before for w in SCENARIO_WORDS) and SCENARIO.search(before)
    ):
        return "projection"
    own = bool(OWN.search(before))
    if _owner_before(EU, before) and not own:
        return "eu"
    if _owner_before(NATIONAL, before) and not own:
        return "national"
    if SECTOR.search(near) and not TOTAL.search(near):
        return "sector"
    # Named only after the figure, the EU or the nation owns it unless the sentence names the
    # city, in its words or by its name before them ("Along with the ambition of climate
    # neutrality by 2030, The Hague is also committed to national and international goals": the
    # city's ambition, other goals; not "... with National targets frames the pace at which
    # Glasgow must move").
    named = own or bool(CITY.search(text))
    if EU.search(text) and not (named or _named_first(text, city, EU)):
        return "eu"
    if NATIONAL.search(text) and not (named or _named_first(text, city, NATIONAL)):
        return "national"
    return _joined_owner(text, at, city) or "city"


def _modal(text: str, at: int) -> bool:
    """Whether a modal verb just before the share makes it a possibility ("could be reduced by
    90 %"), not a decision reported ("it was decided that emissions would fall by 60 %")."""
    modal = MODAL.search(text, max(0, at - MODAL_REACH), at)
    return modal is not None and not DECIDED.search(text, 0, modal.start())


def _named_first(text: str, city: str | None, owner: re.Pattern[str]) -> bool:
    """Whether the sentence names the city by its name before it names `owner`."""
    at = text.find(city) if city else -1
    first = owner.search(text)
    return at >= 0 and first is not None and at < first.start()


# A target joined by "and" to the one before it: "specific targets for the region: a 47 %
# reduction ... by 2030 compared with 2012, and carbon neutrality by 2050" (Angers).
_JOINED = re.compile(r",?\s(?:and|und|as well as|sowie)\s(?:[\w-]+\s){0,3}$")
_FIGURE = re.compile(PERCENT.pattern + "|" + NEUTRAL.pattern)
# How far back the target before it may stand (its own clause).
JOINED_REACH = 150


def _joined_owner(text: str, at: int, city: str | None) -> str | None:
    """The owner of the quoted target that a target is joined to in one clause ("..., and
    carbon neutrality by 2050"): the EU's or the nation's as the first is, however far before
    the second its owner was named. None when the first is the city's own or there is none,
    and when the words after "and" name the city ("..., and we aim for climate neutrality by
    2035")."""
    joined = _JOINED.search(text, max(0, at - 40), at)
    if joined is None or CITY.search(joined.group(0)) or (city and city in joined.group(0)):
        return None
    figures = list(_FIGURE.finditer(text, max(0, joined.start() - JOINED_REACH), joined.start()))
    if not figures:
        return None
    first = scope_of(text[: joined.start()], figures[-1].start(), city)
    return first if first in ("eu", "national") else None


# What the city joins is not who sets the target after it: "The City of Seville's interest in
# joining the Mission of Cities and committing to the goal of achieving climate neutrality by
# 2030"; "als Teil der EU-Mission ... will die Stadt".
JOINED_BY = re.compile(
    r"\b(?:join(?:s|ed|ing)?|participat\w*(?: in)?|part of|member of|signator(?:y|ies) (?:of|to)|"
    r"selected (?:for|by)|accession to|beitritt zu[mr]?|teilnahme an|teil der|mitglied (?:der|im|des))"
    r"\s(?:the\s|der\s|die\s|dem\s|des\s)?(?:[\w-]+\s){0,2}$"
)
# (the longest: "signatories to the " and two words)
JOINED_BY_REACH = 60


def _owner_before(owner: re.Pattern[str], before: str) -> bool:
    """Whether `owner` (the EU, the nation) is the last one named before the figure: "in line
    with the EU's 55 % cut by 2030, the city targets a 70 % reduction" names the city after the
    EU, and the 70 % is the city's."""
    last = None
    for m in owner.finditer(before):
        if not JOINED_BY.search(before, max(0, m.start() - JOINED_BY_REACH), m.start()):
            last = m
    return last is not None and not CITY_SUBJECT.search(before, last.end())


def target_score(text: str, at: int, city: str | None) -> int:
    before = text[max(0, at - 160) : at + 40]
    score = 0
    if OWN.search(before):
        score += 3
    if (city is not None and city in text) or CITY.search(text):
        score += 2
    if TARGET_WORDS.search(text):
        score += 2
    if EMISSIONS.search(text):
        score += 1
    return score


COVERS = (
    ("greenhouse gas emissions", re.compile(r"greenhouse|ghg|treibhausgas|thg")),
    ("CO2 emissions", re.compile(r"co2|co₂|kohlendioxid|carbon dioxide")),
    ("per capita", re.compile(r"per capita|pro kopf|per inhabitant|je einwohner")),
    ("scope 1", re.compile(r"scope 1\b")),
    ("all sectors", re.compile(r"all sectors|alle[rn]? sektoren|territorial|city-wide")),
)


def covers(text: str) -> str | None:
    named = [name for name, pattern in COVERS if pattern.search(text)]
    return ", ".join(named) if named else None
