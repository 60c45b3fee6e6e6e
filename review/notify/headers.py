"""Header values made safe: the one place where text from users becomes an email header.

A header is one line. Text that reaches one (a plan's title read from a Word document, an
uploaded file's name, a reviewer's name from a spreadsheet) may hold any line break Unicode
knows: besides CR and LF, the vertical tab, form feed, the file/group/record separators, NEL
(U+0085) and the line and paragraph separators (U+2028, U+2029). Browsers send the last ones
unencoded in a multipart file name, and Python's email package refuses every one of them in a
header ("Header values may not contain linefeed or carriage return characters"). So each value
goes through `header_value` before it becomes a header: line breaks, control and bidi-override
characters and lone surrogates become spaces or disappear, runs of white space become one
space, and an absurdly long value is cut (a subject stays readable, a folded header stays small).
"""

from __future__ import annotations

import re
import unicodedata

#: Longest header value kept (characters); longer ones end with an ellipsis.
MAX_HEADER_CHARS = 250

# Explicit bidi embeddings, overrides and isolates: they can make a subject or a file name
# read differently from what it is ("invoice\u202etxt.exe").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WHITESPACE = re.compile(r"\s+")


def _safe_char(char: str) -> str:
    if char in _BIDI_CONTROLS:
        return ""
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):  # controls (all ASCII line breaks, NEL) and U+2028/9
        return " "
    if category == "Cs":  # a lone surrogate (an undecodable file name): cannot be encoded
        return "\ufffd"
    return char


def header_value(value: object, *, limit: int = MAX_HEADER_CHARS) -> str:
    """`value` as text that is safe as one email header value (see the module docstring)."""
    text = "".join(_safe_char(char) for char in str(value))
    text = _WHITESPACE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def is_header_safe(value: str) -> bool:
    """True when `value` passes through `header_value` unchanged."""
    return header_value(value) == value
