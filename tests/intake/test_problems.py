"""A plan's reading problems, stored in English, said in the municipality's language."""

from __future__ import annotations

import pytest

from review.intake import problems
from review.intake.problems import problem_in
from review.intake.sniff import DESCRIPTIONS, Kind

WRITTEN = [
    problems.NO_TEXT_LAYER,
    problems.READ_BY_OCR % {"pages": "1, 2"},
    problems.OCR_FAILED % {"error": "tesseract: 50% done"},
    problems.NO_TEXT,
    problems.LANGUAGE_UNKNOWN,
    problems.NAMED_AS % {"suffix": ".pdf", "actual": DESCRIPTIONS[Kind.docx]},
    problems.NAMED_WITHOUT_EXTENSION % {"actual": DESCRIPTIONS[Kind.pdf]},
]


@pytest.mark.parametrize("problem", WRITTEN)
def test_every_problem_the_reader_writes_is_said_in_german(problem: str) -> None:
    german = problem_in(problem, "de")
    assert german != problem and problem_in(problem, "en") == problem


def test_values_stay_and_a_file_kind_is_said_too() -> None:
    assert problem_in(problems.READ_BY_OCR % {"pages": "1, 2"}, "de") == (
        "keine Textebene, per Texterkennung gelesen: Seiten 1, 2: ihr Text ist mit dem Scan "
        "zu vergleichen"
    )
    named = problems.NAMED_AS % {"suffix": ".pdf", "actual": DESCRIPTIONS[Kind.docx]}
    assert problem_in(named, "de") == (
        "mit der Endung .pdf benannt, aber ein Word-Dokument (DOCX); als solches gelesen"
    )


def test_a_text_no_sentence_wrote_stays_as_it_is() -> None:
    assert problem_in("something else: 100% odd", "de") == "something else: 100% odd"
