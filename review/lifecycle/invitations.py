"""Inviting reviewers and reissuing their links (see review.lifecycle for the whole table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from review.config import Settings
from review.documents.word_form import MEDIA_TYPE
from review.errors import Refused
from review.i18n import N_, state_message
from review.models import Assignment, AssignmentStatus, Reviewer, Round, utcnow
from review.notify import notices
from review.reviewing import links
from review.reviewing.offline import build_word_form, word_form_name
from review.rubric import Rubric, load_rubrics
from review.states import LINK_VALID, amend, transition
from review.storage import store_bytes

S = AssignmentStatus


@dataclass
class Invited:
    assignment_id: int | None
    reviewer_email: str
    outcome: str  # "invited", "skipped"
    why: str = ""


def approved_uninvited(session: Session, round_id: int) -> list[Assignment]:
    """The round's assignments a coordinator approved that are not invited yet."""
    statement = (
        select(Assignment)
        .where(
            Assignment.round_id == round_id,
            Assignment.status == S.proposed.value,
            col(Assignment.approved_at).is_not(None),
        )
        .order_by(col(Assignment.id))
    )
    return list(session.exec(statement))


def _word_form(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    rubrics: dict[str, Rubric] | None = None,
) -> Callable[[str], notices.Attachment]:
    """The attachment maker handed to the invitation: build and store the Word form."""

    def attach(language: str) -> notices.Attachment:
        form = build_word_form(session, assignment, language, rubrics=rubrics)
        stored = store_bytes(settings, form, ".docx")
        return word_form_name(assignment, language), stored, MEDIA_TYPE

    return attach


def invite(
    session: Session,
    settings: Settings,
    assignments: list[Assignment],
    *,
    actor: str,
    now: datetime | None = None,
) -> list[Invited]:
    """Invite each approved, still proposed assignment; report every other one as skipped.

    Per invited assignment: proposed -> invited (event `assignment.invited`); a personal link
    issued (event `assignment.link_issued`); the invitation queued to the reviewer with the link
    and the Word form attached (a replacement invitation for a backup). A reviewer with several
    assignments in `assignments` gets one invitation for all of them (notices.invitation_list).
    Re-running invites nobody twice."""
    now = now or utcnow()
    rubrics = load_rubrics()  # once for the run's forms, not once a form
    results: list[Invited] = []
    batch: dict[int | None, list[tuple[Assignment, str]]] = {}  # reviewer -> newly invited
    for assignment in assignments:
        reviewer = session.get(Reviewer, assignment.reviewer_id)
        email = reviewer.email if reviewer else "?"
        if assignment.status != S.proposed.value:
            results.append(Invited(assignment.id, email, "skipped", f"already {assignment.status}"))
            continue
        if assignment.approved_at is None:
            results.append(
                Invited(assignment.id, email, "skipped", "not approved by the coordinator yet")
            )
            continue
        transition(session, assignment, S.invited, actor=actor, now=now)
        token = links.issue_link(session, assignment, settings=settings)
        if assignment.replaces_id is None:
            batch.setdefault(assignment.reviewer_id, []).append((assignment, token))
        else:  # a replacement says why it comes late: its own message
            notices.invitation(
                session,
                settings,
                assignment,
                token=token,
                attach=_word_form(session, settings, assignment, rubrics),
            )
        results.append(Invited(assignment.id, email, "invited"))
    for invited in batch.values():
        _invite_reviewer(session, settings, invited, rubrics)
    return results


def _invite_reviewer(
    session: Session,
    settings: Settings,
    invited: list[tuple[Assignment, str]],
    rubrics: dict[str, Rubric],
) -> None:
    """One message per reviewer and batch: the invitation of a single assignment, or for
    several one invitation with every plan's personal link and Word form."""
    first, token = invited[0]
    if len(invited) == 1:
        notices.invitation(
            session,
            settings,
            first,
            token=token,
            attach=_word_form(session, settings, first, rubrics),
        )
        return

    def attach(assignment: Assignment, language: str) -> notices.Attachment:
        return _word_form(session, settings, assignment, rubrics)(language)

    notices.invitation_list(session, settings, invited, attach=attach)


def invite_round(
    session: Session, settings: Settings, round_id: int, *, actor: str, now: datetime | None = None
) -> list[Invited]:
    """`invite` every approved, not yet invited assignment of the round."""
    return invite(session, settings, approved_uninvited(session, round_id), actor=actor, now=now)


def reissue_link(
    session: Session,
    settings: Settings,
    assignment: Assignment,
    *,
    actor: str,
    now: datetime | None = None,
) -> str:
    """A new personal link for an invited assignment, e.g. when the reviewer lost the email or
    the link was forwarded. Returns the new token.

    The new link's hash replaces the old one (event `assignment.link_reissued`; the old link stops
    working at once); the invitation is queued again with the new link and a fresh Word form
    (a new message: its key names the assignment's new version). InvalidInput when the
    assignment is not invited yet or no longer open for its reviewer; nothing written then."""
    if S(assignment.status) not in LINK_VALID:
        raise Refused(
            N_("review %(id)s is %(status)s: only an invited review has a link to reissue"),
            id=assignment.id,
            status=state_message(assignment.status),
        )
    round_ = session.get(Round, assignment.round_id)
    assert round_ is not None
    token, digest = links.new_link_token(settings, assignment)
    expires = links.link_expiry(round_, settings.link_grace_days, due=assignment.due_date)
    amend(
        session,
        assignment,
        kind="link_reissued",
        actor=actor,
        changes={"token_hash": digest, "token_expires_at": expires},
        payload={"expires_at": expires.isoformat()},
        now=now,
    )
    notices.invitation(
        session,
        settings,
        assignment,
        token=token,
        attach=_word_form(session, settings, assignment),
        key=f"invitation:a{assignment.id}:v{assignment.version}",
        reason="a new personal link (the earlier one no longer works)",
    )
    return token
