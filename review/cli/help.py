"""A command's --help page, laid out so that every option name reads whole at 80 columns and
narrower, in the installation's language with its frame ("Usage:", "[default: ...]").

typer's rich page sets options in a table of six columns (names, negative names, type, help)
that rich shrinks to fit: at 80 columns '--reviews-per-plan' became '--reviews-per-pl…' and a
default '[default: no-avoid-recipro…'. Here an option's names stand on their own line when they
are longer than a third of the page, its help under them; shorter names keep the help beside
them. A command's help in a list is its first paragraph, single line breaks joined, wrapped at
words. The panels keep typer's look.
"""

from __future__ import annotations

import inspect

from rich.console import Console, Group, RenderableType
from rich.markup import escape
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from typer import _click
from typer.core import TyperArgument, TyperGroup, TyperOption

from review.i18n import N_, Translator

#: The panels' titles when a parameter or command names none of its own.
PANELS = {"argument": N_("Arguments"), "option": N_("Options"), "command": N_("Commands")}
#: Names longer than this share of the page's width stand on a line of their own.
NAMES_SHARE = 1 / 3
NAME_STYLE = "bold cyan"


def print_help(command: _click.Command, ctx: _click.Context, t: Translator) -> None:
    """Print `command`'s help page (what `--help` shows) in `t`'s language."""
    console = Console(highlight=False)
    width = console.width - 4  # a panel's border and padding
    console.print(Padding(_usage(command, ctx, t), (1, 1, 1, 1)))
    if command.help:
        console.print(Padding(_help_text(command.help), (0, 1, 1, 1)))
    panels: dict[str, list[tuple[Text, Text]]] = {}
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False):
            continue
        kind = "argument" if param.param_type_name == "argument" else "option"
        panel = getattr(param, "rich_help_panel", None) or t.gettext(PANELS[kind])
        panels.setdefault(panel, []).append((_names(param, ctx), _param_help(param, ctx, t)))
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            panel = getattr(sub, "rich_help_panel", None) or t.gettext(PANELS["command"])
            summary = Text(first_paragraph(sub.short_help or sub.help or ""))
            panels.setdefault(panel, []).append((Text(name, style=NAME_STYLE), summary))
    for title, rows in panels.items():
        console.print(
            Panel(_rows(rows, width), title=escape(title), title_align="left", border_style="dim")
        )


def first_paragraph(text: str) -> str:
    """A help text's first paragraph as one line (a docstring breaks its lines where the code
    does, not where the terminal does)."""
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def _usage(command: _click.Command, ctx: _click.Context, t: Translator) -> Text:
    pieces = " ".join(command.collect_usage_pieces(ctx))
    usage = Text(t.gettext("Usage:") + " ", style="yellow")
    usage.append(f"{ctx.command_path} {pieces}".rstrip(), style="bold")
    return usage


def _help_text(help_: str) -> Group:
    paragraphs = [" ".join(p.split()) for p in inspect.cleandoc(help_).split("\n\n")]
    first, *rest = paragraphs
    texts = [Text(first)]
    for paragraph in rest:
        texts += [Text(""), Text(paragraph, style="dim")]
    return Group(*texts)


def _names(param: _click.Parameter, ctx: _click.Context) -> Text:
    """'--round <str>', '--blind / --open', an argument's name: what one types."""
    if param.param_type_name == "argument":
        name = param.display_name_raw if isinstance(param, TyperArgument) else param.name
        return Text(name or "", style=NAME_STYLE)
    names = Text(", ".join(param.opts), style=NAME_STYLE)
    if param.secondary_opts:
        names.append(" / ")
        names.append(", ".join(param.secondary_opts), style=NAME_STYLE)
    if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
        value = param.display_type_rich(ctx) if isinstance(param, TyperOption) else None
        if value:
            names.append(" " + value, style="yellow")
    return names


def _param_help(param: _click.Parameter, ctx: _click.Context, t: Translator) -> Text:
    """The parameter's help, then what it defaults to, its range and whether it is required."""
    help_ = Text(" ".join(str(getattr(param, "help", None) or "").split()))
    notes: list[str] = []
    if isinstance(param, TyperOption | TyperArgument):
        default = param._extract_default_help_str(ctx=ctx)
        show_default_is_str = isinstance(param.show_default, str)
        if show_default_is_str or (
            default is not None and (param.show_default or ctx.show_default)
        ):
            shown = param._get_default_string(
                ctx=ctx, show_default_is_str=show_default_is_str, default_value=default
            )
            if shown:
                notes.append(t.gettext("default: %(value)s") % {"value": shown})
    if isinstance(param, TyperOption):
        limits = param._get_number_range_help_str()
        if limits:
            notes.append(limits)
    if param.required:
        notes.append(t.pgettext("command line", "required"))
    if notes:
        help_.append(" " if help_ else "")
        help_.append("[" + "; ".join(notes) + "]", style="dim")
    return help_


def _rows(rows: list[tuple[Text, Text]], width: int) -> Group:
    """Names and help side by side; names too long for their column on a line of their own,
    the help under them, in the help's column. One grid a row, each with the same columns."""
    cap = max(8, int(width * NAMES_SHARE))
    column = max((n.cell_len for n, _ in rows if n.cell_len <= cap), default=cap)
    lines: list[RenderableType] = []
    for names, help_ in rows:
        if names.cell_len > column:
            lines.append(names)
            names = Text("")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(width=column, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(names, help_)
        lines.append(grid)
    return Group(*lines)
