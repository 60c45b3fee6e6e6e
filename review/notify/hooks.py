"""What other parts of peerplan call when something happens that someone must be told about.

Each hook queues its messages in the CALLER's transaction (see review.notify.outbox): the
message exists if and only if the caller's change commits. Calling a hook twice for the same
event queues nothing the second time. Sending happens later (`deliver`, the flows).

    on_invited(session, settings, assignment, token)       invitation (or replacement invitation)
    on_accepted(session, settings, assignment)             acceptance receipt to the reviewer
    on_submitted(session, settings, assignment, review)    submission receipt to the reviewer
    on_declined(session, settings, assignment, reason)     reassign + invite the backup reviewer,
                                                           tell the coordinator
    on_plan_received(session, settings, municipality, document)   receipt to the municipality
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from review.config import Settings
from review.models import Assignment, Document, Municipality, Outbox, Review, Round, utcnow
from review.notify import outbox
from review.notify.context import AssignmentFacts, review_link
from review.notify.messages import format_day, render

WORD_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def queue(
    session: Session,
    settings: Settings,
    *,
    key: str,
    kind: str,
    recipient: str,
    language: str,
    round_id: int | None,
    assignment_id: int | None,
    reason: str,
    attachments: list[dict] | None = None,
    **context,
) -> Outbox | None:
    """Render `kind` in `language` and queue it under `key` (no-op if the key exists)."""
    if outbox.queued(session, key) is not None:
        return None  # skip rendering (and building attachments) for a message that exists
    subject, body = render(kind, language, **context)
    return outbox.enqueue(
        session,
        key=key,
        kind=kind,
        recipient=recipient,
        language=language,
        subject=subject,
        body=body,
        round_id=round_id,
        assignment_id=assignment_id,
        attachments=attachments or (),
        reason=reason,
        settings=settings,
    )


def on_invited(
    session: Session, settings: Settings, assignment: Assignment, token: str
) -> Outbox | None:
    """Queue the invitation with the personal link and the Word form attached. An assignment
    that replaces another gets the replacement invitation, which says why it comes late."""
    from review.notify import _deps

    key = f"invitation:a{assignment.id}"
    if outbox.queued(session, key) is not None:
        return None
    facts = AssignmentFacts.load(session, assignment)
    language = facts.reviewer.language
    form_name, form = _deps.build_word_form(session, settings, assignment, language)
    stored = _deps.store_bytes(settings, form, ".docx")
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
        reason="invited"
        if kind == "invitation"
        else f"replaces assignment {assignment.replaces_id}",
        attachments=[{"filename": form_name, "path": stored, "media_type": WORD_MEDIA_TYPE}],
        **facts.context(language, link=review_link(settings, token), form_name=form_name),
    )


def on_accepted(session: Session, settings: Settings, assignment: Assignment) -> Outbox | None:
    facts = AssignmentFacts.load(session, assignment)
    language = facts.reviewer.language
    return queue(
        session,
        settings,
        key=f"acceptance_receipt:a{assignment.id}",
        kind="acceptance_receipt",
        recipient=facts.reviewer.email,
        language=language,
        round_id=assignment.round_id,
        assignment_id=assignment.id,
        reason="accepted",
        **facts.context(language),
    )


def on_submitted(
    session: Session, settings: Settings, assignment: Assignment, review: Review
) -> Outbox | None:
    """A receipt for each submitted version of a review (an edited resubmission gets its own)."""
    facts = AssignmentFacts.load(session, assignment)
    language = facts.reviewer.language
    round_ = facts.round
    editable_until = None
    if round_.edit_after_submit:
        editable_until = round_.final_deadline or round_.due_date
    submitted_at = review.submitted_at or utcnow()
    return queue(
        session,
        settings,
        key=f"submission_receipt:a{assignment.id}:v{review.version}",
        kind="submission_receipt",
        recipient=facts.reviewer.email,
        language=language,
        round_id=assignment.round_id,
        assignment_id=assignment.id,
        reason=f"review version {review.version} submitted",
        **facts.context(
            language,
            review_version=review.version,
            submitted_at=format_day(submitted_at, language),
            editable_until=editable_until,
        ),
    )


def on_declined(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    reason: str,
    *,
    actor: str = "system",
    now: datetime | None = None,
) -> Assignment | None:
    """The reviewer declined: reassign to the best eligible backup reviewer, invite them, and
    tell the coordinator (who must act by hand if there is no backup). Returns the new
    assignment or None."""
    from review.notify import reassignment

    now = now or utcnow()
    facts = AssignmentFacts.load(session, assignment)
    result = reassignment.replace(
        session,
        settings,
        assignment,
        actor=actor,
        reason=f"declined: {reason or '-'}",
        now=now,
    )
    language = facts.coordinator_language
    extra: dict = {
        "decline_reason": reason,
        "replacement_name": None,
        "replacement_email": None,
        "replacement_due": None,
        "replacement_problem": result.problem,
    }
    if result.new is not None:
        new_facts = AssignmentFacts.load(session, result.new)
        extra.update(
            replacement_name=new_facts.reviewer.name,
            replacement_email=new_facts.reviewer.email,
            replacement_due=result.new.due_date,
        )
    queue(
        session,
        settings,
        key=f"decline_notice:a{assignment.id}",
        kind="decline_notice",
        recipient=facts.round.coordinator_email,
        language=language,
        round_id=assignment.round_id,
        assignment_id=assignment.id,
        reason="reviewer declined",
        **facts.context(language, **extra),
    )
    return result.new


def on_plan_received(
    session: Session, settings: Settings, municipality: Municipality, document: Document
) -> Outbox | None:
    """A receipt for each stored plan version. Never names reviewers (blind rounds)."""
    if not municipality.contact_email:
        return None
    round_ = session.get(Round, municipality.round_id)
    assert round_ is not None
    language = municipality.language
    return queue(
        session,
        settings,
        key=f"plan_receipt:d{document.id}",
        kind="plan_receipt",
        recipient=municipality.contact_email,
        language=language,
        round_id=round_.id,
        assignment_id=None,
        reason=f"plan version {document.version} stored",
        round_name=round_.name,
        coordinator_name=round_.coordinator_name,
        municipality_name=municipality.name,
        file_name=document.file_name,
        version=document.version,
        pages=document.pages,
        size_kb=max(1, round(document.size / 1024)),
        problems=list(document.problems or []),
        reviews_per_plan=round_.reviews_per_plan,
        blind=round_.blind,
        due_date=format_day(round_.due_date, language),
    )
