"""How well a reviewer fits a plan for a rubric, from the round's data, with its terms kept so
that every assignment can say why it was chosen.

affinity = expertise + language + country + exchanges + text (weights in `WEIGHTS`):
- expertise: the reviewer declared the rubric (without it the pair is not eligible at all);
- language: the plan is in the reviewer's own language (they only get plans they read anyway);
- country: reviewer's and plan's municipality are in the same country (context, law, funding);
- exchanges: the two municipalities met in earlier rounds (they know each other's context);
- text: TF-IDF cosine between the plan's extracted text and the reviewer's expertise keywords.

The pure functions work on plain data; `gather()` reads a round from the database.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from sqlmodel import Session, col, select

from review.i18n import N_, Message, translator
from review.models import (
    Assignment,
    AssignmentStatus,
    Municipality,
    Plan,
    Reviewer,
    Round,
    saved_id,
)
from review.queries import latest_texts, withdrawn_plans

WEIGHTS: dict[str, float] = {
    "expertise": 1.0,
    "language": 0.5,
    "country": 0.3,
    "exchanges": 0.2,  # per earlier exchange, at most EXCHANGES_CAP of them count
    "text": 2.0,
}
EXCHANGES_CAP = 2
#: Affinities are stored and solved as integers in thousandths: exact comparisons, no float drift.
SCALE = 1000

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_STOP = frozenset(
    [
        "und",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "mit",
        "für",
        "von",
        "zu",
        "im",
        "in",
        "auf",
        "ist",
        "sind",
        "wird",
        "werden",
        "als",
        "auch",
        "bei",
        "nach",
        "aus",
        "oder",
        "nicht",
        "sowie",
        "durch",
        "über",
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "are",
        "was",
        "were",
        "have",
        "has",
        "into",
        "its",
        "their",
        "which",
        "will",
        "been",
    ]
)
# Crude stemming: German compounds and inflections share their first letters
# ("Wärmeplanung", "Wärmeplans"); good enough to match keywords against a long text.
_STEM = 7


def tokens(text: str) -> list[str]:
    return [w[:_STEM] for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOP]


class Similarity:
    """Cosine of TF-IDF vectors between reviewers' keywords and plans' texts, IDF over the
    round's plans, held as two sparse matrices (reviewers x terms, plans x terms) with unit rows:
    a block of plans against every reviewer is one sparse product, and nothing of size
    reviewers x plans is ever kept (10,000 plans and 20,000 reviewers are 200 million pairs)."""

    def __init__(self, plan_texts: Mapping[int, str], reviewer_keywords: Mapping[int, str]) -> None:
        plan_counts = {pid: Counter(tokens(text)) for pid, text in plan_texts.items()}
        reviewer_counts = {rid: Counter(tokens(k)) for rid, k in reviewer_keywords.items()}
        n = max(len(plan_counts), 1)
        df: Counter[str] = Counter()
        for counts in plan_counts.values():
            df.update(counts.keys())
        vocabulary: dict[str, int] = {}
        for counts in [*plan_counts.values(), *reviewer_counts.values()]:
            for term in counts:
                vocabulary.setdefault(term, len(vocabulary))
        idf = np.ones(len(vocabulary))
        for term, j in vocabulary.items():
            idf[j] = math.log((1 + n) / (1 + df.get(term, 0))) + 1.0
        self.plan_row = {pid: i for i, pid in enumerate(plan_counts)}
        self.reviewer_row = {rid: i for i, rid in enumerate(reviewer_counts)}
        self.plans = _unit_rows(list(plan_counts.values()), vocabulary, idf)
        self.reviewers = _unit_rows(list(reviewer_counts.values()), vocabulary, idf)

    def get(self, pair: tuple[int, int], default: float = 0.0) -> float:
        """The similarity of (reviewer id, plan id)."""
        rid, pid = pair
        if rid not in self.reviewer_row or pid not in self.plan_row:
            return default
        row = self.reviewers[self.reviewer_row[rid]]
        return float(row.multiply(self.plans[self.plan_row[pid]]).sum())

    def block(self, reviewer_ids: list[int], plan_ids: list[int]) -> np.ndarray:
        """Dense similarities, reviewers x plans, for the given ids (0 for one without text)."""
        out = np.zeros((len(reviewer_ids), len(plan_ids)))
        rows = [
            (i, self.reviewer_row[r]) for i, r in enumerate(reviewer_ids) if r in self.reviewer_row
        ]
        cols = [(j, self.plan_row[p]) for j, p in enumerate(plan_ids) if p in self.plan_row]
        if rows and cols:
            ri, rr = (np.array(x) for x in zip(*rows, strict=True))
            cj, cc = (np.array(x) for x in zip(*cols, strict=True))
            product = (self.reviewers[rr] @ self.plans[cc].T).toarray()
            out[np.ix_(ri, cj)] = product
        return out


def _unit_rows(
    counts: list[Counter[str]], vocabulary: Mapping[str, int], idf: np.ndarray
) -> csr_matrix:
    """TF-IDF rows, (1 + log tf) * idf, each scaled to length 1."""
    indptr, indices, values = [0], [], []
    for c in counts:
        cols = np.fromiter((vocabulary[t] for t in c), np.int64, len(c))
        tf = np.fromiter(c.values(), float, len(c))
        vec = (1 + np.log(tf)) * idf[cols]
        norm = math.sqrt(float(vec @ vec)) or 1.0
        indices.append(cols)
        values.append(vec / norm)
        indptr.append(indptr[-1] + len(c))
    shape = (len(counts), len(vocabulary))
    if not counts:
        return csr_matrix(shape)
    return csr_matrix((np.concatenate(values), np.concatenate(indices), indptr), shape=shape)


@dataclass(frozen=True)
class ReviewerInfo:
    id: int
    municipality: str | None
    country: str | None
    language: str
    languages: tuple[str, ...]
    rubrics: tuple[str, ...]
    frontrunner: bool
    min_load: int
    max_load: int
    name: str = ""


@dataclass(frozen=True)
class PlanInfo:
    id: int
    municipality: str
    country: str
    language: str


@dataclass
class RoundData:
    """Everything the assignment needs to know about a round, read once from the database."""

    plans: list[PlanInfo]
    reviewers: list[ReviewerInfo]
    similarity: Similarity = field(default_factory=lambda: Similarity({}, {}))
    # Earlier rounds: {frozenset({municipality A, municipality B}): number of reviews between them}
    exchanges: Counter = field(default_factory=Counter)


def terms(data: RoundData, reviewer: ReviewerInfo, plan: PlanInfo, rubric: str) -> dict[str, float]:
    """The weighted affinity terms of one (reviewer, plan, rubric); their sum is the affinity."""
    out = {"expertise": WEIGHTS["expertise"] if rubric in reviewer.rubrics else 0.0}
    if plan.language == reviewer.language:
        out["language"] = WEIGHTS["language"]
    if reviewer.country and reviewer.country == plan.country:
        out["country"] = WEIGHTS["country"]
    if reviewer.municipality:
        met = data.exchanges.get(frozenset({reviewer.municipality, plan.municipality}), 0)
        if met:
            out["exchanges"] = WEIGHTS["exchanges"] * min(met, EXCHANGES_CAP)
    sim = data.similarity.get((reviewer.id, plan.id), 0.0)
    if sim > 0:
        out["text"] = round(WEIGHTS["text"] * sim, 3)
    return {k: round(v, 3) for k, v in out.items() if v}


def value(term_values: Mapping[str, float]) -> int:
    """The affinity in integer thousandths."""
    return int(round(sum(term_values.values()) * SCALE))


#: The affinity's terms as a pair's reasons name them.
TERM_NAMES = {
    "expertise": N_("expertise"),
    "language": N_("own language"),
    "country": N_("same country"),
    "exchanges": N_("earlier exchanges"),
    "text": N_("text similarity"),
}


def describe(term_values: Mapping[str, float], language: str = "en") -> str:
    """'expertise 1, text similarity 0.42, ...' ('Fachgebiet 1, Textähnlichkeit 0,42') for a
    table column or an email."""
    t = translator(language)
    ordered = sorted(term_values.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(
        t.gettext(TERM_NAMES.get(k, k)) + " " + t.format_decimal(v) for k, v in ordered
    )


class Why(Message):
    """Why a pair was chosen, said in the reader's language (`str()`: English)."""

    terms: dict[str, float]

    def __new__(cls, term_values: Mapping[str, float]) -> Why:
        why = super().__new__(cls, describe(term_values))
        why.terms = dict(term_values)
        return why

    def __getnewargs__(self) -> tuple[dict[str, float]]:  # type: ignore[override]
        return (self.terms,)

    def __call__(self, language: str) -> str:
        return describe(self.terms, language)


