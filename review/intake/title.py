"""A plan's title from its file's own metadata, when that metadata is one.

A PDF printed from Word names itself "Microsoft Word - Bericht_2017_07_12.docx": both of
Münster's real plans do. Shown as the plan's title that reaches every reviewer's invitation
("Einladung zum Review: Microsoft Word - Bericht_2017_07_12.docx"), the Word form and the
consolidated documents; without a title they name the municipality instead, which says more.
"""

from __future__ import annotations

import re

#: What Office's PDF printer puts before the document's name ("Microsoft Word - plan.docx").
_PRINTER_PREFIX = re.compile(
    r"^\s*(?:microsoft\s+(?:office\s+)?(?:word|powerpoint|excel)|word|powerpoint)\s+-\s+",
    re.IGNORECASE,
)
#: A name ending like a file: the document's file name, not a title.
_FILE_NAME = re.compile(r"\.(?:docx?|docm|dotx?|pdf|odt|rtf|pptx?|xlsx?|txt|indd)\s*$", re.I)
#: Office's placeholders for a document nobody named.
_PLACEHOLDER = re.compile(
    r"^(?:untitled|unbenannt|ohne\s+titel|kein\s+titel|no\s+title|titel|title|"
    r"dokument\s*\d*|document\s*\d*|präsentation\s*\d*|presentation\s*\d*|"
    r"powerpoint-präsentation|powerpoint\s+presentation)$",
    re.IGNORECASE,
)


def plan_title(metadata_title: object) -> str:
    """The metadata's title as a person would write it, or "" when it is a file name, a
    printer's label or a placeholder."""
    title = " ".join(str(metadata_title or "").split())
    title = _PRINTER_PREFIX.sub("", title).strip()
    if not title or _FILE_NAME.search(title) or _PLACEHOLDER.match(title):
        return ""
    return title
