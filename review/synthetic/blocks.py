"""The building blocks of a synthetic plan's document (headings, paragraphs, tables, table of
contents, page breaks) and how it writes numbers and dates in its language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 0 title, 1 chapter, 2 section
    part: str | None = None


@dataclass(frozen=True)
class Paragraph:
    text: str
    part: str | None = None


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    part: str | None = None


@dataclass(frozen=True)
class TocEntry:
    """A line of the table of contents naming the chapter heading `text`."""

    text: str


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | TocEntry | PageBreak


def fmt_int(value: int, language: str) -> str:
    """1.234.567 in German, 1,234,567 in English."""
    text = f"{value:,}"
    return text.replace(",", ".") if language == "de" else text


def fmt_date(value: date, language: str) -> str:
    return value.strftime("%d.%m.%Y") if language == "de" else value.strftime("%d %B %Y")
