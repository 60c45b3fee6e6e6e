"""Synthetic energy action plans (SECAP / Klimaschutzkonzept) in German and English.

`plan_spec(seed, language)` draws a varied `PlanSpec`: a municipality, its targets, a baseline
inventory by key sector, actions, and which parts of a plan are present (some left out on
purpose). `plan_blocks(spec)` turns a spec into the headings, paragraphs and tables of a document;
the writers in `review.synthetic.writers` render those blocks as PDF or DOCX and report where each
part landed (page, paragraph), so intake tests can assert their findings against the truth.

Everything is a pure function of the seed: the same seed gives the same spec, the same text and
byte-identical files.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
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


# --- document blocks ----------------------------------------------------------------------------


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


def plan_blocks(spec: PlanSpec) -> list[Block]:
    """The document of a plan as a list of blocks, in reading order."""
    rng = random.Random(f"text:{spec.seed}:{spec.language}")
    de = spec.language == "de"
    chapters: list[tuple[str, list[Block]]] = [("intro", _intro(spec))]
    for part in PARTS:
        if part == "participation":
            continue
        if part == "communication":
            if spec.has("communication") or spec.has("participation"):
                chapters.append(("communication", _communication(spec, rng)))
        elif spec.has(part):
            chapters.append((part, _CHAPTERS[part](spec, rng)))

    # Spread the filler over the chapters, intro first, so long plans keep a realistic rhythm.
    per_chapter = [0] * len(chapters)
    for i in range(spec.filler_paragraphs):
        per_chapter[i % len(chapters)] += 1

    blocks: list[Block] = [
        Heading(spec.title, 0),
        Paragraph(f"{'Gemeinde' if de else 'Municipality of'} {spec.municipality}, {spec.year}"),
        Paragraph(spec.author),
    ]
    if spec.table_of_contents:
        blocks.append(Heading("Inhaltsverzeichnis" if de else "Contents", 1))
        for number, (part, _content) in enumerate(chapters, start=1):
            heading = spec.headings.get(part) or prose.HEADINGS[part][spec.language][0]
            blocks.append(TocEntry(f"{number} {heading}"))
        blocks.append(PageBreak())
    seen: set[str] = set()
    chapters_with_filler = zip(chapters, per_chapter, strict=True)
    for number, ((part, content), n_filler) in enumerate(chapters_with_filler, start=1):
        heading = spec.headings.get(part) or prose.HEADINGS[part][spec.language][0]
        part_id = None if part == "intro" else part
        if part == "communication":
            part_id = "communication" if spec.has("communication") else "participation"
        blocks.append(Heading(f"{number} {heading}", 1, part_id))
        blocks.extend(content)
        pool = _filler_pool(spec, part)
        for _ in range(n_filler):
            for _attempt in range(20):  # a paragraph never repeats word for word
                text = _filler(rng, spec, pool)
                if text not in seen:
                    break
            seen.add(text)
            blocks.append(Paragraph(text))
    return blocks


def _filler_pool(spec: PlanSpec, chapter: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(chapter sentences, neutral sentences) for padding `chapter`."""
    lang = spec.language
    parts = ("communication", "participation") if chapter == "communication" else (chapter,)
    own = tuple(s for p in parts if spec.has(p) for s in prose.PART_FILLER.get(p, {}).get(lang, ()))
    if chapter == "inventory":
        own += tuple(
            s
            for sector in spec.inventory_sectors
            for s in prose.INVENTORY_SECTOR_FILLER.get(sector, {}).get(lang, ())
        )
    return own, prose.FILLER[lang]


def _filler(rng: random.Random, spec: PlanSpec, pool: tuple[tuple[str, ...], ...]) -> str:
    """A paragraph of 3-5 sentences, about half from the chapter's own subject when it has one."""
    own, neutral = pool
    n = rng.randint(3, 5)
    k = min(len(own), rng.randint(1, 3)) if own else 0
    sentences = rng.sample(own, k) + rng.sample(neutral, n - k)
    rng.shuffle(sentences)
    pop = fmt_int(spec.population, spec.language)
    return " ".join(s.format(m=spec.municipality, pop=pop) for s in sentences)


def _intro(spec: PlanSpec) -> list[Block]:
    pop = fmt_int(spec.population, spec.language)
    if spec.language == "de":
        text = (
            f"Die Gemeinde {spec.municipality} mit rund {pop} Einwohnerinnen und Einwohnern "
            f"legt mit diesem Dokument ihr {spec.title.split(' ' + spec.municipality)[0]} vor. "
            "Es beschreibt den Weg zu einer sicheren, bezahlbaren und klimafreundlichen "
            "Energieversorgung."
        )
    else:
        text = (
            f"The municipality of {spec.municipality}, with about {pop} inhabitants, presents "
            "its Sustainable Energy and Climate Action Plan (SECAP) under the Covenant of "
            "Mayors. It sets out the path to a secure, affordable and low-carbon energy "
            "supply."
        )
    return [Paragraph(text)]


