"""The command line's own words in the installation's language: the help of each command and
option, and the usage errors found before a command runs (a missing argument, an unknown option,
an invalid value).

Typer builds the click commands from the English texts in the code each time `peerplan` runs;
`PeerplanGroup.main` translates their help texts before the arguments are read, into the
installation's language (`PEERPLAN_LANGUAGE`, else the locale: no round is known yet). They are
catalog entries because `make messages` reads each `help=` and each command's docstring in
review/cli (`extract_cli`, named in babel.cfg). A usage error is caught where the vendored click
raises it and said from the catalog by its kind, with its values (the option; what pydantic
found wrong with the value, `review.validation`). In English everything reads as typer writes it.

The help page's frame ("Usage:", "[default: ...]", "[required]") is peerplan's own
(`review.cli.help`), in the same language.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from typer import _click
from typer._click.exceptions import (
    BadParameter,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup

from review.cli.help import PANELS, print_help
from review.config import load_settings
from review.coordinator.language import round_translator, system_language
from review.i18n import N_, SOURCE_LANGUAGE, Translator, pick_language, said, translator
from review.validation import problem_message

#: Texts of typer's that are help texts of peerplan's commands (the help and completion options).
TYPER_HELP = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)


class PeerplanCommand(TyperCommand):
    """A command whose --help page reads whole at 80 columns, frame and all in the
    installation's language (`review.cli.help`)."""

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        print_help(self, ctx, _installation_translator())


class PeerplanGroup(TyperGroup):
    """The `peerplan` command and its groups: help and usage errors in the installation's
    language."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        translate_help(self, _installation_translator())
        return super().main(*args, **kwargs)

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        print_help(self, ctx, _installation_translator())

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: _click.Context | None = None,
        **extra: Any,
    ) -> _click.Context:
        with usage_errors_said():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: _click.Context) -> Any:
        with usage_errors_said():  # a subcommand's arguments are read here
            return super().invoke(ctx)


def error_translator(round_name: object) -> Translator:
    """The language an error is said in: the round's when the command names one that exists,
    else the installation's. An error in the settings or the database itself must still be
    said: then the installation's language as the environment names it."""
    try:
        return round_translator(load_settings(), str(round_name) if round_name else None)
    except Exception:
        return translator(pick_language(os.environ.get("PEERPLAN_LANGUAGE"), system_language()))


def _installation_translator() -> Translator:
    return error_translator(None)


def translate_help(command: _click.Command, t: Translator) -> None:
    """Every help text of `command` and its subcommands in `t`'s language (once per command:
    typer builds the commands afresh for each run)."""
    if t.language == SOURCE_LANGUAGE or getattr(command, "_peerplan_language", None):
        return
    command._peerplan_language = t.language  # type: ignore[attr-defined]
    for name in ("help", "short_help"):
        text = getattr(command, name, None)
        if text:
            setattr(command, name, t.gettext(text))
    params = list(command.params)
    help_option = command.get_help_option(_click.Context(command))
    if help_option is not None:
        params.append(help_option)
    for param in params:
        if getattr(param, "help", None):
            param.help = t.gettext(param.help)  # type: ignore[attr-defined]
        if not getattr(param, "rich_help_panel", None):
            panel = PANELS["argument" if param.param_type_name == "argument" else "option"]
            param.rich_help_panel = t.gettext(panel)  # type: ignore[attr-defined]
    for sub in getattr(command, "commands", {}).values():
        if not getattr(sub, "rich_help_panel", None):
            sub.rich_help_panel = t.gettext(PANELS["command"])
        translate_help(sub, t)


# ---------------------------------------------------------------------- usage errors

