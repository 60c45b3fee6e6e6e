"""Rubrics as data: the schema of `rubrics/*.yaml`, loading, and errors a coordinator can act on.

A rubric file names its criteria, their scale and level anchors in each language (keyed by
language code, English required), weights, when a comment is required, whether "not applicable"
is allowed, and the consolidation rules that `review.consolidation.rules` applies. Adding a
rubric is adding a file; adding a language to a rubric is adding its texts under its code.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError, model_validator

from review.eligibility import GATES_BY_ID
from review.i18n import N_, Listing, Message, Phrase
from review.paths import RUBRICS_DIR
from review.validation import problem_message

#: Languages a plan (and so a round) can be written in; what peerplan writes to people is any
#: language with a catalog (`review.i18n.languages()`).
Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


class Text(RootModel[dict[str, str]]):
    """A text in any number of languages, keyed by language code: `{de: ..., en: ..., fr: ...}`.
    English is required: a reader whose language has no translation here reads it."""

    @model_validator(mode="after")
    def _languages(self) -> Text:
        if not self.root.get("en", "").strip():
            raise ValueError(
                Message(N_("en: Field required (English is read where a translation is missing)"))
            )
        for code, text in self.root.items():
            if not _LANGUAGE_CODE.match(code):
                raise ValueError(
                    Phrase(N_("'%(code)s' is not a language code (like de, en, fr)"), code=code)
                )
            if not text.strip():
                raise ValueError(Phrase(N_("%(code)s: the text is empty"), code=code))
        return self

    def __call__(self, language: str) -> str:
        return self.root.get(language) or self.root["en"]


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: int
    label: Text


class Scale(BaseModel):
    model_config = ConfigDict(extra="forbid")
    levels: list[Level] = Field(min_length=2)

    @model_validator(mode="after")
    def _consecutive(self) -> Scale:
        values = [level.value for level in self.levels]
        if values != list(range(values[0], values[0] + len(values))):
            raise ValueError(
                Phrase(
                    N_("levels must be consecutive integers in order, got %(values)s"),
                    values=str(values),
                )
            )
        return self

    @property
    def minimum(self) -> int:
        return self.levels[0].value

    @property
    def maximum(self) -> int:
        return self.levels[-1].value


CommentRule = Literal["always", "default", "optional"]


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    title: Text
    description: Text
    weight: float = Field(gt=0)
    # always: a comment is required; default: required at the levels in
    # `Rubric.comment_required_at`; optional: never required.
    comment: CommentRule = "default"
    allow_na: bool = True
    # A critical criterion: a consolidated score at or below `Consolidation.critical_max` forces
    # the weakest outcome (e.g. no inventory means major revision whatever the total).
    critical: bool = False
    # Anchor text per level (level value -> text); levels without one use the scale's label.
    anchors: dict[int, Text] = Field(default_factory=dict)
    # The JRC gates (review.eligibility) this criterion shows how to meet: a plan that meets a
    # gate and is strong here is what a plan failing the gate learns from (#16).
    gates: list[str] = Field(default_factory=list)
    # The intake's checks (review.intake.checks) that find where a plan treats this criterion:
    # the page evidence of the learning section (#16).
    intake_checks: list[str] = Field(default_factory=list)


class Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    label: Text
    min_total: float = Field(ge=0, le=100)


class Consolidation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # Spread (max - min) of reviewers' scores on a criterion that flags disagreement.
    disagreement_spread: int = Field(default=2, ge=1)
    # A further review is called for at this many flags, or when reviewer totals differ by this.
    extra_review_flags: int = Field(default=3, ge=1)
    extra_review_total_gap: float = Field(default=25, gt=0, le=100)
    critical_max: int = 1
    # Highest threshold first; the last one should have min_total 0.
    outcomes: list[Outcome] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Consolidation:
        thresholds = [o.min_total for o in self.outcomes]
        if thresholds != sorted(thresholds, reverse=True):
            raise ValueError(
                Phrase(
                    N_("outcomes must be ordered from highest min_total down: %(thresholds)s"),
                    thresholds=str(thresholds),
                )
            )
        if thresholds[-1] != 0:
            raise ValueError(
                Message(N_("the last outcome must have min_total 0, so every total has one"))
            )
        return self


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: Text
    description: Text
    scale: Scale
    comment_required_at: list[int] = Field(default_factory=list)
    criteria: list[Criterion] = Field(min_length=1)
    consolidation: Consolidation
    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        seen: set[str] = set()
        for criterion in self.criteria:
            if criterion.id in seen:
                raise ValueError(Phrase(N_("criterion id '%(id)s' is used twice"), id=criterion.id))
            seen.add(criterion.id)
            levels = {level.value for level in self.scale.levels}
            stray = sorted(set(criterion.anchors) - levels)
            if stray:
                raise ValueError(
                    Phrase(
                        N_("criterion %(id)s: anchors for levels %(levels)s outside the scale"),
                        id=criterion.id,
                        levels=str(stray),
                    )
                )
            unknown = sorted(set(criterion.gates) - set(GATES_BY_ID))
            if unknown:
                raise ValueError(
                    Phrase(
                        N_("criterion %(id)s: gates %(gates)s are not JRC gates (%(known)s)"),
                        id=criterion.id,
                        gates=str(unknown),
                        known=", ".join(GATES_BY_ID),
                    )
                )
        stray = sorted(set(self.comment_required_at) - {lv.value for lv in self.scale.levels})
        if stray:
            raise ValueError(
                Phrase(
                    N_("comment_required_at has levels %(levels)s outside the scale"),
                    levels=str(stray),
                )
            )
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def anchor(self, criterion: Criterion, value: int, language: str) -> str:
        if value in criterion.anchors:
            return criterion.anchors[value](language)
        for level in self.scale.levels:
            if level.value == value:
                return level.label(language)
        raise KeyError(value)

    def comment_required(self, criterion: Criterion, score: int | None) -> bool:
        if criterion.comment == "always":
            return True
        if criterion.comment == "optional" or score is None:
            return False
        return score in self.comment_required_at


class RubricError(ValueError):
    """A rubric file is invalid. The message names the file, the criterion and the field; each
    problem is a `Message`, said in the reader's language where it is shown."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path, self.problems = path, problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


