"""A synthetic plan as a document: `plan_blocks(spec)` turns a `PlanSpec` into headings,
paragraphs and tables in reading order, chapter by chapter (`chapters`), with filler spread over
them so long plans keep a realistic rhythm. A pure function of the spec's seed."""

from __future__ import annotations

import random

from review.synthetic import chapters, filler, prose
from review.synthetic.blocks import Block, Heading, PageBreak, Paragraph, TocEntry, fmt_int
from review.synthetic.plans import PARTS, PlanSpec


def plan_blocks(spec: PlanSpec) -> list[Block]:
    """The document of a plan as a list of blocks, in reading order."""
    rng = random.Random(f"text:{spec.seed}:{spec.language}")
    present = _chapters(spec, rng)
    # Spread the filler over the chapters, intro first, so long plans keep a realistic rhythm.
    per_chapter = [0] * len(present)
    for i in range(spec.filler_paragraphs):
        per_chapter[i % len(present)] += 1

    blocks = _front_matter(spec, present)
    seen: set[str] = set()
    chapters_with_filler = zip(present, per_chapter, strict=True)
    for number, ((part, content), n_filler) in enumerate(chapters_with_filler, start=1):
        heading = spec.headings.get(part) or prose.HEADINGS[part][spec.language][0]
        part_id = None if part == "intro" else part
        if part == "communication":
            part_id = "communication" if spec.has("communication") else "participation"
        blocks.append(Heading(f"{number} {heading}", 1, part_id))
        blocks.extend(content)
        pool = _filler_pool(spec, part)
        for _ in range(n_filler):
            text = _new_filler(rng, spec, pool, seen)
            seen.add(text)
            blocks.append(Paragraph(text))
    return blocks


def _chapters(spec: PlanSpec, rng: random.Random) -> list[tuple[str, list[Block]]]:
    """(part, blocks) of each chapter the plan has, in the order of `PARTS`; communication and
    participation share one chapter."""
    present: list[tuple[str, list[Block]]] = [("intro", chapters.intro(spec))]
    for part in PARTS:
        if part == "participation":
            continue
        if part == "communication":
            if spec.has("communication") or spec.has("participation"):
                present.append(("communication", chapters.communication(spec, rng)))
        elif spec.has(part):
            present.append((part, chapters.CHAPTERS[part](spec, rng)))
    return present


def _front_matter(spec: PlanSpec, present: list[tuple[str, list[Block]]]) -> list[Block]:
    """Title, municipality, author and (if the spec has one) the table of contents."""
    de = spec.language == "de"
    blocks: list[Block] = [
        Heading(spec.title, 0),
        Paragraph(f"{'Gemeinde' if de else 'Municipality of'} {spec.municipality}, {spec.year}"),
        Paragraph(spec.author),
    ]
    if spec.table_of_contents:
        blocks.append(Heading("Inhaltsverzeichnis" if de else "Contents", 1))
        for number, (part, _content) in enumerate(present, start=1):
            heading = spec.headings.get(part) or prose.HEADINGS[part][spec.language][0]
            blocks.append(TocEntry(f"{number} {heading}"))
        blocks.append(PageBreak())
    return blocks


def _new_filler(
    rng: random.Random, spec: PlanSpec, pool: tuple[tuple[str, ...], ...], seen: set[str]
) -> str:
    """A filler paragraph not in `seen` (a paragraph never repeats word for word), or the 20th
    try."""
    for _attempt in range(20):
        text = _filler(rng, spec, pool)
        if text not in seen:
            break
    return text


def _filler_pool(spec: PlanSpec, chapter: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(chapter sentences, neutral sentences) for padding `chapter`."""
    lang = spec.language
    parts = ("communication", "participation") if chapter == "communication" else (chapter,)
    own = tuple(
        s for p in parts if spec.has(p) for s in filler.PART_FILLER.get(p, {}).get(lang, ())
    )
    if chapter == "inventory":
        own += tuple(
            s
            for sector in spec.inventory_sectors
            for s in filler.INVENTORY_SECTOR_FILLER.get(sector, {}).get(lang, ())
        )
    return own, filler.FILLER[lang]


def _filler(rng: random.Random, spec: PlanSpec, pool: tuple[tuple[str, ...], ...]) -> str:
    """A paragraph of 3-5 sentences, about half from the chapter's own subject when it has one."""
    own, neutral = pool
    n = rng.randint(3, 5)
    k = min(len(own), rng.randint(1, 3)) if own else 0
    sentences = rng.sample(own, k) + rng.sample(neutral, n - k)
    rng.shuffle(sentences)
    pop = fmt_int(spec.population, spec.language)
    return " ".join(s.format(m=spec.municipality, pop=pop) for s in sentences)
