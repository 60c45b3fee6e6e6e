"""Each edition in its reader's language: the municipality's in the municipality's language, the
coordinator's (and the round summary) in the round's; numbers and dates as the language writes
them; no word of the other language."""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session

from review.consolidation.pipeline import compile_round
from tests.consolidation.test_documents import docx_text
from tests.support.review_data import reviewed_plan

GERMAN_WORDS = re.compile(r"\b(Gutachten|Gemeinde|Ergebnis|Kommentar|Bewertung|Ausgabe)\b")
ENGLISH_WORDS = re.compile(
    r"\b(Reviewer|Municipality|Outcome|Comment|Score|Edition|points apart|reviews submitted)\b"
)


def test_an_english_municipality_in_a_german_round_gets_an_english_document(
    session: Session, tmp_path: Path
) -> None:
    data = reviewed_plan(session, language="de", municipality_language="en", values=(3, 2, 2))
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    (plan,) = report.plans
    english = docx_text(plan.municipality_docx)
    german = docx_text(plan.coordinator_docx)
    assert english.startswith("Consolidated review") and "Municipality edition" in english
    assert "Reviewer A" in english and "Strategy, targets & political mandate" in english
    assert not GERMAN_WORDS.search(english), GERMAN_WORDS.search(english)
    assert german.startswith("Konsolidiertes Gutachten") and "Gutachten A" in german
    assert "Strategie, Ziele & politischer Beschluss" in german
    assert not ENGLISH_WORDS.search(german), ENGLISH_WORDS.search(german)
    # Scores as each language writes them: the median of 3 and 2 on T1 of the technical rubric.
    assert re.search(r"\b2\.5\b", english) and re.search(r"\b2,5\b", german)
    assert not re.search(r"\b\d+,\d\b", english) and not re.search(r"\b\d+\.\d\b", german)
