"""Simulated reviewer answers for the demo and for tests of consolidation.

`simulate_review(rubric, spec, language=..., seed=...)` scores a synthetic plan the way a careful
peer would: a criterion whose part the plan leaves out scores 0, thin parts score low (an
inventory with fewer than 3 key sectors, actions in one sector, actions closing a small share of
the target gap), the rest scatter around the plan's overall quality with a reviewer's own
leniency. Comments are written where the rubric requires them (`Rubric.comment_required`) and
sometimes where it does not; strengths, weaknesses and recommendations follow the scores; all in
the reviewer's language. Unknown criterion ids (a coordinator's own rubric) score on quality.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from review.reviewing.form import NOT_APPLICABLE, ReviewInput
from review.rubric import Criterion, Rubric
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

_TEXT = {
    "missing": {"de": "Im Konzept fehlt {what}.", "en": "The plan has no {what}."},
    "partly": {
        "de": "Es fehlt {what}; der Rest ist nur teilweise belastbar.",
        "en": "The {what} is missing, so this is only partly covered.",
    },
    "sectors": {
        "de": "Die Bilanz deckt {n} der 4 Schlüsselsektoren ab.",
        "en": "The inventory covers {n} of the 4 key sectors.",
    },
    "action_sectors": {
        "de": "Die Maßnahmen betreffen {n} Sektor(en).",
        "en": "The actions address {n} sector(s).",
    },
    "gap": {
        "de": "Die Maßnahmen schließen rund {pct} % der Lücke zum Ziel.",
        "en": "The actions close about {pct}% of the gap to the target.",
    },
    "unquantified": {
        "de": "Ohne Bilanz lässt sich der Zielpfad nicht quantifizieren.",
        "en": "Without an inventory the pathway cannot be quantified.",
    },
    "level": {"de": "Einstufung {value}: {anchor}", "en": "Rated {value}: {anchor}"},
    "good": {
        "de": "Nachvollziehbar dargestellt und gut belegt.",
        "en": "Clearly presented and well documented.",
    },
    "fair": {
        "de": "Grundsätzlich vorhanden, aber in Teilen zu allgemein.",
        "en": "Present in principle, but too general in places.",
    },
    "strengths": {"de": "Stärken: ", "en": "Strengths: "},
    "weaknesses": {"de": "Schwächen: ", "en": "Weaknesses: "},
    "none": {"de": "Keine wesentlichen Schwächen.", "en": "No major weaknesses."},
    "add": {"de": "{what} ergänzen", "en": "add the {what}"},
    "deepen": {"de": "{title} vertiefen", "en": "strengthen '{title}'"},
    "keep": {
        "de": "Umsetzung wie geplant fortsetzen und im Monitoring nachhalten.",
        "en": "Continue implementation as planned and track it in the monitoring.",
    },
    "recommend": {"de": "Empfehlungen: ", "en": "Recommendations: "},
}


def _t(key: str, language: str, **kw: object) -> str:
    return _TEXT[key]["de" if language == "de" else "en"].format(**kw)


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


def simulate_review(
    rubric: Rubric,
    spec: PlanSpec,
    *,
    language: str = "en",
    seed: int = 0,
    leniency: float | None = None,
    not_applicable: float = 0.03,
) -> SimulatedReview:
    """One reviewer's answers on `spec` with `rubric`. `seed` tells reviewers apart; `leniency`
    (about -1 strict to +1 lenient) defaults to a draw from the seed."""
    plan_rng = random.Random(f"quality:{spec.seed}:{spec.language}")
    quality = plan_rng.uniform(1.8, 3.6)  # the same plan is equally good for every reviewer
    rng = random.Random(f"review:{seed}:{spec.seed}:{spec.language}:{rubric.id}")
    if leniency is None:
        leniency = rng.uniform(-0.6, 0.6)

    scores: dict[str, int | None] = {}
    reasons: dict[str, str] = {}
    low, high = rubric.scale.minimum, rubric.scale.maximum
    for criterion in rubric.criteria:
        value, reason = _score(criterion, spec, quality + leniency, rng, language)
        value = max(low, min(high, value))
        if (
            criterion.allow_na
            and not criterion.critical
            and value > low
            and rng.random() < not_applicable
        ):
            scores[criterion.id] = None
            reasons[criterion.id] = reason
            continue
        scores[criterion.id] = value
        reasons[criterion.id] = reason

    comments: dict[str, str] = {}
    for criterion in rubric.criteria:
        given = scores[criterion.id]
        if rubric.comment_required(criterion, given) or rng.random() < 0.3:
            parts = [reasons[criterion.id]] if reasons[criterion.id] else []
            if given is not None:
                parts.append(
                    _t(
                        "level",
                        language,
                        value=given,
                        anchor=rubric.anchor(criterion, given, language),
                    )
                )
            comments[criterion.id] = " ".join(parts)

    strengths, weaknesses, recommendations = _overall(rubric, spec, scores, language)
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


def _score(
    criterion: Criterion, spec: PlanSpec, level: float, rng: random.Random, language: str
) -> tuple[int, str]:
    """(score, reason) before clipping to the scale."""
    noise = rng.choice((-1, 0, 0, 0, 0, 1))
    base = round(level) + noise
    needs = CRITERION_PARTS.get(criterion.id, ())
    absent = [p for p in needs if not spec.has(p)]
    if needs and len(absent) == len(needs):
        what = " / ".join(PART_LABELS[p][language] for p in absent)
        return 0, _t("missing", language, what=what)
    if absent:
        return min(1, base), _t(
            "partly", language, what=" / ".join(PART_LABELS[p][language] for p in absent)
        )

    cid = criterion.id
    if cid == "T2":
        n = len(set(spec.inventory_sectors) & set(KEY_SECTORS))
        reason = _t("sectors", language, n=n)
        if n < 3:
            return 1, reason
        if n == 3:
            return 2, reason
        if n == 4 and "local_production" in spec.inventory_sectors:
            return max(3, base), reason
        return min(3, max(2, base)), reason
    if cid == "T5":
        n = len(spec.mitigation_sectors)
        reason = _t("action_sectors", language, n=n)
        return (1 if n == 1 else 2 if n == 2 else max(2, base)), reason
    if cid == "T6":
        if not spec.has("inventory") or not spec.baseline_t_co2:
            return 1, _t("unquantified", language)
        gap = spec.baseline_t_co2 * spec.target_percent / 100
        share = spec.mitigation_t_co2 / gap
        reason = _t("gap", language, pct=round(100 * share))
        if share < 0.5:
            return 1, reason
        if share < 0.9:
            return 2, reason
        return (3 if share < 1 else max(3, base)), reason
    return base, _t("good" if base >= 3 else "fair", language) if base >= 2 else ""


def _overall(
    rubric: Rubric, spec: PlanSpec, scores: dict[str, int | None], language: str
) -> tuple[str, str, str]:
    rated = [(c, v) for c in rubric.criteria if (v := scores[c.id]) is not None]
    best = [c.title(language) for c, v in sorted(rated, key=lambda cv: -cv[1]) if v >= 3][:3]
    worst = [c.title(language) for c, v in sorted(rated, key=lambda cv: cv[1]) if v <= 1][:3]
    strengths = _t("strengths", language) + ("; ".join(best) if best else _t("fair", language))
    weaknesses = (_t("weaknesses", language) + "; ".join(worst)) if worst else _t("none", language)
    relevant = {p for c in rubric.criteria for p in CRITERION_PARTS.get(c.id, ())}
    todo = [
        _t("add", language, what=PART_LABELS[p][language]) for p in sorted(spec.missing & relevant)
    ]
    todo += [
        _t("deepen", language, title=c.title(language))
        for c, v in rated
        if v == 1 and not set(CRITERION_PARTS.get(c.id, ())) & spec.missing
    ]
    recommendations = (
        _t("recommend", language) + "; ".join(todo) + "." if todo else _t("keep", language)
    )
    return strengths, weaknesses, recommendations