def _council(spec: PlanSpec, rng: random.Random) -> list[Block]:
    when = fmt_date(spec.council_date, spec.language)
    yes = rng.randint(12, 24)
    no = rng.randint(0, 4)
    if spec.language == "de":
        text = (
            f"Der Gemeinderat von {spec.municipality} hat das Konzept in seiner Sitzung am "
            f"{when} mit {yes} Ja-Stimmen bei {no} Gegenstimmen beschlossen. Mit dem "
            "Gemeinderatsbeschluss verpflichtet sich die Gemeinde, das Konzept umzusetzen "
            "und es in allen Fachbereichen der Verwaltung zu verankern."
        )
    else:
        text = (
            f"The plan was approved by the municipal council of {spec.municipality} on {when} "
            f"with {yes} votes in favour and {no} against. With this council approval the "
            "municipality commits to delivering the plan and to embedding it in all its "
            "departments."
        )
    return [Paragraph(text, "council_approval")]


def _strategy(spec: PlanSpec, rng: random.Random) -> list[Block]:
    p, ty, by = spec.target_percent, spec.target_year, spec.baseline_year
    de = spec.language == "de"
    if de:
        blocks: list[Block] = [
            Paragraph(
                f"Minderungsziel: {spec.municipality} senkt die Treibhausgasemissionen bis {ty} um "
                f"{p} % gegenüber {by}. Das Zieljahr {ty} orientiert sich am nationalen "
                "Klimaschutzgesetz.",
                "strategy",
            )
        ]
        if spec.neutrality_year:
            blocks.append(
                Paragraph(
                    f"Als Leitbild strebt die Gemeinde Klimaneutralität bis {spec.neutrality_year} an.",
                    "strategy",
                )
            )
        if spec.has("adaptation"):
            blocks.append(
                Paragraph(
                    "Zugleich verpflichtet sie sich, die Folgen des Klimawandels durch "
                    "Klimaanpassung zu begrenzen.",
                    "strategy",
                )
            )
    else:
        blocks = [
            Paragraph(
                f"Reduction target: {spec.municipality} commits to reducing CO2 emissions by {p}% by "
                f"{ty} compared with {by}. The target year {ty} follows the Covenant of Mayors "
                "commitment.",
                "strategy",
            )
        ]
        if spec.neutrality_year:
            blocks.append(
                Paragraph(
                    f"Our long-term vision is climate neutrality by {spec.neutrality_year}.",
                    "strategy",
                )
            )
        if spec.has("adaptation"):
            blocks.append(
                Paragraph(
                    "The municipality also commits to adaptation to the impacts of climate change.",
                    "strategy",
                )
            )
    return blocks


