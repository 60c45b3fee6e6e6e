"""Where the shipped data folders are: `rubrics/`, `programme/`, `templates/` and `locales/` at the top of a
checkout, or inside the installed wheel (`review/_shipped/`)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    return _PACKAGE / "_shipped" / name


RUBRICS_DIR = _shipped("rubrics")
PROGRAMME_DIR = _shipped("programme")
TEMPLATES_DIR = _shipped("templates")
LOCALES_DIR = _shipped("locales")
