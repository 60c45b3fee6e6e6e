"""The exchange's plain data, carried by a plan's dossier into the rendering processes
(picklable, no database): what a plan can learn from its peers, its action list, its history,
its reviewers' calibration. Computed by `learning`, `actions`, `history` and `calibration`."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class PeerExample(BaseModel):
    """A plan of the round that is strong where the reader is weak."""

    plan_id: int
    #: The peer's municipality; "" when the round does not name peers to each other.
    municipality: str
    #: The peer's consolidated score on the criterion (for a gate: on the criterion behind it).
    score: float | None
    #: What the peer's reviewers wrote on it, redacted in blind rounds.
    comments: list[str] = Field(default_factory=list)
    #: Where in the peer's plan: ("p. 12", "snippet") from the reviewers' page references and the
    #: intake's findings.
    evidence: list[tuple[str, str]] = Field(default_factory=list)


class Lesson(BaseModel):
    """One weak point of a plan and the peers strong on it."""

    kind: Literal["criterion", "gate"]
    rubric_id: str  # "" for a gate
    item_id: str  # criterion id ("T2") or gate id ("bei_sectors")
    #: The reader's consolidated score (None for a gate).
    score: float | None
    peers: list[PeerExample]


class Wording(BaseModel):
    """What the reviewers of a merged action wrote, word for word: one text and its writers."""

    #: The reviewers' labels ("Reviewer A"), in the order they wrote it.
    labels: list[str]
    text: str


class Action(BaseModel):
    """One line of a plan's action list."""

    rubric_id: str
    criterion_id: str  # "" for a recommendation that names no criterion
    recommendation: str
    priority: Literal["high", "medium", "low"]
    #: Points of the rubric total (0-100) the criterion leaves open: the sort key.
    points: float
    score: float | None
    reviewers: int = 1  # how many reviewers wrote it (merged when they say the same)
    #: For a "reviewer" action: every original wording merged into it and who wrote it (texts
    #: equal after folding are one wording); `recommendation` is the first.
    wordings: list[Wording] = Field(default_factory=list)
    #: "reviewer": a reviewer's recommendation; "rubric": the next level's anchor, where no
    #: reviewer recommended anything for a weak criterion.
    source: Literal["reviewer", "rubric"] = "reviewer"
    #: For a "rubric" action: the level whose anchor `recommendation` is.
    level: int | None = None


class CriterionChange(BaseModel):
    rubric_id: str
    criterion_id: str
    before: float | None
    now: float | None


class ActionFollowUp(BaseModel):
    """An action of the last round's list and whether the new scores show it taken up."""

    action: Action
    before: float | None
    now: float | None
    #: "taken": the criterion's score rose; "open": it did not; "unknown": not scored now.
    status: Literal["taken", "open", "unknown"]


class PlanHistory(BaseModel):
    """The same municipality's plan in an earlier round."""

    round_name: str
    plan_id: int
    outcome_id: str | None
    totals: dict[str, float | None]  # rubric id -> total then
    changes: list[CriterionChange]
    follow_ups: list[ActionFollowUp]


class ReviewerLeniency(BaseModel):
    """How a reviewer scores against co-reviewers of the same plans (coordinator only)."""

    label: str  # on this plan; "" in the round view
    name: str
    email: str
    #: Mean of (own score - mean of co-reviewers' scores), per criterion scored by both.
    leniency: float | None
    #: Mean of (own total - mean of co-reviewers' totals), in total points (0-100).
    total_leniency: float | None
    plans: int  # plans with at least one co-reviewer on the same rubric
    comparisons: int  # criterion scores compared
    few: bool  # too few plans to read much into it