def _inventory(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    rows = [
        (prose.SECTOR_LABELS[r.sector][lang], fmt_int(r.mwh, lang), fmt_int(r.t_co2, lang))
        for r in spec.inventory
    ]
    total_mwh = sum(r.mwh for r in spec.inventory)
    rows.append(
        (
            "Summe" if lang == "de" else "Total",
            fmt_int(total_mwh, lang),
            fmt_int(spec.baseline_t_co2, lang),
        )
    )
    if lang == "de":
        intro = (
            f"Die Energie- und Treibhausgasbilanz für das Basisjahr {spec.baseline_year} "
            "folgt der BISKO-Systematik. Der Emissionsfaktor für Strom ist der des "
            "Bundesstrommixes; alle Werte sind Endenergie."
        )
        caption = f"Tabelle 1: Endenergie und CO2-Emissionen nach Sektoren, {spec.baseline_year}"
        header = ("Sektor", "Endenergie (MWh/a)", "Emissionen (t CO2/a)")
        after = (
            f"Insgesamt wurden im Basisjahr {fmt_int(spec.baseline_t_co2, lang)} t CO2 "
            "emittiert. Die Klimabilanz soll alle vier Jahre fortgeschrieben werden."
        )
    else:
        intro = (
            f"The Baseline Emission Inventory covers the baseline year {spec.baseline_year}. "
            "It uses IPCC emission factors for fuels and the national emission factor for "
            "electricity; all values are final energy consumption."
        )
        caption = (
            f"Table 1: Final energy consumption and CO2 emissions by sector, {spec.baseline_year}"
        )
        header = ("Sector", "Final energy (MWh/year)", "Emissions (t CO2/year)")
        after = (
            f"In total, {fmt_int(spec.baseline_t_co2, lang)} t CO2 were emitted in the "
            "baseline year. The emission inventory will be updated every four years."
        )
    return [
        Paragraph(intro, "inventory"),
        Table(caption, header, tuple(rows), "inventory"),
        Paragraph(after, "inventory"),
    ]


def _risk(spec: PlanSpec, rng: random.Random) -> list[Block]:
    de = spec.language == "de"
    levels = ("gering", "mittel", "hoch") if de else ("low", "medium", "high")
    hazards = rng.sample(prose.HAZARDS, rng.randint(3, 5))
    rows = tuple(
        (h[0] if de else h[1], rng.choice(levels), rng.choice(levels), h[2] if de else h[3])
        for h in hazards
    )
    if de:
        return [
            Paragraph(
                "Die Klimarisiko- und Vulnerabilitätsanalyse bewertet, wie stark "
                f"{spec.municipality} von den Folgen des Klimawandels betroffen ist. "
                "Grundlage sind regionale Klimaprojektionen bis 2050.",
                "risk_assessment",
            ),
            Table(
                "Tabelle 2: Klimarisiken und Vulnerabilität",
                ("Gefahr", "Wahrscheinlichkeit", "Auswirkung", "Betroffen"),
                rows,
                "risk_assessment",
            ),
        ]
    return [
        Paragraph(
            "The risk and vulnerability assessment evaluates how strongly "
            f"{spec.municipality} is exposed to the impacts of climate change, based on "
            "regional climate projections to 2050.",
            "risk_assessment",
        ),
        Table(
            "Table 2: Climate hazards and vulnerability",
            ("Hazard", "Probability", "Impact", "Vulnerable sectors"),
            rows,
            "risk_assessment",
        ),
    ]


def _mitigation(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    de = lang == "de"
    rows = tuple(
        (
            a.code,
            a.title,
            prose.SECTOR_LABELS[a.sector][lang],
            fmt_int(a.cost_eur, lang),
            fmt_int(a.savings_mwh, lang),
            fmt_int(a.savings_t_co2, lang),
        )
        for a in spec.mitigation
    )
    if de:
        blocks: list[Block] = [
            Paragraph(
                f"Der Maßnahmenkatalog umfasst {len(spec.mitigation)} "
                "Klimaschutzmaßnahmen. Zusammen mindern sie die Emissionen um "
                f"{fmt_int(spec.mitigation_t_co2, lang)} t CO2 pro Jahr.",
                "mitigation",
            ),
            Table(
                "Tabelle 3: Übersicht der Klimaschutzmaßnahmen",
                (
                    "Nr.",
                    "Maßnahme",
                    "Sektor",
                    "Kosten (EUR)",
                    "Einsparung (MWh/a)",
                    "Minderung (t CO2/a)",
                ),
                rows,
                "mitigation",
            ),
        ]
    else:
        blocks = [
            Paragraph(
                f"The plan contains {len(spec.mitigation)} mitigation actions. Together "
                f"they reduce emissions by {fmt_int(spec.mitigation_t_co2, lang)} t CO2 per "
                "year.",
                "mitigation",
            ),
            Table(
                "Table 3: Overview of mitigation actions",
                (
                    "No.",
                    "Action",
                    "Sector",
                    "Cost (EUR)",
                    "Savings (MWh/year)",
                    "Reduction (t CO2/year)",
                ),
                rows,
                "mitigation",
            ),
        ]
    for action in spec.mitigation[:3]:
        blocks.append(Heading(f"{action.code} {action.title}", 2, "mitigation"))
        if de:
            text = (
                f"Zuständig: {action.responsible}. Zeitraum: {action.start_year} bis "
                f"{action.end_year}. Kosten: {fmt_int(action.cost_eur, lang)} EUR. Die "
                f"Maßnahme spart jährlich {fmt_int(action.savings_mwh, lang)} MWh Endenergie "
                f"und {fmt_int(action.savings_t_co2, lang)} t CO2 ein."
            )
        else:
            text = (
                f"Lead: {action.responsible}. Period: {action.start_year} to "
                f"{action.end_year}. Cost: {fmt_int(action.cost_eur, lang)} EUR. The action "
                f"saves {fmt_int(action.savings_mwh, lang)} MWh of final energy and "
                f"{fmt_int(action.savings_t_co2, lang)} t CO2 per year."
            )
        blocks.append(Paragraph(text, "mitigation"))
    return blocks


def _adaptation(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    rows = tuple(
        (a.code, a.title, a.sector, f"{a.start_year}-{a.end_year}", fmt_int(a.cost_eur, lang))
        for a in spec.adaptation
    )
    if lang == "de":
        return [
            Paragraph(
                "Die Klimaanpassung ergänzt den Klimaschutz. Folgende "
                "Anpassungsmaßnahmen sind vorgesehen:",
                "adaptation",
            ),
            Table(
                "Tabelle 4: Anpassungsmaßnahmen",
                ("Nr.", "Anpassungsmaßnahme", "Gefahr", "Zeitraum", "Kosten (EUR)"),
                rows,
                "adaptation",
            ),
        ]
    return [
        Paragraph(
            "Adaptation actions complement the reduction of emissions. The following "
            "adaptation actions are planned:",
            "adaptation",
        ),
        Table(
            "Table 4: Adaptation actions",
            ("No.", "Adaptation action", "Hazard", "Period", "Cost (EUR)"),
            rows,
            "adaptation",
        ),
    ]


def _financing(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    total = sum(a.cost_eur for a in spec.mitigation) + sum(a.cost_eur for a in spec.adaptation)
    sources = rng.sample(prose.FUNDING[lang], 3)
    if lang == "de":
        return [
            Paragraph(
                f"Die Umsetzung kostet bis {spec.target_year} rund {fmt_int(total, lang)} EUR. Zur "
                f"Finanzierung nutzt die Gemeinde Fördermittel aus folgenden Programmen: "
                f"{'; '.join(sources)}. Der Eigenanteil wird im Haushalt jährlich eingeplant.",
                "financing",
            )
        ]
    return [
        Paragraph(
            f"Implementation will cost about {fmt_int(total, lang)} EUR up to {spec.target_year}. "
            f"Financing draws on the following funding sources: {'; '.join(sources)}. The "
            "municipality's own share is set aside in the annual budget.",
            "financing",
        )
    ]


def _monitoring(spec: PlanSpec, rng: random.Random) -> list[Block]:
    if spec.language == "de":
        return [
            Paragraph(
                "Das Monitoring erfasst jährlich den Fortschritt der Umsetzung anhand von Indikatoren "
                "wie installierter Leistung, sanierten Flächen und Energieverbrauch. Alle zwei Jahre "
                "berichtet das Controlling dem Hauptausschuss über den Stand.",
                "monitoring",
            )
        ]
    return [
        Paragraph(
            "Monitoring tracks progress each year with indicators such as installed capacity, "
            "retrofitted floor area and energy use. A monitoring report is submitted to the "
            "Covenant of Mayors every two years.",
            "monitoring",
        )
    ]


def _communication(spec: PlanSpec, rng: random.Random) -> list[Block]:
    de = spec.language == "de"
    blocks: list[Block] = []
    if spec.has("communication"):
        if de:
            blocks.append(
                Paragraph(
                    "Die Kommunikationsstrategie richtet sich an Haushalte, Unternehmen und Schulen. "
                    "Die Öffentlichkeitsarbeit nutzt das Amtsblatt, die Website, soziale Medien und "
                    "einen monatlichen Energie-Newsletter.",
                    "communication",
                )
            )
        else:
            blocks.append(
                Paragraph(
                    "The communication strategy addresses households, businesses and schools. "
                    "Channels include the town newsletter, the website, social media and a "
                    "monthly energy bulletin.",
                    "communication",
                )
            )
    if spec.has("participation"):
        # A chapter on participation alone needs no section heading repeating its title.
        sub = spec.has("communication")
        if de:
            if sub:
                blocks.append(Heading("Bürgerbeteiligung", 2, "participation"))
            blocks.append(
                Paragraph(
                    "Die Bürgerbeteiligung umfasste zwei Bürgerwerkstätten, eine Online-Umfrage mit "
                    f"{rng.randint(150, 900)} Antworten und einen Klimabeirat mit Vertretern von "
                    "Vereinen und Betrieben.",
                    "participation",
                )
            )
        else:
            if sub:
                blocks.append(Heading("Citizen participation", 2, "participation"))
            blocks.append(
                Paragraph(
                    "Citizen participation included two public workshops, an online survey with "
                    f"{rng.randint(150, 900)} responses and a climate panel with representatives of "
                    "local groups and businesses.",
                    "participation",
                )
            )
    return blocks


_CHAPTERS = {
    "council_approval": _council,
    "strategy": _strategy,
    "inventory": _inventory,
    "risk_assessment": _risk,
    "mitigation": _mitigation,
    "adaptation": _adaptation,
    "financing": _financing,
    "monitoring": _monitoring,
}
