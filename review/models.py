"""The tables of a review round (SQLModel). Rules that must never be broken are constraints in
the database (unique, check, foreign key), so that no code path, however written, can break them.

State changes of an assignment go through `review.states.transition`, never through setting
`Assignment.status` directly.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, CheckConstraint, Column, Index, Table, Text, UniqueConstraint
from sqlalchemy.orm import deferred
from sqlmodel import Field, SQLModel

#: The largest id a row can have: ids are INTEGER, 32 bits on PostgreSQL (SQLite's 64 bits are
#: wider). A larger id sent by a client names nothing (and would make the database fail).
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Row) -> int:
    """The id of a row that is in the database (loaded, or added and flushed). A table's `id` is
    `int | None` only because a new row has none until it is flushed."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: it was never flushed")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table, for the statements of the hot paths: they read and write
    columns without loading ORM objects (cheaper by half a millisecond and more each)."""
    return SQLModel.metadata.tables[str(model.__tablename__)]


def _in(column: str, values: type[enum.Enum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Role(enum.StrEnum):
    frontrunner = "frontrunner"
    follower = "follower"
    special_award = "special-award"


class AssignmentStatus(enum.StrEnum):
    proposed = "proposed"
    invited = "invited"
    accepted = "accepted"
    declined = "declined"
    submitted = "submitted"
    overdue = "overdue"
    reassigned = "reassigned"
    withdrawn = "withdrawn"


class ReviewStatus(enum.StrEnum):
    draft = "draft"
    submitted = "submitted"


class ReviewSource(enum.StrEnum):
    web = "web"
    word = "word"


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    cancelled = "cancelled"


def json_column(**kw: Any) -> Any:
    return Field(default_factory=kw.pop("default_factory", dict), sa_column=Column(JSON, **kw))


#: The coordinator's address of a round created without one: nobody reads it (the round page
#: says so, since escalations and the daily digest go there).
PLACEHOLDER_COORDINATOR_EMAIL = "coordinator@example.org"


class Round(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("reviews_per_plan >= 1", name="ck_round_reviews_per_plan"),
        CheckConstraint("language IN ('de', 'en')", name="ck_round_language"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    country: str = "DE"
    language: str = Field(default="de", description="Language of the round's documents.")
    languages: list[str] = json_column(default_factory=lambda: ["de"], nullable=False)
    reviews_per_plan: int = 3
    # {"technical": 1, "communication": 1}: minimum reviews per rubric on each plan.
    min_per_rubric: dict[str, int] = json_column(
        default_factory=lambda: {"technical": 1, "communication": 1}, nullable=False
    )
    due_date: date
    final_deadline: date | None = None
    # Days relative to the due date: negative before, positive after. See review.notify.policy.
    reminder_policy: dict[str, Any] = json_column(nullable=False)
    blind: bool = True
    # Whether the consolidated documents name the plans a municipality can learn from (#16);
    # reviewers stay hidden in blind rounds either way.
    peers_named: bool = True
    edit_after_submit: bool = True
    avoid_reciprocal: bool = False
    require_frontrunner: bool = False
    coordinator_name: str = "Coordinator"
    coordinator_email: str = PLACEHOLDER_COORDINATOR_EMAIL
    created_at: datetime = Field(default_factory=utcnow)


class Municipality(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("round_id", "name", name="uq_municipality_round_name"),
        CheckConstraint(_in("role", Role), name="ck_municipality_role"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    name: str
    country: str = "DE"
    language: str = "de"
    role: str = Role.follower.value
    contact_email: str | None = None
    # Hash of the municipality's personal plan-upload link (the token itself is never stored).
    upload_token_hash: str | None = Field(default=None, unique=True)
    # The public nonce of that link when it was derived from the link key (review.tokens): with
    # it a queued message carries the link's placeholder, never the token (#16, the reply).
    upload_link_nonce: str | None = None


class Reviewer(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("round_id", "email", name="uq_reviewer_round_email"),
        CheckConstraint("min_load >= 0 AND max_load >= min_load", name="ck_reviewer_load"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    name: str
    email: str
    # Rubric ids the reviewer is competent for, e.g. ["technical", "communication"].
    expertise: list[str] = json_column(default_factory=list, nullable=False)
    languages: list[str] = json_column(default_factory=lambda: ["de"], nullable=False)
    language: str = Field(default="de", description="Language the reviewer is written to in.")
    # "ms" or "mr": messages greet by title and surname ("Guten Tag Frau Schmidt"); None: by the
    # full name ("Guten Tag Anna Schmidt").
    salutation: str | None = None
    keywords: str = ""
    min_load: int = 0
    max_load: int = 3


class Plan(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("round_id", "municipality_id", name="uq_plan_round_municipality"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    title: str = ""
    language: str = "de"
    created_at: datetime = Field(default_factory=utcnow)


#: A plan's extracted text: up to PEERPLAN_MAX_TEXT_CHARS, read only where it is used (the
#: affinity's text similarity). Deferred, so the pages, the status and the notices that load a
#: Document never carry megabytes of text they do not show (#17).
_DOCUMENT_TEXT = Column("text", Text, nullable=False, default="")


class Document(SQLModel, table=True):
    """One uploaded version of a plan. Same bytes in the same round: one document."""

    __mapper_args__ = {"properties": {"text": deferred(_DOCUMENT_TEXT)}}
    __table_args__ = (
        UniqueConstraint("round_id", "sha256", name="uq_document_round_sha256"),
        UniqueConstraint("plan_id", "version", name="uq_document_plan_version"),
        CheckConstraint("version >= 1", name="ck_document_version"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    version: int = 1
    file_name: str
    sha256: str = Field(max_length=64)
    media_type: str
    size: int
    pages: int = 0
    language: str | None = None
    # Relative to Settings.files_dir; content-addressed, never derived from the user's file name.
    stored_path: str
    text: str = Field(default="", sa_column=_DOCUMENT_TEXT)
    meta: dict[str, Any] = json_column(nullable=False)
    # Structure read from the file: headings, tables, per-page/paragraph text offsets.
    structure: dict[str, Any] = json_column(nullable=False)
    # Automatic completeness hints with evidence (page/paragraph and snippet); never a verdict.
    findings: list[dict[str, Any]] = json_column(default_factory=list, nullable=False)
    problems: list[str] = json_column(default_factory=list, nullable=False)
    created_at: datetime = Field(default_factory=utcnow)


class Assignment(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("plan_id", "reviewer_id", name="uq_assignment_plan_reviewer"),
        CheckConstraint(_in("status", AssignmentStatus), name="ck_assignment_status"),
        CheckConstraint("version >= 1", name="ck_assignment_version"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    reviewer_id: int = Field(foreign_key="reviewer.id", index=True)
    rubric: str
    due_date: date
    status: str = AssignmentStatus.proposed.value
    affinity: float = 0.0
    # Why the solver chose this pair: human-readable reasons and the affinity terms.
    explanation: dict[str, Any] = json_column(nullable=False)
    token_hash: str | None = Field(default=None, unique=True)
    token_expires_at: datetime | None = None
    # The public nonce of a link derived from the link key (review.tokens): later messages carry
    # the current link as its placeholder. None for a random link and links issued before 0009.
    link_nonce: str | None = None
    # Set when the coordinator approves the proposal; only approved assignments are invited.
    approved_at: datetime | None = None
    replaces_id: int | None = Field(default=None, foreign_key="assignment.id")
    decline_reason: str | None = None
    # Optimistic locking: every update is `... WHERE version = :seen` and bumps it.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Review(SQLModel, table=True):
    """One version of a reviewer's assessment. A draft is saved in place (its `revision` guards
    against stale saves); editing a submitted review starts a new version, older ones stay."""

    __table_args__ = (
        UniqueConstraint("assignment_id", "version", name="uq_review_assignment_version"),
        CheckConstraint(_in("status", ReviewStatus), name="ck_review_status"),
        CheckConstraint(_in("source", ReviewSource), name="ck_review_source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    assignment_id: int = Field(foreign_key="assignment.id", index=True)
    version: int = 1
    revision: int = 1
    status: str = ReviewStatus.draft.value
    source: str = ReviewSource.web.value
    # {criterion_id: level or null for "not applicable"}
    scores: dict[str, int | None] = json_column(nullable=False)
    comments: dict[str, str] = json_column(nullable=False)
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    weaknesses: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    recommendations: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Eligibility (JRC) criteria as confirmed by the reviewer: {criterion: true/false}.
    eligibility: dict[str, bool] = json_column(nullable=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    #: The plan's document this version assessed: its newest when it was submitted (none for a
    #: draft, and for reviews submitted before this was kept).
    document_id: int | None = Field(default=None, foreign_key="document.id")


class Event(SQLModel, table=True):
    """Append-only audit log. Database triggers refuse UPDATE and DELETE (see the migrations)."""

    __table_args__ = (Index("ix_event_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    round_id: int | None = Field(default=None, foreign_key="round.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    kind: str
    entity: str
    entity_id: int | None = None
    payload: dict[str, Any] = json_column(nullable=False)


class Outbox(SQLModel, table=True):
    """Every message to be sent, written in the transaction of the change that causes it.
    `key` (assignment, kind, window) makes each message exist once; `sent_at` makes it go once."""

    __table_args__ = (CheckConstraint(_in("status", OutboxStatus), name="ck_outbox_status"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    round_id: int | None = Field(default=None, foreign_key="round.id", index=True)
    assignment_id: int | None = Field(default=None, foreign_key="assignment.id", index=True)
    kind: str
    recipient: str
    language: str = "de"
    subject: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    message_id: str = Field(unique=True)
    # [{"filename": ..., "path": relative to files_dir, "media_type": ...}]
    attachments: list[dict[str, Any]] = json_column(default_factory=list, nullable=False)
    reason: str = ""
    status: str = Field(default=OutboxStatus.pending.value, index=True)
    attempts: int = 0
    last_error: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class FailedLink(SQLModel, table=True):
    """One try of an unknown, expired or revoked personal link, by client address. The portal's
    lock-out counts these (`review.link_guard`): in the database, every worker and a restarted
    portal see the same tries. Rows older than the lock-out's horizon are deleted."""

    __tablename__ = "failed_link"
    __table_args__ = (Index("ix_failed_link_client_at", "client", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    client: str
    at: datetime = Field(default_factory=utcnow, index=True)


class CoordinatorLink(SQLModel, table=True):
    """A coordinator's personal link to a round's page on the portal (`/c/{token}`): random, only
    its hash stored, revocable (`revoked_at`) like a reviewer's link. `label` says who or what it
    was issued for ('cli', 'serve', 'prefect'); issuing again under a label revokes the earlier
    link of that label (review.coordinator.access)."""

    __tablename__ = "coordinator_link"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    label: str
    token_hash: str = Field(unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class ReplyWindow(SQLModel, table=True):
    """A municipality's time to reply to its plan's draft review (#16): opened by the
    coordinator with a deadline; replies after `due_date` are refused (review.exchange.replies)."""

    __tablename__ = "reply_window"
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", unique=True)
    #: The last day a reply is taken (inclusive, in the round's calendar).
    due_date: date
    opened_at: datetime = Field(default_factory=utcnow)


class PlanReply(SQLModel, table=True):
    """A municipality's reply on one criterion of its plan's draft: a correction of fact or a
    comment. One of each kind per criterion; replying again replaces the text."""

    __tablename__ = "plan_reply"
    __table_args__ = (
        UniqueConstraint(
            "plan_id", "rubric_id", "criterion_id", "kind", name="uq_plan_reply_criterion_kind"
        ),
        CheckConstraint("kind IN ('correction', 'comment')", name="ck_plan_reply_kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    rubric_id: str
    criterion_id: str
    kind: str
    text: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
