"""Redaction: what a blind round shares (the municipality edition, the blind exports) never names
a reviewer, however a person wrote the name into a comment.

Matching is on *folded* text: case folded, diacritics removed ("Strauß" and "STRAUSS" and
"strauss" are one), invisible characters (soft hyphen, zero-width space) dropped, typographic
apostrophes and dashes as the plain ones ("O’Brien", "Müller–Lüdenscheidt"), and any run of
whitespace (double space, no-break space, thin space, line break) between words counts as one.
German transcriptions count too: "Müller", "Mueller" and "Muller" are the same name. The text
around a match is left exactly as it was written.

What is redacted, per reviewer (whole words only, never inside another word):
- the name as registered, and the first given name with the surname ("Tobias Strauß");
- initials with the surname ("T. Strauß", "T.Strauß", "T. M. Strauß") and the surname first
  ("Strauß, Tobias", "Strauß, T.");
- the surname alone, where it is distinctive: at least 4 letters, not an everyday word
  (`EVERYDAY_SURNAMES`: "Klein", "Winter", "Wolf", ... would black out ordinary text) and not a
  word of the plan's own municipality; particles belong to it ("von der Leyen");
- the email address, and its local part ("tobias.strauss", also as "tobias_strauss") when it
  names the reviewer or cannot be an ordinary word (a digit or a separator in it): "info" or
  "klimaschutz" as a local part stay, they are words every comment may use;
- the home municipality, unless it is the plan's own (a comment on the plan may name it).
Terms shorter than 3 characters are ignored.

Left for a person to catch: a given name alone, nicknames, a surname that is an everyday word
written without given name or initial, and descriptions ("the energy manager of Krems").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from review.consolidation.gather import PlanDossier
from review.documents.text import clean
from review.i18n import N_, translator

REDACTED = N_("[redacted]")

#: Name particles that belong to the surname that follows them ("Ursula von der Leyen").
_PARTICLES = "von van vom zu zum zur der den de del della di da dos das du le la ten ter"
PARTICLES = frozenset(_PARTICLES.split())

#: Surnames that are also everyday German or English words, folded: redacted with a given name or
#: initial, never alone (a plan review says "klein", "Winter", "Wald" and "green" all the time).
_EVERYDAY_SURNAMES = """
    alt bach baker bauer baum becker bell berg berger bergmann bird black bock bond brand braun
    brown brunner busch bush case cook cross day dean dorf ernst falk feld field fink fischer
    fish fox frank freund fried friedrich fuchs gast gold good graf grant gray green grey gross
    gruen hahn hall hart hase haus heide herr hill hof hofmann holland holz horn house hubert
    hunt jung kaiser kamm kern kind king kirch klein koch koenig kohl kraft krause kuhn kurz
    lamb lamm lane lang lange law licht link long love lowe maier mann mark marsh mason may
    mayer meier meister meyer miller mohr moon moore moser mueller muller nagel neu neumann
    niemand ost otto park parker peter pfeiffer pool power price reich rich richter ring rose
    roth sache salt sand schaefer schmid schmidt schmitt schneider schoen schroeder schubert
    schulz schwarz see seidel sharp shaw short small smith snow sommer sonne stark stein stern
    stock stone strasse sturm summer swan tal taylor thal turner vogel voigt wagner wald wall
    walter ward waters weber wechsler weiss wenig werner west white wild winter wolf wolff wood
    young zimmer zimmermann
