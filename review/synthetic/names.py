"""Plausible, made-up names of municipalities and people (German/Austrian and English)."""

from __future__ import annotations

import random
from collections.abc import Sequence

_DE_PREFIX = ("", "", "", "Alt", "Neu", "Ober", "Unter", "Groß", "Klein", "Bad ")
_DE_ROOT = (
    "Lind",
    "Buch",
    "Eich",
    "Fels",
    "Hag",
    "Mühl",
    "Wies",
    "Rosen",
    "Stein",
    "Tann",
    "Weid",
    "Brunn",
    "Erl",
    "Haseln",
    "Kirch",
    "Sulz",
    "Wald",
    "Bühl",
    "Fürsten",
    "Löwen",
)
_DE_SUFFIX = (
    "au",
    "bach",
    "berg",
    "dorf",
    "feld",
    "hausen",
    "heim",
    "ingen",
    "stadt",
    "tal",
    "kirchen",
    "hofen",
    "brück",
    "weiler",
)
_EN_PREFIX = ("", "", "", "Upper ", "Lower ", "Great ", "Little ", "North ", "East ")
_EN_ROOT = (
    "Ash",
    "Brook",
    "Elm",
    "Hart",
    "Kings",
    "Mill",
    "Oak",
    "Stan",
    "Thorn",
    "Wey",
    "Whit",
    "Ald",
    "Bran",
    "Chel",
    "Dun",
    "Hol",
    "Lang",
    "Mar",
    "Red",
    "Sand",
)
_EN_SUFFIX = (
    "bridge",
    "bury",
    "field",
    "ford",
    "ham",
    "ley",
    "mouth",
    "ton",
    "wick",
    "worth",
    "stead",
    "borough",
    "dale",
    "well",
)

_DE_FIRST = (
    "Anna",
    "Jürgen",
    "Sabine",
    "Matthias",
    "Katrin",
    "Stefan",
    "Ulrike",
    "Thomas",
    "Birgit",
    "Andreas",
    "Jörg",
    "Claudia",
    "Lukas",
    "Miriam",
    "Tobias",
    "Sören",
    "Franziska",
    "Günther",
    "Leonie",
    "Maximilian",
)
_DE_LAST = (
    "Müller",
    "Schäfer",
    "Becker",
    "Weiß",
    "Hoffmann",
    "Krüger",
    "Schröder",
    "Wagner",
    "Böhm",
    "Huber",
    "Gruber",
    "Köhler",
    "Lehmann",
    "Fuchs",
    "Bauer",
    "Strauß",
    "Winkler",
    "Vogt",
    "Brandl",
    "Pöschl",
)
_EN_FIRST = (
    "Emma",
    "James",
    "Olivia",
    "Thomas",
    "Sophie",
    "Daniel",
    "Hannah",
    "Oliver",
    "Grace",
    "Samuel",
    "Chloe",
    "Liam",
    "Aoife",
    "Ciaran",
    "Priya",
    "Rhys",
    "Fiona",
    "Owen",
    "Megan",
    "Callum",
)
_EN_LAST = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Walsh",
    "Murphy",
    "Evans",
    "Patel",
    "Wilson",
    "Hughes",
    "O'Brien",
    "Clarke",
    "Byrne",
    "Roberts",
    "Kelly",
    "Wright",
    "Turner",
    "Campbell",
    "Hall",
    "Reid",
)


def municipality_name(rng: random.Random, language: str) -> str:
    if language == "de":
        prefix, root, suffix = rng.choice(_DE_PREFIX), rng.choice(_DE_ROOT), rng.choice(_DE_SUFFIX)
    else:
        prefix, root, suffix = rng.choice(_EN_PREFIX), rng.choice(_EN_ROOT), rng.choice(_EN_SUFFIX)
    if prefix and not prefix.endswith(" "):  # 'Ober' + 'Lind' + 'au' reads 'Oberlindau'
        root = root.lower()
    return prefix + root + suffix


def unique_municipality_names(rng: random.Random, languages: Sequence[str]) -> list[str]:
    """One distinct name per entry of `languages` (in that language), however many are asked."""
    seen: set[str] = set()
    names = []
    for language in languages:
        for attempt in range(50):
            name = municipality_name(rng, language)
            if attempt >= 20:  # crowded: fall back to a numbered district name
                name = f"{name} {rng.randint(2, 99)}"
            if name not in seen:
                break
        seen.add(name)
        names.append(name)
    return names


def person_name(rng: random.Random, language: str) -> str:
    if language == "de":
        return f"{rng.choice(_DE_FIRST)} {rng.choice(_DE_LAST)}"
    return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}"
