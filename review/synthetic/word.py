"""Filling in the offline Word review form programmatically, as a reviewer does in Word: type
each answer into the white cell beside its key ("[score:T1]" -> "3")."""

from __future__ import annotations

import io
import re

import docx

from review.rubric import Rubric
from review.synthetic.reviews import SimulatedReview

KEY = re.compile(
    r"\[(score|comment|elig):([A-Za-z][\w-]*)\]|\[(strengths|weaknesses|recommendations)\]"
)


def fill_word_form(form: bytes, answers: dict[str, str]) -> bytes:
    document = docx.Document(io.BytesIO(form))
    for table in document.tables:
        for row in table.rows:
            match = KEY.search(row.cells[0].text)
            if not match:
                continue
            key = f"{match.group(1)}:{match.group(2)}" if match.group(1) else match.group(3)
            if key in answers:
                cell = row.cells[1]
                for extra in cell.paragraphs[1:]:
                    extra._p.getparent().remove(extra._p)
                cell.paragraphs[0].text = answers[key]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def word_answers(review: SimulatedReview, rubric: Rubric) -> dict[str, str]:
    """A simulated review as Word-form answers."""
    answers: dict[str, str] = {}
    for criterion in rubric.criteria:
        score = review.scores.get(criterion.id)
        answers[f"score:{criterion.id}"] = "n/a" if score is None else str(score)
        answers[f"comment:{criterion.id}"] = review.comments.get(criterion.id, "")
    for key, value in review.eligibility.items():
        answers[f"elig:{key}"] = (
            ("Ja" if value else "Nein") if review.language == "de" else ("Yes" if value else "No")
        )
    answers.update(
        strengths=review.strengths,
        weaknesses=review.weaknesses,
        recommendations=review.recommendations,
    )
    return answers
