"""Markup that a plan's conversion left in its text, as the plan reads: inline LaTeX math and
HTML character entities.

The 30 real Climate City Contracts went from PDF through markdown to Word: "$\\mathrm{CO}_{2}$
emissions", "$80\\%$ by 2030", "$4,7\\mathrm{tCO}_{2}\\mathrm{e}$", footnote marks "$^{7}$" and
"Research &amp; Innovation" stand in their text (522 math spans in the 23 tune plans), and the
evidence a reviewer read showed them as they are. The evidence's snippets are written with
`plain_text` (review.intake.facts.text.snippet, review.intake.findings.snippet): cut from the
text as extracted, so every page, paragraph and offset stays as the rules found it. The rules
themselves still read the text as extracted, where "80\\%" is no percentage: cleaning it for
them too moved the holdout's headline figure (BENCHMARKS.md, "Quoted neutrality, LaTeX and
placeholder titles").

Only simple inline math is rewritten: a span between dollars in the way markdown writes it (no
space inside either dollar, the closing one not before a digit, so "$5 and $10" stays money),
whose commands are all known here. Subscripts become plain characters (CO2, as the rules read
it), superscripts Unicode ones (m², a footnote's ⁷).
"""

from __future__ import annotations

import re

# "$...$" as markdown reads it: no space after the opening or before the closing dollar, the
# closing one not followed by a digit. A PDF's line may break inside, or after the opening or
# before the closing dollar ("at least $80\\%\n$ by 2050"): the break stays, after the math.
_MATH = re.compile(
    r"\$(\n?)(?=[^\s$])([^$\n]{0,120}?(?:\n[^$\n]{0,120}?)?)(?<=[^\s$\\])(\n?)\$(?!\d)"
)
# A command cut by a line break, or by the break's space once lines are joined: "$\\\nmathrm".
_CUT_COMMAND = re.compile(r"\\\s+(?=[A-Za-z]{2})")
# Commands that only set the font of their argument.
_FONT = re.compile(
    r"\\(?:mathrm|mathbf|mathit|mathsf|mathtt|text|textrm|textbf|textit|operatorname)\s*"
)
_SYMBOLS = {
    "%": "%",
    "$": "$",
    "&": "&",
    "#": "#",
    "_": "_",
    ",": "",  # thin spaces
    ";": " ",
    ":": " ",
    "!": "",
    " ": " ",
    "sim": "~",
    "approx": "≈",
    "times": "×",
    "cdot": "·",
    "pm": "±",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "neq": "≠",
    "lt": "<",
    "gt": ">",
    "rightarrow": "→",
    "to": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "leftrightarrow": "↔",
    "uparrow": "↑",
    "downarrow": "↓",
    "succ": "≻",
    "prec": "≺",
    "circ": "◦",  # a bullet; as a superscript the degree sign
    "degree": "°",
    "bullet": "•",
    "euro": "€",
    "texteuro": "€",
    "infty": "∞",
    "Delta": "Δ",
    "mu": "µ",
    "left": "",
    "right": "",
    "quad": " ",
    "qquad": " ",
}
_COMMAND = re.compile(r"\\([A-Za-z]+|[^A-Za-z])")
# Braces that only group, not after a sub- or superscript sign.
_GROUP = re.compile(r"(?<![_^])\{([^{}]*)\}")
_SCRIPT = re.compile(r"([_^])\s*(\{([^{}]*)\}|\\[A-Za-z]+|.)")
_SUPERSCRIPT = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")
_ENTITIES = {
    "&amp;": "&",
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&#39;": "'",
    "&apos;": "'",
    "&nbsp;": " ",
}
_ENTITY = re.compile("|".join(re.escape(e) for e in _ENTITIES))


def plain_text(text: str) -> str:
    """`text` with simple inline math and HTML entities written as the plan means them."""
    if "&" in text:
        text = _ENTITY.sub(lambda m: _ENTITIES[m.group(0)], text)
    if "$" in text:
        text = _MATH.sub(_plain_math, text)
    return text


def _plain_math(m: re.Match[str]) -> str:
    """The math of one span as plain text; the span as it was where it holds more than this
    module knows (a fraction, a sum: a person reads those better as written)."""
    # ("~" is a space that does not break; a command may be cut by the line: "$\\\nmathrm{CO}")
    body = m.group(2).replace("~", " ")
    body = " ".join(_CUT_COMMAND.sub(r"\\", body).split())
    body = _FONT.sub("", body)
    while True:  # the braces that only group: "{CO}_{2{eq}}" -> "CO_{2eq}"
        ungrouped = _GROUP.sub(r"\1", body)
        if ungrouped == body:
            break
        body = ungrouped
    body = _SCRIPT.sub(_plain_script, body)
    known = True

    def symbol(c: re.Match[str]) -> str:
        nonlocal known
        if c.group(1) not in _SYMBOLS:
            known = False
            return c.group(0)
        return _SYMBOLS[c.group(1)]

    body = _COMMAND.sub(symbol, body)
    if not known or "{" in body or "}" in body:
        return m.group(0)
    broken = "\n" in m.group(2) or m.group(3)
    return m.group(1) + " ".join(body.split()) + ("\n" if broken else "")


def _plain_script(m: re.Match[str]) -> str:
    """A sub- or superscript: CO_{2} -> CO2; m^{2} -> m², a footnote's ^{7} -> ⁷, 2^{\\circ}
    -> 2°; 4^{th} -> 4th."""
    inner = (m.group(3) if m.group(3) is not None else m.group(2)).strip()
    if m.group(1) == "^" and inner == "\\circ":
        return "°"
    if m.group(1) == "^" and inner and all(c in "0123456789+-=()" for c in inner):
        return inner.translate(_SUPERSCRIPT)
    return inner
