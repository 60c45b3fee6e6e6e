"""Synthetic energy action plans (SECAP / Klimaschutzkonzept) in German and English.

`plan_spec(seed, language)` draws a varied `PlanSpec`: a municipality, its targets, a baseline
inventory by key sector, actions, and which parts of a plan are present (some left out on
purpose). `review.synthetic.document.plan_blocks(spec)` turns a spec into the headings,
paragraphs and tables of a document; the writers in `review.synthetic.writers` render those
blocks as PDF or DOCX and report where each part landed (page, paragraph), so intake tests can
assert their findings against the truth.

Everything is a pure function of the seed: the same seed gives the same spec, the same text and
byte-identical files.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from review.synthetic import prose
from review.synthetic.names import municipality_name

Language = Literal["de", "en"]

# The parts of a plan, in the order a plan presents them (JRC SECAP structure plus the
# communication chapter this project's second rubric assesses).
PARTS: tuple[str, ...] = (
    "council_approval",
    "strategy",
    "inventory",
    "risk_assessment",
    "mitigation",
    "adaptation",
    "financing",
    "monitoring",
    "communication",
    "participation",
)
KEY_SECTORS: tuple[str, ...] = ("municipal_buildings", "tertiary", "residential", "transport")
SECTORS: tuple[str, ...] = (*KEY_SECTORS, "local_production")

# Filler paragraphs per PDF page (A4, 10 pt Helvetica), measured on generated plans.
_PARAGRAPHS_PER_PAGE = {"de": 10.0, "en": 11.7}


@dataclass(frozen=True)
class InventoryRow:
    sector: str
    mwh: int
    t_co2: int


@dataclass(frozen=True)
class Action:
    code: str
    title: str
    sector: str  # a SECTORS id, or a hazard for adaptation actions
    cost_eur: int
    savings_mwh: int  # per year; 0 for adaptation actions
    savings_t_co2: int  # per year; 0 for adaptation actions
    start_year: int
    end_year: int
    responsible: str


@dataclass(frozen=True)
class PlanSpec:
    """What a synthetic plan contains. `parts` lists the parts present; the rest are absent."""

    seed: int
    municipality: str
    language: Language
    year: int
    population: int
    parts: frozenset[str]
    title: str
    author: str
    country: str = "DE"
    baseline_year: int = 2018
    target_percent: int = 65
    target_year: int = 2030
    neutrality_year: int | None = 2045
    council_date: date = date(2024, 6, 1)
    inventory: tuple[InventoryRow, ...] = ()
    mitigation: tuple[Action, ...] = ()
    adaptation: tuple[Action, ...] = ()
    # Filler paragraphs of neutral prose spread over the chapters; controls the length.
    filler_paragraphs: int = 6
    # A table of contents after the title page (chapter titles, in the PDF with page numbers):
    # real plans have one, and it names every chapter a second time.
    table_of_contents: bool = False
    # 1: as first handed in; 2: the revised plan of the next round (#16), which reviewers read
    # as a new version of a plan they know.
    edition: int = 1
    headings: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def has(self, part: str) -> bool:
        return part in self.parts

    @property
    def missing(self) -> frozenset[str]:
        return frozenset(PARTS) - self.parts

    @property
    def inventory_sectors(self) -> tuple[str, ...]:
        return tuple(row.sector for row in self.inventory) if self.has("inventory") else ()

    @property
    def mitigation_sectors(self) -> tuple[str, ...]:
        if not self.has("mitigation"):
            return ()
        return tuple(s for s in SECTORS if any(a.sector == s for a in self.mitigation))

    @property
    def baseline_t_co2(self) -> int:
        return sum(row.t_co2 for row in self.inventory)

    @property
    def mitigation_t_co2(self) -> int:
        return sum(a.savings_t_co2 for a in self.mitigation)

    def eligibility(self) -> dict[str, bool]:
        """The JRC eligibility criteria as this plan meets them, keyed like
        `review.reviewing.ELIGIBILITY`: ground truth for tests and simulated reviews."""
        return {
            "council_approval": self.has("council_approval"),
            "targets": self.has("strategy") and self.has("adaptation"),
            "bei_rva": self.has("inventory") and self.has("risk_assessment"),
            "bei_sectors": len(set(self.inventory_sectors) & set(KEY_SECTORS)) >= 3,
            "action_sectors": len(set(self.mitigation_sectors) & set(KEY_SECTORS)) >= 2,
        }


def plan_spec(
    seed: int,
    language: Language = "de",
    *,
    missing: Iterable[str] | None = None,
    pages: int | None = None,
    municipality: str | None = None,
    country: str | None = None,
    table_of_contents: bool = False,
) -> PlanSpec:
    """A varied plan for `seed`. `missing=None` leaves 0-3 parts out at random; `missing=()` gives
    a complete plan; a set of part ids leaves exactly those out. `pages` is the rough length of
    the PDF (at least the 3-5 pages the content itself takes)."""
    if language not in ("de", "en"):
        raise ValueError(f"language must be 'de' or 'en', got {language!r}")
    rng = random.Random(f"plan:{seed}:{language}")
    if missing is None:
        k = rng.choices((0, 1, 2, 3), weights=(3, 4, 3, 1))[0]
        absent = set(rng.sample(PARTS, k))
    else:
        absent = set(missing)
        unknown = absent - set(PARTS)
        if unknown:
            raise ValueError(f"unknown parts {sorted(unknown)}; parts are {', '.join(PARTS)}")
    parts = frozenset(PARTS) - absent

    country = country or (
        rng.choice(("DE", "DE", "AT")) if language == "de" else rng.choice(("GB", "GB", "IE"))
    )
    name = municipality or municipality_name(rng, language)
    population = rng.choice((3, 5, 8, 12, 18, 25, 40, 60)) * 1000 + rng.randrange(0, 1000)
    year = rng.randint(2021, 2026)
    baseline_year = (
        rng.choice((1990, 2010, 2015, 2018, 2019))
        if language == "de"
        else rng.choice((2005, 2010, 2015, 2018))
    )
    target_year = rng.choice((2030, 2030, 2035, 2040))
    target_percent = rng.choice((40, 55, 55, 60, 65, 70, 80))
    neutrality_year = rng.choice((None, 2035, 2040, 2045, 2050))

    # Inventory: usually all key sectors; sometimes only two or three (JRC criterion 4 fails).
    n_key = rng.choices((4, 3, 2), weights=(7, 2, 1))[0]
    sectors = sorted(rng.sample(KEY_SECTORS, n_key), key=SECTORS.index)
    if rng.random() < 0.6:
        sectors.append("local_production")
    inventory = tuple(_inventory_row(rng, s, population) for s in sectors)

    # Mitigation: usually several sectors; sometimes one only (JRC criterion 5 fails).
    n_sectors = rng.choices((1, 2, 3, 4, 5), weights=(1, 2, 3, 3, 2))[0]
    action_sectors = sorted(rng.sample(SECTORS, n_sectors), key=SECTORS.index)
    # The actions close between a fifth and 130 % of the gap to the target (rubric T6 anchors).
    gap = sum(row.t_co2 for row in inventory) * target_percent / 100
    coverage = rng.choice((0.2, 0.35, 0.6, 0.75, 0.92, 1.05, 1.3)) * rng.uniform(0.95, 1.05)
    mitigation = _mitigation_actions(rng, language, action_sectors, year, gap * coverage)
    adaptation = _adaptation_actions(rng, language, year)

    filler = 6 if pages is None else max(0, round((pages - 3) * _PARAGRAPHS_PER_PAGE[language]))
    headings = {part: rng.choice(options[language]) for part, options in prose.HEADINGS.items()}
    comm = tuple(p for p in ("communication", "participation") if p in parts)
    if comm:
        headings["communication"] = rng.choice(prose.COMMUNICATION_HEADINGS[comm][language])
    author = rng.choice(prose.AUTHORS[language])
    return PlanSpec(
        seed=seed,
        municipality=name,
        language=language,
        year=year,
        population=population,
        parts=parts,
        title=f"{rng.choice(prose.TITLES[language])} {name}",
        author=f"{author} {name}" if language == "de" and author.endswith("Gemeinde") else author,
        country=country,
        baseline_year=baseline_year,
        target_percent=target_percent,
        target_year=target_year,
        neutrality_year=neutrality_year,
        council_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
        inventory=inventory,
        mitigation=mitigation,
        adaptation=adaptation,
        filler_paragraphs=filler,
        table_of_contents=table_of_contents,
        headings=headings,
    )


def revised(spec: PlanSpec) -> PlanSpec:
    """The plan as its municipality hands it in again for the next round (#16): the same seed,
    language, municipality and length, nothing left out, edition 2."""
    complete = plan_spec(
        spec.seed,
        spec.language,
        missing=(),
        municipality=spec.municipality,
        country=spec.country,
        table_of_contents=spec.table_of_contents,
    )
    return replace(complete, filler_paragraphs=spec.filler_paragraphs, edition=spec.edition + 1)


def _inventory_row(rng: random.Random, sector: str, population: int) -> InventoryRow:
    mwh = int(population * prose.SECTOR_MWH_PER_CAPITA[sector] * rng.uniform(0.7, 1.3))
    t_co2 = int(mwh * prose.SECTOR_FACTOR[sector] * rng.uniform(0.85, 1.15))
    return InventoryRow(sector=sector, mwh=mwh, t_co2=t_co2)


def _mitigation_actions(
    rng: random.Random, language: str, sectors: list[str], year: int, total_t_co2: float
) -> tuple[Action, ...]:
    """Actions in `sectors` whose savings add up to about `total_t_co2` per year."""
    drafts = []
    for sector in sectors:
        catalog = prose.MITIGATION_CATALOG[sector]
        for titles in rng.sample(catalog, rng.randint(1, min(3, len(catalog)))):
            drafts.append((sector, titles, rng.uniform(0.3, 1.0)))
    weight_sum = sum(w for _, _, w in drafts)
    actions: list[Action] = []
    for sector, titles, weight in drafts:
        start = year + rng.randint(0, 2)
        t_co2 = int(total_t_co2 * weight / weight_sum)
        factor = prose.SECTOR_FACTOR[sector] if sector != "local_production" else 0.4
        actions.append(
            Action(
                code=f"M{len(actions) + 1:02d}",
                title=titles[0] if language == "de" else titles[1],
                sector=sector,
                cost_eur=rng.randrange(20, 2500) * 1000,
                savings_mwh=int(t_co2 / factor),
                savings_t_co2=t_co2,
                start_year=start,
                end_year=start + rng.randint(1, 6),
                responsible=rng.choice(prose.ROLES[language]),
            )
        )
    return tuple(actions)


def _adaptation_actions(rng: random.Random, language: str, year: int) -> tuple[Action, ...]:
    chosen = rng.sample(prose.ADAPTATION_CATALOG, rng.randint(2, 4))
    actions = []
    for i, (de, en, hazard_de, hazard_en) in enumerate(chosen, start=1):
        start = year + rng.randint(0, 3)
        actions.append(
            Action(
                code=f"A{i:02d}",
                title=de if language == "de" else en,
                sector=hazard_de if language == "de" else hazard_en,
                cost_eur=rng.randrange(10, 900) * 1000,
                savings_mwh=0,
                savings_t_co2=0,
                start_year=start,
                end_year=start + rng.randint(1, 5),
                responsible=rng.choice(prose.ROLES[language]),
            )
        )
    return tuple(actions)
