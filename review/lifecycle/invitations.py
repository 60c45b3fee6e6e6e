"""Inviting reviewers and reissuing their links (see review.lifecycle for the whole table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from review.asked_parts import gates_in
from review.config import Settings
from review.documents.word_form import MEDIA_TYPE
from review.errors import Refused
from review.i18n import N_, Message, Phrase, state_message
from review.models import Assignment, AssignmentStatus, Review, Round, utcnow
from review.notify import notices, outbox
from review.notify.context import AssignmentFacts
from review.reviewing import links
from review.reviewing.drafts import latest_reviews, view
from review.reviewing.offline import build_word_form, word_form, word_form_name
from review.rubric import Rubric, load_rubrics
from review.states import LINK_VALID, amend, transition_all
from review.storage import store_bytes

S = AssignmentStatus


@dataclass
class Invited:
    assignment_id: int | None
    reviewer_email: str
    outcome: str  # "invited", "skipped"
    why: str = ""  # a Message: said in the reader's language where it is shown
    # who reviews which plan, for the coordinator's lines ("assignment 7" named nobody)
    reviewer: str = ""
    municipality: str = ""  # the plan's
    rubric: str = ""


def invited_earlier(session: Session, assignment_ids: list[int]) -> list[Invited]:
    """The lines of assignments invited by an earlier run (whose invitation went out only now,
    or failed again): who reviews which plan, as `invite` names them."""
    assignments = list(
        session.exec(
            select(Assignment)
            .where(col(Assignment.id).in_(assignment_ids))
            .order_by(col(Assignment.id))
        )
    )
    facts = AssignmentFacts.load_all(session, assignments)
    return [
        Invited(
            a.id,
            facts[a.id].reviewer.email,
            "invited",
            Message(N_("invited earlier")),
            reviewer=facts[a.id].reviewer.name,
            municipality=facts[a.id].municipality.name,
            rubric=a.rubric,
        )
        for a in assignments
    ]


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

    every = rubrics or load_rubrics()  # all of them: the round's gates follow its every rubric
    rubric = every[assignment.rubric]
    municipality = view(session, assignment).municipality.name

    def attach(language: str) -> notices.Attachment:
        form = build_word_form(session, assignment, language, rubrics=every)
        stored = store_bytes(settings, form, ".docx")
        name = word_form_name(language, rubric=rubric, municipality=municipality)
        return name, stored, MEDIA_TYPE

    return attach


@dataclass
class _Round:
    """What `invite` read in bulk for its messages and forms, held while it runs (the session's
    identity map keeps only objects someone holds: `session.get` then needs no query)."""

    facts: dict[int | None, AssignmentFacts]
    latest: dict[int, Review]
    rubrics: dict[str, Rubric]

    def form(
        self, settings: Settings, assignment: Assignment
    ) -> Callable[[str], notices.Attachment]:
        """`_word_form` from what was read."""
        facts = self.facts[assignment.id]
        rubric = self.rubrics[assignment.rubric]

        def attach(language: str) -> notices.Attachment:
            form = word_form(
                assignment,
                language,
                rubric,
                latest=self.latest.get(assignment.id or 0),
                plan_title=facts.plan.title,
                municipality=facts.municipality.name,
                gates=gates_in(facts.round, self.rubrics),
            )
            stored = store_bytes(settings, form, ".docx")
            name = word_form_name(language, rubric=rubric, municipality=facts.municipality.name)
            return name, stored, MEDIA_TYPE

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
    Re-running invites nobody twice.

    In bulk, as a round's thousands of invitations need: the assignments' facts are read in a
    few queries, every state change and link is one guarded UPDATE executed for all rows
    (`transition_all`), and the messages are inserted together (`outbox.Pending`), all in the
    caller's transaction as before."""
    now = now or utcnow()
    results: list[Invited] = []
    moves: list[tuple[Assignment, dict[str, Any]]] = []
    tokens: dict[int | None, str] = {}
    read = _Round(
        AssignmentFacts.load_all(session, assignments),
        latest_reviews(session, [a.id for a in assignments]),
        load_rubrics(),  # once for the run's forms, not once a form
    )
    for assignment in assignments:
        facts = read.facts[assignment.id]
        email = facts.reviewer.email
        names = {
            "reviewer": facts.reviewer.name,
            "municipality": facts.municipality.name,
            "rubric": assignment.rubric,
        }
        if assignment.status != S.proposed.value:
            already = Phrase(N_("already %(state)s"), state=state_message(assignment.status))
            results.append(Invited(assignment.id, email, "skipped", already, **names))
            continue
        if assignment.approved_at is None:
            results.append(
                Invited(
                    assignment.id,
                    email,
                    "skipped",
                    Message(N_("not approved by the coordinator yet")),
                    **names,
                )
            )
            continue
        tokens[assignment.id], link = links.link_columns(session, assignment, settings=settings)
        moves.append((assignment, link))
        results.append(Invited(assignment.id, email, "invited", **names))
    transition_all(session, moves, S.invited, actor=actor, now=now)
    batch: dict[int | None, list[tuple[Assignment, str]]] = {}  # reviewer -> newly invited
    pending: dict[int, outbox.Pending] = {}
    links.record_issued(session, [assignment for assignment, _link in moves])
    for assignment, _link in moves:
        if assignment.replaces_id is None:
            batch.setdefault(assignment.reviewer_id, []).append((assignment, tokens[assignment.id]))
            continue
        notices.invitation(  # a replacement says why it comes late: its own message
            session,
            settings,
            assignment,
            token=tokens[assignment.id],
            attach=read.form(settings, assignment),
            pending=_pending(pending, session, settings, assignment),
        )
    for invited in batch.values():
        _invite_reviewer(
            session, settings, invited, read, _pending(pending, session, settings, invited[0][0])
        )
    for messages in pending.values():
        messages.write()
    return results


def _pending(
    batches: dict[int, outbox.Pending], session: Session, settings: Settings, assignment: Assignment
) -> outbox.Pending:
    """The batch of `assignment`'s round's messages (one per round)."""
    if assignment.round_id not in batches:
        batches[assignment.round_id] = outbox.Pending(session, settings, assignment.round_id)
    return batches[assignment.round_id]


def _invite_reviewer(
    session: Session,
    settings: Settings,
    invited: list[tuple[Assignment, str]],
    read: _Round,
    pending: outbox.Pending,
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
            attach=read.form(settings, first),
            pending=pending,
        )
        return

    def attach(assignment: Assignment, language: str) -> notices.Attachment:
        return read.form(settings, assignment)(language)

    notices.invitation_list(session, settings, invited, attach=attach, pending=pending)


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
