"""Every command's --help reads whole on a narrow terminal, in both languages: no option name
cut short ('--reviews-per-pl…'), no word ending in an ellipsis, the frame in the language."""

from __future__ import annotations

import re

import pytest
from typer import _click
from typer.main import get_command
from typer.testing import CliRunner

from review.cli import app
from review.cli.language import PeerplanCommand, PeerplanGroup

runner = CliRunner()


def _commands(command: _click.Command, path: tuple[str, ...] = ()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(get_command(app)))


def test_every_command_has_peerplans_help_page() -> None:
    """A group made with typer.Typer, not PeerplanTyper, would show typer's table again."""
    assert all(isinstance(c, PeerplanCommand | PeerplanGroup) for _, c in COMMANDS)


def _flat(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("columns", ["80", "60"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_option_name_reads_whole(
    language: str, columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_LANGUAGE", language)
    monkeypatch.setenv("COLUMNS", columns)
    for path, command in COMMANDS:
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        page = _flat(result.output)
        assert "…" not in page and "..." not in re.sub(r"[\]}]\.\.\.", "", page), (path, page)
        assert max(len(line) for line in result.output.splitlines()) <= int(columns)
        for param in command.params:
            for name in (*param.opts, *param.secondary_opts):
                if name.startswith("-"):
                    assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", page), (
                        path,
                        name,
                        page,
                    )


def test_the_frame_reads_in_the_installations_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "de")
    german = _flat(runner.invoke(app, ["round", "create", "--help"]).output)
    assert "Aufruf: peerplan round create" in german
    assert "Gutachten, die jeder Plan erhält. [Standard: 3; x>=1]" in german
    assert "Eindeutiger Name, z. B. „MULTIPLY DE 2026“. [erforderlich]" in german
    assert "[default" not in german and "[required" not in german
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "en")
    english = _flat(runner.invoke(app, ["round", "create", "--help"]).output)
    assert "Usage: peerplan round create" in english
    assert "Reviews each plan gets. [default: 3; x>=1]" in english
    serve = _flat(runner.invoke(app, ["serve", "--help"]).output)
    assert "PEERPLAN_PORTAL_BASE_URL. --portal" in serve  # no '[default: 0]' contradicting it


def test_a_commands_summary_joins_its_docstrings_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A docstring breaks its lines where the code does: the list of commands reads on."""
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "en")
    page = runner.invoke(app, ["--help"]).output
    assert "editions), the round summary and the score exports." in _flat(page)
    assert not re.search(r"editions\), the\s*│\n", page)
