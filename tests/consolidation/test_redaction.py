"""Redaction in a blind round: a reviewer's name stays out of what is shared in every form a
person writes it (#17), and ordinary words stay readable."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook
from sqlmodel import Session, select

from review.consolidation.pipeline import compile_round
from review.consolidation.redaction import Identity, Redactor
from review.models import Municipality, Review
from tests.support.review_data import reviewed_plan

STRAUSS = Identity("Tobias Strauß", "tobias.strauss@stadt-krems.example", "Krems an der Donau")

#: How people write "Tobias Strauß" (issue 17's list, and a few more of the same kinds).
VARIANTS = [
    "Tobias Strauß",
    "Tobias Strauss",
    "TOBIAS STRAUSS",
    "tobias strauß",
    "T. Strauß",
    "T.Strauss",
    "T Strauss",
    "Strauß",
    "Strauss",
    "STRAUSS",
    "Strauß, Tobias",
    "Strauss, T.",
    "tobias.strauss",
    "tobias_strauss",
    "tobias.strauss@stadt-krems.example",
    "Tobias  Strauß",  # double space
    "Tobias\u00a0Strauß",  # no-break space
    "Tobias\u2009Strauß",  # thin space
    "Tobias\tStrauß",
    "Tobias\nStrauß",
    "Strau\u00adß",  # soft hyphen from a word processor
    "TOBIAS STRAU\u1e9e",  # capital sharp s
    "Krems an der Donau",
    "KREMS AN DER DONAU",
]


@pytest.mark.parametrize("variant", VARIANTS, ids=repr)
def test_every_variant_of_a_name_is_redacted_and_the_text_around_it_kept(variant: str) -> None:
    redact = Redactor([STRAUSS], "de", keep=["Tulln an der Donau"])
    text = f"Gut begründet ({variant}), siehe Seite 4."
    assert redact(text) == "Gut begründet ([geschwärzt]), siehe Seite 4."


def test_transcribed_umlauts_are_the_same_name() -> None:
    redact = Redactor([Identity("Jörg Müller-Lüdenscheidt", "j.mueller@example.org")])
    for written in (
        "Jörg Mueller-Luedenscheidt",
        "Joerg Müller Lüdenscheidt",
        "J. Muller-Ludenscheidt",
        "Müller-Lüdenscheidt",
        "j.mueller",
    ):
        assert redact(f"by {written}.") == "by [redacted].", written


@pytest.mark.parametrize(
    "text",
    [
        "Die Straße ist breit, die Straussberger Allee auch.",  # words that contain the name
        "Tulln an der Donau legt einen guten Plan vor.",  # the plan's own municipality
        "Bitte an info@ wenden; Klimaschutz zuerst.",  # generic local parts are words
        "Die Donau und die Krems fließen.",  # parts of a home municipality alone
    ],
)
def test_ordinary_words_stay_readable(text: str) -> None:
    identities = [
        STRAUSS,
        Identity("Ina Lang", "klimaschutz@tulln.example"),
        Identity("Eva Berg", "info@krems.example"),
    ]
    assert Redactor(identities, keep=["Tulln an der Donau"])(text) == text


def test_a_surname_that_is_an_everyday_word_is_redacted_only_with_its_given_name() -> None:
    redact = Redactor([Identity("Anna Winter", "a.winter@example.org")])
    assert redact("Im Winter wird geheizt.") == "Im Winter wird geheizt."
    assert redact("Anna Winter, A. Winter, Winter, Anna") == "[redacted], [redacted], [redacted]"


def test_typographic_apostrophes_and_dashes_are_the_plain_ones() -> None:
    redact = Redactor([Identity("Siobhan O'Brien-Kranz")])
    for written in (
        "Siobhan O\u2019Brien\u2013Kranz",
        "S. O\u2018Brien\u2010Kranz",
        "O\u02bcBrien-Kranz",
    ):
        assert redact(f"({written})") == "([redacted])", written


def test_particles_belong_to_the_surname() -> None:
    redact = Redactor([Identity("Ursula von der Leyen")])
    assert redact("laut von der Leyen und Leyen") == "laut [redacted] und [redacted]"


def test_a_hostile_comment_takes_linear_time() -> None:
    # Repeated initials made an unbounded pattern backtrack for 40 s on 32 KB.
    redact = Redactor([Identity("Tobias Maria Strauß")])
    started = time.perf_counter()
    for text in ("t " * 20_000, "T." * 20_000, "tobias " * 20_000):
        assert redact(text) == text
    assert time.perf_counter() - started < 5


# --------------------------------------------------------------------------- every blind surface


def _blind_round_with_a_signed_comment(session: Session) -> tuple[object, str]:
    data = reviewed_plan(session, blind=True, language="de", municipality="Tulln an der Donau")
    reviewer = data.reviewers[0]
    reviewer.name, reviewer.email = STRAUSS.name, STRAUSS.email
    home = session.get(Municipality, reviewer.municipality_id)
    assert home is not None
    home.name = STRAUSS.home
    session.add_all([reviewer, home])
    first = session.exec(select(Review).order_by(Review.id)).first()
    assert first is not None
    signed = " | ".join(VARIANTS)
    first.comments = {**first.comments, "T1": f"Gezeichnet: {signed} | Ende"}
    first.strengths = f"Stärken laut {signed}"
    session.add(first)
    session.commit()
    return data, signed


def _docx_text(path: Path) -> str:
    document = open_docx(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _xlsx_text(path: Path) -> str:
    workbook = load_workbook(path)
    return "\n".join(
        str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
    )


def _csv_text(path: Path) -> str:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return "\n".join(cell for row in csv.reader(fh) for cell in row)


def _readable(text: str) -> str:
    """What a reader sees, whatever the case and the kind of whitespace."""
    return " ".join(text.replace("\u00ad", "").split()).casefold()


def test_no_variant_reaches_any_blind_surface(session: Session, tmp_path: Path) -> None:
    data, _signed = _blind_round_with_a_signed_comment(session)
    report = compile_round(session, None, data.round_, tmp_path, workers=1, pdf=False)
    (plan,) = report.plans
    surfaces = {
        "municipality edition": _docx_text(plan.municipality_docx),
        "round summary": _docx_text(tmp_path / "summary" / "round-summary.docx"),
        "blind XLSX": _xlsx_text(tmp_path / "summary" / "round-scores.xlsx"),
        "blind CSV": _csv_text(tmp_path / "summary" / "round-scores.csv"),
    }
    for where, text in surfaces.items():
        seen = _readable(text)
        for needle in ("strauss", "strauß", "tobias", "krems"):
            assert needle not in seen, f"{needle!r} in the {where}"
        assert "tulln an der donau" in seen or where == "round summary" or where == "blind XLSX"
    for where in ("municipality edition", "blind XLSX", "blind CSV"):
        # Every variant became a mark, and the comment around them is still there.
        assert surfaces[where].count("[geschwärzt]") >= 2 * len(VARIANTS), where
        assert "Gezeichnet: [geschwärzt] | [geschwärzt]" in surfaces[where]
        assert "| Ende" in surfaces[where]
    # The coordinator's edition keeps what was written (so the search above can find it).
    coordinator = _docx_text(plan.coordinator_docx)
    assert all(v in coordinator for v in VARIANTS if "\n" not in v and "\t" not in v)
