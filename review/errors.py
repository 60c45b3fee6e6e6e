"""Errors a user can act on. Each message says what is wrong and, where possible, what to do.

The CLI, the portal and the flows print these messages as they are; any other exception is a bug.
"""

from __future__ import annotations

from review.i18n import Message, Phrase, said, translator


class PeerplanError(Exception):
    """Base of all errors whose message is meant for the user.

    `PeerplanError(N_("no round named '%(name)s'"), name=name)` keeps its English source text
    and values, so that `text(language)` says it in the reader's language (the CLI prints it in
    the coordinator's); `str()` is English. A message given already filled in (no values) is
    said as it is."""

    def __init__(self, message: object = "", **values: object) -> None:
        self.message, self.values = str(message), values
        super().__init__(self.message % values if values else self.message)

    def text(self, language: str) -> str:
        t = translator(language)
        message = t.gettext(self.message) if self.message else str(self)
        if not self.values:
            return message
        return message % {k: said(t, v) for k, v in self.values.items()}


def said_error(exc: PeerplanError) -> str:
    """An error as a value of a Phrase, said in the reader's language where it kept its source
    text and values (a deadline run's problem, read later in the coordinator's language)."""
    if exc.values:
        return Phrase(exc.message, **exc.values)
    return Message(exc.message) if exc.message else str(exc)


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
        Exception.__init__(self, message % values)

    def text(self, language: str) -> str:
        t = translator(language)
        return t.gettext(self.message) % {k: said(t, v) for k, v in self.values.items()}


class Refused(Translatable, InvalidInput):
    """Invalid input, said in the reader's language (see `Translatable`)."""