def _latest_texts(session: Session, plan_ids: Iterable[int]) -> dict[int, str]:
    return latest_texts(session, plan_ids)


def _earlier_exchanges(session: Session, round_: Round) -> Counter:
    """Pairs of municipality names that reviewed each other in other rounds."""
    municipality = {m.id: m.name for m in session.exec(select(Municipality))}
    plans = {
        p.id: p.municipality_id
        for p in session.exec(select(Plan).where(Plan.round_id != round_.id))
    }
    reviewers = {
        r.id: r.municipality_id
        for r in session.exec(select(Reviewer).where(Reviewer.round_id != round_.id))
    }
    counter: Counter = Counter()
    done = {
        AssignmentStatus.submitted.value,
        AssignmentStatus.accepted.value,
        AssignmentStatus.invited.value,
        AssignmentStatus.overdue.value,
    }
    for a in session.exec(
        select(Assignment).where(Assignment.round_id != round_.id, col(Assignment.status).in_(done))
    ):
        rm = reviewers.get(a.reviewer_id)
        pm = plans.get(a.plan_id)
        if rm is not None and pm is not None:
            counter[frozenset({municipality[rm], municipality[pm]})] += 1
    return counter


def gather(session: Session, round_: Round, *, affinities: bool = True) -> RoundData:
    """Read the round's plans and reviewers and compute what the affinity terms need; without
    `affinities` only who may review what (the plans' texts and earlier rounds are not read:
    the round page lists whom a plan may get, review.assignment.service.pin_choices)."""
    municipalities = {
        m.id: m
        for m in session.exec(select(Municipality).where(Municipality.round_id == round_.id))
    }
    withdrawn = withdrawn_plans(session, round_.id)  # the coordinator took them out
    plans_rows = [
        plan
        for plan in session.exec(
            select(Plan).where(Plan.round_id == round_.id).order_by(col(Plan.id))
        )
        if plan.id not in withdrawn
    ]
    reviewer_rows = list(
        session.exec(
            select(Reviewer).where(Reviewer.round_id == round_.id).order_by(col(Reviewer.id))
        )
    )
    plans = [
        PlanInfo(
            id=saved_id(p),
            municipality=municipalities[p.municipality_id].name,
            country=municipalities[p.municipality_id].country,
            language=p.language,
        )
        for p in plans_rows
    ]
    reviewers = []
    for r in reviewer_rows:
        m = municipalities.get(r.municipality_id) if r.municipality_id else None
        reviewers.append(
            ReviewerInfo(
                id=saved_id(r),
                name=r.name,
                municipality=m.name if m else None,
                country=m.country if m else round_.country,
                language=r.language,
                languages=tuple(sorted(set(r.languages) | {r.language})),
                rubrics=tuple(sorted(r.expertise)),
                frontrunner=bool(m and m.role == "frontrunner"),
                min_load=r.min_load,
                max_load=r.max_load,
            )
        )
    if not affinities:
        return RoundData(plans, reviewers)
    texts = _latest_texts(session, [p.id for p in plans])
    similarity = Similarity(texts, {saved_id(r): r.keywords for r in reviewer_rows if r.keywords})
    return RoundData(plans, reviewers, similarity, _earlier_exchanges(session, round_))