"""
EVERYDAY_SURNAMES = frozenset(_EVERYDAY_SURNAMES.split())

_WORD_START = r"(?<![^\W_])"  # not preceded by a letter or digit
_WORD_END = r"(?![^\W_])"  # not followed by one
_SPACE = r"\s+"
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_FOLDED: dict[int, str] = {}  # code point -> folded text, filled as characters are seen


_LOOKALIKES = {
    **dict.fromkeys("\u2018\u2019\u02bc\u00b4`", "'"),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),
}


def _fold_char(char: str) -> str:
    if unicodedata.category(char) == "Cf":  # soft hyphen, zero-width space and joiners
        return ""
    if char in _LOOKALIKES:  # typographic apostrophes and dashes, as word processors set them
        return _LOOKALIKES[char]
    decomposed = unicodedata.normalize("NFKD", char.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _table_for(text: str) -> dict[int, str]:
    for char in set(text):
        if ord(char) not in _FOLDED:
            _FOLDED[ord(char)] = _fold_char(char)
    return _FOLDED


def fold(text: str) -> str:
    """Case, diacritics (ß as ss) and invisible characters folded away; one char may become two
    ("ß" -> "ss") or none (a soft hyphen)."""
    return text.translate(_table_for(text))


def _origins(text: str) -> list[int]:
    """For each character of `fold(text)`, the index of the character of `text` it came from."""
    table = _table_for(text)
    origin: list[int] = []
    for index, char in enumerate(text):
        origin.extend([index] * len(table[ord(char)]))
    return origin


def _variants(word: str) -> list[str]:
    """One word as people write it, folded: "Müller" -> muller, mueller; "Mueller" -> mueller,
    muller; "Strauß" -> strauss."""
    plain = fold(word)
    found = {plain, fold(word.translate(_GERMAN)), re.sub(r"([aou])e", r"\1", plain)}
    return sorted((v for v in found if v), key=lambda v: (-len(v), v))


def _name_words(term: str) -> list[list[str]]:
    """The words of a name, each with its spellings (the first is the plain folded one)."""
    words = [w for w in term.split() if fold(w)]
    return [[fold(w), *(v for v in _variants(w) if v != fold(w))] for w in words]


def _word(variants: list[str]) -> str:
    """Regex for one word in any of its spellings; a hyphen inside it may be a space or nothing."""
    escaped = (re.escape(v).replace(r"\-", r"[-\s]?") for v in variants)
    return "(?:" + "|".join(escaped) + ")"


def _phrase(words: list[list[str]]) -> str:
    """Regex for words in a row with any whitespace between them."""
    return _SPACE.join(_word(w) for w in words)


@dataclass(frozen=True)
class Identity:
    """A reviewer as a blind document must not show them."""

    name: str
    email: str = ""
    home: str = ""  # home municipality; left empty when it is the plan's own


def _split_name(
    words: list[list[str]],
) -> tuple[list[list[str]], list[list[str]]]:
    """Given names and surname (with its particles)."""
    start = len(words) - 1
    while start > 1 and words[start - 1][0] in PARTICLES:
        start -= 1
    return words[:start], words[start:]


def _distinctive(words: list[list[str]], keep: frozenset[str]) -> bool:
    """Whether a surname alone names a person rather than a thing: see the module docstring."""
    spellings = {" ".join(w[0] for w in words)} | {v for w in words for v in w}
    letters = re.sub(r"\W", "", "".join(w[0] for w in words))
    return len(letters) >= 4 and not spellings & (EVERYDAY_SURNAMES | keep)


def _name_patterns(name: str, keep: frozenset[str]) -> set[str]:
    words = _name_words(name)
    if not words:
        return set()
    given, surname = _split_name(words)
    last = _phrase(surname)
    alone = [_phrase(part) for part in (surname, surname[-1:]) if _distinctive(part, keep)]
    if not given:
        return {last}  # a one-word name is redacted as registered
    # One compact pattern per name (compiling is the cost of a redactor): any run of the given
    # names and initials before the surname, or the surname first and a given name or initial.
    names = _word(sorted({v for w in given for v in w}, key=lambda v: (-len(v), v)))
    initials = "[" + "".join(sorted({re.escape(w[0][0]) for w in given})) + "]"
    # Bounded repetition: an unbounded one backtracks in quadratic time on "t t t t ...".
    before = rf"(?:{names}[-\s]+|{initials}\.?[-\s]*){{1,{len(given) + 1}}}"
    after = rf",?\s+(?:{names}|{initials}\.)"
    return {before + last, last + after, *alone}


def _email_patterns(email: str, name: str) -> set[str]:
    folded = fold(email.strip())
    if len(folded) < 3:
        return set()
    patterns = {re.escape(folded)}
    local = folded.split("@", 1)[0]
    parts = [p for p in re.split(r"[._+\-]", local) if p]
    given, surname = _split_name(_name_words(name)) if name.split() else ([], [[""]])
    names = {v for w in given for v in w} | set(surname[-1])
    names_reviewer = any(p in names for p in parts) or any(
        len(v) >= 4 and v in local for v in surname[-1]
    )
    not_a_word = len(parts) > 1 or any(c.isdigit() for c in local)
    if len(local) >= 3 and (names_reviewer or not_a_word):
        patterns.add(r"[._+\-]".join(re.escape(p) for p in parts))
    return patterns


class Redactor:
    """Replaces the identities of reviewers in free text (see the module docstring for what
    counts). `keep`: names that stay readable (the plan's municipality)."""

    def __init__(
        self, identities: Iterable[Identity], language: str = "en", *, keep: Iterable[str] = ()
    ) -> None:
        kept = frozenset(
            v for k in keep for w in _name_words(k) for v in [" ".join(fold(k).split()), *w]
        )
        patterns: set[str] = set()
        for identity in identities:
            if len(identity.name.strip()) >= 3:
                patterns |= _name_patterns(identity.name, kept)
            if identity.email:
                patterns |= _email_patterns(identity.email, identity.name)
            home = " ".join(fold(identity.home).split())
            if len(home) >= 3 and home not in kept:
                patterns.add(_phrase(_name_words(identity.home)))
        self.replacement = translator(language).gettext(REDACTED)
        # Longest first: at one position the fullest form wins ("T. Strauß" before "Strauß").
        ordered = sorted(patterns, key=lambda p: (-len(p), p))
        self._pattern = (
            re.compile(_WORD_START + "(?:" + "|".join(ordered) + ")" + _WORD_END)
            if ordered
            else None
        )

    def __call__(self, text: object) -> str:
        value = clean(text)
        if self._pattern is None or not value:
            return value
        folded = fold(value)
        matches = list(self._pattern.finditer(folded))
        if not matches:
            return value
        origin = _origins(value)
        pieces, done = [], 0
        for match in matches:
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            pieces += [value[done:start], self.replacement]
            done = end
        pieces.append(value[done:])
        return "".join(pieces)


def redactor_for(dossier: PlanDossier, language: str | None = None) -> Redactor:
    """The redaction of a plan's blind documents: every reviewer on the plan, their home
    municipalities except the plan's own, which stays readable. `language`: the document's
    (default: the round's), for the word that replaces a name."""
    identities = tuple(
        Identity(
            name=info.name,
            email=info.email,
            home=info.municipality if info.municipality != dossier.municipality else "",
        )
        for info in dossier.reviewers
    )
    return _redactor(identities, language or dossier.language, dossier.municipality)


@lru_cache(maxsize=64)
def _redactor(identities: tuple[Identity, ...], language: str, municipality: str) -> Redactor:
    # Cached: building one compiles a regex (milliseconds), and the exports ask twice per plan.
    return Redactor(identities, language, keep=[municipality])
