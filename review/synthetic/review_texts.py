"""The texts of a simulated review, varied so that no sentence repeats across the reviews of a
round: by criterion, score, the plan's facts (every sentence names the municipality, many a
figure of the plan), the reviewer and the plan's edition.

How reviewers of the same plan stay apart: each sentence is a combination of parts (an opener, a
subject, a predicate; a lead-in, a closing). The combinations are shuffled by a key of plan,
criterion and band, and the reviewer takes the one at its seed's position (`pick`). Two reviewers
whose seeds differ by less than the number of combinations (at least 21 everywhere) never write
the same sentence; the demo seeds each reviewer by its place in the participants file (0-19).
Across plans the municipality's name keeps sentences apart; across editions the openers.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence

from review.synthetic.blocks import fmt_int
from review.synthetic.plans import KEY_SECTORS, PlanSpec
from review.synthetic.review_phrases import (
    GENERIC_SUBJECTS,
    MISSING,
    OPENERS,
    PAGE,
    PARTLY,
    PREDICATES,
    SUBJECTS,
)
from review.synthetic.verdict_phrases import (
    ADD_PART,
    CLOSINGS,
    DEEPEN,
    KEEP,
    NO_STRENGTH,
    NO_WEAKNESS,
    RECOMMEND,
    REVISED,
    STRENGTHS,
    WEAKNESSES,
)

Lang = str


def pick(key: str, seed: int, *sizes: int) -> tuple[int, ...]:
    """The combination at `seed`'s position in an order shuffled by `key`: seeds that differ
    by less than the number of combinations get different combinations."""
    combos = list(itertools.product(*(range(n) for n in sizes)))
    random.Random(key).shuffle(combos)
    return combos[seed % len(combos)]


def _lang(language: str) -> Lang:
    return "de" if language == "de" else "en"


def _sentence(opener: str, body: str) -> str:
    body = body[0].upper() + body[1:] if not opener or opener.endswith(": ") else body
    text = f"{opener}{body}".replace(",.", ".").replace(", (", " (")
    return text[0].upper() + text[1:] + "."


def facts(spec: PlanSpec, language: str) -> dict[str, object]:
    """The plan's figures as the sentences quote them, formatted for `language`."""
    lang = _lang(language)
    gap = spec.baseline_t_co2 * spec.target_percent / 100
    cost = sum(a.cost_eur for a in (*spec.mitigation, *spec.adaptation)) / 1e6
    return {
        "m": spec.municipality,
        "pct": spec.target_percent,
        "ty": spec.target_year,
        "by": spec.baseline_year,
        "council": spec.council_date.strftime("%d.%m.%Y" if lang == "de" else "%d %B %Y"),
        "n_key": len(set(spec.inventory_sectors) & set(KEY_SECTORS)),
        "t": fmt_int(spec.baseline_t_co2, lang),
        "n_act": len(spec.mitigation),
        "act": spec.mitigation[0].title if spec.mitigation else "",
        "k": len(spec.mitigation_sectors),
        "sectors": _counted(
            len(spec.mitigation_sectors), lang, ("sector", "sectors"), ("Sektor", "Sektoren")
        ),
        "gap": round(100 * spec.mitigation_t_co2 / gap) if gap else 0,
        "cost": f"{cost:.1f}".replace(".", ",") if lang == "de" else f"{cost:.1f}",
        "pop": fmt_int(spec.population, lang),
    }


def _counted(n: int, lang: str, en: tuple[str, str], de: tuple[str, str]) -> str:
    """'1 sector', '3 Sektoren': the synthetic reviewer writes the plural its number takes."""
    one, many = de if lang == "de" else en
    return f"{n} {one if n == 1 else many}"


def band(score: int) -> str:
    return "high" if score >= 3 else "mid" if score == 2 else "low"


