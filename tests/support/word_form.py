"""A reviewer's Word form filled in as Word would: the answers typed into the white cells."""

from __future__ import annotations

import io

import docx

from review.synthetic.word import fill_word_form


def fill(form: bytes, answers: dict[str, str]) -> bytes:
    """Type answers into the white cells, as a reviewer in Word would, and add a note of one's own
    at the end (the parser must ignore what is not an answer)."""
    document = docx.Document(io.BytesIO(fill_word_form(form, answers)))
    document.add_paragraph("Notiz des Gutachters am Ende des Dokuments.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def complete_answers() -> dict[str, str]:
    answers = {f"score:T{i}": "2" for i in range(1, 9)}
    answers.update({f"comment:T{i}": f"Kommentar zu T{i}\nzweite Zeile" for i in range(1, 9)})
    answers.update(
        {
            "score:T3": "n/a",
            "comment:T3": "",
            "score:T1": "4 - vorbildlich",
            "strengths": "Gute Bilanz",
            "weaknesses": "Wenig Monitoring",
            "recommendations": "Indikatoren ergänzen",
            "elig:council_approval": "Ja",
        }
    )
    return answers
