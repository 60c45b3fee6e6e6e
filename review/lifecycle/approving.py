"""Approving the round's proposed reviewers (see review.lifecycle): the one approval that the
CLI (`peerplan approve`), the round page's button and the Prefect flow's approval form call; and
what the form's "solve again" with a forbidden or a pinned pair is on the round page: `leave_out`
and `pin`. A run that shows a proposal and waits for its approval (the paused assign_reviewers
flow) asks `approved_since` whether it was approved elsewhere meanwhile."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from review.assignment import proposal, service
from review.assignment.budget import DEFAULT_BUDGET
from review.errors import Refused
from review.i18n import N_, Listing
from review.models import Assignment, AssignmentStatus, Event, Round, utcnow

S = AssignmentStatus
#: What has been invited already (an approval leaves it as it is).
_UNDER_WAY = [S.invited.value, S.accepted.value, S.overdue.value, S.submitted.value]


@dataclass(frozen=True)
class Approval:
    """What an approval did: the assignments it approved, and what it found that needed none."""

    approved: list[Assignment]
    waiting: int  # approved earlier, not invited yet
    invited: int  # invited earlier (or accepted, overdue, submitted since)

    @property
    def changed(self) -> bool:
        return bool(self.approved)


@dataclass(frozen=True)
class ShownProposal:
    """A proposal as a coordinator was asked to approve it (the paused assign_reviewers run's
    table): its `proposal_mark`, and the id of the round's newest approval event then (0: none),
    so that an approval made later is told from an earlier one."""

    mark: str
    approvals_before: int


@dataclass(frozen=True)
class ApprovedElsewhere:
    """The approvals of the round's proposal made since it was shown: how many assignments they
    approved, and who and when the first one was (its event's actor: 'coordinator' on the round
    page, 'cli' for `peerplan approve`, 'flow:...' in a Prefect run)."""

    count: int
    actor: str
    at: datetime


class ProposalChanged(Refused):
    """The proposal is no longer the one the coordinator saw (solved again, approved or
    invited meanwhile); nothing was approved."""


def proposal_mark(assignments: Sequence[Assignment]) -> str:
    """A short fingerprint of a proposal as shown (which reviewer on which plan for which
    rubric): the round page posts it back, so that its button approves what the page showed."""
    text = "\n".join(f"{a.id}:{a.reviewer_id}:{a.plan_id}:{a.rubric}" for a in assignments)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def approve_proposal(
    session: Session,
    round_: Round,
    *,
    actor: str,
    shown: str | None = None,
    now: datetime | None = None,
) -> Approval:
    """Approve the round's proposed reviewers: only approved assignments are ever invited.

    Side effects: each pending proposed assignment gets `approved_at` (version-guarded, one
    event `assignment.approved` for them all, review.assignment.proposal.approve); no message
    (the invitations are `invite`'s, run after). Idempotent: approving again approves nothing,
    and after the invitations went out nothing changes; the result says which (`waiting`,
    `invited`). `shown`: the `proposal_mark` of the proposal the coordinator saw; when another
    proposal waits now, ProposalChanged and nothing is written (when none waits, the result
    says why: a second click approves nothing twice)."""
    now = now or utcnow()
    before = proposal.pending_approval(session, round_)
    if before and shown is not None and proposal_mark(before) != shown:
        raise ProposalChanged(
            N_("the proposal changed since the page was shown; reload it and look again.")
        )
    if proposal.approve(session, round_, actor=actor, now=now) != len(before):
        # Solved again between the two reads: the caller's transaction rolls back.
        raise ProposalChanged(N_("the proposal changed meanwhile; look at it again."))
    counts = dict(
        session.exec(
            select(Assignment.status, func.count())
            .where(
                Assignment.round_id == round_.id,
                col(Assignment.status).in_([S.proposed.value, *_UNDER_WAY]),
            )
            .group_by(Assignment.status)
        ).all()
    )
    return Approval(
        approved=before,
        waiting=counts.get(S.proposed.value, 0) - len(before),
        invited=sum(counts.get(s, 0) for s in _UNDER_WAY),
    )


def check_shown(session: Session, round_: Round, shown: str | None) -> list[Assignment]:
    """The standing proposal, when it is the one shown (`shown`: its `proposal_mark`; None:
    nothing to compare); else ProposalChanged."""
    standing = proposal.pending_approval(session, round_)
    if shown is not None and proposal_mark(standing) != shown:
        raise ProposalChanged(
            N_("the proposal changed since the page was shown; reload it and look again.")
        )
    return standing


def shown_proposal(session: Session, round_: Round) -> ShownProposal:
    """The round's standing proposal as it is shown now, for `approved_since` later."""
    newest = session.exec(
        select(func.max(Event.id)).where(
            Event.round_id == round_.id, Event.kind == "assignment.approved"
        )
    ).one()
    return ShownProposal(proposal_mark(proposal.pending_approval(session, round_)), newest or 0)


def approved_since(
    session: Session, round_: Round, shown: ShownProposal
) -> ApprovedElsewhere | None:
    """Whether the round's proposal was approved since `shown` was shown (on the round page,
    with `peerplan approve`, in another run), and by whom; None while the proposal shown waits
    for its approval, and None when it was solved again meanwhile and no approval followed: a
    proposal that merely stopped waiting is not an approved one. A proposal solved again and
    then approved elsewhere is approved: the coordinator approved the round's reviewers."""
    if proposal_mark(proposal.pending_approval(session, round_)) == shown.mark:
        return None
    since = session.exec(
        select(Event)
        .where(
            Event.round_id == round_.id,
            Event.kind == "assignment.approved",
            col(Event.id) > shown.approvals_before,
        )
        .order_by(col(Event.id))
    ).all()
    if not since:
        return None
    return ApprovedElsewhere(
        count=sum(int(e.payload.get("count", 0)) for e in since),
        actor=since[0].actor,
        at=since[0].at,
    )


@dataclass(frozen=True)
class SolvedAgain:
    """Who solved the round's proposal last and when (its newest `assignment.proposed` event:
    'coordinator' on the round page, 'cli', 'flow:...'): what a run that showed an older proposal
    tells the coordinator when the form's approve found another one waiting."""

    actor: str
    at: datetime


def solved_again(session: Session, round_: Round) -> SolvedAgain | None:
    """The newest solving of the round's proposal, or None when no event says."""
    newest = proposal.last_solved(session, round_)
    return SolvedAgain(newest.actor, newest.at) if newest is not None else None


class NoAssignmentWithout(Refused):
    """Leaving the pair out leaves no possible assignment; nothing was changed."""


class NoAssignmentWith(Refused):
    """With the pinned pair no assignment is possible; nothing was changed."""


class CannotPin(Refused):
    """The reviewer can never review the plan for that rubric; nothing was changed."""


#: Seconds the round page's "leave out" and "pin" let the solver take (the request waits for
#: it); the CLI and the flow give a large round longer.
PAGE_BUDGET = min(DEFAULT_BUDGET, 20.0)


def leave_out(
    session: Session,
    round_: Round,
    assignment_id: int,
    *,
    actor: str,
    shown: str | None = None,
    budget: float = PAGE_BUDGET,
) -> proposal.Proposal:
    """Solve the round again without one proposed reviewer on its plan (what the Prefect
    approval form's "solve again" with a forbidden pair does), and store the new proposal for
    approval. The pins and forbidden pairs the standing proposal was solved with (its event
    `assignment.proposed` names them: pairs left out or pinned here before, or a flow run's)
    hold again, but for this pair's pin; a proposal solved without them (`peerplan assign`)
    starts afresh.

    Side effects: review.assignment.proposal.propose's (the proposal's rows replaced, event
    `assignment.proposed`). ProposalChanged when the proposal is not the one shown or the pair
    is not proposed any more; NoAssignmentWithout (with the solver's reasons) when no
    assignment is possible without it. Neither writes anything but the solver's audit event."""
    before = check_shown(session, round_, shown)
    pair = next((a for a in before if a.id == assignment_id), None)
    if pair is None:
        raise ProposalChanged(N_("this reviewer is not proposed any more; reload the page."))
    return _solve_again(
        session,
        round_,
        forbid=[pair.reviewer_id, pair.plan_id],
        actor=actor,
        budget=budget,
        impossible=NoAssignmentWithout,
        why=N_("without this reviewer on the plan no assignment is possible: %(reasons)s"),
    )


def pin(
    session: Session,
    round_: Round,
    plan_id: int,
    reviewer_id: int,
    rubric: str,
    *,
    actor: str,
    shown: str | None = None,
    budget: float = PAGE_BUDGET,
) -> proposal.Proposal:
    """Solve the round again with one reviewer pinned on a plan for a rubric (what the Prefect
    approval form's "solve again" with a pinned pair does), and store the new proposal for
    approval. As `leave_out`: the pins and forbidden pairs the standing proposal was solved
    with hold again (a pair left out before and pinned now is pinned).

    Side effects: review.assignment.proposal.propose's. ProposalChanged when the proposal is
    not the one shown (`shown`: its `proposal_mark`); CannotPin (why) when the reviewer can
    never review the plan for the rubric (review.assignment.service.why_not); NoAssignmentWith
    (with the solver's reasons: a full load, a second reviewer of a municipality on the
    plan, ...) when no assignment is possible with the pin. None of them writes anything but
    the solver's audit event."""
    check_shown(session, round_, shown)
    why = service.why_not_pinned(session, round_, plan_id, reviewer_id, rubric)
    if why is not None:
        raise CannotPin(N_("this reviewer cannot be pinned on this plan: %(why)s."), why=why)
    return _solve_again(
        session,
        round_,
        pin=[reviewer_id, plan_id, rubric],
        actor=actor,
        budget=budget,
        impossible=NoAssignmentWith,
        why=N_("with this reviewer on the plan no assignment is possible: %(reasons)s"),
    )


def _solve_again(
    session: Session,
    round_: Round,
    *,
    pin: list | None = None,
    forbid: list | None = None,
    actor: str,
    budget: float,
    impossible: type[Refused],
    why: str,
) -> proposal.Proposal:
    """Solve the round again with the standing proposal's pins and forbidden pairs and one pair
    more pinned or forbidden (the same pair's opposite word before is dropped: the newest
    holds); `impossible(why)` with the solver's reasons when no assignment is possible."""
    pinned, forbidden = _standing_constraints(session, round_)
    for pair in (pin, forbid):
        if pair is not None:
            pinned = [p for p in pinned if p[:2] != pair[:2]]
            forbidden = [f for f in forbidden if f[:2] != pair[:2]]
    pinned += [pin] if pin is not None else []
    forbidden += [forbid] if forbid is not None else []
    result = proposal.propose(
        session, round_, pinned=pinned, forbidden=forbidden, actor=actor, budget=budget
    )
    if not result.found:
        raise impossible(why, reasons=Listing(result.reasons, "; "))
    return result


def _standing_constraints(session: Session, round_: Round) -> tuple[list[list], list[list]]:
    """The pins and forbidden pairs the round's standing proposal was solved with."""
    newest = proposal.last_solved(session, round_)
    payload = newest.payload if newest is not None else {}
    return (
        [list(pair) for pair in payload.get("pinned", [])],
        [list(pair) for pair in payload.get("forbidden", [])],
    )
