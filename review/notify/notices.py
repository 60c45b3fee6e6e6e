"""The messages about one assignment, to its reviewer or to the round's coordinator, one
function each: render the message it is handed in the recipient's language and queue it in the
CALLER's transaction (review.notify.queueing), so the message exists if and only if the caller's
change commits. Sending happens later (`deliver`, the flows). The municipality's messages are in
review.notify.municipality_notices.

Nothing here changes state or calls back into the domain: review.lifecycle decides what happens
and which message it causes, and calls these.

    invitation(..., token, attachment)      invitation (or replacement invitation), Word form
    invitation_list(..., invited)           one invitation for several plans, a link each
    acceptance_receipt(..., assignment)     to the reviewer
    submission_receipt(..., review)         to the reviewer, one per submitted version
    decline_notice(..., reason, replacement)   to the coordinator
    reminder / overdue_notice / escalation / released_notice   deadline messages (one per window)
    withdrawn_notice / due_date_changed     to the reviewer
    plan_version(..., document, previous)   to a reviewer who accepted: the plan has a new
                                            version, with their personal link (one per version)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session

from review.config import Settings
from review.models import Assignment, Document, Outbox, Review, utcnow
from review.notify import outbox
from review.notify.context import AssignmentFacts, review_link
from review.notify.messages import format_day
from review.notify.queueing import queue, queued
from review.reviewing import links

#: (file name, path relative to files_dir, media type) of an attached file.
Attachment = tuple[str, str, str]


def about(
    session: Session,
    settings: Settings,
    facts: AssignmentFacts,
    kind: str,
    *,
    key: str = "",
    reason: str,
    to_coordinator: bool = False,
    **context: Any,
) -> Outbox | None:
    """A message about one assignment to its reviewer, or to the round's coordinator, in their
    language. Its outbox key is `<kind>:a<assignment><key>`: one message per key, ever."""
    assignment = facts.assignment
    language = facts.coordinator_language if to_coordinator else facts.reviewer.language
    return queue(
        session,
        settings,
        key=f"{kind}:a{assignment.id}{key}",
        kind=kind,
        recipient=facts.round.coordinator_email if to_coordinator else facts.reviewer.email,
        language=language,
        round_id=assignment.round_id,
        assignment_id=assignment.id,
        reason=reason,
        **facts.context(language, **context),
    )


def invitation(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    token: str,
    attach: Callable[[str], Attachment],
    key: str | None = None,
    reason: str | None = None,
    pending: outbox.Pending | None = None,
) -> Outbox | None:
    """The invitation with the personal link; `attach(language)` makes the Word form and is only
    called for a message not queued yet. An assignment that replaces another gets the
    replacement invitation, which says why it comes late. `key` replaces the default key
    `invitation:a<id>` and `reason` the outbox's default reason (a reissued link is a new
    message). `pending`: added to that batch of the round's messages (see `queue`)."""
    key = key or f"invitation:a{assignment.id}"
    if queued(session, key, pending):
        return None
    facts = AssignmentFacts.load(session, assignment)
    language = facts.reviewer.language
    form_name, stored, media_type = attach(language)
    kind = "replacement_invitation" if assignment.replaces_id else "invitation"
    return queue(
        session,
        settings,
        key=key,
        kind=kind,
        recipient=facts.reviewer.email,
        language=language,
        round_id=assignment.round_id,
        assignment_id=assignment.id,
        reason=reason
        or ("invited" if kind == "invitation" else f"replaces assignment {assignment.replaces_id}"),
        attachments=[{"filename": form_name, "path": stored, "media_type": media_type}],
        into=pending,
        # The placeholder, not the token: the link is derived when the message is sent (#17).
        **facts.context(
            language,
            link=review_link(settings, links.link_placeholder(settings, assignment, token)),
            form_name=form_name,
        ),
    )


def invitation_list(
    session: Session,
    settings: Settings,
    invited: list[tuple[Assignment, str]],
    *,
    attach: Callable[[Assignment, str], Attachment],
    pending: outbox.Pending | None = None,
) -> Outbox | None:
    """One invitation for a reviewer's several (assignment, token) of one batch: every plan with
    its own personal link, which opens that plan's form (#13 follow-up: one link for all of them
    stopped working when its plan closed), and each plan's Word form attached.

    Keyed by the reviewer and the batch's first assignment: the same batch is queued once, a
    later batch (a new plan for the same reviewer) is a new message. Cancelled before sending
    only when every plan in it has closed (review.notify.delivery)."""
    first = invited[0][0]
    key = f"invitation_list:r{first.reviewer_id}:a{first.id}"
    if queued(session, key, pending):
        return None
    facts = AssignmentFacts.load(session, first)
    language = facts.reviewer.language
    plans, attachments = [], []
    for assignment, token in invited:
        context = AssignmentFacts.load(session, assignment).context(language)
        plan = {k: context[k] for k in ("plan_title", "municipality_name", "rubric", "due_date")}
        # The placeholder, not the token (#17); the path opens this plan's form, not the list.
        personal = review_link(settings, links.link_placeholder(settings, assignment, token))
        plan["link"] = f"{personal}/a/{assignment.id}"
        plans.append(plan)
        name, stored, media_type = attach(assignment, language)
        attachments.append({"filename": name, "path": stored, "media_type": media_type})
    return queue(
        session,
        settings,
        key=key,
        kind="invitation_list",
        recipient=facts.reviewer.email,
        language=language,
        round_id=first.round_id,
        assignment_id=first.id,
        reason=f"invited to {len(invited)} plans",
        attachments=attachments,
        into=pending,
        **facts.context(language, count=len(invited), plans=plans),
    )


