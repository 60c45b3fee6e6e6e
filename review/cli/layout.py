"""Tables and messages that read whole in an 80-column terminal: a row's short facts in
columns, its long text (a reason, a file name) on the lines under it, as wide as the terminal;
an error or a notice wrapped at words (`say`).

rich's Table gives each column a share of the width: a column of reasons beside four others was
14 characters wide at 80 columns ('Textähnlichkei' / 't 0,174'), a column of file names folded
'001-little-w' / 'eyfield.pdf'. Here each row is a grid of the same columns (so the rows line
up), the columns named in `fixed` as wide as their widest cell while the others keep at least
`MIN_SHARED` characters (narrower terminals share the width by each column's widest cell), the
others sharing the rest and wrapping at words; each line under a row is indented and wraps at
words too. Laid out when printed, for the terminal's width.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal

from rich._wrap import divide_line
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

#: How far the lines under a row are indented.
INDENT = 4
#: The least width a column without a fixed width keeps before the fixed ones give way.
MIN_SHARED = 14
GAP = 2

Cell = str | Text


class RowsWithLines:
    """`rows` as (cells, lines under the row); `right` names the columns set flush right."""

    def __init__(
        self,
        header: Sequence[str],
        rows: Sequence[tuple[Sequence[Cell], Sequence[Cell]]],
        *,
        title: str = "",
        fixed: Sequence[int] = (),
        right: Sequence[int] = (),
    ) -> None:
        self.header, self.rows, self.title = list(header), list(rows), title
        self.fixed, self.right = set(fixed), set(right)
        cells = [self.header, *(c for c, _ in self.rows)]
        self.natural = [max(_cell(row[i]).cell_len for row in cells) for i in range(len(header))]
        self.longest_word = [
            max(len(word) for row in cells for word in [*_cell(row[i]).plain.split(), ""])
            for i in range(len(header))
        ]

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> Iterator[RenderableType]:
        widths = self._widths(options.max_width)
        if self.title:
            yield Text(self.title, style="italic", justify="center")
        yield self._line(self.header, widths, style="bold")
        for cells, under in self.rows:
            yield self._line(cells, widths)
            for text in under:
                shown = text if isinstance(text, Text) else Text(text, style="dim")
                yield Padding(shown, (0, 0, 0, INDENT))

    def _widths(self, width: int) -> list[int | None]:
        """Each column's width: fixed ones as wide as their widest cell while the others keep
        MIN_SHARED (None: a share of the rest); narrower, each column its longest word and a
        share of what is left by how much more its widest cell needs."""
        n = len(self.header)
        room = width - GAP * (n - 1)
        shared = [i for i in range(n) if i not in self.fixed]
        if room - sum(self.natural[i] for i in self.fixed) >= MIN_SHARED * len(shared):
            return [self.natural[i] if i in self.fixed else None for i in range(n)]
        words: list[int] = list(self.longest_word)
        wants: list[int] = [self.natural[i] - words[i] for i in range(n)]
        left, wanted = room - sum(words), sum(wants)
        if left > 0 and wanted:
            words = [
                w + min(more, left * more // wanted) for w, more in zip(words, wants, strict=True)
            ]
        return [max(1, w) for w in words]

    def _line(self, cells: Sequence[Cell], widths: list[int | None], style: str = "") -> Table:
        grid = Table.grid(padding=(0, GAP), expand=True)
        for i, width in enumerate(widths):
            justify: Literal["left", "right"] = "right" if i in self.right else "left"
            if width is None:
                grid.add_column(ratio=1, justify=justify, overflow="fold")
            else:
                grid.add_column(width=width, justify=justify, overflow="fold")
        grid.add_row(*(_cell(c, style) for c in cells))
        return grid


def _cell(value: Cell, style: str = "") -> Text:
    return value if isinstance(value, Text) else Text(value, style=style)


rows_with_lines = RowsWithLines


class Said:
    """A message wrapped at words for the width it is printed in. rich wraps at words too, but
    folds a word longer than a line: a path or a link would then break in two where a copy
    takes it apart. Here such a word stands whole on a line of its own (rich's own word
    division, without folding), and only the terminal folds it, as one line it copies whole."""

    def __init__(self, message: str | Text) -> None:
        self.message = message

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = (
            console.render_str(self.message, highlight=False)
            if isinstance(self.message, str)
            else self.message
        )
        width = options.max_width
        for line in text.split(allow_blank=True):
            for part in line.divide(divide_line(line.plain, width, fold=False)):
                part.rstrip()
                part.no_wrap, part.overflow = True, "ignore"  # wrapped here, once
                yield part


def say(console: Console, message: str | Text, *, style: str = "") -> None:
    """Print an error or a notice wrapped at words for the terminal's width (`Said`), so that
    the terminal never breaks it mid-word. `message` may hold rich markup (escape the values
    put in it); a word longer than a line is printed whole (not cropped)."""
    console.print(Said(message), style=style, crop=False, highlight=False)
