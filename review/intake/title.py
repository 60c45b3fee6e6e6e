"""A plan's title from its file's own metadata, when that metadata is one.

A PDF printed from Word names itself "Microsoft Word - Bericht_2017_07_12.docx": both of
Münster's real plans do. Shown as the plan's title that reaches every reviewer's invitation
("Einladung zum Review: Microsoft Word - Bericht_2017_07_12.docx"), the Word form and the
consolidated documents; without a title they name the municipality instead, which says more.
The same goes for a title made of words that fit any plan: all 30 Climate City Contracts of the
real plans carry "held-out action plan", set when the collection was made ("Action Plan",
"Template", "Entwurf" alike): every plan of a round would be called the same.
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
#: Words that fit any plan or any file: a title of these alone names none ("held-out action
#: plan", "Action Plan - Draft v2", "Vorlage Aktionsplan", "Template"). A word of its own
#: ("Climate City Contract: Action Plan", "Klimaschutzkonzept Münster") makes it a title.
_FILLER = """
    a an the of for and der die das des für und
    action plan plans document doc file report title untitled template sample example dummy
    placeholder test draft final version new copy held out held-out holdout hidden anonymous
    anonymised anonymized redacted blank empty default
    aktionsplan plan dokument datei bericht titel unbenannt vorlage muster beispiel entwurf
    endfassung fassung version neu kopie leer anonym anonymisiert
"""
_SAYS_NOTHING = frozenset(_FILLER.split())
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
#: Numbers a placeholder carries: "v2", "2", "Rev3".
_NUMBERING = re.compile(r"^(?:v|ver|rev)?\d+$", re.IGNORECASE)


def plan_title(metadata_title: object) -> str:
    """The metadata's title as a person would write it, or "" when it is a file name, a
    printer's label, a placeholder or words that fit any plan."""
    title = " ".join(str(metadata_title or "").split())
    title = _PRINTER_PREFIX.sub("", title).strip()
    if not title or _FILE_NAME.search(title) or _PLACEHOLDER.match(title):
        return ""
    if _says_nothing(title):
        return ""
    return title


def _says_nothing(title: str) -> bool:
    words = [w.lower() for w in _WORD.findall(title)]
    return all(
        w in _SAYS_NOTHING or all(p in _SAYS_NOTHING for p in w.split("-")) or _NUMBERING.match(w)
        for w in words
    )
