"""A municipality's name as people write it: in a file's name ('bad_voeslau.docx', 'Klimaplan
Münster 2021.pdf') and typed in a Run form or on the command line ('muenster', 'Stadt Münster',
'MÜNSTER'), case, umlauts spelled out ('ue', 'ss'), accents and the word saying what kind of
place it is ('Stadt', 'Landkreis', 'City of') aside. The intake finds a file's municipality
here; the intake and every coordinator's control find a typed one here
(`municipality_named`), so that a name the coordinator types is taken as a file of that name
is. A typed name that fits none or several is refused naming the closest few, never guessed.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from sqlmodel import Session, select

from review.errors import InvalidInput, NotFound, Translatable
from review.i18n import N_
from review.models import Municipality, Round

#: How many municipalities a refusal names: the closest few, not a round's hundred.
FEW = 5


def normalise_name(name: str) -> str:
    """A name with case and spacing aside: the name a municipality is stored under, compared."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


#: Words that say what kind of place a municipality is, not which: a name is also found
#: without them ('darmstadt-dieburg.pdf' for "Landkreis Darmstadt-Dieburg", 'exampleton.docx'
#: for "City of Exampleton", 'frankfurt_am_main.pdf' for "Frankfurt am Main, Stadt" as
#: official German lists write it). Spelled as the names are, umlauts and all.
KINDS = (
    "Landkreis",
    "Kreis",
    "Stadtkreis",
    "Kreisstadt",
    "Große Kreisstadt",
    "Kreisfreie Stadt",
    "Stadt",
    "Hansestadt",
    "Freie und Hansestadt",
    "Landeshauptstadt",
    "Universitätsstadt",
    "Wissenschaftsstadt",
    "Gemeinde",
    "Marktgemeinde",
    "Stadtgemeinde",
    "Ortsgemeinde",
    "Samtgemeinde",
    "Verbandsgemeinde",
    "Markt",
    "Amt",
    "Bezirk",
    "Region",
    "Regionalverband",
    "City of",
    "Town of",
    "Municipality of",
    "County of",
    "District of",
    "Borough of",
    "Ville de",
    "Commune de",
    "Comune di",
    "Città di",
    "Municipio de",
    "Ayuntamiento de",
    "Gemeente",
    "Kommune",
    "Gmina",
    "Miasto",
    "Powiat",
    "Obec",
    "Město",
)


