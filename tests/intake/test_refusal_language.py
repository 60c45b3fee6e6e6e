"""A refusal's reason is kept so that it can be said in any language, also after crossing a
process (the intake's readers) or a copy (`IntakeOutcome.to_dict`)."""

from __future__ import annotations

import json
import pickle

from review.intake.errors import IntakeError, MislabelledFile, TooLarge, ZipBomb
from review.intake.sniff import DESCRIPTIONS, Kind
from review.intake.take import refused


def test_a_refusal_crosses_a_process_and_is_said_in_german() -> None:
    error = pickle.loads(pickle.dumps(ZipBomb("plan.docx", 900, 100, members=5000)))
    assert str(error).startswith("plan.docx holds 5,000 files, more than a Word document does")
    assert error.text("de").startswith("plan.docx enthält 5.000 Dateien")  # as German writes it
    assert "sie wurde nicht entpackt" in error.text("de")


def test_sizes_are_written_as_the_reader_writes_them() -> None:
    error = pickle.loads(pickle.dumps(TooLarge("plan.pdf", 1_572_864, 1_048_576)))
    assert str(error).startswith("plan.pdf is 1.5 MB, more than the limit of 1.0 MB")
    assert "1,5 MB" in error.text("de") and "1,0 MB" in error.text("de")
    small = TooLarge("plan.pdf", 2048, 1024)
    assert str(small).startswith("plan.pdf is 2,048 bytes, more than the limit of 1,024 bytes")
    assert "2.048 Bytes" in small.text("de")


def test_an_outcome_keeps_the_english_text_for_json_and_says_it_in_german() -> None:
    error = MislabelledFile("plan.pdf", DESCRIPTIONS[Kind.html], "PDF", "100 % sicher")
    outcome = refused("plan.pdf", "Münster", error)
    as_json = json.loads(json.dumps(outcome.to_dict()))
    assert as_json["error"] == "plan.pdf is an HTML page, not a PDF: 100 % sicher"
    assert outcome.error_in("de") == "plan.pdf ist eine HTML-Seite, kein PDF: 100 % sicher"
    assert outcome.error_in("en") == as_json["error"]


def test_a_library_message_with_a_percent_sign_is_shown_as_it_is() -> None:
    error = pickle.loads(pickle.dumps(IntakeError("x.pdf could not be read (100% broken)")))
    outcome = refused("x.pdf", "Münster", error)
    assert outcome.error_in("de") == "x.pdf could not be read (100% broken)"
    assert outcome.to_dict()["error"] == "x.pdf could not be read (100% broken)"
