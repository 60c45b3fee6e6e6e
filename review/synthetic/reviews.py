"""Simulated reviewer answers for the demo and for tests of consolidation.

`simulate_review(rubric, spec, language=..., seed=...)` scores a synthetic plan the way a careful
peer would: a criterion whose part the plan leaves out scores 0, thin parts score low (an
inventory with fewer than 3 key sectors, actions in one sector, actions closing a small share of
the target gap), the rest scatter around the plan's overall quality, shifted where the plan is
strong or weak (`emphasis`, the same for every reviewer), with the reviewer's own leniency.
Comments are written where the rubric requires them (`Rubric.comment_required`) and sometimes
where it does not; strengths, weaknesses and recommendations follow the scores; all in the
reviewer's language, worded by review.synthetic.review_texts so that no two reviewers write the
same sentence. Unknown criterion ids (a coordinator's own rubric) score on quality.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from review.reviewing.form import NOT_APPLICABLE, ReviewInput
from review.rubric import Criterion, Rubric
from review.synthetic import review_texts as texts
from review.synthetic.plans import KEY_SECTORS, PlanSpec

PART_LABELS = {
    "council_approval": {"de": "Gemeinderatsbeschluss", "en": "council approval"},
    "strategy": {"de": "Minderungsziel und Leitbild", "en": "reduction target and vision"},
    "inventory": {"de": "Treibhausgasbilanz", "en": "Baseline Emission Inventory"},
    "risk_assessment": {
        "de": "Klimarisiko- und Vulnerabilitätsanalyse",
        "en": "risk and vulnerability assessment",
    },
    "mitigation": {"de": "Maßnahmenkatalog", "en": "mitigation actions"},
    "adaptation": {"de": "Klimaanpassung", "en": "adaptation actions"},
    "financing": {"de": "Finanzierung", "en": "financing"},
    "monitoring": {"de": "Monitoring", "en": "monitoring"},
    "communication": {"de": "Kommunikationsstrategie", "en": "communication strategy"},
    "participation": {"de": "Bürgerbeteiligung", "en": "citizen participation"},
}

_COMMUNICATION = tuple(f"C{i}" for i in range(1, 9))
# Which parts a criterion rests on: all of `needs` missing -> 0; some missing -> at most 1.
CRITERION_PARTS: dict[str, tuple[str, ...]] = {
    "T1": ("strategy", "council_approval"),
    "T2": ("inventory",),
    "T3": ("risk_assessment",),
    "T4": ("mitigation",),
    "T5": ("mitigation",),
    "T6": ("strategy", "mitigation"),
    "T7": ("financing",),
    "T8": ("monitoring",),
    "C1": ("communication",),
    "C2": ("communication",),
    "C3": ("communication",),
    "C4": ("participation",),
    "C5": ("communication", "participation"),
    "C6": ("participation",),
    "C7": ("communication",),
    "C8": ("communication", "monitoring"),
}


@dataclass(frozen=True)
class SimulatedReview:
    rubric: str
    language: str
    scores: dict[str, int | None]  # None: not applicable
    comments: dict[str, str]
    strengths: str
    weaknesses: str
    recommendations: str
    eligibility: dict[str, bool]

    def as_input(self) -> ReviewInput:
        """The answers as `review.reviewing` takes them (scores as typed, 'n/a' for None)."""
        return ReviewInput(
            scores={k: NOT_APPLICABLE if v is None else str(v) for k, v in self.scores.items()},
            comments=dict(self.comments),
            strengths=self.strengths,
            weaknesses=self.weaknesses,
            recommendations=self.recommendations,
            eligibility=dict(self.eligibility),
        )

    def form_fields(self, rubric: Rubric) -> dict[str, str]:
        """The fields the portal's review form posts (`score-T1`, `comment-T1`, `elig-...`)."""
        return self.as_input().fields(rubric)


def emphasis(spec: PlanSpec) -> dict[str, float]:
    """Where the plan is better or worse than its overall quality, the same for every reviewer:
    per rubric two criteria strong (+2.0) and two weak (-2.7), drawn from the plan's seed, so
    that the plans of a round can learn from each other. The criteria scored on the plan's facts
    (T2, T5, T6) follow the facts; the weak ones are never critical (a critical criterion at 1
    would send every plan to major revision). A revised plan (edition 2) took up its weak
    points."""
    rng = random.Random(f"emphasis:{spec.seed}:{spec.language}")
    out: dict[str, float] = {}
    for pool, critical in (
        (("T1", "T3", "T4", "T7", "T8"), ("T1", "T3")),
        (_COMMUNICATION, ("C4",)),
    ):
        weak = rng.sample([c for c in pool if c not in critical], 2)
        strong = rng.sample([c for c in pool if c not in weak], 2)
        out.update({c: 2.0 for c in strong})
        out.update({c: -2.7 if spec.edition == 1 else 0.3 for c in weak})
    return out


