"""Which language peerplan speaks to the coordinator in outside the portal: the Prefect
artifacts and the CLI's lines.

The round's language where a round is concerned: it is the coordinator's language already (the
digest, the escalations, the coordinator's edition and the round page use it). Where no round is
(the escalation run over every round, `peerplan round create` before the round exists, a command
about the installation), the installation's: `PEERPLAN_LANGUAGE`, else the system locale that a
coordinator's terminal is set to (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`, the order gettext
reads them in), else German, peerplan's default everywhere.
"""

from __future__ import annotations

import os
import re

from review.config import Settings
from review.db import get_engine, session_scope
from review.errors import NotFound
from review.i18n import Translator, is_language, pick_language, translator
from review.rounds import get_round

#: Where gettext looks for the user's language, first to last.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def system_language() -> str | None:
    """The language of the first locale variable set to a language peerplan writes: 'de' for
    `de_DE.UTF-8`; None for the C/POSIX locale (a server's, which names no language)."""
    for name in LOCALE_VARIABLES:
        for value in os.environ.get(name, "").split(":"):  # LANGUAGE may list several
            code = re.split(r"[_.@-]", value.strip(), maxsplit=1)[0].lower()
            if code and code not in ("c", "posix") and is_language(code):
                return code
    return None


def coordinator_language(settings: Settings, round_language: str | None = None) -> str:
    """The round's language when a round is concerned, else the installation's."""
    return pick_language(round_language, settings.language, system_language())


def coordinator_translator(settings: Settings, round_language: str | None = None) -> Translator:
    return translator(coordinator_language(settings, round_language))


def round_translator(settings: Settings, round_name: str | None) -> Translator:
    """The translator of what is said about the round `round_name` (its language), or about
    every round (None: the installation's language). A round that does not exist has no
    language: the installation's says so."""
    if round_name is None:
        return coordinator_translator(settings)
    with session_scope(get_engine(settings)) as session:
        try:
            round_ = get_round(session, round_name)
        except NotFound:
            return coordinator_translator(settings)
        return coordinator_translator(settings, round_.language)
