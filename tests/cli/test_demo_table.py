"""`peerplan demo`'s closing table: what a new user reads first, in an 80-column terminal."""

from __future__ import annotations

from rich.console import Console

from review.cli.demo import demo_table
from review.i18n import translator

PLANS = [
    {
        "municipality": "Fürstenhofen",
        "language": "de",
        "length": "535 Absätze",
        "assignments": {"submitted": 3, "reassigned": 1},
        "outcome": "Größere Überarbeitung",
        "totals": {"technical": 35.0, "communication": 68.4},
        "flags": 2,
    },
    {
        "municipality": "Landkreis Darmstadt-Dieburg",
        "language": "de",
        "length": "56 Seiten",
        "assignments": {"submitted": 2},
        "outcome": "unvollständig",
        "totals": {"technical": 53.0, "communication": None},
        "flags": 0,
    },
]


def _shown(language: str) -> str:
    console = Console(width=80, record=True)
    console.print(demo_table(PLANS, translator(language)))  # type: ignore[arg-type]
    return console.export_text()


def test_the_demo_table_reads_whole_german_words_in_80_columns() -> None:
    shown = _shown("de")
    for words in (
        "Gemeinde",
        "Fürstenhofen",
        "535 Absätze, de",
        "3 abgeschickt",
        "1 neu zugeteilt",
        "Darmstadt-Dieburg",
        "Technik /",
        "Kommunikation",
        "35 / 68",
        "53 / –",
        "Größere",
        "Überarbeitung",
        "Auffälligkeiten: 2",
        "Begutachtungen",
    ):
        assert words in shown, shown
    assert "…" not in shown, shown
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_the_demo_table_in_english() -> None:
    shown = _shown("en")
    for words in (
        "municipality",
        "3 submitted",
        "technical /",
        "communication",
        "35 / 68",
        "flags: 2",
    ):
        assert words in shown, shown
