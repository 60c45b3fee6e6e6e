"""Boilerplate in a plan: template guidance left in ("Your 2030 ambition should be supported at a
minimum by a Council decision"), the funding acknowledgement of the template's publisher, and
disclaimers. Each is recognised by its wording, and the sentence around it kept out of the
evidence."""

from __future__ import annotations

import re
from collections.abc import Sequence

from review.intake.scan import AnchorIndex
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
    r"(?: and (?:detail|describe|list|outline|explain))? (?:the|your|a|an|how|what|which|any)\b"
    # A placeholder left in: "[Insert the city's 2030 target]", "[Name der Kommune]"
    r"|\[(?:insert|add|enter|describe|list|provide|fill|include|name|specify|outline|explain|"
    r"summari[sz]e|city|your|hier|bitte)\b[^\]\n]{0,300}\]"
    # A template's note opening a line: "Guidance: this module should ...", "Ausfüllhinweis:"
    r"|^(?:template )?(?:guidance|guidelines?|instructions?|ausfüllhinweis\w*|hinweise? zum "
    r"ausfüllen)(?: notes?| for (?:cities|completion|this \w+))?\s*:"
    # "In this section, describe ...", "In this module please list ..." (not "In this chapter,
    # we describe": the plan speaking)
    r"|in this (?:section|module|part|chapter|field|box),? (?:please )?(?:describe|list|provide|"
    r"outline|explain|summari[sz]e|specify|include|present|detail|indicate|insert|add)\b",
    re.MULTILINE,
)
# A placeholder is blanked alone, not the sentence around it (the city's text may stand beside).
_PLACEHOLDER = "["
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
    "[insert",
    "[add",
    "[enter",
    "[describe",
    "[list",
    "[provide",
    "[fill",
    "[include",
    "[name",
    "[specify",
    "[outline",
    "[explain",
    "[summari",
    "[city",
    "[your",
    "[hier",
    "[bitte",
    "guidance",
    "guideline",
    "instruction",
    "ausfüllhinweis",
    "hinweis zum ausfüllen",
    "hinweise zum ausfüllen",
    "in this ",
    "template guidance",
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


#: The anchors `boilerplate_of` asks the document's index about.
ANCHOR_SETS = (_FUNDING_ANCHORS, _DISCLAIMER_ANCHORS, _MODAL_ANCHORS, GUIDANCE_ANCHORS)


def boilerplate(text: str, lowered: str, spans: list[Span], guided: bool = True) -> None:
    """Funding acknowledgements, disclaimers and template guidance: the sentence around each.
    `guided`: whether the unit may hold guidance (one of GUIDANCE_ANCHORS)."""
    anchors = GUIDANCE_ANCHORS if guided else ()
    guidance = [at for anchor in anchors for at in _occurrences(lowered, anchor)]
    _boilerplate(
        text,
        lowered,
        spans,
        any(a in lowered for a in _FUNDING_ANCHORS),
        any(a in lowered for a in _DISCLAIMER_ANCHORS),
        guidance,
        any(a in lowered for a in _MODAL_ANCHORS),
    )


def boilerplate_of(
    texts: Sequence[str],
    lowered: Sequence[str],
    excluded: list[list[Span]],
    index: AnchorIndex | None = None,
) -> None:
    """`boilerplate` for every unit of a document, each with `guided` when it holds one of
    GUIDANCE_ANCHORS: the anchors are looked for over the whole document at once (a unit's
    substring tests, 37 per page, cost more than the regexes that run where they are found).
    `index`: the document's index of `lowered`, when the caller made one (with ANCHOR_SETS)."""
    if index is None:
        index = AnchorIndex(lowered, ANCHOR_SETS)
    funding = set(index.units_with(_FUNDING_ANCHORS))
    disclaimer = set(index.units_with(_DISCLAIMER_ANCHORS))
    modal = set(index.units_with(_MODAL_ANCHORS))
    guidance = index.spots(GUIDANCE_ANCHORS)
    for i in sorted(funding | disclaimer | modal | guidance.keys()):
        _boilerplate(
            texts[i],
            lowered[i],
            excluded[i],
            i in funding,
            i in disclaimer,
            guidance.get(i, []),
            i in modal,
        )


def _boilerplate(
    text: str,
    lowered: str,
    spans: list[Span],
    funding: bool,
    disclaimer: bool,
    guidance: list[int],
    modal: bool,
) -> None:
    """The rule, told which anchors the unit holds: whether a funding, disclaimer or modal
    anchor, and where each guidance anchor stands (in GUIDANCE_ANCHORS' order)."""
    found: list[tuple[int, int, str]] = []
    for pattern, anchored, role in (
        (_FUNDING, funding, FUNDING),
        (_DISCLAIMER, disclaimer, DISCLAIMER),
    ):
        if anchored:
            found += [(m.start(), m.end(), role) for m in pattern.finditer(lowered)]
    # Every guidance phrase starts with one of its anchors: the regex is tried only where one
    # stands (running it over every page cost more than reading the page).
    for at in guidance:
        if m := _GUIDANCE.match(lowered, at):
            if lowered[at] == _PLACEHOLDER:
                spans.append(Span(m.start(), m.end(), GUIDANCE))
            else:
                found.append((m.start(), m.end(), GUIDANCE))
    if modal:
        for m in _MODAL.finditer(lowered):
            if _GUIDED_SUBJECT.search(lowered, max(0, m.start() - 170), m.start()):
                found.append((m.start(), m.end(), GUIDANCE))
    for start, end, role in found:
        a, b = _field_label(text, start, end) or sentence_around(text, start, end)
        spans.append(Span(a, b, role))


def _occurrences(text: str, anchor: str) -> list[int]:
    found, at = [], text.find(anchor)
    while at != -1:
        found.append(at)
        at = text.find(anchor, at + 1)
    return found


def _field_label(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A template's field label on a line of its own ("Your text", then the city's answer on
    the next lines without a full stop between): the label only, not the answer after it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if text[line_start:start].strip() or text[end:line_end].strip(" \t:.-–"):
        return None
    return start, end
