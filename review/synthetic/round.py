"""A synthetic round's participants: municipalities and their staff as reviewers, as plain data.

`demo_participants(seed)` is the demo round (8 follower municipalities, 2 frontrunners, 20
reviewers, German and English); `many_participants(n_plans, seed)` scales to benchmark rounds.
`write_participants_csv` writes the coordinator's spreadsheet that `peerplan import` reads
(columns `review.participants.COLUMNS`), and `plan_specs` gives each follower's plan.
"""

from __future__ import annotations

import csv
import itertools
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from review.synthetic.names import person_name, unique_municipality_names
from review.synthetic.plans import PARTS, Language, PlanSpec, plan_spec

COLUMNS = (
    "kind",
    "name",
    "municipality",
    "email",
    "country",
    "language",
    "languages",
    "role",
    "expertise",
    "min_load",
    "max_load",
    "keywords",
    "salutation",
)

Role = Literal["frontrunner", "follower", "special-award"]
# How a simulated reviewer behaves in the demo: answers in the portal, fills in the Word form,
# answers late (after reminders), or never answers (escalation and reassignment).
Behaviour = Literal["web", "word", "late", "silent"]

_KEYWORDS = {
    ("technical", "de"): (
        "Wärmeplanung",
        "Gebäudesanierung",
        "Photovoltaik",
        "Nahwärme",
        "Energiemanagement",
        "Straßenbeleuchtung",
        "Radverkehr",
        "Treibhausgasbilanz",
        "Windenergie",
        "Wärmepumpen",
        "Klimaanpassung",
    ),
    ("technical", "en"): (
        "heat planning",
        "building retrofit",
        "solar PV",
        "district heating",
        "energy management",
        "street lighting",
        "cycling",
        "emission inventory",
        "wind energy",
        "heat pumps",
        "flood risk",
    ),
    ("communication", "de"): (
        "Öffentlichkeitsarbeit",
        "Bürgerbeteiligung",
        "soziale Medien",
        "Pressearbeit",
        "Bürgerwerkstatt",
        "Schulprojekte",
        "Kampagnen",
        "Barrierefreiheit",
    ),
    ("communication", "en"): (
        "public relations",
        "citizen participation",
        "social media",
        "press work",
        "public workshops",
        "school projects",
        "campaigns",
        "accessibility",
    ),
}
_COUNTRIES = {"de": ("DE", "DE", "DE", "AT"), "en": ("GB", "GB", "IE")}


@dataclass(frozen=True)
class MunicipalityEntry:
    name: str
    country: str
    language: Language
    role: Role
    email: str


@dataclass(frozen=True)
class ReviewerEntry:
    name: str
    municipality: str
    email: str
    language: str
    languages: tuple[str, ...]
    expertise: tuple[str, ...]
    min_load: int
    max_load: int
    keywords: str
    behaviour: Behaviour = "web"  # demo only; not part of the CSV


@dataclass(frozen=True)
class Participants:
    municipalities: tuple[MunicipalityEntry, ...]
    reviewers: tuple[ReviewerEntry, ...]
    seed: int = 0
    # Parts each follower's plan leaves out (by municipality name); missing = random, () = none.
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    # The rough length of each follower's plan in PDF pages (by municipality name), unless
    # `plan_specs` is given a length for all.
    pages: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def followers(self) -> tuple[MunicipalityEntry, ...]:
        return tuple(m for m in self.municipalities if m.role == "follower")

    def plan_specs(
        self, pages: int | None = None, table_of_contents: bool = False
    ) -> list[PlanSpec]:
        """One plan per follower municipality, in its language and country."""
        specs = []
        for index, m in enumerate(self.followers):
            missing = self.missing.get(m.name)
            specs.append(
                plan_spec(
                    self.seed * 1000 + index,
                    m.language,
                    missing=missing,
                    pages=pages if pages is not None else self.pages.get(m.name),
                    municipality=m.name,
                    country=m.country,
                    table_of_contents=table_of_contents,
                )
            )
        return specs


def slug(text: str) -> str:
    """'Großmühlhausen' -> 'grossmuehlhausen' (for email addresses)."""
    text = (
        text.lower()
        .replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("ß", "ss")
        .replace("'", "")
    )
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in ascii_).strip("-").replace("--", "-")


