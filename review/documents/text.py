"""User text on its way into documents: cleaned so it can never break a file (redaction, which a
blind edition needs on top, is `review.consolidation.redaction`).

- XML 1.0 forbids most C0 control characters, lone surrogates and U+FFFE/U+FFFF; one of them in a
  run makes Word refuse the whole file. They are removed; tabs and line breaks are kept. C1
  controls (U+0080-U+009F) are legal but invisible junk from copy and paste: removed too.
- Everything else (emoji, right-to-left text, text that looks like markup or a formula) is kept as
  it is: python-docx escapes XML, and the spreadsheet exports guard formulas themselves.
"""

from __future__ import annotations

import re
import unicodedata

from review.collation import BASE_LETTERS

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Text safe for XML: illegal characters removed, line ends normalised to \\n."""
    if text is None:
        return ""
    value = str(text)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", value)


_GERMAN = str.maketrans(
    {"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slug(text: str, fallback: str = "plan") -> str:
    """ASCII file-name part: 'Sankt Pölten (NÖ)' -> 'sankt-poelten-noe', 'Groß' -> 'gross',
    'Łódź' -> 'lodz'."""
    text = text.translate(_GERMAN).translate(BASE_LETTERS)  # 'Łódź' lost its Ł
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return value[:60].strip("-") or fallback
