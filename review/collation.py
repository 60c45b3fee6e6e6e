"""Names in the order a reader looks them up: as a dictionary orders them, whatever their
letters. Sorted by code point, 'Gävle' came after 'Groningen', 'Sønderborg' after 'Stockholm'
and 'Łódź' after 'Zagreb' (the round of the 30 English CCC plans)."""

from __future__ import annotations

import unicodedata

#: Letters Unicode does not decompose into a base letter and a mark: NFKD keeps them whole.
BASE_LETTERS = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Ø": "Oe", "ø": "oe", "Æ": "Ae", "æ": "ae", "Œ": "Oe", "œ": "oe",
        "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th", "ı": "i", "Ħ": "H", "ħ": "h",
    }
)  # fmt: skip


def alphabetical(name: str) -> tuple[str, str]:
    """The sort key of a name: its letters without their marks, case aside ('Gävle' beside
    'Gavle', DIN 5007's dictionary order), then the name itself, so that the order is total."""
    decomposed = unicodedata.normalize("NFKD", name.translate(BASE_LETTERS))
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold(), name