def _municipality(name: str, language: Language, country: str, role: Role) -> MunicipalityEntry:
    box = "klimaschutz" if language == "de" else "climate"
    return MunicipalityEntry(
        name=name,
        country=country,
        language=language,
        role=role,
        email=f"{box}@{slug(name)}.example",
    )


def _staff(
    rng: random.Random,
    m: MunicipalityEntry,
    taken: set[str],
    behaviours: tuple[Behaviour, Behaviour] = ("web", "web"),
) -> list[ReviewerEntry]:
    """Two staff members: one technical, one communication, sometimes one of them both."""
    expertises: list[tuple[str, ...]] = [("technical",), ("communication",)]
    if rng.random() < 0.25:
        expertises[rng.randrange(2)] = ("technical", "communication")
    reviewers = []
    for expertise, behaviour in zip(expertises, behaviours, strict=True):
        # Staff read their own language; many German staff read English too, few the reverse.
        other = "en" if m.language == "de" else "de"
        bilingual = rng.random() < (0.6 if m.language == "de" else 0.2)
        languages = (m.language, other) if bilingual else (m.language,)
        for attempt in itertools.count():  # names are unique in a round: no two Anna Müllers
            name = person_name(rng, m.language)
            if attempt >= 10:  # a crowded round: a middle initial
                first, last = name.split(" ", 1)
                name = f"{first} {chr(65 + rng.randrange(26))}. {last}"
            if attempt >= 100:
                name = f"{name} {attempt}"
            if name not in taken:
                taken.add(name)
                break
        email = f"{slug(name).replace('-', '.')}@{slug(m.name)}.example"
        words = [w for e in expertise for w in rng.sample(_KEYWORDS[(e, m.language)], 3)]
        max_load = rng.choice((2, 3, 3, 4))
        reviewers.append(
            ReviewerEntry(
                name=name,
                municipality=m.name,
                email=email,
                language=m.language,
                languages=languages,
                expertise=expertise,
                min_load=rng.choice((0, 0, 1)),
                max_load=max_load,
                keywords=", ".join(words),
                behaviour=behaviour,
            )
        )
    return reviewers


def demo_participants(seed: int = 2026) -> Participants:
    """The demo round: 8 followers (5 German-speaking in Germany/Austria, 3 English-speaking in
    the UK/Ireland), 2 frontrunners (one with the special award for communication), 20 reviewers.
    One reviewer answers late, one never; two fill in the Word form; the rest use the portal.
    Two followers' plans are complete; the others leave one to three parts out. The plans run
    from 20 to 60 pages."""
    rng = random.Random(f"demo:{seed}")
    languages: list[Language] = ["de", "de", "de", "de", "de", "en", "en", "en", "de", "en"]
    names = unique_municipality_names(rng, languages)
    followers: list[Role] = ["follower"] * 8
    roles: list[Role] = [*followers, "frontrunner", "special-award"]
    countries = ["DE", "AT", "DE", "AT", "DE", "GB", "IE", "GB", "DE", "GB"]
    municipalities = [
        _municipality(*row) for row in zip(names, languages, countries, roles, strict=True)
    ]
    # Behaviours by reviewer index: a spread over municipalities and languages.
    behaviour: dict[int, Behaviour] = {3: "late", 12: "silent", 5: "word", 14: "word"}
    taken: set[str] = set()
    reviewers: list[ReviewerEntry] = []
    for m in municipalities:
        i = len(reviewers)
        reviewers += _staff(rng, m, taken, (behaviour.get(i, "web"), behaviour.get(i + 1, "web")))
    missing: dict[str, tuple[str, ...]] = {}
    for index, m in enumerate(municipalities[:8]):
        if index in (0, 5):
            missing[m.name] = ()
        else:
            missing[m.name] = tuple(rng.sample(PARTS, rng.randint(1, 3)))
    # Real plans run from 20 to 60 pages (../shared/data/plans).
    pages = {m.name: rng.randint(20, 60) for m in municipalities[:8]}
    return Participants(tuple(municipalities), tuple(reviewers), seed, missing, pages)


