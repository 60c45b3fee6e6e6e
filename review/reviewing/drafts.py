"""Drafts and submissions: what a reviewer sees of an assignment, the form's saved state, and the
one checked write that a draft save and a submission share.

A review is a row of `Review`. A draft is saved in place and its `revision` goes up with every
save; submitting freezes that version; editing a submitted review (when the round allows it and
the deadline has not passed) starts a new version and keeps the earlier ones. Every save names
the (version, revision) it was based on: a save based on anything but the newest is refused with
the differences (`StaleSave`), never written over newer work.

A submission's state change and what it causes are in review.lifecycle.submit, which calls
`write_submission` here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy import select as entities
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from review.asked_parts import asked_in, findings_shown
from review.errors import InvalidInput
from review.i18n import N_, state_message
from review.models import (
    Assignment,
    AssignmentStatus,
    Document,
    Municipality,
    Plan,
    Review,
    Reviewer,
    ReviewSource,
    ReviewStatus,
    Round,
    saved_id,
    utcnow,
)
from review.queries import latest_document
from review.reviewing import in_place
from review.reviewing.errors import InvalidReview, NotEditable, StaleSave
from review.reviewing.form import ReviewInput, Seen, differences, stored_values, validate
from review.reviewing.in_place import AnyAssignment
from review.reviewing.links import OpenedAssignment, end_of
from review.rubric import Rubric, load_rubrics
from review.states import OPEN, rows_changed

S = AssignmentStatus


@dataclass
class FormState:
    """The newest saved review of an assignment, as the form shows it."""

    assignment: Assignment
    review: Review | None
    data: ReviewInput
    seen: Seen
    status: str | None  # None: nothing saved; "draft"; "submitted"
    editable: bool
    versions: int


@dataclass
class AssignmentView:
    """What the reviewer may see about an assignment (never other reviewers or their reviews)."""

    assignment: Assignment
    reviewer: Reviewer
    round: Round
    plan: Plan
    municipality: Municipality
    document: Document | None

    def hints(self) -> list[dict[str, Any]]:
        """The intake's findings on the plan's newest document that the round's rubrics ask
        for, and the other parts where the plan has them (review.asked_parts)."""
        findings = self.document.findings if self.document else []
        return findings_shown(findings, asked_in(self.round))


def view(session: Session, assignment: Assignment) -> AssignmentView:
    plan = session.get(Plan, assignment.plan_id)
    reviewer = session.get(Reviewer, assignment.reviewer_id)
    round_ = session.get(Round, assignment.round_id)
    assert plan and reviewer and round_
    municipality = session.get(Municipality, plan.municipality_id)
    assert municipality
    return AssignmentView(
        assignment, reviewer, round_, plan, municipality, latest_document(session, plan.id)
    )


def latest_review(session: Session, assignment: AnyAssignment) -> Review | None:
    return session.exec(
        select(Review)
        .where(Review.assignment_id == assignment.id)
        .order_by(col(Review.version).desc())
        .execution_options(populate_existing=True)
    ).first()


def latest_reviews(session: Session, assignment_ids: Sequence[int | None]) -> dict[int, Review]:
    """Assignment id -> its newest saved review (`latest_review` for many), for those that
    have one: one query per 5,000 assignments."""
    ids = sorted({i for i in assignment_ids if i is not None})
    latest: dict[int, Review] = {}
    for start in range(0, len(ids), 5000):
        rows = session.exec(
            select(Review)
            .where(col(Review.assignment_id).in_(ids[start : start + 5000]))
            .order_by(col(Review.version))
            .execution_options(populate_existing=True)
        )
        for review in rows:
            latest[review.assignment_id] = review  # ascending versions: the newest stays
    return latest


def reviews(session: Session, assignment: Assignment) -> list[Review]:
    return list(
        session.exec(
            select(Review)
            .where(Review.assignment_id == assignment.id)
            .order_by(col(Review.version))
        )
    )


def edit_deadline(round_: Round, assignment: AnyAssignment) -> datetime:
    """Submitted reviews can be edited until the end of the round's final deadline."""
    return end_of(round_.final_deadline or assignment.due_date)


def _editable(session: Session, assignment: AnyAssignment, now: datetime) -> bool:
    status = S(assignment.status)
    if status in OPEN:
        return True
    if status is S.submitted:
        if isinstance(assignment, OpenedAssignment):  # its round's rules came with it
            allowed, final = assignment.edit_after_submit, assignment.final_deadline
        else:
            round_ = session.get(Round, assignment.round_id)
            assert round_
            allowed, final = round_.edit_after_submit, round_.final_deadline
        return allowed and now <= end_of(final or assignment.due_date)
    return False


def form_state(
    session: Session, assignment: Assignment, *, now: datetime | None = None
) -> FormState:
    latest = latest_review(session, assignment)
    return _state(assignment, latest, _editable(session, assignment, now or utcnow()))


