"""File-name parts made from a municipality's name (review.documents.text.slug)."""

from __future__ import annotations

from review.documents.docxkit import whole_ranges
from review.documents.text import slug


def test_slug_keeps_the_letters_unicode_does_not_decompose() -> None:
    # A round of European cities: the consolidated review of Łódź was '0004-odz.docx' and
    # Sønderborg's '0026-snderborg.docx' (NFKD has no base letter for ł, ø and their kin).
    assert slug("Łódź") == "lodz"
    assert slug("Sønderborg") == "soenderborg"
    assert slug("Þórshöfn") == "thorshoefn"
    assert slug("Sankt Pölten (NÖ)") == "sankt-poelten-noe"
    assert slug("The Hague") == "the-hague"


def test_a_range_of_numbers_in_a_header_stays_on_one_line() -> None:
    # Every English consolidated review's table of rubrics was headed 'Total (0–' over '100)'
    # (the column is 2.45 cm; LibreOffice breaks after a dash); now it breaks at the space.
    assert whole_ranges("Total (0–100)") == "Total (0\u2060–\u2060100)"
    assert whole_ranges("Gesamt (0-100)") == "Gesamt (0\u2060-\u2060100)"
    assert whole_ranges("Darmstadt-Dieburg – Reviewer A") == "Darmstadt-Dieburg – Reviewer A"
