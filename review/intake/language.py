"""German or English? A stop-word vote: plans are long, so common words decide reliably."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

STOP_WORDS = {
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "mit",
            "den",
            "von",
            "zu",
            "im",
            "dem",
            "des",
            "ein",
            "eine",
            "einer",
            "auf",
            "für",
            "sich",
            "auch",
            "werden",
            "wird",
            "sind",
            "als",
            "bei",
            "nach",
            "durch",
            "oder",
            "wie",
            "noch",
            "aus",
            "über",
            "zur",
            "zum",
            "bis",
            "sowie",
            "wurde",
            "wurden",
            "kann",
            "können",
            "dass",
            "daß",
            "diese",
            "dieser",
            "hat",
            "haben",
            "gegenüber",
            "jahr",
            "jahren",
            "soll",
            "sollen",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "is",
            "in",
            "that",
            "for",
            "with",
            "are",
            "be",
            "by",
            "on",
            "as",
            "this",
            "from",
            "at",
            "or",
            "which",
            "will",
            "it",
            "have",
            "has",
            "was",
            "were",
            "its",
            "these",
            "their",
            "been",
            "can",
            "should",
            "would",
            "through",
            "per",
            "into",
            "all",
            "also",
            "our",
            "we",
            "more",
            "year",
            "years",
        ]
    ),
}
_WORD = re.compile(r"[a-zäöüß]+")
SAMPLE_CHARS = 50_000  # enough words to decide; keeps long plans cheap
MIN_VOTES = 8
# `_WORD.findall` in a third of its time: in Latin-1 bytes, every character but a-z, ä, ö, ü
# and ß becomes a space (one not in Latin-1 becomes "?" first), and the words are what stands
# between spaces. The stop words as those bytes.
_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
_SPACE_BUT_LETTERS = bytes(b if chr(b) in _LETTERS else 0x20 for b in range(256))
_STOP_BYTES = {
    language: [w.encode("latin-1", "replace") for w in words]
    for language, words in STOP_WORDS.items()
}

_STOP_SET = frozenset(w for words in _STOP_BYTES.values() for w in words)


def words_of(text: str) -> list[bytes]:
    """The words `_WORD.findall(text)` finds, as Latin-1 bytes."""
    return text.encode("latin-1", "replace").translate(_SPACE_BUT_LETTERS).split()


def detect_language(texts: Iterable[str]) -> str | None:
    """'de', 'en', or None when there are too few common words to tell (e.g. no text layer)."""
    sample, size = [], 0
    for text in texts:
        sample.append(text)
        size += len(text)
        if size >= SAMPLE_CHARS:
            break
    # Only the stop words counted: the others never vote (a third of the counting's time).
    counts = Counter(
        filter(_STOP_SET.__contains__, words_of(" ".join(sample)[:SAMPLE_CHARS].lower()))
    )
    votes = {language: sum(counts[w] for w in words) for language, words in _STOP_BYTES.items()}
    best = max(votes, key=votes.__getitem__)
    if votes[best] < MIN_VOTES:
        return None
    return best
