"""The headline among the city's own target candidates: the target stated most often and most
target-like, neutrality against a dated reduction, and how confident the choice is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from review.intake.facts.target_words import covers
from review.intake.facts.text import Sentence, evidence

# Years between a reduction target and a neutrality year that is the plan's horizon, not its goal.
HORIZON_GAP = 15


@dataclass
class Candidate:
    kind: str  # "reduction" | "neutrality"
    percent: float | None
    target_year: int
    base_year: int | None
    scope: str  # "city" | "eu" | "national" | "sector" | "past" | "other"
    score: int
    sentence: Sentence
    at: tuple[int, int]
    # The next sentence, where it gives the share that defines a neutrality goal ("Our goal is
    # carbon neutrality by 2035. This means cutting GHG emissions by 85 % ..."): what it covers.
    defined_in: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "percent": self.percent,
            "target_year": self.target_year,
            "base_year": self.base_year,
            "scope": self.scope,
            "covers": covers(self.sentence.text) or covers(self.defined_in),
            "evidence": evidence(self.sentence.unit, *self.at),
        }


def votes(candidates: Iterable[Candidate]) -> dict[int, int]:
    """Target years weighed by how target-like each sentence stating them is: a plan states its
    own goal many times, a quoted one once or twice."""
    votes: dict[int, int] = {}
    for c in candidates:
        votes[c.target_year] = votes.get(c.target_year, 0) + max(1, c.score)
    return votes


def choose_headline(own: list[Candidate]) -> Candidate | None:
    """The city's target stated most often and most target-like: neutrality (by year) against
    reduction (by percent and year); the chosen target's most specific sentence (one giving a
    reduction share and base year, if its wording is as target-like as the best)."""
    if not own:
        return None
    neutral = [c for c in own if c.kind == "neutrality"]
    reductions = [c for c in own if c.kind == "reduction"]
    n_votes = votes(neutral)
    r_votes: dict[tuple[float | None, int], int] = {}
    for c in reductions:
        key = (c.percent, c.target_year)
        r_votes[key] = r_votes.get(key, 0) + max(1, c.score)
    best_n = max(n_votes.items(), key=lambda kv: kv[1]) if n_votes else None
    best_r = max(r_votes.items(), key=lambda kv: kv[1]) if r_votes else None
    # A dated reduction before a neutrality year on the mid-century horizon is the plan's next
    # target, the neutrality its horizon ("-65 % by 2030 against 1990, and climate neutrality
    # by 2050"). A neutrality year a few years after the reduction is the goal itself, the
    # reduction its milestone ("-60 % in 2030, climate neutral in 2035").
    nearer = bool(
        best_n
        and best_r
        and best_n[0] - best_r[0][1] >= HORIZON_GAP
        and 2 * best_r[1] >= best_n[1]
        and any(c.base_year for c in reductions if (c.percent, c.target_year) == best_r[0])
    )
    if best_n and not nearer and (not best_r or best_n[1] >= best_r[1]):
        year = best_n[0]
        same = [c for c in neutral if c.target_year == year]
        top = same[0].score
        specific = [c for c in same if c.percent is not None and c.score >= top - 2]
        return specific[0] if specific else same[0]
    assert best_r is not None
    # Two own targets stated about as often (an older 2020 goal beside the newer 2050 one): the
    # later one is the plan's current goal.
    strong = [key for key, votes in r_votes.items() if 2 * votes >= best_r[1]]
    (percent, year) = max(strong, key=lambda key: (key[1], r_votes[key]))
    same = [c for c in reductions if (c.percent, c.target_year) == (percent, year)]
    with_base = [c for c in same if c.base_year is not None]
    chosen = with_base[0] if with_base else same[0]
    # The reduction is the share by which the city defines its neutrality goal of that year
    # ("auf dem Weg zur klimaneutralen Stadt bis 2050. Konkret bedeutet dies, ... um mindestens
    # 95 Prozent gegenüber 1990 zu mindern"): the goal is the neutrality, with that share.
    defined = next((c for c in neutral if restates(chosen, c)), None)
    return defined or chosen


def restates(reduction: Candidate, neutrality: Candidate) -> bool:
    """Whether a reduction states the share that defines a neutrality goal: the same share and
    year, and the same base year where the reduction names one."""
    return (
        reduction.kind == "reduction"
        and neutrality.kind == "neutrality"
        and neutrality.percent is not None
        and (reduction.percent, reduction.target_year)
        == (neutrality.percent, neutrality.target_year)
        and reduction.base_year in (None, neutrality.base_year)
    )


def confidence(headline: Candidate, own: list[Candidate]) -> float:
    """High when the wording is clearly the city's target and no rival comes close. The share
    that defines a neutrality goal, stated as a reduction, is that goal's wording, no rival."""
    score = max(c.score for c in own if c is headline or restates(c, headline))
    rival = next(
        (
            c
            for c in own
            if c is not headline and _key(c) != _key(headline) and not restates(c, headline)
        ),
        None,
    )
    margin = score - rival.score if rival else 4
    return round(min(0.95, 0.4 + 0.08 * score + 0.05 * min(margin, 3)), 2)


def _key(c: Candidate) -> tuple[object, ...]:
    return (c.kind, c.percent, c.target_year, c.base_year)