def _state(assignment: Assignment, latest: Review | None, editable: bool) -> FormState:
    return FormState(
        assignment=assignment,
        review=latest,
        data=ReviewInput.from_review(latest),
        seen=Seen(latest.version, latest.revision) if latest else Seen(),
        status=latest.status if latest else None,
        editable=editable,
        versions=latest.version if latest else 0,
    )


@dataclass(frozen=True)
class FormPage:
    """What a reviewer's form page shows: the assignment as the reviewer may see it, the newest
    saved review, and the submitted versions."""

    view: AssignmentView
    state: FormState
    submitted: list[Review]


#: The form page's statements, prepared once (every save is followed by this page): built anew
#: each time, their expressions cost about as much CPU as running them.
_PAGE_ROWS = (
    entities(Assignment, Plan, Reviewer, Round, Municipality)
    .join(Plan, col(Plan.id) == col(Assignment.plan_id))
    .join(Reviewer, col(Reviewer.id) == col(Assignment.reviewer_id))
    .join(Round, col(Round.id) == col(Assignment.round_id))
    .join(Municipality, col(Municipality.id) == col(Plan.municipality_id))
    .where(col(Assignment.id) == bindparam("assignment"))
)
_REVIEWS = (
    select(Review)
    .where(col(Review.assignment_id) == bindparam("assignment"))
    .order_by(col(Review.version))
)


def form_page(session: Session, assignment_id: int, *, now: datetime | None = None) -> FormPage:
    """Three statements: the assignment with its plan, reviewer, round and municipality; the
    plan's newest document (`queries.latest_document`); the assignment's reviews."""
    found = session.execute(_PAGE_ROWS, {"assignment": assignment_id}).first()
    assert found is not None, "the portal opens only assignments its links found"
    assignment, plan, reviewer, round_, municipality = found
    document = latest_document(session, plan.id)
    # Oldest first: the newest is the last.
    versions = list(session.exec(_REVIEWS, params={"assignment": assignment_id}))
    latest = versions[-1] if versions else None
    editable = _editable(session, assignment, now or utcnow())  # its round is loaded: no query
    return FormPage(
        view=AssignmentView(assignment, reviewer, round_, plan, municipality, document),
        state=_state(assignment, latest, editable),
        submitted=[r for r in versions if r.status == ReviewStatus.submitted],
    )


def _rubric_of(assignment: AnyAssignment, rubrics: dict[str, Rubric] | None) -> Rubric:
    if rubrics is None:
        rubrics = load_rubrics()
    try:
        return rubrics[assignment.rubric]
    except KeyError:
        raise InvalidInput(
            f"assignment {assignment.id} uses rubric '{assignment.rubric}', which is not installed"
        ) from None


def _check_fresh(
    session: Session, rubric: Rubric, assignment: AnyAssignment, data: ReviewInput, seen: Seen
) -> Review | None:
    latest = latest_review(session, assignment)
    stored = Seen(latest.version, latest.revision) if latest else Seen()
    if stored != seen:
        raise StaleSave(
            differences(rubric, data, ReviewInput.from_review(latest)),
            stored,
            seen,
            latest.updated_at if latest else None,
        )
    return latest


def _check_editable(session: Session, assignment: AnyAssignment, now: datetime) -> None:
    if not _editable(session, assignment, now):
        if S(assignment.status) is S.submitted:
            raise NotEditable(
                N_(
                    "this review has been submitted and can no longer be changed (the round does "
                    "not allow edits after submission, or its deadline has passed)"
                )
            )
        raise NotEditable(
            N_("this assignment is %(status)s; its review cannot be changed"),
            status=state_message(assignment.status),
        )


def _write(
    session: Session,
    assignment: AnyAssignment,
    latest: Review | None,
    values: dict[str, Any],
    *,
    status: ReviewStatus,
    source: ReviewSource | str,
    rubric: Rubric,
    data: ReviewInput,
    seen: Seen,
    now: datetime,
) -> Review:
    """Write the review: in place over a draft (guarded by its revision), else a new version."""
    source = ReviewSource(source).value
    common = {
        **values,
        "status": status.value,
        "source": source,
        "updated_at": now,
        "submitted_at": now if status is ReviewStatus.submitted else None,
    }
    if latest is not None and latest.status == ReviewStatus.draft.value:
        result = session.execute(
            update(Review)
            .where(col(Review.id) == latest.id, col(Review.revision) == latest.revision)
            .values(revision=latest.revision + 1, **common)
            .execution_options(synchronize_session=False)
        )
        if rows_changed(result) != 1:  # saved by someone else between our read and our write
            session.expire(latest)
            fresh = latest_review(session, assignment)
            stored = Seen(fresh.version, fresh.revision) if fresh else Seen()
            raise StaleSave(
                differences(rubric, data, ReviewInput.from_review(fresh)),
                stored,
                seen,
                fresh.updated_at if fresh else None,
            )
        session.expire(latest)
        session.refresh(latest)
        return latest
    review = Review(
        assignment_id=saved_id(assignment),
        version=(latest.version + 1) if latest else 1,
        revision=1,
        created_at=now,
        **common,
    )
    session.add(review)
    try:
        session.flush()
    except IntegrityError:
        # Another save created this version at the same moment; the caller's transaction is
        # rolled back, so nothing of ours is written.
        raise StaleSave([], None, seen) from None
    return review