def acceptance_receipt(
    session: Session, settings: Settings, assignment: Assignment
) -> Outbox | None:
    facts = AssignmentFacts.load(session, assignment)
    return about(session, settings, facts, "acceptance_receipt", reason="accepted")


def submission_receipt(
    session: Session, settings: Settings, assignment: Assignment, review: Review
) -> Outbox | None:
    """A receipt for each submitted version of a review (an edited resubmission gets its own)."""
    facts = AssignmentFacts.load(session, assignment)
    round_ = facts.round
    editable_until = None
    if round_.edit_after_submit:
        editable_until = round_.final_deadline or round_.due_date
    return about(
        session,
        settings,
        facts,
        "submission_receipt",
        key=f":v{review.version}",
        reason=f"review version {review.version} submitted",
        review_version=review.version,
        submitted_at=format_day(review.submitted_at or utcnow(), facts.reviewer.language),
        editable_until=editable_until,
    )


def decline_notice(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    reason: str,
    replacement: Assignment | None,
    problem: str = "",
) -> Outbox | None:
    """Tell the coordinator that a reviewer declined, and who replaces them (or why nobody
    could: then the coordinator must act by hand)."""
    extra: dict[str, Any] = {
        "decline_reason": reason,
        "replacement_name": None,
        "replacement_email": None,
        "replacement_due": None,
        "replacement_problem": problem,
    }
    if replacement is not None:
        new_facts = AssignmentFacts.load(session, replacement)
        extra.update(
            replacement_name=new_facts.reviewer.name,
            replacement_email=new_facts.reviewer.email,
            replacement_due=replacement.due_date,
        )
    facts = AssignmentFacts.load(session, assignment)
    return about(
        session,
        settings,
        facts,
        "decline_notice",
        reason="reviewer declined",
        to_coordinator=True,
        **extra,
    )


def form_link(settings: Settings, assignment: Assignment) -> str:
    """The reviewer's personal link in force to this plan's form, for a message queued after the
    invitation (as its placeholder: the token is put in when the message is sent, never stored);
    "" for a link issued before its nonce was kept: the message then points to the invitation.
    This plan's form, not the list of a reviewer's several plans (as `invitation_list`)."""
    placeholder = links.current_placeholder(settings, assignment)
    return f"{review_link(settings, placeholder)}/a/{assignment.id}" if placeholder else ""


def reminder(
    session: Session,
    settings: Settings,
    facts: AssignmentFacts,
    *,
    window: str,
    days_left: int,
    reason: str,
) -> Outbox | None:
    """A reminder to the reviewer, one per reminder window (`d-7`, `d0`, ...), with their
    personal link."""
    return about(
        session,
        settings,
        facts,
        "reminder",
        key=f":{window}",
        reason=reason,
        days_left=days_left,
        link=form_link(settings, facts.assignment),
    )


def overdue_notice(
    session: Session,
    settings: Settings,
    facts: AssignmentFacts,
    *,
    window: str,
    reason: str,
    reassign_on: date | None,
) -> Outbox | None:
    """The reviewer's review is overdue (and when it will be given to someone else), with their
    personal link."""
    return about(
        session,
        settings,
        facts,
        "overdue_notice",
        key=f":{window}",
        reason=reason,
        reassign_on=reassign_on,
        link=form_link(settings, facts.assignment),
    )


def escalation(
    session: Session,
    settings: Settings,
    facts: AssignmentFacts,
    *,
    window: str,
    reason: str,
    reassign_on: date | None,
    days_late: int,
) -> Outbox | None:
    """Tell the coordinator that a review is overdue."""
    return about(
        session,
        settings,
        facts,
        "escalation",
        key=f":{window}",
        reason=reason,
        to_coordinator=True,
        reassign_on=reassign_on,
        days_late=days_late,
    )


def released_notice(
    session: Session,
    settings: Settings,
    facts: AssignmentFacts,
    *,
    window: str,
    reason: str,
    released_because: str,
) -> Outbox | None:
    """Tell a reviewer that their review was given to someone else."""
    return about(
        session,
        settings,
        facts,
        "released_notice",
        key=f":{window}",
        reason=reason,
        released_because=released_because,
    )


def withdrawn_notice(
    session: Session, settings: Settings, facts: AssignmentFacts, *, reason: str
) -> Outbox | None:
    """Tell a reviewer that the coordinator took their assignment back, and why."""
    return about(
        session, settings, facts, "withdrawn_notice", reason=reason, withdraw_reason=reason
    )


def due_date_changed(
    session: Session, settings: Settings, facts: AssignmentFacts, *, previous: date
) -> Outbox | None:
    """Tell a reviewer their new due date (one message per change of the assignment)."""
    assignment = facts.assignment
    return about(
        session,
        settings,
        facts,
        "due_date_changed",
        key=f":v{assignment.version}",
        reason=f"due date {previous.isoformat()} -> {assignment.due_date.isoformat()}",
        previous_due_date=previous,
    )


def plan_version(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    document: Document,
    *,
    previous: int,
) -> Outbox | None:
    """Tell a reviewer who accepted that the plan has a new version (`document`), which one
    they accepted with (`previous`), and their personal link: one message per version, ever."""
    facts = AssignmentFacts.load(session, assignment)
    language = facts.reviewer.language
    return about(
        session,
        settings,
        facts,
        "plan_version",
        key=f":d{document.id}",
        reason=f"plan version {document.version} after version {previous}",
        file_name=document.file_name,
        version=document.version,
        previous_version=previous,
        received=format_day(document.created_at, language),
        link=form_link(settings, assignment),
    )
