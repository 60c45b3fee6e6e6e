"""What the coordinator's round page shows, read in a few queries: per plan its state, its
newest document with the intake's findings, every assignment (who, due when, late since when,
the last reminder, the state of the personal link) and the consolidated document's two
editions; per reviewer what they were given and handed in; the round's written documents; the
proposed reviewers waiting for approval."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from review import storage
from review.asked_parts import asked_in, findings_shown
from review.collation import alphabetical
from review.config import Settings
from review.consolidation.pipeline import default_out_dir
from review.exchange.replies import ReplyItem, replies_by_plan, reply_deadlines
from review.i18n import N_
from review.intake import report
from review.lifecycle.approving import proposal_mark
from review.lifecycle.plan_versions import DURING_REVIEW
from review.models import (
    PLACEHOLDER_COORDINATOR_EMAIL,
    Assignment,
    AssignmentStatus,
    Event,
    Municipality,
    Outbox,
    Plan,
    Reviewer,
    Round,
    saved_id,
)
from review.progress import PlanProgress, round_progress
from review.queries import latest_documents, latest_submitted_reviews
from review.states import LINK_VALID

S = AssignmentStatus
#: Plans shown per page: a round of 1,000 plans was one page of 3 MB that took seconds to send.
PLANS_PER_PAGE = 100

#: The state of a personal link as the page names it.
LINK_STATES = {
    "active": N_("works"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    "none": N_("not sent yet"),
}


@dataclass(frozen=True)
class AssignmentLine:
    id: int
    reviewer: str
    email: str
    rubric: str
    status: str
    due_date: date
    days_late: int  # 0 unless open and past its due date
    last_reminder: datetime | None
    link: str  # 'active', 'expired', 'revoked', 'none' (not invited yet)
    link_until: datetime | None
    submitted_at: datetime | None
    approved: bool = False  # a proposed review the coordinator approved, not invited yet

    @property
    def is_open(self) -> bool:
        return self.status in {S.invited.value, S.accepted.value, S.overdue.value}

    @property
    def late_since(self) -> date | None:
        return self.due_date if self.days_late else None


@dataclass(frozen=True)
class NewVersion:
    version: int
    file_name: str
    received: datetime
    told: int  # reviewers who had accepted and not submitted, each told by email


@dataclass
class PlanSection:
    plan_id: int
    municipality: str
    progress: PlanProgress | None  # None before the plan's first document
    document: dict[str, Any] | None  # file_name, version, pages, language
    findings: list[dict[str, Any]]
    problems: list[str]
    assignments: list[AssignmentLine] = field(default_factory=list)
    editions: dict[str, str] = field(default_factory=dict)  # edition -> output name
    #: The municipality's reply to its draft (#16): the deadline, if a reply is open, and replies.
    reply_due: date | None = None
    replies: list[ReplyItem] = field(default_factory=list)
    #: The newest version sent while reviewers were reading the plan, and how many were told
    #: (review.lifecycle.plan_versions); None when none was.
    new_version: NewVersion | None = None
    #: The checks the round's rubrics ask for (review.asked_parts); None: every check.
    asked: frozenset[str] | None = None

    def gaps(self, language: str) -> list[str] | None:
        """What the intake's pre-check did not find of what the round asks for, in words ('no
        financing'), for the plan's heading: a coordinator scans thirty plans without opening
        each one's hints. None when the plan was not checked (no document yet, or no text)."""
        return report.gaps(self.findings, language, self.asked)


@dataclass(frozen=True)
class LateReview:
    """A review past its due date, for the page's list of who is late (most days first)."""

    plan_id: int
    municipality: str
    assignment: AssignmentLine
    page: int  # the page of the round page that shows the plan


@dataclass(frozen=True)
class ProposedLine:
    """A proposed reviewer waiting for the coordinator's approval."""

    id: int
    plan_id: int
    municipality: str  # the plan's
    reviewer: str
    reviewer_municipality: str
    rubric: str
    why: dict[str, str]  # language -> why this reviewer (the solver's explanation)

    def reason(self, language: str) -> str:
        return self.why.get(language) or self.why.get("en", "")


@dataclass(frozen=True)
class ReviewerLine:
    name: str
    municipality: str
    assigned: int
    submitted: int
    late: int


