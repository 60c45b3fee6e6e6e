"""The CLI's errors and the lines of the commands about the installation speak the coordinator's
language: the round's when the command names an existing round, else the installation's
(`PEERPLAN_LANGUAGE`, else the locale, else German)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from review.cli import app
from review.config import Settings

runner = CliRunner()
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def cli(sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", sqlite_settings.database_url)
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def invoke(language: str, *args: str):
        monkeypatch.setenv("PEERPLAN_LANGUAGE", language)
        return runner.invoke(app, list(args))

    return invoke


def test_an_error_reads_in_the_installations_language(cli) -> None:
    german = cli("de", "escalate", "--now", "morgen")
    assert german.exit_code == 2
    assert " ".join(german.output.split()) == (  # wrapped at the terminal's width
        "Fehler: --now muss ein ISO-Datum oder eine ISO-Zeit wie 2026-12-16T08:00 sein, "
        "nicht „morgen“"
    )
    english = cli("en", "escalate", "--now", "morgen")
    assert english.exit_code == 2
    assert english.output == (
        "error: --now must be an ISO date or time like 2026-12-16T08:00, not 'morgen'\n"
    )
    assert cli("de", "round", "create", "Runde Nord", "--language", "en").exit_code == 0
    assert "keine Runde namens „Süd“. Vorhandene Runden: Runde Nord." in " ".join(
        cli("de", "status", "--round", "Süd").output.split()
    )
    assert "no round named 'Süd'. Known rounds: Runde Nord." in " ".join(
        cli("en", "status", "--round", "Süd").output.split()
    )


def test_an_error_about_a_round_reads_in_the_rounds_language(cli) -> None:
    assert cli("en", "round", "create", "Runde Süd", "--language", "de").exit_code == 0
    assert cli("de", "round", "create", "Round North", "--language", "en").exit_code == 0
    german = cli("en", "upload-link", "Tulln", "--round", "Runde Süd")
    assert german.exit_code == 2
    assert "Fehler: keine Gemeinde „Tulln“ in der Runde „Runde Süd“; importieren Sie sie" in (
        " ".join(german.output.split())
    )
    english = cli("de", "upload-link", "Tulln", "--round", "Round North")
    assert "error: no municipality 'Tulln' in round 'Round North'; import it" in " ".join(
        english.output.split()
    )
    past = cli("en", "round", "update", "Runde Süd", "--final-deadline", "2020-01-15")
    assert "die letzte Frist 15.01.2020 liegt in der Vergangenheit" in past.output


def test_the_installations_commands_speak_its_language(cli, tmp_path: Path) -> None:
    german = cli("de", "init")
    assert german.exit_code == 0 and german.output.startswith("Datenbank bereit, Schema ")
    assert cli("en", "init").output.startswith("database ready at schema ")
    assert " ".join(cli("de", "rubrics", "check").output.split()) == (
        "3 Bewertungsbogen-Dateien gültig: climate-city-contract.yaml, communication.yaml, "
        "technical.yaml"
    )
    assert " ".join(cli("en", "rubrics", "check").output.split()) == (
        "3 rubric files valid: climate-city-contract.yaml, communication.yaml, technical.yaml"
    )
    assert cli("de", "outbox").output == "der Postausgang ist leer\n"
    assert cli("en", "outbox").output == "the outbox is empty\n"
    plans = cli("de", "generate-plans", str(tmp_path / "de"), "-n", "2", "--format", "pdf")
    assert plans.exit_code == 0, plans.output
    assert "2 Pläne in " in plans.output and "2 PDF, 0 DOCX; 2 Gemeinden und" in plans.output
    plans = cli("en", "generate-plans", str(tmp_path / "en"), "-n", "2", "--format", "pdf")
    assert "2 plans written to " in plans.output and "2 municipalities and" in plans.output
    refused = cli("de", "generate-plans", str(tmp_path / "x"), "--format", "odt")
    assert refused.exit_code == 2 and "--format muss pdf, docx oder both sein" in refused.output


def _flat(text: str) -> str:
    """The output without rich's frames and line breaks: one line of words."""
    return " ".join(text.replace("│", " ").split())


def test_the_help_reads_in_the_installations_language(cli) -> None:
    german = _flat(cli("de", "--help").output)
    assert "Begutachtung kommunaler Energie-Aktionspläne" in german
    assert "╭─ Befehle ─" in german and "╭─ Optionen ─" in german
    assert "assign Gutachter:innen für jeden Plan einer Runde vorschlagen" in german
    assert "--help Diese Hilfe zeigen und beenden." in german
    options = _flat(cli("de", "round", "create", "--help").output)
    assert "Eine Begutachtungsrunde anlegen." in options
    assert "╭─ Argumente ─" in options and "Eindeutiger Name, z. B. „MULTIPLY DE 2026“." in options
    assert "Frist der Gutachten (JJJJ-MM-TT); Standard: in 4 Wochen." in options
    english = _flat(cli("en", "round", "create", "--help").output)
    assert "Create a review round." in english and "╭─ Arguments ─" in english
    assert "Due date of the reviews (YYYY-MM-DD); default in 4 weeks." in english


def test_every_help_text_has_a_german_translation() -> None:
    """A new option or command without its German help would show English in a German
    terminal: `make messages`, then translate."""
    from typer.main import get_command

    from review.i18n import translator

    t = translator("de")
    missing = []

    def visit(command) -> None:
        texts = [command.help, *(getattr(p, "help", None) for p in command.params)]
        missing.extend(text for text in texts if text and t.gettext(text) == text)
        for sub in getattr(command, "commands", {}).values():
            visit(sub)

    visit(get_command(app))
    assert missing == []


def test_usage_errors_read_in_the_installations_language(cli) -> None:
    budget = cli("de", "assign", "--round", "Nord", "--budget", "viel")
    assert budget.exit_code == 2
    said = _flat(budget.output)
    assert "Ungültiger Wert für '--budget': muss eine Zahl sein" in said
    assert "Aufruf: peerplan assign [OPTIONS]" in said
    assert "Hilfe: „peerplan assign --help“." in said
    assert "muss mindestens 0,1 sein" in _flat(
        cli("de", "assign", "--round", "Nord", "--budget", "0.01").output
    )
    missing = cli("de", "round", "create")
    assert missing.exit_code == 2 and "Das Argument 'name' fehlt." in _flat(missing.output)
    unknown = cli("de", "assign", "--round", "Nord", "--bugdet", "5")
    assert "Keine solche Option: --bugdet (mögliche Optionen: --budget)" in _flat(unknown.output)
    typo = cli("de", "asign")
    assert "Keinen Befehl „asign“ gefunden. Meinten Sie 'assign'?" in _flat(typo.output)
    english = cli("en", "assign", "--round", "Nord", "--budget", "viel")
    assert english.exit_code == 2
    assert (
        "Invalid value for '--budget': Input should be a valid number, unable to parse string "
        "as a number" in _flat(english.output)
    )
    assert "Missing argument 'name'." in _flat(cli("en", "round", "create").output)