def _locate(raw: Any, loc: tuple[int | str, ...]) -> Listing:
    """'criterion T3: weight' for ('criteria', 2, 'weight'), naming criteria by their id."""
    parts: list[str] = []
    node = raw
    i = 0
    while i < len(loc):
        key = loc[i]
        if key == "criteria" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = int(loc[i + 1])
            criteria = node.get("criteria") if isinstance(node, dict) else None
            item = criteria[index] if isinstance(criteria, list) and index < len(criteria) else None
            cid = item.get("id") if isinstance(item, dict) else None
            if cid:
                parts.append(Phrase(N_("criterion %(id)s"), id=cid))
            else:
                parts.append(Phrase(N_("criterion #%(n)s"), n=index + 1))
            node = item
            i += 2
            continue
        parts.append(str(key))
        node = node.get(key) if isinstance(node, dict) else None
        i += 1
    return Listing(parts or [Message(N_("rubric"))], ": ")


def _problem(raw: Any, err: Any) -> str:
    message = problem_message(err)
    if not err["loc"]:
        return message
    return Phrase(
        N_("%(where)s: %(problem)s"), where=_locate(raw, tuple(err["loc"])), problem=message
    )


def parse_rubric(raw: Any, path: Path) -> Rubric:
    if not isinstance(raw, dict):
        not_a_mapping = N_("the file must be a mapping of rubric fields (id, title, ...)")
        raise RubricError(path, [Message(not_a_mapping)])
    try:
        rubric = Rubric.model_validate(raw)
    except ValidationError as exc:
        problems = [_problem(raw, err) for err in exc.errors()]
        raise RubricError(path, problems) from None
    rubric.source = path
    if path.stem != rubric.id:
        raise RubricError(
            path,
            [
                Phrase(
                    N_("id: '%(id)s' must match the file name '%(name)s'"),
                    id=rubric.id,
                    name=path.stem,
                )
            ],
        )
    return rubric


# Parsed YAML by (path, mtime, size). Every Word form and every message loads the rubrics, and
# parsing the YAML is what costs (about 0.25 s a rubric under load: a third of an invitation's
# time at 1,000 plans). A changed file has a new mtime or size and is parsed again; the Rubric
# itself is validated afresh on each call, so no caller shares a mutable model with another.
_parsed: dict[tuple[str, int, int], Any] = {}


def _read_yaml(path: Path) -> Any:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _parsed:
        _parsed[key] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_parsed[key])


def load_rubric(path: Path) -> Rubric:
    try:
        raw = _read_yaml(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", exc))  # the YAML parser's words, in English
        invalid = (
            Phrase(
                N_("line %(line)s: not valid YAML (%(problem)s)"),
                line=mark.line + 1,
                problem=problem,
            )
            if mark
            else Phrase(N_("not valid YAML (%(problem)s)"), problem=problem)
        )
        raise RubricError(path, [invalid]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(
            path, [Phrase(N_("cannot be read (%(error)s)"), error=str(exc))]
        ) from None
    return parse_rubric(raw, path)


def rubric_files(directory: Path = RUBRICS_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def load_rubrics(directory: Path = RUBRICS_DIR) -> dict[str, Rubric]:
    """All rubrics of a folder by id; raises the first RubricError."""
    return {r.id: r for r in (load_rubric(p) for p in rubric_files(directory))}


def check_rubrics(paths: list[Path]) -> list[RubricError]:
    errors: list[RubricError] = []
    for path in paths:
        try:
            load_rubric(path)
        except RubricError as exc:
            errors.append(exc)
    return errors