@dataclass
class RoundPage:
    round: Round
    today: date
    plans: list[PlanSection]
    reviewers: list[ReviewerLine]
    documents: list[str]  # every written document, relative to the round's output folder
    outstanding: int
    #: The proposed reviewers to approve, and the mark the approval button posts back
    #: (review.lifecycle.approve_proposal: it approves what the page showed, or nothing).
    proposed: list[ProposedLine] = field(default_factory=list)
    proposal_mark: str = ""

    @property
    def coordinator_address_unset(self) -> bool:
        """Escalations and the digest go to the placeholder address a round gets without one."""
        return self.round.coordinator_email == PLACEHOLDER_COORDINATOR_EMAIL

    @property
    def plan_pages(self) -> int:
        return max(1, -(-len(self.plans) // PLANS_PER_PAGE))

    def plans_on(self, number: int) -> list[PlanSection]:
        """The plans of page `number` (1-based; the plans are in the order of their names)."""
        start = (number - 1) * PLANS_PER_PAGE
        return self.plans[start : start + PLANS_PER_PAGE]

    def proposed_on(self, number: int) -> list[ProposedLine]:
        """The proposed reviewers of the plans on page `number` (a round of 1,000 plans has
        3,000: not all on every page; the approval approves them all)."""
        plans = {p.plan_id for p in self.plans_on(number)}
        return [x for x in self.proposed if x.plan_id in plans]

    def page_of(self, plan_id: int) -> int:
        index = next((i for i, p in enumerate(self.plans) if p.plan_id == plan_id), 0)
        return index // PLANS_PER_PAGE + 1

    def page_names(self) -> list[tuple[int, str, str]]:
        """Each page's number with the first and last municipality on it, for the pager."""
        return [
            (n, shown[0].municipality, shown[-1].municipality)
            for n in range(1, self.plan_pages + 1)
            if (shown := self.plans_on(n))
        ]

    @cached_property
    def late(self) -> list[LateReview]:
        late = [
            LateReview(p.plan_id, p.municipality, a, index // PLANS_PER_PAGE + 1)
            for index, p in enumerate(self.plans)
            for a in p.assignments
            if a.days_late
        ]
        return sorted(late, key=lambda x: (-x.assignment.days_late, x.municipality))

    @property
    def complete(self) -> int:
        return sum(1 for p in self.plans if p.progress and p.progress.complete)


def output_folder(settings: Settings, round_: Round) -> Path:
    return default_out_dir(settings, round_.name)


def round_page(
    session: Session, settings: Settings, round_: Round, *, now: datetime | None = None
) -> RoundPage:
    now = now or datetime.now(UTC)
    today = now.date()
    progress = {p.plan_id: p for p in round_progress(session, round_).plans}
    plans = session.exec(
        select(Plan, Municipality.name)
        .join(Municipality, col(Municipality.id) == Plan.municipality_id)
        .where(Plan.round_id == round_.id)
    ).all()
    # As a reader looks a city up: 'Gävle' beside 'Gavle', 'Łódź' under L (by code point
    # they came after 'Groningen' and after 'Zagreb'); the pager names each page's ends.
    plans = sorted(plans, key=lambda found: alphabetical(found[1]))
    latest = latest_documents(session, [p.id for p, _ in plans if p.id is not None])
    documents = storage.list_outputs(output_folder(settings, round_))
    editions = _editions(session, round_, set(documents))
    replied = replies_by_plan(session, saved_id(round_))
    reply_due = reply_deadlines(session, saved_id(round_))
    new_versions = _new_versions(session, round_)
    asked = asked_in(round_)
    sections: dict[int, PlanSection] = {}
    for plan, name in plans:
        assert plan.id is not None
        doc = latest.get(plan.id)
        sections[plan.id] = PlanSection(
            plan_id=plan.id,
            municipality=name,
            progress=progress.get(plan.id),
            document=None
            if doc is None
            else {
                "file_name": doc.file_name,
                "version": doc.version,
                "pages": doc.pages,
                "language": doc.language,
                "media_type": doc.media_type,
            },
            findings=findings_shown(doc.findings, asked) if doc else [],
            problems=list(doc.problems) if doc else [],
            editions=editions.get(plan.id, {}),
            reply_due=reply_due.get(plan.id),
            replies=replied.get(plan.id, []),
            new_version=new_versions.get(plan.id),
            asked=asked,
        )
    rows = session.exec(
        select(Assignment, Reviewer, Municipality.name)
        .join(Reviewer, col(Reviewer.id) == Assignment.reviewer_id)
        .join(Municipality, col(Municipality.id) == Reviewer.municipality_id, isouter=True)
        .where(Assignment.round_id == round_.id)
        .order_by(col(Assignment.id))
    ).all()
    ids = [a.id for a, _, _ in rows if a.id is not None]
    reminders = _last_reminders(session, round_)
    submitted = latest_submitted_reviews(session, ids)
    per_reviewer: dict[int, list[AssignmentLine]] = defaultdict(list)
    reviewer_place: dict[int, tuple[str, str]] = {}
    pending: list[Assignment] = []
    proposed: list[ProposedLine] = []
    for assignment, reviewer, place in rows:
        assert assignment.id is not None and reviewer.id is not None
        if assignment.status == S.proposed.value and assignment.approved_at is None:
            pending.append(assignment)
            proposed.append(_proposed(assignment, reviewer, place, sections))
        review = submitted.get(assignment.id)
        line = _line(assignment, reviewer, reminders.get(assignment.id), review, now)
        if assignment.plan_id in sections:
            sections[assignment.plan_id].assignments.append(line)
        per_reviewer[reviewer.id].append(line)
        reviewer_place[reviewer.id] = (reviewer.name, place or "")
    reviewers = sorted(
        (
            ReviewerLine(
                name=reviewer_place[rid][0],
                municipality=reviewer_place[rid][1],
                assigned=sum(1 for x in lines if x.status not in _GONE),
                submitted=sum(1 for x in lines if x.status == S.submitted.value),
                late=sum(1 for x in lines if x.days_late),
            )
            for rid, lines in per_reviewer.items()
        ),
        key=lambda r: (-r.late, r.name),
    )
    return RoundPage(
        round=round_,
        today=today,
        plans=list(sections.values()),
        reviewers=reviewers,
        documents=documents,
        outstanding=sum(1 for lines in per_reviewer.values() for x in lines if x.is_open),
        proposed=sorted(proposed, key=lambda x: (x.municipality, x.rubric, x.reviewer)),
        proposal_mark=proposal_mark(pending),
    )


def _proposed(
    assignment: Assignment,
    reviewer: Reviewer,
    place: str | None,
    sections: dict[int, PlanSection],
) -> ProposedLine:
    explanation = assignment.explanation or {}
    section = sections.get(assignment.plan_id)
    return ProposedLine(
        id=saved_id(assignment),
        plan_id=assignment.plan_id,
        municipality=section.municipality if section else "",
        reviewer=reviewer.name,
        reviewer_municipality=place or "",
        rubric=assignment.rubric,
        why={"en": explanation.get("why", ""), "de": explanation.get("why_de", "")},
    )


_GONE = {S.declined.value, S.reassigned.value, S.withdrawn.value}


def _line(
    assignment: Assignment,
    reviewer: Reviewer,
    last_reminder: datetime | None,
    review: Any,
    now: datetime,
) -> AssignmentLine:
    status = S(assignment.status)
    is_open = status in {S.invited, S.accepted, S.overdue}
    until = _aware(assignment.token_expires_at)
    if assignment.token_hash is None:
        link = "revoked" if status in _GONE else "none"
    elif status not in LINK_VALID:
        link = "revoked"
    elif until is not None and now > until:
        link = "expired"
    else:
        link = "active"
    return AssignmentLine(
        id=saved_id(assignment),
        reviewer=reviewer.name,
        email=reviewer.email,
        rubric=assignment.rubric,
        status=assignment.status,
        due_date=assignment.due_date,
        days_late=max(0, (now.date() - assignment.due_date).days) if is_open else 0,
        last_reminder=last_reminder,
        link=link,
        link_until=until,
        submitted_at=_aware(review.submitted_at) if review is not None else None,
        approved=assignment.approved_at is not None,
    )


def _last_reminders(session: Session, round_: Round) -> dict[int, datetime]:
    """Assignment id -> when its newest reminder was queued."""
    latest: dict[int, datetime] = {}
    for assignment_id, at in session.exec(
        select(Outbox.assignment_id, Outbox.created_at).where(
            Outbox.round_id == round_.id, Outbox.kind == "reminder"
        )
    ).all():
        queued = at if at.tzinfo else at.replace(tzinfo=UTC)
        if assignment_id is not None and (
            assignment_id not in latest or queued > latest[assignment_id]
        ):
            latest[assignment_id] = queued
    return latest


def _new_versions(session: Session, round_: Round) -> dict[int, NewVersion]:
    """Plan id -> the newest version sent during its review (event DURING_REVIEW)."""
    out: dict[int, NewVersion] = {}
    for plan_id, payload in session.exec(
        select(Event.entity_id, Event.payload)
        .where(Event.round_id == round_.id, Event.kind == DURING_REVIEW)
        .order_by(col(Event.id))
    ).all():
        if plan_id is not None and payload:
            out[plan_id] = NewVersion(
                version=int(payload["version"]),
                file_name=str(payload["file_name"]),
                received=datetime.fromisoformat(str(payload["received"])),
                told=len(payload.get("told", [])),
            )
    return out


def _editions(session: Session, round_: Round, written: set[str]) -> dict[int, dict[str, str]]:
    """Plan id -> its consolidated document's two editions, as the plan's last compile named
    them (event `plan.compiled`), when the files are there."""
    files: dict[int, list[str]] = {}
    for plan_id, payload in session.exec(
        select(Event.entity_id, Event.payload)
        .where(Event.round_id == round_.id, Event.kind == "plan.compiled")
        .order_by(col(Event.id))
    ).all():
        if plan_id is not None:
            files[plan_id] = list((payload or {}).get("files", []))
    out: dict[int, dict[str, str]] = {}
    for plan_id, names in files.items():
        pairs = zip(("municipality", "coordinator"), names, strict=False)
        out[plan_id] = {e: f"{e}/{n}" for e, n in pairs if f"{e}/{n}" in written}
    return out


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands datetimes back without their zone; every stored time is UTC.
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
