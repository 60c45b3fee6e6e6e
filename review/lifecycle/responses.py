"""What a reviewer does with an invitation: accept, decline, submit (see review.lifecycle)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from review import events
from review.config import Settings
from review.i18n import N_
from review.lifecycle.replacing import replace
from review.models import Assignment, AssignmentStatus, Review, ReviewSource, utcnow
from review.notify import notices
from review.queries import latest_document_id
from review.reviewing import drafts
from review.reviewing.errors import BadReason
from review.reviewing.form import ReviewInput, Seen
from review.rubric import Rubric
from review.states import transition

S = AssignmentStatus
#: Longest decline reason a reviewer may give.
MAX_REASON = 2000


def accept(
    session: Session, settings: Settings, assignment: Assignment, *, actor: str
) -> Assignment:
    """The reviewer accepts the invitation: invited -> accepted (event), an acceptance receipt to
    the reviewer. Accepting twice, after submitting or when overdue changes nothing."""
    if S(assignment.status) in (S.accepted, S.submitted):
        return assignment
    if S(assignment.status) is S.overdue:
        return assignment  # already expected to deliver; nothing to confirm
    transition(session, assignment, S.accepted, actor=actor)
    notices.acceptance_receipt(session, settings, assignment)
    return assignment


def decline(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    reason: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> Assignment:
    """The reviewer declines with a reason (BadReason when empty or too long; nothing written).

    -> declined with the reason stored (event); the personal link stops working (states outside
    LINK_VALID); `replace`: the best eligible backup is proposed and invited (or an
    `assignment.reassign_failed` event says why nobody could be); the coordinator gets the decline
    notice naming the backup or the problem."""
    reason = (reason or "").strip()
    if not reason:
        raise BadReason(N_("please give a reason for declining (a sentence is enough)"))
    if len(reason) > MAX_REASON:
        raise BadReason(N_("the reason is too long: at most %(max)s characters"), max=MAX_REASON)
    now = now or utcnow()
    transition(
        session,
        assignment,
        S.declined,
        actor=actor,
        payload={"reason": reason},
        changes={"decline_reason": reason},
        now=now,
    )
    result = replace(
        session, settings, assignment, actor=actor, reason=f"declined: {reason}", now=now
    )
    notices.decline_notice(
        session,
        settings,
        assignment,
        reason=reason,
        replacement=result.new,
        problem=result.problem,
    )
    return assignment


def submit(
    session: Session,
    assignment: Assignment,
    data: ReviewInput,
    *,
    settings: Settings,
    seen_revision: Seen | str | tuple[int, int],
    source: ReviewSource | str = ReviewSource.web,
    actor: str,
    now: datetime | None = None,
    rubrics: dict[str, Rubric] | None = None,
    language: str = "en",
) -> Review:
    """Submit the review: validated with the rubric's rules, then frozen as a version
    (review.reviewing.drafts.write_submission; StaleSave, InvalidReview, NotEditable write
    nothing).

    The first submission: -> submitted (event `assignment.submitted`); an edited resubmission
    (allowed by the round, before its deadline) keeps the state and records
    `review.resubmitted`, the earlier versions stay. Each version: a submission receipt to the
    reviewer. After the caller commits, the portal tells Prefect when the plan has all its
    reviews (review.signals.announce_in_background), which compiles its documents."""
    now = now or utcnow()
    review = drafts.write_submission(
        session,
        assignment,
        data,
        seen_revision=seen_revision,
        source=source,
        now=now,
        rubrics=rubrics,
        language=language,
    )
    # What it assessed: the plan may get a new version while its reviews are open.
    review.document_id = latest_document_id(session, assignment.plan_id)
    session.add(review)
    payload = {"version": review.version, "source": review.source}
    if S(assignment.status) is S.submitted:
        events.record(
            session,
            kind="review.resubmitted",
            actor=actor,
            entity="assignment",
            entity_id=assignment.id,
            round_id=assignment.round_id,
            payload=payload,
        )
    else:
        transition(session, assignment, S.submitted, actor=actor, payload=payload, now=now)
    notices.submission_receipt(session, settings, assignment, review)
    return review
