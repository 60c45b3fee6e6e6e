"""File-name parts made from a municipality's name (review.documents.text.slug)."""

from __future__ import annotations

from review.documents.text import slug


def test_slug_keeps_the_letters_unicode_does_not_decompose() -> None:
    # A round of European cities: the consolidated review of Łódź was '0004-odz.docx' and
    # Sønderborg's '0026-snderborg.docx' (NFKD has no base letter for ł, ø and their kin).
    assert slug("Łódź") == "lodz"
    assert slug("Sønderborg") == "soenderborg"
    assert slug("Þórshöfn") == "thorshoefn"
    assert slug("Sankt Pölten (NÖ)") == "sankt-poelten-noe"
    assert slug("The Hague") == "the-hague"
