"""The action list: the recommendations of all reviewers of a plan merged into one list of
actions with a criterion and a priority.

Rules (pure, on a plan's dossier and scored result):
1. Each reviewer's recommendations text is split into items: lines, bullets, numbered points and
   semicolons; a lead-in ending in a colon ("Recommendations: ...", no digit in it, so "T2:"
   stays) is dropped.
2. An item belongs to the criterion of the reviewer's rubric it names: by id ("T2"), else by the
   most words shared with the criterion's title in any of the rubric's languages (compared on
   their first six letters, so "Emissionsinventar" meets "Basis-Emissionsinventar" and
   "inventory" meets "Inventory"); an item naming none is a general one.
3. Items of the same rubric and criterion that say the same merge into one action: an item joins
   the first action whose every wording says the same as it (`review.exchange.wording`: equal
   after folding, or the same advice in other words: stems, stop words dropped, German compounds
   split, synonyms, and no topic or number on both sides that the other lacks). The action keeps
   every wording with the reviewers who wrote it (`Action.wordings`) and counts the reviewers.
4. A criterion consolidated below `STRONG_MIN` that no reviewer wrote a recommendation for gets
   one from the rubric: the anchor of the next level up.
5. Priority from the score and the weight: the points of the rubric total (0-100) the criterion
   leaves open, weight / sum of weights x (max - score) / (max - min) x 100. High at
   `HIGH_POINTS` or more, and for a critical criterion at or below the rubric's `critical_max`;
   medium at `MEDIUM_POINTS` or more; else low. A general item is medium.
6. Order: priority, then open points (most first), then the rubric's order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from review.consolidation.gather import PlanDossier
from review.consolidation.redaction import fold
from review.consolidation.rules import PlanResult
from review.exchange.data import Action, Wording
from review.exchange.learning import STRONG_MIN
from review.exchange.wording import same_advice
from review.rubric import Criterion, Rubric

HIGH_POINTS = 7.5
MEDIUM_POINTS = 3.0
_RANK = {"high": 0, "medium": 1, "low": 2}
_BULLET = r"(?:[-•*–]|\d{1,2}[.)])\s+"
_SPLIT = re.compile(r"\n+|;\s*")
_LEADING_BULLET = re.compile(rf"^{_BULLET}")
_LEAD_IN = re.compile(r"^[^:\d\n]{0,40}:\s+")
_WORDS = re.compile(r"[^\W\d_]+")


def split_items(text: str) -> list[str]:
    """Rule 1."""
    items = []
    for part in _SPLIT.split(_LEAD_IN.sub("", (text or "").strip(), count=1)):
        item = _LEADING_BULLET.sub("", (part or "").strip()).strip(" .")
        if len(item) >= 3:
            items.append(item[0].upper() + item[1:])
    return items


def _stems(text: str) -> set[str]:
    return {w[:6] for w in _WORDS.findall(fold(text)) if len(w) >= 4}


def criterion_of(item: str, rubric: Rubric) -> Criterion | None:
    """Rule 2."""
    ids = {c.id: c for c in rubric.criteria}
    for token in re.findall(r"\b[A-Za-z]\d{1,2}\b", item):
        if token.upper() in ids:
            return ids[token.upper()]
    said = _stems(item)
    best, shared = None, 0
    for criterion in rubric.criteria:
        title = " ".join(criterion.title.root.values())
        count = len(said & _stems(title))
        if count > shared:
            best, shared = criterion, count
    return best


def _joins(action: Action, item: str, language: str) -> bool:
    """Rule 3: the item says the same as every wording of the action."""
    return all(same_advice(w.text, item, language) for w in action.wordings)


def _merge(action: Action, item: str, label: str) -> None:
    """Rule 3: the item's wording and writer kept on the action."""
    wording = next((w for w in action.wordings if fold(w.text) == fold(item)), None)
    if wording is None:
        action.wordings.append(Wording(labels=[label], text=item))
    elif label not in wording.labels:
        wording.labels.append(label)
    action.reviewers = len({label for w in action.wordings for label in w.labels})


def open_points(rubric: Rubric, criterion: Criterion, value: float | None) -> float:
    """Rule 5: points of the total (0-100) the criterion leaves open (all of it when unscored)."""
    low, high = rubric.scale.minimum, rubric.scale.maximum
    share = criterion.weight / sum(c.weight for c in rubric.criteria)
    gap = 1.0 if value is None else (high - value) / (high - low)
    return round(share * gap * 100, 2)


def priority(rubric: Rubric, criterion: Criterion, value: float | None) -> str:
    points = open_points(rubric, criterion, value)
    critical = (
        criterion.critical and value is not None and value <= rubric.consolidation.critical_max
    )
    if critical or points >= HIGH_POINTS:
        return "high"
    return "medium" if points >= MEDIUM_POINTS else "low"


def action_list(dossier: PlanDossier, result: PlanResult, language: str) -> list[Action]:
    """Rules 1-6 for one plan; rubric anchors in `language` (the reader's)."""
    values = {
        (res.rubric_id, c.criterion_id): c.value for res in result.rubrics for c in res.criteria
    }
    actions: list[Action] = []
    for ri in dossier.rubrics:
        rubric = ri.rubric
        for review in ri.reviews:
            for item in split_items(review.recommendations):
                criterion = criterion_of(item, rubric)
                merged = next(
                    (
                        a
                        for a in actions
                        if a.rubric_id == rubric.id
                        and a.criterion_id == (criterion.id if criterion else "")
                        and _joins(a, item, dossier.language)
                    ),
                    None,
                )
                if merged is not None:
                    _merge(merged, item, review.label)
                    continue
                value = values.get((rubric.id, criterion.id)) if criterion else None
                actions.append(
                    Action(
                        rubric_id=rubric.id,
                        criterion_id=criterion.id if criterion else "",
                        recommendation=item,
                        priority=priority(rubric, criterion, value) if criterion else "medium",
                        points=open_points(rubric, criterion, value) if criterion else 0.0,
                        score=value,
                        wordings=[Wording(labels=[review.label], text=item)],
                    )
                )
        covered = {a.criterion_id for a in actions if a.rubric_id == rubric.id}
        for criterion in rubric.criteria:
            value = values.get((rubric.id, criterion.id))
            if value is None or value >= STRONG_MIN or criterion.id in covered:
                continue
            level = min(rubric.scale.maximum, math.floor(value) + 1)
            actions.append(
                Action(
                    rubric_id=rubric.id,
                    criterion_id=criterion.id,
                    recommendation=rubric.anchor(criterion, level, language),
                    priority=priority(rubric, criterion, value),
                    points=open_points(rubric, criterion, value),
                    score=value,
                    reviewers=0,
                    source="rubric",
                    level=level,
                )
            )
    order = {
        (ri.rubric.id, c.id): i for ri in dossier.rubrics for i, c in enumerate(ri.rubric.criteria)
    }
    return sorted(
        actions,
        key=lambda a: (
            _RANK[a.priority],
            -a.points,
            a.rubric_id,
            order.get((a.rubric_id, a.criterion_id), len(order)),
        ),
    )


def criteria_of(actions: Sequence[Action]) -> set[tuple[str, str]]:
    """The (rubric, criterion) pairs an action list names: what a later round checks."""
    return {(a.rubric_id, a.criterion_id) for a in actions if a.criterion_id}