def small_participants(seed: int = 1) -> Participants:
    """A small round for tests: 4 municipalities (2 German and 1 English follower, 1 German
    frontrunner), 8 reviewers."""
    rng = random.Random(f"small:{seed}")
    languages: list[Language] = ["de", "de", "en", "de"]
    names = unique_municipality_names(rng, languages)
    roles: list[Role] = ["follower", "follower", "follower", "frontrunner"]
    municipalities = [
        _municipality(n, lang, "GB" if lang == "en" else "DE", role)
        for n, lang, role in zip(names, languages, roles, strict=True)
    ]
    taken: set[str] = set()
    reviewers = [r for m in municipalities for r in _staff(rng, m, taken)]
    return Participants(tuple(municipalities), tuple(reviewers), seed)


def many_participants(n_plans: int, seed: int = 0, *, german_share: float = 0.6) -> Participants:
    """A benchmark round: `n_plans` follower municipalities, two reviewers each."""
    if n_plans < 1:
        raise ValueError("n_plans must be at least 1")
    rng = random.Random(f"many:{n_plans}:{seed}")
    languages: list[Language] = [
        "de" if rng.random() < german_share else "en" for _ in range(n_plans)
    ]
    names = unique_municipality_names(rng, languages)
    municipalities = [
        _municipality(n, lang, rng.choice(_COUNTRIES[lang]), "follower")
        for n, lang in zip(names, languages, strict=True)
    ]
    taken: set[str] = set()
    reviewers = [r for m in municipalities for r in _staff(rng, m, taken)]
    return Participants(tuple(municipalities), tuple(reviewers), seed)


def participant_rows(participants: Participants) -> list[dict[str, str]]:
    rows = []
    for m in participants.municipalities:
        rows.append(
            {
                "kind": "municipality",
                "name": m.name,
                "municipality": "",
                "email": m.email,
                "country": m.country,
                "language": m.language,
                "languages": "",
                "role": m.role,
                "expertise": "",
                "min_load": "",
                "max_load": "",
                "keywords": "",
            }
        )
    for r in participants.reviewers:
        rows.append(
            {
                "kind": "reviewer",
                "name": r.name,
                "municipality": r.municipality,
                "email": r.email,
                "country": "",
                "language": r.language,
                "languages": ";".join(r.languages),
                "role": "",
                "expertise": ";".join(r.expertise),
                "min_load": str(r.min_load),
                "max_load": str(r.max_load),
                "keywords": r.keywords,
            }
        )
    return rows


def write_participants_csv(participants: Participants, path: str | Path) -> Path:
    """The coordinator's participants spreadsheet (UTF-8, comma-separated)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(participant_rows(participants))
    return path


def read_participants_csv(path: str | Path) -> Participants:
    """The inverse of `write_participants_csv` (behaviours and missing parts are not in the CSV)."""
    municipalities, reviewers = [], []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["kind"] == "municipality":
                municipalities.append(
                    MunicipalityEntry(
                        name=row["name"],
                        country=row["country"],
                        # The file was written by `write_participants_csv`: its words are ours.
                        language=cast(Language, row["language"]),
                        role=cast(Role, row["role"]),
                        email=row["email"],
                    )
                )
            else:
                reviewers.append(
                    ReviewerEntry(
                        name=row["name"],
                        municipality=row["municipality"],
                        email=row["email"],
                        language=row["language"],
                        languages=tuple(row["languages"].split(";")),
                        expertise=tuple(row["expertise"].split(";")),
                        min_load=int(row["min_load"]),
                        max_load=int(row["max_load"]),
                        keywords=row["keywords"],
                    )
                )
    return Participants(tuple(municipalities), tuple(reviewers))


def write_shipped_examples(repo: Path) -> list[Path]:
    """(Re)write examples/participants.csv (the demo round) and tests/data/participants.csv."""
    return [
        write_participants_csv(demo_participants(), repo / "examples" / "participants.csv"),
        write_participants_csv(small_participants(), repo / "tests" / "data" / "participants.csv"),
    ]


if __name__ == "__main__":
    for written in write_shipped_examples(Path(__file__).resolve().parents[2]):
        print(written)