class MunicipalityNames:
    """Which of a round's municipalities a file's name or a typed name names.

    A file's name: its whole stem ('Münster.pdf', 'bad_voeslau.docx'), else the one name
    standing as whole words in it ('Klimaschutzkonzept_Tulln_2021.pdf', 'Bratislava-ccc.docx'),
    each name also without the word saying what kind of place it is (`KINDS`:
    'darmstadt-dieburg.pdf' for "Landkreis Darmstadt-Dieburg"). Of names standing in it, the
    one standing on the most words wins where the others stand within those words ('Neustadt
    an der Donau' over 'Neustadt', "Landkreis Darmstadt-Dieburg" over "Darmstadt" in
    'darmstadt-dieburg.pdf'). Two names standing on other words, or on the same
    ('offenbach.pdf' for "Stadt Offenbach" and "Kreis Offenbach"): ambiguous, both named
    (`matches`); none: none. Either way the file is refused and says how to name it.
    Municipalities send their files under their own names, seldom the round's exactly.

    A typed name (`named`): a file's whole stem's rule.

    The names are looked up by each run of the file name's words, so a folder of n files
    against n names costs about n look-ups, not n x n comparisons."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_words: dict[tuple[str, ...], list[str]] = {}
        self._longest = 0
        self._names: list[str] = []
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        if name not in self._names:
            self._names.append(name)
        for form in _forms(name):
            named = self._by_words.setdefault(form, [])
            if name not in named:
                named.append(name)
                self._longest = max(self._longest, len(form))

    def named(self, typed: str) -> list[str]:
        """The municipalities a typed name is ('Münster' for "Stadt Münster", 'Muenster' for
        "Münster"): a file's whole stem's rule, so that the Run form's and --municipality's
        name is taken as a file of that name is. Every one it fits when it fits more than one
        ('Offenbach': "Kreis Offenbach", "Stadt Offenbach"), in the order of their names; [].
        The whole of it: a typed name with a known one among its words is not that one ('Tulln
        Land' is not "Tulln", and --create-municipality may add it)."""
        found: list[str] = []
        for form in _forms(typed):
            found += [n for n in self._by_words.get(form, ()) if n not in found]
        return sorted(found, key=_in_order)

    def closest(self, typed: str, few: int = FEW) -> list[str]:
        """The `few` names most like a typed one, the closest first ('Münstr': "Stadt Münster"
        before "Minden"): what a refusal offers instead. Compared as `named` compares, kind
        words and umlauts aside, letter by letter."""
        typed_forms = [" ".join(form) for form in _forms(typed)]

        def likeness(name: str) -> float:
            return max(
                (
                    difflib.SequenceMatcher(None, mine, " ".join(theirs)).ratio()
                    for mine in typed_forms
                    for theirs in _forms(name)
                ),
                default=0.0,
            )

        return sorted(self._names, key=lambda n: (-likeness(n), *_in_order(n)))[:few]

    def municipality(self, file_name: str) -> str | None:
        """The one municipality the file's name names, or None (none, or ambiguous)."""
        found = self.matches(file_name)
        return found[0] if len(found) == 1 else None

    def matches(self, file_name: str) -> list[str]:
        """[the municipality the file's name names], or every one standing in it when it is
        ambiguous (in the order of their names), or []."""
        spans: dict[str, tuple[int, int]] = {}  # name -> the most words it stands on
        for stem in set(_spellings(Path(file_name).stem)):
            for i in range(len(stem)):
                for j in range(i + 1, min(len(stem), i + self._longest) + 1):
                    for name in self._by_words.get(stem[i:j], ()):
                        start, end = spans.get(name, (0, 0))
                        if j - i > end - start:
                            spans[name] = (i, j)
        if not spans:
            return []
        widest = max(spans, key=lambda n: spans[n][1] - spans[n][0])
        start, end = spans[widest]
        if all(
            name == widest or (start <= i and j <= end and (i, j) != (start, end))
            for name, (i, j) in spans.items()
        ):
            return [widest]
        return sorted(spans, key=_in_order)


def spellings(name: str) -> set[str]:
    """The ways a name is typed without its letters ('Jörg Müller': 'joerg mueller', 'jorg
    muller'), case, accents and 'ß' aside: a person's name typed in a form is compared so too
    (review.coordinator.controls.find_reviewer)."""
    return {" ".join(words) for words in _spellings(name)}


def likeness(typed: str, name: str) -> float:
    """How like `name` a typed name is, 0 to 1, compared as `spellings` writes them: what
    orders the closest few a refusal names."""
    return max(
        difflib.SequenceMatcher(None, mine, theirs).ratio()
        for mine in spellings(typed)
        for theirs in spellings(name)
    )


def municipality_from_file_name(names: Iterable[str], file_name: str) -> str | None:
    """The known municipality a file's name names (see `MunicipalityNames`)."""
    return MunicipalityNames(names).municipality(file_name)


class NoMunicipalityNamed(Translatable, NotFound):
    """A typed municipality that is none of the round's, said with the closest few."""

    def __init__(self, typed: str, round_name: str, closest: list[str]) -> None:
        self.closest = closest
        if not closest:
            super().__init__(
                N_("no municipality '%(name)s' in round '%(round)s'"), name=typed, round=round_name
            )
            return
        super().__init__(
            N_("no municipality '%(name)s' in round '%(round)s'; the closest: %(closest)s"),
            name=typed,
            round=round_name,
            closest=", ".join(closest),
        )


class AmbiguousMunicipalityNamed(Translatable, InvalidInput):
    """A typed municipality that fits several of the round's ('Offenbach': "Kreis Offenbach",
    "Stadt Offenbach"), refused naming them: not guessed."""

    def __init__(self, typed: str, round_name: str, fits: list[str]) -> None:
        self.fits = fits
        super().__init__(
            N_(
                "'%(name)s' fits more than one municipality of round '%(round)s' "
                "(%(municipalities)s): give one of them in full"
            ),
            name=typed,
            round=round_name,
            municipalities=", ".join(fits),
        )


def municipality_named(session: Session, round_: Round, typed: str) -> Municipality:
    """The round's municipality a coordinator typed: its exact name, else the one whose name it
    is case and spacing aside, else the one it names as a file of that name would
    (`MunicipalityNames.named`: 'muenster', 'Stadt Münster', 'MÜNSTER' for "Münster").
    NoMunicipalityNamed or AmbiguousMunicipalityNamed, with the closest few, otherwise."""
    rows = list(session.exec(select(Municipality).where(Municipality.round_id == round_.id)))
    for same in (
        lambda m: m.name == typed,
        lambda m: normalise_name(m.name) == normalise_name(typed),
    ):
        exact = next((m for m in rows if same(m)), None)
        if exact is not None:
            return exact
    names = MunicipalityNames(m.name for m in rows)
    fits = names.named(typed)
    if len(fits) > 1:
        raise AmbiguousMunicipalityNamed(typed, round_.name, fits)
    if not fits:
        raise NoMunicipalityNamed(typed, round_.name, names.closest(typed))
    return next(m for m in rows if m.name == fits[0])


def _in_order(name: str) -> tuple[str, str]:
    return normalise_name(name), name


def _forms(name: str) -> set[tuple[str, ...]]:
    """The word runs a name is found by: each spelling, with and without its kind of place."""
    return {form for words in _spellings(name) for form in (words, _without_kind(words)) if form}


def _without_kind(words: tuple[str, ...]) -> tuple[str, ...]:
    """A name's words without the kind of place before or after them ('landkreis darmstadt
    dieburg': 'darmstadt dieburg'); the name itself when it is nothing else."""
    for kind in _KIND_WORDS:
        n = len(kind)
        if len(words) > n and words[:n] == kind:
            return words[n:]
        if len(words) > n and words[-n:] == kind:
            return words[:-n]
    return words


def _spellings(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A name's words as people write them without its letters: 'ü' as 'ue' (German) and as 'u'
    (elsewhere: 'Malmö' in 'malmo-ccc.pdf'), accents, case and 'ø', 'ł'... aside."""
    folded = normalise_name(name).translate(_LETTERS)
    return _words(folded.translate(_UMLAUTS)), _words(folded)


def _words(name: str) -> tuple[str, ...]:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return tuple(re.findall(r"[a-z0-9]+", plain))


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
_LETTERS = str.maketrans(
    {"ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
)


#: KINDS as `_spellings` writes them, the longest first ('kreisfreie stadt' before 'stadt').
_KIND_WORDS = sorted(
    {words for kind in KINDS for words in _spellings(kind)}, key=lambda words: -len(words)
)
