"""An error or a notice on the command line wraps at the terminal's width on words: at 80
columns the terminal broke a long message mid-word ('vollständ' / 'ig'), the CLI having printed
it as one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console
from sqlmodel import Session

from review.cli.layout import say
from review.config import Settings
from review.db import engine_for
from tests.support.factories import make_municipality, make_round

ROOT = Path(__file__).resolve().parents[2]


def _assert_wrapped_at_words(shown: str, message: str, width: int) -> None:
    lines = shown.rstrip("\n").splitlines()
    assert len(lines) > 1, shown  # it did need wrapping
    assert max(len(line) for line in lines) <= width, shown
    # every word whole: the lines' words are the message's, none cut in two
    assert [w for line in lines for w in line.split()] == message.split(), shown


@pytest.mark.parametrize("width", [80, 60])
def test_say_wraps_a_message_at_words(width: int) -> None:
    message = (
        "Fehler: „Offenbach“ passt zu mehr als einer Gemeinde der Runde „Klimaschutz Hessen "
        "2026“ (Kreis Offenbach, Stadt Offenbach, Landkreis Darmstadt-Dieburg): Geben Sie eine "
        "davon vollständig an"
    )
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    say(console, message)
    _assert_wrapped_at_words(console.export_text(), message, width)


def test_a_word_longer_than_the_line_is_printed_whole() -> None:
    # a path or a link: cut or folded by the CLI, a copy of it would not work
    path = "/srv/peerplan/daten/runden/klimaschutz-hessen-2026/bewertungsboegen/technisch.yaml"
    console = Console(width=60, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    say(console, f"Fehler: {path}: das Kriterium ist doppelt")
    assert f"{path}:" in console.export_text().splitlines()


@pytest.mark.parametrize("columns", [80, 60])
def test_the_cli_wraps_an_error_at_the_terminals_width(
    sqlite_settings: Settings, columns: int
) -> None:
    with Session(engine_for(sqlite_settings.database_url)) as session:
        round_ = make_round(session, name="Klimaschutz Hessen 2026", language="de")
        for name in ("Kreis Offenbach", "Stadt Offenbach", "Landkreis Darmstadt-Dieburg"):
            make_municipality(session, round_, name)
        session.commit()
    env = {
        **os.environ,
        "COLUMNS": str(columns),
        "PEERPLAN_DATA_DIR": str(sqlite_settings.data_dir),
        "PEERPLAN_DATABASE_URL": sqlite_settings.database_url,
        "PYTHONPATH": str(ROOT),
    }
    args = ["coordinator", "remind", "--round", "Klimaschutz Hessen 2026", "--plan", "Offenbach"]
    run = subprocess.run(
        [sys.executable, "-m", "review", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 2, run.stderr
    message = (
        "Fehler: „Offenbach“ passt zu mehr als einer Gemeinde der Runde „Klimaschutz Hessen "
        "2026“ (Kreis Offenbach, Stadt Offenbach): Geben Sie eine davon vollständig an"
    )
    _assert_wrapped_at_words(run.stderr, message, columns)
