"""The review form as plain data: what a reviewer typed (`ReviewInput`), which saved state it was
based on (`Seen`), and the rubric's rules on it (`validate`). Nothing here touches the database:
the portal, the Word form and the synthetic reviews all build and check forms with it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Protocol

from review.eligibility import JRC_GATES
from review.errors import InvalidInput
from review.i18n import N_, Message, translator
from review.rubric import Rubric

#: Longest text accepted in one field (a comment is a few paragraphs, not a book).
MAX_TEXT = 20_000
OVERALL_FIELDS = ("strengths", "weaknesses", "recommendations")
NOT_APPLICABLE = "n/a"
_NA_SPELLINGS = {"n/a", "na", "n.a.", "k.a.", "ka", "entfällt", "nicht anwendbar", "not applicable"}

#: The JRC eligibility criteria a reviewer confirms, {gate id: label}, in the order of the one
#: definition (review.eligibility.JRC_GATES). Stored in `Review.eligibility` as {id: true/false}.
ELIGIBILITY: dict[str, Message] = {gate.id: gate.label for gate in JRC_GATES}


def asked_eligibility(gates: Collection[str]) -> dict[str, Message]:
    """The gates of `ELIGIBILITY` a round asks its reviewers about (`gates`: its own, from
    `review.asked_parts.gates_in`), in the same order: the form shows these alone."""
    return {key: label for key, label in ELIGIBILITY.items() if key in gates}


class StoredReview(Protocol):
    """What `ReviewInput.from_review` reads of a saved review (a `review.models.Review` row)."""

    scores: dict[str, int | None]
    comments: dict[str, str]
    strengths: str
    weaknesses: str
    recommendations: str
    eligibility: dict[str, bool]


@dataclass(frozen=True, order=True)
class Seen:
    """Which saved state a page or Word form was based on: (0, 0) is "nothing saved yet"."""

    version: int = 0
    revision: int = 0

    def __str__(self) -> str:
        return f"{self.version}.{self.revision}"

    @classmethod
    def parse(cls, value: str | Seen | tuple[int, int] | None) -> Seen:
        if isinstance(value, Seen):
            return value
        if isinstance(value, tuple):
            return cls(int(value[0]), int(value[1]))
        try:
            version, revision = (int(p) for p in str(value or "0.0").split("."))
        except ValueError:
            raise InvalidInput(f"'{value}' is not a review revision marker") from None
        return cls(version, revision)


@dataclass
class ReviewInput:
    """What a reviewer typed, as typed: scores are "" (unanswered), "n/a" or a level number."""

    scores: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    strengths: str = ""
    weaknesses: str = ""
    recommendations: str = ""
    eligibility: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def from_review(cls, review: StoredReview | None) -> ReviewInput:
        if review is None:
            return cls()
        return cls(
            scores={
                k: NOT_APPLICABLE if v is None else str(v) for k, v in (review.scores or {}).items()
            },
            comments=dict(review.comments or {}),
            strengths=review.strengths,
            weaknesses=review.weaknesses,
            recommendations=review.recommendations,
            eligibility=dict(review.eligibility or {}),
        )

    @classmethod
    def from_form(cls, rubric: Rubric, form: Any) -> ReviewInput:
        """From posted fields `score-<id>`, `comment-<id>`, `strengths`, ..., `elig-<id>`."""

        def get(name: str) -> str:
            value = form.get(name)
            return value if isinstance(value, str) else ""

        return cls(
            scores={c.id: get(f"score-{c.id}").strip() for c in rubric.criteria},
            comments={c.id: get(f"comment-{c.id}") for c in rubric.criteria},
            strengths=get("strengths"),
            weaknesses=get("weaknesses"),
            recommendations=get("recommendations"),
            eligibility={
                key: get(f"elig-{key}") == "yes"
                for key in ELIGIBILITY
                if get(f"elig-{key}") in ("yes", "no")
            },
        )

    def fields(self, rubric: Rubric) -> dict[str, str]:
        """Flat field -> text, the same names the web form uses (for comparing two inputs)."""
        out: dict[str, str] = {}
        for c in rubric.criteria:
            out[f"score-{c.id}"] = normalise_score(self.scores.get(c.id, ""))
            out[f"comment-{c.id}"] = (self.comments.get(c.id) or "").strip()
        for name in OVERALL_FIELDS:
            out[name] = getattr(self, name).strip()
        for key in ELIGIBILITY:
            value = self.eligibility.get(key)
            out[f"elig-{key}"] = "" if value is None else ("yes" if value else "no")
        return out


def normalise_score(raw: Any) -> str:
    text = str(raw if raw is not None else "").strip()
    if text.lower() in _NA_SPELLINGS:
        return NOT_APPLICABLE
    return text


@dataclass(frozen=True)
class Difference:
    field: str
    yours: str
    stored: str


def differences(rubric: Rubric, yours: ReviewInput, stored: ReviewInput) -> list[Difference]:
    mine, theirs = yours.fields(rubric), stored.fields(rubric)
    return [Difference(k, mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]]


_MESSAGES = {
    "score_missing": N_("Please choose a score."),
    "score_range": N_("'%(value)s' is not on the scale %(low)s-%(high)s."),
    "na_not_allowed": N_(
        "'not applicable' is not allowed for this criterion; please choose %(low)s-%(high)s."
    ),
    "comment_required": N_("A comment is required here (for score %(value)s)."),
    "comment_always": N_("This criterion always needs a comment."),
    "too_long": N_("Too long: at most %(max)s characters."),
    "unknown": N_("Unknown criterion '%(value)s'."),
}


def _msg(key: str, language: str, **kw: Any) -> str:
    return translator(language).gettext(_MESSAGES[key]) % kw


def parse_score(rubric: Rubric, criterion_id: str, raw: Any) -> tuple[bool, int | None]:
    """(answered, level): (False, None) unanswered, (True, None) not applicable. Raises
    ValueError for anything else off the scale."""
    text = normalise_score(raw)
    if text == "":
        return False, None
    if text == NOT_APPLICABLE:
        return True, None
    # "3", "3 - gut", "3 (good)": the leading number counts.
    head = text.split()[0].rstrip(".:-–)")
    value = int(head)
    if not rubric.scale.minimum <= value <= rubric.scale.maximum:
        raise ValueError(text)
    return True, value


def validate(
    rubric: Rubric, submission: ReviewInput, *, complete: bool = True, language: str = "en"
) -> dict[str, str]:
    """Errors by form field (`score-<id>`, `comment-<id>`, `strengths`, ...); empty when valid.

    `complete=False` (a draft) only refuses values that are wrong, not ones still missing.
    """
    errors: dict[str, str] = {}
    low, high = rubric.scale.minimum, rubric.scale.maximum
    known = {c.id for c in rubric.criteria}
    for stray in sorted(set(submission.scores) - known):
        if normalise_score(submission.scores[stray]):
            errors[f"score-{stray}"] = _msg("unknown", language, value=stray)
    for criterion in rubric.criteria:
        key = f"score-{criterion.id}"
        raw = submission.scores.get(criterion.id, "")
        try:
            answered, value = parse_score(rubric, criterion.id, raw)
        except ValueError:
            errors[key] = _msg(
                "score_range", language, value=normalise_score(raw), low=low, high=high
            )
            continue
        if answered and value is None and not criterion.allow_na:
            errors[key] = _msg("na_not_allowed", language, low=low, high=high)
            continue
        comment = (submission.comments.get(criterion.id) or "").strip()
        if len(comment) > MAX_TEXT:
            errors[f"comment-{criterion.id}"] = _msg("too_long", language, max=MAX_TEXT)
        if not complete:
            continue
        if not answered:
            errors[key] = _msg("score_missing", language)
            continue
        if not comment and rubric.comment_required(criterion, value):
            errors[f"comment-{criterion.id}"] = (
                _msg("comment_always", language)
                if criterion.comment == "always"
                else _msg("comment_required", language, value=value)
            )
    for name in OVERALL_FIELDS:
        if len(getattr(submission, name)) > MAX_TEXT:
            errors[name] = _msg("too_long", language, max=MAX_TEXT)
    return errors


def stored_values(rubric: Rubric, data: ReviewInput) -> dict[str, Any]:
    """The columns a review row stores for `data`: levels as numbers (None: not applicable),
    only answered scores and non-empty comments, texts stripped."""
    scores: dict[str, int | None] = {}
    comments: dict[str, str] = {}
    for criterion in rubric.criteria:
        answered, value = parse_score(rubric, criterion.id, data.scores.get(criterion.id, ""))
        if answered:
            scores[criterion.id] = value
        comment = (data.comments.get(criterion.id) or "").strip()
        if comment:
            comments[criterion.id] = comment
    return {
        "scores": scores,
        "comments": comments,
        "strengths": data.strengths.strip(),
        "weaknesses": data.weaknesses.strip(),
        "recommendations": data.recommendations.strip(),
        "eligibility": {k: bool(v) for k, v in data.eligibility.items() if k in ELIGIBILITY},
    }
