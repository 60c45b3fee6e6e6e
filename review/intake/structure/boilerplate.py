"""Boilerplate in a plan: template guidance left in ("Your 2030 ambition should be supported at a
minimum by a Council decision"), the funding acknowledgement of the template's publisher, and
disclaimers. Each is recognised by its wording, and the sentence around it kept out of the
evidence."""

from __future__ import annotations

import re

from review.intake.structure.text import DISCLAIMER, FUNDING, GUIDANCE, Span, sentence_around

# Template guidance: second person, requests, and what a section "should" contain. Matched on
# lower-cased text; the modal verbs are found first and their subject looked for before them
# (a regex starting at every "the" of a plan costs as much as reading the PDF).
_GUIDANCE = re.compile(
    r"\byour (?:text|city|city's|2030|ambition|action plan|own|municipality|local|plan|"
    r"climate city contract)\b"
    r"|\btextual elements?\b"
    r"|\b(?:please|kindly) (?:describe|specify|list|provide|insert|fill|outline|explain|"
    r"indicate|add|include|summari[sz]e|report|enter|state|elaborate|select|complete)\b"
    r"|\bcities (?:should|are (?:encouraged|asked|expected|invited|requested)|may wish|need to)"
    r"|\bsupported at a minimum by\b"
    r"|\b(?:hier|bitte) (?:beschreiben|geben sie|tragen sie|ergänzen|erläutern)\b"
    r"|\bihre (?:kommune|stadt|gemeinde)\b"
    # An instruction opening a line: "Detail and describe the latest GHG inventory of the city"
    # (not "Provide ...", "Develop ...": action titles start so)
    r"|^(?:detail|describe|outline|explain|summari[sz]e|specify)"
    r"(?: and (?:detail|describe|list|outline|explain))? (?:the|your|a|an|how|what|which|any)\b",
    re.MULTILINE,
)
GUIDANCE_ANCHORS = (
    "detail",
    "describe",
    "outline",
    "explain",
    "summari",
    "specify",
    "your ",
    "textual element",
    "please ",
    "kindly ",
    "cities ",
    "supported at a minimum",
    "hier ",
    "bitte ",
    "ihre ",
)
_MODAL = re.compile(
    r"\b(?:should|shall|must|is to be|are to be|can be used|is intended|aims to provide|is meant)\b"
)
_MODAL_ANCHORS = (
    "should",
    "shall",
    "must",
    "is to be",
    "are to be",
    "can be used",
    "intended",
    "aims to provide",
    "is meant",
)
_GUIDED_SUBJECT = re.compile(
    r"\b(?:this|the) (?:section|module|chapter|part|table|introduction|summary|annex|field|"
    r"template|overview|outlook)\b[^.\n]{0,100}$"
    r"|\bmodules? [a-c]-?\d(?:\.\d)?\b[^.\n]{0,160}$"
)
_FUNDING = re.compile(
    r"\b(?:has|have) received funding from\b"
    r"|\bgrant agreement\s*(?:no\.?|n°|number|nr\.?)?\s*\d{6,}"
    r"|\b(?:this|the) (?:document|project|report|publication|study|plan) (?:was|is|has been) "
    r"(?:co-)?(?:funded|financed|supported) by\b"
    r"|\bförderkennzeichen\b"
    r"|\bnetzerocities\b[^.\n]{0,120}?\b(?:funding|financed|funded)\b"
    r"|\b(?:konzept|klimaschutzkonzept|bericht|vorhaben|studie|projekt|dokument)\w* (?:wurde|wird)"
    r" (?:\w+ ){0,5}?gefördert\b",
)
_FUNDING_ANCHORS = (
    "funding",
    "grant agreement",
    "funded",
    "financed",
    "supported by",
    "förderkennzeichen",
    "gefördert",
)
_DISCLAIMER = re.compile(
    r"^\s*#?\s*disclaimer\s*$|^\s*haftungsausschluss\s*$"
    r"|\breflects only the authors?'?s? views?\b|\bis not responsible for any use\b"
    r"|\bviews and opinions expressed are\b|\bkeine gewähr für die richtigkeit\b",
    re.MULTILINE,
)
_DISCLAIMER_ANCHORS = (
    "disclaimer",
    "haftungsausschluss",
    "reflects only",
    "not responsible",
    "views and opinions",
    "keine gewähr",
)


def boilerplate(text: str, lowered: str, spans: list[Span], guided: bool = True) -> None:
    """Funding acknowledgements, disclaimers and template guidance: the sentence around each."""
    found: list[tuple[int, int, str]] = []
    for pattern, anchors, role in (
        (_FUNDING, _FUNDING_ANCHORS, FUNDING),
        (_DISCLAIMER, _DISCLAIMER_ANCHORS, DISCLAIMER),
    ):
        if any(a in lowered for a in anchors):
            found += [(m.start(), m.end(), role) for m in pattern.finditer(lowered)]
    # Every guidance phrase starts with one of its anchors: the regex is tried only where one
    # stands (running it over every page cost more than reading the page).
    for anchor in GUIDANCE_ANCHORS if guided else ():
        at = lowered.find(anchor)
        while at != -1:
            if m := _GUIDANCE.match(lowered, at):
                found.append((m.start(), m.end(), GUIDANCE))
            at = lowered.find(anchor, at + 1)
    if any(a in lowered for a in _MODAL_ANCHORS):
        for m in _MODAL.finditer(lowered):
            if _GUIDED_SUBJECT.search(lowered, max(0, m.start() - 170), m.start()):
                found.append((m.start(), m.end(), GUIDANCE))
    for start, end, role in found:
        a, b = _field_label(text, start, end) or sentence_around(text, start, end)
        spans.append(Span(a, b, role))


def _field_label(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A template's field label on a line of its own ("Your text", then the city's answer on
    the next lines without a full stop between): the label only, not the answer after it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip(" \t:.-–"):
        return None
    return start, end
