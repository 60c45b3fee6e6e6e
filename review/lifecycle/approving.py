"""Approving the round's proposed reviewers (see review.lifecycle): the one approval that the
CLI (`peerplan approve`), the round page's button and the Prefect flow's approval form call."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from review.assignment import proposal
from review.errors import Refused
from review.i18n import N_
from review.models import Assignment, AssignmentStatus, Round, utcnow

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


class ProposalChanged(Refused):
    """The proposal is no longer the one the coordinator saw (solved again, approved or
    invited meanwhile); nothing was approved."""


def pending(session: Session, round_: Round) -> list[Assignment]:
    """The round's proposed reviewers waiting for approval, oldest first."""
    return proposal.pending_approval(session, round_)


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
    before = pending(session, round_)
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