def simulate_review(
    rubric: Rubric,
    spec: PlanSpec,
    *,
    language: str = "en",
    seed: int = 0,
    leniency: float | None = None,
    not_applicable: float = 0.03,
    pages: Mapping[str, int] | None = None,
) -> SimulatedReview:
    """One reviewer's answers on `spec` with `rubric`. `seed` tells reviewers apart (the same
    seed is the same reviewer: its leniency, about -0.6 strict to +0.6 lenient, is drawn from it
    unless given, and its phrasing, see review.synthetic.review_texts); `pages` (part -> page)
    lets comments say where in the plan."""
    plan_rng = random.Random(f"quality:{spec.seed}:{spec.language}")
    quality = plan_rng.uniform(1.8, 3.2)  # the same plan is equally good for every reviewer
    rng = random.Random(f"review:{seed}:{spec.seed}:{spec.language}:{rubric.id}:{spec.edition}")
    if leniency is None:
        leniency = random.Random(f"leniency:{seed}").uniform(-0.6, 0.6)
    shift = emphasis(spec)

    scores: dict[str, int | None] = {}
    low, high = rubric.scale.minimum, rubric.scale.maximum
    for criterion in rubric.criteria:
        level = quality + leniency + shift.get(criterion.id, 0.0)
        value = max(low, min(high, _score(criterion, spec, level, rng)))
        if (
            criterion.allow_na
            and not criterion.critical
            and value > low
            and rng.random() < not_applicable
        ):
            scores[criterion.id] = None
            continue
        scores[criterion.id] = value

    comments: dict[str, str] = {}
    for criterion in rubric.criteria:
        given = scores[criterion.id]
        if rubric.comment_required(criterion, given) or rng.random() < 0.3:
            comments[criterion.id] = _comment(criterion, given, spec, language, seed, pages)

    strengths, weaknesses, recommendations = _overall(rubric, spec, scores, language, seed)
    return SimulatedReview(
        rubric=rubric.id,
        language=language,
        scores=scores,
        comments=comments,
        strengths=strengths,
        weaknesses=weaknesses,
        recommendations=recommendations,
        eligibility=spec.eligibility(),
    )


def _absent_parts(criterion_id: str, spec: PlanSpec) -> tuple[list[str], bool]:
    """(the criterion's parts the plan leaves out, whether that is all of them)."""
    needs = CRITERION_PARTS.get(criterion_id, ())
    absent = [p for p in needs if not spec.has(p)]
    return absent, bool(needs) and len(absent) == len(needs)


def _score(criterion: Criterion, spec: PlanSpec, level: float, rng: random.Random) -> int:
    """The score before clipping to the scale."""
    noise = rng.choice((-1, 0, 0, 0, 0, 1))
    base = round(level) + noise
    absent, all_absent = _absent_parts(criterion.id, spec)
    if all_absent:
        return 0
    if absent:
        return min(1, base)
    cid = criterion.id
    if cid == "T2":
        n = len(set(spec.inventory_sectors) & set(KEY_SECTORS))
        if n < 3:
            return 1
        if n == 3:
            return 2
        if n == 4 and "local_production" in spec.inventory_sectors:
            return max(3, base)
        return min(3, max(2, base))
    if cid == "T5":
        n = len(spec.mitigation_sectors)
        return 1 if n == 1 else 2 if n == 2 else max(2, base)
    if cid == "T6":
        if not spec.has("inventory") or not spec.baseline_t_co2:
            return 1
        share = spec.mitigation_t_co2 / (spec.baseline_t_co2 * spec.target_percent / 100)
        if share < 0.5:
            return 1
        if share < 0.9:
            return 2
        return 3 if share < 1 else max(3, base)
    return base


def _comment(
    criterion: Criterion,
    given: int | None,
    spec: PlanSpec,
    language: str,
    seed: int,
    pages: Mapping[str, int] | None,
) -> str:
    lang = "de" if language == "de" else "en"
    title = criterion.title(lang)
    absent, all_absent = _absent_parts(criterion.id, spec)
    if absent:
        what = " / ".join(PART_LABELS[p][lang] for p in absent)
        return texts.absent(criterion.id, title, what, spec, lang, seed, partly=not all_absent)
    unquantified = criterion.id == "T6" and not (spec.has("inventory") and spec.baseline_t_co2)
    parts = CRITERION_PARTS.get(criterion.id, ())
    page = next((pages[p] for p in parts if pages and p in pages), None)
    return texts.assessed(
        criterion.id,
        title,
        2 if given is None else given,
        spec,
        lang,
        seed,
        subject_key="T6-unquantified" if unquantified else None,
        page=page,
    )


def _overall(
    rubric: Rubric, spec: PlanSpec, scores: dict[str, int | None], language: str, seed: int
) -> tuple[str, str, str]:
    lang = "de" if language == "de" else "en"
    rated = [(c, v) for c in rubric.criteria if (v := scores[c.id]) is not None]
    best = [c.title(lang) for c, v in sorted(rated, key=lambda cv: -cv[1]) if v >= 3][:3]
    worst = [c.title(lang) for c, v in sorted(rated, key=lambda cv: cv[1]) if v <= 1][:3]
    title = rubric.title(lang)
    strengths = texts.judged("strengths", best, rubric.id, title, spec, lang, seed)
    weaknesses = texts.judged("weaknesses", worst, rubric.id, title, spec, lang, seed)
    relevant = {p for c in rubric.criteria for p in CRITERION_PARTS.get(c.id, ())}
    missing = [PART_LABELS[p][lang] for p in sorted(spec.missing & relevant)]
    deepen = [
        c.title(lang)
        for c, v in rated
        if v == 1 and not set(CRITERION_PARTS.get(c.id, ())) & spec.missing
    ]
    recommendations = texts.recommended(missing, deepen, rubric.id, spec, lang, seed)
    return strengths, weaknesses, recommendations