def assessed(
    criterion_id: str,
    title: str,
    score: int,
    spec: PlanSpec,
    language: str,
    seed: int,
    *,
    subject_key: str | None = None,
    page: int | None = None,
) -> str:
    """A sentence on a criterion whose parts the plan has: opener, subject, predicate."""
    lang = _lang(language)
    openers = OPENERS[(lang, spec.edition)]
    key = subject_key or criterion_id
    subjects = SUBJECTS[key][lang] if key in SUBJECTS else GENERIC_SUBJECTS[lang]
    predicates = PREDICATES[(lang, band(score))]
    o, s, p = pick(
        f"{spec.seed}:{spec.municipality}:{key}:{band(score)}:{lang}",
        seed,
        len(openers),
        len(subjects),
        len(predicates),
    )
    subject = subjects[s].format(title=title, **facts(spec, lang))
    where = PAGE[lang].format(page=page) if page else ""
    return _sentence(openers[o], f"{subject} {predicates[p]}{where}")


def absent(
    criterion_id: str,
    title: str,
    what: str,
    spec: PlanSpec,
    language: str,
    seed: int,
    *,
    partly: bool,
) -> str:
    """A sentence on a criterion whose parts the plan leaves out, all (`partly=False`) or some."""
    lang = _lang(language)
    openers = OPENERS[(lang, spec.edition)]
    bodies = (PARTLY if partly else MISSING)[lang]
    o, b = pick(
        f"{spec.seed}:{spec.municipality}:{criterion_id}:{partly}:{lang}",
        seed,
        len(openers),
        len(bodies),
    )
    body = bodies[b].format(what=what, title=title, m=spec.municipality)
    return _sentence(openers[o], body)


def _listing(titles: Sequence[str], lang: Lang) -> str:
    quoted = [f"„{t}“" if lang == "de" else f"'{t}'" for t in titles]
    if len(quoted) <= 1:
        return "".join(quoted)
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + (" und " if lang == "de" else " and ") + quoted[-1]


def judged(
    kind: str,
    titles: Sequence[str],
    rubric_id: str,
    rubric_title: str,
    spec: PlanSpec,
    language: str,
    seed: int,
) -> str:
    """The strengths (`kind="strengths"`) or weaknesses: the criteria named, or a sentence that
    there are none."""
    lang = _lang(language)
    if titles:
        table = STRENGTHS if kind == "strengths" else WEAKNESSES
        leads = table[(lang, spec.edition)]
    else:
        leads = (NO_STRENGTH if kind == "strengths" else NO_WEAKNESS)[lang]
        if spec.edition > 1:
            leads = tuple(
                REVISED[lang] + (lead if lang == "de" else lead[0].lower() + lead[1:])
                for lead in leads
            )
    closings = CLOSINGS[(lang, kind if titles else f"no-{kind}")]
    lead, closing = pick(
        f"{spec.seed}:{spec.municipality}:{kind}:{rubric_id}:{lang}",
        seed,
        len(leads),
        len(closings),
    )
    rubric = f"„{rubric_title}“" if lang == "de" else f"'{rubric_title}'"
    text = leads[lead].format(m=spec.municipality, list=_listing(titles, lang), rubric=rubric)
    return _sentence("", text + closings[closing])


def recommended(
    missing_parts: Sequence[str],
    weak_titles: Sequence[str],
    rubric_id: str,
    spec: PlanSpec,
    language: str,
    seed: int,
) -> str:
    """A lead-in and the recommendations, separated by semicolons (one action each)."""
    lang = _lang(language)
    leads = RECOMMEND[(lang, spec.edition)]
    keep = KEEP[(lang, "communication" if rubric_id == "communication" else "technical")]
    lead, variant = pick(
        f"{spec.seed}:{spec.municipality}:recommend:{rubric_id}:{lang}", seed, len(leads), 3
    )
    items = [ADD_PART[lang][variant].format(what=what) for what in missing_parts]
    items += [DEEPEN[lang][variant].format(title=title) for title in weak_titles]
    body = "; ".join(items) if items else keep[variant]
    return f"{leads[lead].format(m=spec.municipality)} {body}."


def pages_of(locations: Mapping[str, object]) -> dict[str, int]:
    """Part -> page, from a written plan's locations (PDF plans; DOCX plans have no pages)."""
    out = {}
    for part, location in locations.items():
        page = getattr(location, "page", None)
        if isinstance(page, int):
            out[part] = page
    return out