#: The usage errors the vendored click and typer write as a finished sentence, read back.
_SENTENCES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"No such command '(?P<name>.*)'\. Did you mean (?P<matches>.*)\?"),
        N_("No such command '%(name)s'. Did you mean %(matches)s?"),
    ),
    (re.compile(r"No such command '(?P<name>.*)'\."), N_("No such command '%(name)s'.")),
    (re.compile(r"Missing command\."), N_("Missing command.")),
    (
        re.compile(r"Got unexpected extra arguments? \((?P<args>.*)\)"),
        N_("Unexpected extra arguments (%(args)s)."),
    ),
    (
        re.compile(r"Option '(?P<option>.*)' requires an argument\."),
        N_("Option '%(option)s' requires a value."),
    ),
    (
        re.compile(r"Option '(?P<option>.*)' does not take a value\."),
        N_("Option '%(option)s' does not take a value."),
    ),
]
_MISSING = {
    "argument": N_("Missing argument %(param)s."),
    "option": N_("Missing option %(param)s."),
}


def usage_error_text(error: UsageError, t: Translator) -> str:
    """A usage error in `t`'s language; a kind the catalog lacks keeps its English text."""
    _ = t.gettext
    if isinstance(error, MissingParameter):
        param = _param_hint(error)
        kind = error.param_type or (error.param.param_type_name if error.param else "")
        if kind in _MISSING and param:
            return _(_MISSING[kind]) % {"param": param}
        return error.format_message()
    if isinstance(error, BadParameter):
        param = _param_hint(error)
        problem = _problem(error, t)
        if param:
            return _("Invalid value for %(param)s: %(problem)s") % {
                "param": param,
                "problem": problem,
            }
        return _("Invalid value: %(problem)s") % {"problem": problem}
    if isinstance(error, NoSuchOption):
        text = _("No such option: %(option)s") % {"option": error.option_name}
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            text += " " + _("(Possible options: %(options)s)") % {"options": options}
        return text
    problem = _problem(error, t)
    if problem != error.message:
        return problem
    for pattern, message in _SENTENCES:
        match = pattern.fullmatch(error.message)
        if match:
            return _(message) % match.groupdict()
    return error.format_message()


def _param_hint(error: BadParameter) -> str:
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint()
    if hint is None:
        return ""
    return hint if isinstance(hint, str) else " / ".join(repr(x) for x in hint)


def _problem(error: UsageError, t: Translator) -> str:
    """What pydantic found wrong with the value (the error's cause), else the error's text."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, ValidationError) and cause.errors():
        return str(said(t, problem_message(cause.errors()[0])))
    return error.message


def show_usage_error(error: UsageError, t: Translator, file: IO[str] | None = None) -> None:
    """What typer prints for a usage error (usage, where the help is, the error), in `t`'s."""
    console = Console(file=file, stderr=file is None, soft_wrap=True, highlight=False)
    ctx = error.ctx
    if ctx is not None:
        usage = ctx.get_usage()
        if usage.startswith("Usage:"):
            usage = t.gettext("Usage:") + usage.removeprefix("Usage:")
        console.print(escape(usage), style="yellow")
        if ctx.command.get_help_option(ctx) is not None:
            hint = t.gettext("Try '%(command)s %(option)s' for help.") % {
                "command": ctx.command_path,
                "option": ctx.help_option_names[0],
            }
            console.print(escape(hint), style="dim")
    console.print(
        Panel(
            escape(usage_error_text(error, t)),
            border_style="red",
            title=escape(t.gettext("Error")),
            title_align="left",
        )
    )


@contextmanager
def usage_errors_said() -> Iterator[None]:
    """Say a usage error raised inside in the installation's language and exit 2, as typer
    would; in English (or while completing a shell's word) leave it to typer."""
    try:
        yield
    except NoArgsIsHelpError:
        raise
    except UsageError as error:
        if error.ctx is not None and error.ctx.resilient_parsing:
            raise
        t = _installation_translator()
        if t.language == SOURCE_LANGUAGE:
            raise
        show_usage_error(error, t)
        raise typer.Exit(error.exit_code) from None


# ---------------------------------------------------------------------- extraction


def extract_cli(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[Any]:
    """Babel's Python extractor, and each help text of a CLI module: `help=` of any call and the
    docstring of each function registered as a command (what typer shows as its help)."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                text = keyword.value if keyword.arg == "help" else None
                if isinstance(text, ast.Constant) and isinstance(text.value, str) and text.value:
                    yield text.lineno, "gettext", text.value, []
        elif isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr in ("command", "callback")
            for d in node.decorator_list
        ):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                yield node.lineno, "gettext", docstring, []
