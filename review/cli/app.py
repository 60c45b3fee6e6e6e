"""The `peerplan` Typer application and what every command shares: settings, a database session,
and turning user errors into a clear message and exit code instead of a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlmodel import Session

from review.cli.language import PeerplanCommand, PeerplanGroup, error_translator
from review.cli.layout import say
from review.config import Settings, load_settings
from review.coordinator.language import (
    coordinator_translator,
)
from review.db import get_engine, migrate, session_scope
from review.errors import PeerplanError
from review.i18n import Translator
from review.private import keep_private


class PeerplanTyper(typer.Typer):
    """A typer application whose commands and groups are peerplan's (help and usage errors in
    the installation's language, help pages that read whole at 80 columns): each module's
    group of commands is one of these too."""

    def __init__(self, *args: Any, cls: type[typer.core.TyperGroup] | None = None, **kwargs: Any):
        super().__init__(*args, cls=cls or PeerplanGroup, **kwargs)

    def command(  # type: ignore[override]
        self, *args: Any, cls: type[typer.core.TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Callable[P, R]], Callable[P, R]]:
        return super().command(*args, cls=cls or PeerplanCommand, **kwargs)


app = PeerplanTyper(
    name="peerplan",
    help="Peer review of municipal energy action plans: intake, assignment, forms, deadlines, "
    "consolidated reviews.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
#: soft_wrap: what is printed as it is (a progress line) is never cropped; messages are wrapped
#: at words with `say`, a path or a link in them whole.
err_console = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def user_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print a PeerplanError's message in the coordinator's language and exit 2; anything else
    is a bug and keeps its traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except PeerplanError as exc:
            t = error_translator(kwargs.get("round_name"))
            # Escaped: the message may quote user text (a file name, an SMTP answer) with
            # brackets that rich would read as markup, or fail on.
            say(
                err_console,
                "[bold red]" + escape(t.gettext("error:")) + "[/] " + escape(exc.text(t.language)),
            )
            raise typer.Exit(2) from None

    return wrapper


def installation_translator() -> Translator:
    """The language of a command about the installation, not about one round."""
    return coordinator_translator(load_settings())


def settings() -> Settings:
    keep_private()  # before any command creates a log, a database or an export (#17)
    return load_settings()


@contextmanager
def database(settings_: Settings | None = None) -> Iterator[Session]:
    """A session on an up-to-date schema (migrating first is cheap and saves a forgotten `init`)."""
    settings_ = settings_ or settings()
    migrate(settings_)
    with session_scope(get_engine(settings_)) as session:
        yield session
