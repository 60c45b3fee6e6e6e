"""Errors a user can act on. Each message says what is wrong and, where possible, what to do.

The CLI, the portal and the flows print these messages as they are; any other exception is a bug.
"""

from __future__ import annotations

from datetime import date

from review.i18n import Message, Translator, translator


class PeerplanError(Exception):
    """Base of all errors whose message is meant for the user."""


class NotFound(PeerplanError):
    pass


class AlreadyExists(PeerplanError):
    pass


class InvalidInput(PeerplanError):
    pass


class Translatable(PeerplanError):
    """A user error written for a person: `message` is the English source text (a catalog entry,
    marked with `N_`, with `%(name)s` placeholders) and `values` fill it. `str()` is English;
    `text(language)` is the message in the reader's language (a `Message` value translated, a
    date written as the language writes it)."""

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values)

    def text(self, language: str) -> str:
        t = translator(language)
        return t.gettext(self.message) % {k: _value(t, v) for k, v in self.values.items()}


def _value(t: Translator, value: object) -> object:
    if isinstance(value, Message):  # a Phrase fills its own values in the language too
        return value(t.language)
    if isinstance(value, date):
        return t.format_date(value)
    return value


class Refused(Translatable, InvalidInput):
    """Invalid input, said in the reader's language (see `Translatable`)."""