def _checked_write(
    session: Session,
    assignment: AnyAssignment,
    data: ReviewInput,
    seen_revision: Seen | str | tuple[int, int],
    status: ReviewStatus,
    *,
    source: ReviewSource | str,
    now: datetime,
    rubrics: dict[str, Rubric] | None,
    language: str,
) -> Review:
    """What a draft save and a submission share: refuse a stale base, a closed review and
    invalid values (missing ones too when submitting), then write. Nothing is written on refusal."""
    seen = Seen.parse(seen_revision)
    rubric = _rubric_of(assignment, rubrics)
    latest = _check_fresh(session, rubric, assignment, data, seen)
    _check_editable(session, assignment, now)
    errors = validate(rubric, data, complete=status is ReviewStatus.submitted, language=language)
    if errors:
        raise InvalidReview(errors)
    return _write(
        session,
        assignment,
        latest,
        stored_values(rubric, data),
        status=status,
        source=source,
        rubric=rubric,
        data=data,
        seen=seen,
        now=now,
    )


def save_draft(
    session: Session,
    assignment: AnyAssignment,
    data: ReviewInput,
    *,
    seen_revision: Seen | str | tuple[int, int],
    source: ReviewSource | str = ReviewSource.web,
    actor: str,
    now: datetime | None = None,
    rubrics: dict[str, Rubric] | None = None,
    language: str = "en",
) -> in_place.Saved:
    """Save what the reviewer typed so far. Refuses wrong values (a score off the scale) but
    not missing ones. Raises StaleSave, InvalidReview, NotEditable; none of them writes.
    Event `review.draft_saved` (version, revision, source), once per save."""
    now = now or utcnow()
    saved = save_usual_draft(
        session,
        assignment,
        data,
        seen_revision,
        source=source,
        actor=actor,
        now=now,
        rubrics=rubrics,
        language=language,
    )
    if saved is None:
        saved = save_checked_draft(
            session,
            assignment,
            data,
            seen_revision,
            source=source,
            actor=actor,
            now=now,
            rubrics=rubrics,
            language=language,
        )
    return saved


def save_usual_draft(
    session: Session,
    assignment: AnyAssignment,
    data: ReviewInput,
    seen_revision: Seen | str | tuple[int, int],
    *,
    source: ReviewSource | str = ReviewSource.web,
    actor: str,
    now: datetime | None = None,
    rubrics: dict[str, Rubric] | None = None,
    language: str = "en",
) -> in_place.Saved | None:
    """`save_draft` when it is the usual save (`in_place`): complete in one statement on
    PostgreSQL, so that `session` may run each statement on its own (`db.statement_engine`).
    None, with nothing written, for any other: then `save_checked_draft`, in a transaction."""
    return in_place.save(  # records the event too
        session,
        assignment,
        _rubric_of(assignment, rubrics),
        data,
        Seen.parse(seen_revision),
        source=ReviewSource(source).value,
        now=now or utcnow(),
        language=language,
        actor=actor,
    )


def save_checked_draft(
    session: Session,
    assignment: AnyAssignment,
    data: ReviewInput,
    seen_revision: Seen | str | tuple[int, int],
    *,
    source: ReviewSource | str = ReviewSource.web,
    actor: str,
    now: datetime | None = None,
    rubrics: dict[str, Rubric] | None = None,
    language: str = "en",
) -> in_place.Saved:
    """`save_draft` the checked way (`_checked_write`: the reasons of a refusal, or a new
    version), for what is not the usual save; several statements, so in a transaction."""
    source = ReviewSource(source).value
    review = _checked_write(
        session,
        assignment,
        data,
        Seen.parse(seen_revision),
        ReviewStatus.draft,
        source=source,
        now=now or utcnow(),
        rubrics=rubrics,
        language=language,
    )
    saved = in_place.Saved(saved_id(review), review.version, review.revision)
    in_place.record_saved(session, assignment, saved, source, actor)
    return saved


def write_submission(
    session: Session,
    assignment: AnyAssignment,
    data: ReviewInput,
    *,
    seen_revision: Seen | str | tuple[int, int],
    source: ReviewSource | str,
    now: datetime,
    rubrics: dict[str, Rubric] | None = None,
    language: str = "en",
) -> Review:
    """Write a submitted version of the review, checked like a draft and complete by the rubric's
    rules. Only the write: review.lifecycle.submit changes the assignment's state and tells the
    reviewer. Raises StaleSave, InvalidReview, NotEditable; none of them writes."""
    return _checked_write(
        session,
        assignment,
        data,
        seen_revision,
        ReviewStatus.submitted,
        source=source,
        now=now,
        rubrics=rubrics,
        language=language,
    )
