"""The assignment's file interface: INSTANCE in, RESULT out (`peerplan assign-instance`).

INSTANCE
    reviews_per_plan   k, reviews each plan gets (exactly)
    min_per_rubric     {rubric: n}: at least n reviews of that rubric on each plan
    plans              [{id, municipality, language}]
    reviewers          [{id, municipality, languages, rubrics, min_load, max_load, frontrunner}]
                       municipality null: an external expert. min_load/max_load left out: the
                       balanced default, floor(T/n) and ceil(T/n) for T = k * plans and n
                       reviewers, so that loads differ by at most one when nobody gives loads.
    affinity           [[reviewer, plan, rubric, value]]; a missing triple has affinity 0
    forbidden          [[reviewer, plan]]
    pinned             [[reviewer, plan, rubric]]
    previous           [[reviewer, plan, rubric]] (optional): an earlier answer; among equally
                       good solutions the one keeping most of it is returned (stability)
    avoid_reciprocal   no municipality A reviewing B while B reviews A
    require_frontrunner  at least one frontrunner reviewer on every plan
    only_listed_pairs  true: a triple missing from `affinity` is not a candidate at all
    top_k              (optional) candidates kept per plan and rubric when pruning (default 40)

RESULT
    status "optimal" | "feasible" (the budget ran out: the best answer found, not proven
    optimal) | "infeasible" | "timeout" (no answer found within the budget), objective,
    bound (no answer can exceed it), gap ((bound - objective) / bound; 0 when optimal),
    assignments [{plan, reviewer, rubric, affinity}], reasons [text] (infeasible, timeout),
    method, pruning, seconds.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SkipValidation,
    ValidationError,
    field_validator,
    model_validator,
)

from review.errors import InvalidInput
from review.i18n import N_, Listing, Phrase
from review.validation import problem_message

Id = int | str


def row_id(value: Id) -> int:
    """An instance built from a database round names plans and reviewers by their row ids."""
    if not isinstance(value, int):
        raise TypeError(f"a database round's ids are integers, got {value!r}")
    return value


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    municipality: str = Field(min_length=1)
    language: str = Field(min_length=2)


class ReviewerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    municipality: str | None = None
    languages: list[str] = Field(min_length=1)
    rubrics: list[str] = Field(min_length=1)
    min_load: int | None = Field(default=None, ge=0)
    max_load: int | None = Field(default=None, ge=0)
    frontrunner: bool = False

    @model_validator(mode="after")
    def _loads(self) -> ReviewerIn:
        if (
            self.min_load is not None
            and self.max_load is not None
            and self.min_load > self.max_load
        ):
            raise ValueError(
                Phrase(
                    N_("min_load %(min)s is above max_load %(max)s"),
                    min=self.min_load,
                    max=self.max_load,
                )
            )
        return self


class Instance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reviews_per_plan: int = Field(default=3, ge=1)
    min_per_rubric: dict[str, int] = Field(default_factory=dict)
    plans: list[PlanIn]
    reviewers: list[ReviewerIn]
    affinity: list[tuple[Id, Id, str, float]] = Field(default_factory=list)
    forbidden: list[tuple[Id, Id]] = Field(default_factory=list)
    pinned: list[tuple[Id, Id, str]] = Field(default_factory=list)
    previous: list[tuple[Id, Id, str]] = Field(default_factory=list)
    avoid_reciprocal: bool = False
    require_frontrunner: bool = False
    only_listed_pairs: bool = False
    top_k: int | None = Field(default=None, ge=1)

    @field_validator("min_per_rubric")
    @classmethod
    def _non_negative(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {k: v for k, v in value.items() if v < 0}
        if bad:
            raise ValueError(f"minimums must be 0 or more, got {bad}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Instance:
        problems = self._count_problems()
        problems += self._reference_problems()
        problems += self._pin_problems()
        if problems:
            raise ValueError("; ".join(problems[:20]))
        return self

    def _count_problems(self) -> list[str]:
        """Minimums the plans cannot hold, and ids given twice."""
        problems: list[str] = []
        need = sum(self.min_per_rubric.values())
        if need > self.reviews_per_plan:
            problems.append(
                f"min_per_rubric {self.min_per_rubric} asks for {need} reviews per plan, "
                f"more than reviews_per_plan ({self.reviews_per_plan})"
            )
        for what, items in (("plan", self.plans), ("reviewer", self.reviewers)):
            dupes = [i for i, n in Counter(x.id for x in items).items() if n > 1]
            if dupes:
                problems.append(f"{what} ids occur more than once: {dupes[:5]}")
        return problems

    def _reference_problems(self) -> list[str]:
        """Affinities, forbidden, pinned and previous triples that name an unknown reviewer,
        plan or rubric; affinities that are not finite or listed twice (the first 20 or so)."""
        problems: list[str] = []
        plans = {p.id for p in self.plans}
        reviewers = {r.id for r in self.reviewers}
        rubrics = set(self.min_per_rubric) | {q for r in self.reviewers for q in r.rubrics}

        def check(
            field: str, index: int, reviewer: Id, plan: Id, rubric: str | None = None
        ) -> None:
            where = f"{field}[{index}]"
            if reviewer not in reviewers:
                problems.append(f"{where}: unknown reviewer {reviewer!r}")
            if plan not in plans:
                problems.append(f"{where}: unknown plan {plan!r}")
            if rubric is not None and rubric not in rubrics:
                problems.append(f"{where}: unknown rubric {rubric!r} (known: {sorted(rubrics)})")

        seen: set[tuple[Id, Id, str]] = set()
        for i, (r, p, q, v) in enumerate(self.affinity):
            if len(problems) > 20:
                break
            check("affinity", i, r, p, q)
            if not math.isfinite(v):
                problems.append(f"affinity[{i}]: value must be a finite number, got {v}")
            if (r, p, q) in seen:
                problems.append(f"affinity[{i}]: ({r!r}, {p!r}, {q!r}) is listed twice")
            seen.add((r, p, q))
        for i, (r, p) in enumerate(self.forbidden):
            check("forbidden", i, r, p)
        for i, (r, p, q) in enumerate(self.pinned):
            check("pinned", i, r, p, q)
        for i, (r, p, q) in enumerate(self.previous):
            check("previous", i, r, p, q)
        return problems

    def _pin_problems(self) -> list[str]:
        """Pairs both pinned and forbidden, and a reviewer pinned to one plan twice."""
        problems: list[str] = []
        both = {(r, p) for r, p, _ in self.pinned} & {tuple(f) for f in self.forbidden}
        if both:
            problems.append(f"pairs both pinned and forbidden: {sorted(both, key=str)[:5]}")
        twice = [k for k, n in Counter((r, p) for r, p, _ in self.pinned).items() if n > 1]
        if twice:
            problems.append(f"a reviewer is pinned to the same plan twice: {twice[:5]}")
        return problems

    def loads(self) -> list[tuple[int, int]]:
        """(min, max) per reviewer, with the balanced default for what the instance leaves out."""
        total = self.reviews_per_plan * len(self.plans)
        n = max(len(self.reviewers), 1)
        lo, hi = total // n, -(-total // n)
        return [
            (lo if r.min_load is None else r.min_load, hi if r.max_load is None else r.max_load)
            for r in self.reviewers
        ]


class AssignmentOut(BaseModel):
    plan: Id
    reviewer: Id
    rubric: str
    affinity: float = 0.0


class Result(BaseModel):
    status: Literal["optimal", "feasible", "infeasible", "timeout"]
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    assignments: list[AssignmentOut] = Field(default_factory=list)
    # Not validated: a reason is a `review.i18n.Phrase` (a str said in any language), which
    # validation would make a plain str; JSON holds its English text.
    reasons: list[SkipValidation[str]] = Field(default_factory=list)
    method: str = ""
    # {"top_k": K, "candidates": kept, "eligible": all eligible triples, "widened": times}
    pruning: dict[str, Any] | None = None
    seconds: float = 0.0

    @property
    def found(self) -> bool:
        """An assignment that keeps every rule: optimal, or the best within the budget."""
        return self.status in ("optimal", "feasible")


def _format(error: ValidationError) -> Listing:
    """Each problem with where it is, said in the reader's language (`review.validation`)."""
    lines = []
    for e in error.errors()[:20]:
        where = ".".join(str(x) for x in e["loc"]) or "instance"
        lines.append(Phrase(N_("%(where)s: %(problem)s"), where=where, problem=problem_message(e)))
    return Listing(lines, "; ")


def parse_instance(data: Any, source: str = "instance") -> Instance:
    """Validate INSTANCE data; a bad instance raises InvalidInput naming every problem found."""
    try:
        return Instance.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            N_("%(source)s is not a valid assignment instance: %(problems)s"),
            source=source,
            problems=_format(exc),
        ) from None


def load_instance(path: Path) -> Instance:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput(N_("%(path)s: no such file"), path=path) from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            N_("%(path)s: not JSON (%(problem)s at line %(line)s)"),
            path=path,
            problem=exc.msg,
            line=exc.lineno,
        ) from None
    return parse_instance(data, str(path))
