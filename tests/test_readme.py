"""The README is the newcomer's manual: every setting and every command must be in it."""

from __future__ import annotations

from pathlib import Path

import typer.main

from review.cli import app
from review.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_two_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_every_setting_is_documented() -> None:
    missing = [
        f"PEERPLAN_{name.upper()}"
        for name in Settings.model_fields
        if f"PEERPLAN_{name.upper()}" not in README
    ]
    assert not missing, f"settings missing from README.md: {missing}"


def test_every_command_is_documented() -> None:
    group = typer.main.get_group(app)
    names = []
    for name, command in group.commands.items():
        sub = getattr(command, "commands", None)
        names += [f"peerplan {name} {s}" for s in sub] if sub else [f"peerplan {name}"]
    missing = [n for n in names if f"`{n}" not in README]
    assert not missing, f"commands missing from README.md: {missing}"
