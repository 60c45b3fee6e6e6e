"""The assignment in the database: propose a backup reviewer for one assignment whose reviewer
declined or went silent (review.lifecycle.replace releases the old one and invites the backup);
whom a plan may get pinned on it (`pin_choices`, review.lifecycle.pin).
Propose (solve and store) and approve live in `proposal` and are re-exported here, where
callers have always found them.

Loads count *active* assignments (review.states.ACTIVE: proposed, invited, accepted, overdue,
submitted); a reviewer's `max_load` is never exceeded by anything written here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from review import events
from review.assignment import affinity as aff
from review.assignment.proposal import Proposal, approve, propose, standing
from review.assignment.round_instance import build_instance
from review.i18n import N_, Message, translator
from review.models import Assignment, AssignmentStatus, Plan, Round, utcnow
from review.states import ACTIVE

__all__ = [
    "PinChoice",
    "Proposal",
    "approve",
    "backup_candidates",
    "build_instance",
    "pin_choices",
    "propose",
    "propose_backup",
    "replacement_of",
    "standing",
    "why_not",
    "why_not_pinned",
]

S = AssignmentStatus
#: A backup reviewer gets at least this long, even when the original due date is near or past.
BACKUP_DAYS = 7
_ACTIVE = [s.value for s in ACTIVE]


def _active(session: Session, round_id: int) -> list[Assignment]:
    return list(
        session.exec(
            select(Assignment)
            .where(Assignment.round_id == round_id, col(Assignment.status).in_(_ACTIVE))
            .order_by(col(Assignment.id))
        )
    )


def backup_candidates(
    session: Session, round_: Round, plan_id: int, rubric: str, data: aff.RoundData | None = None
) -> list[tuple[int, aff.ReviewerInfo, dict[str, float]]]:
    """Eligible backup reviewers for one plan and rubric, best first: [(affinity, reviewer, terms)].

    Same hard constraints as the solver: not the plan's own municipality, not already on the plan
    (in any status: one reviewer reviews a plan once), reads the plan's language, declared the
    rubric, below their maximum load, no second reviewer of a municipality on the plan, and, if
    the round asks for it, no reciprocal pair and a frontrunner kept on the plan.
    """
    data = data or aff.gather(session, round_)
    plan = next(p for p in data.plans if p.id == plan_id)
    reviewers = {r.id: r for r in data.reviewers}
    plan_muni = {p.id: p.municipality for p in data.plans}
    assert round_.id is not None  # read from the database
    active = _active(session, round_.id)
    load = Counter(a.reviewer_id for a in active)
    on_plan = {
        a.reviewer_id for a in session.exec(select(Assignment).where(Assignment.plan_id == plan_id))
    }
    active_on_plan = [reviewers[a.reviewer_id] for a in active if a.plan_id == plan_id]
    municipalities_on_plan = {r.municipality for r in active_on_plan if r.municipality}
    # Reciprocity: municipalities whose plan is reviewed by someone of this plan's municipality.
    reviewed_by_us = {
        plan_muni[a.plan_id]
        for a in active
        if reviewers[a.reviewer_id].municipality == plan.municipality
    }
    needs_frontrunner = round_.require_frontrunner and not any(
        r.frontrunner for r in active_on_plan
    )

    out = []
    for r in data.reviewers:
        if (
            why_not(r, plan, rubric, on_plan) is not None
            or load[r.id] >= r.max_load
            or (r.municipality and r.municipality in municipalities_on_plan)
            or (round_.avoid_reciprocal and r.municipality and r.municipality in reviewed_by_us)
            or (needs_frontrunner and not r.frontrunner)
        ):
            continue
        t = aff.terms(data, r, plan, rubric)
        out.append((aff.value(t), r, t))
    # Best affinity first; among equals the less loaded reviewer, then the older entry: stable.
    out.sort(key=lambda item: (-item[0], load[item[1].id], item[1].id))
    return out


def why_not(
    reviewer: aff.ReviewerInfo, plan: aff.PlanInfo, rubric: str, on_plan: Collection[int]
) -> Message | None:
    """Why `reviewer` can never review `plan` for `rubric` in this round, whatever else is
    assigned (None: they can): the solver's hard rules on one pair. `on_plan`: the reviewers
    the plan has or had (in any status: one reviewer reviews a plan once, and a pair that
    ended never comes back)."""
    if reviewer.id in on_plan:
        return Message(N_("is on the plan already, or was"))
    if reviewer.municipality == plan.municipality:
        return Message(N_("is from the plan's municipality"))
    if plan.language not in reviewer.languages:
        return Message(N_("does not read the plan's language"))
    if rubric not in reviewer.rubrics:
        return Message(N_("has not declared this expertise"))
    return None


@dataclass(frozen=True)
class PinChoice:
    """A reviewer who may be pinned on a plan for a rubric (the round page's choice)."""

    reviewer_id: int
    name: str
    municipality: str
    rubric: str


def pin_choices(
    session: Session, round_: Round, plan_ids: Collection[int]
) -> dict[int, list[PinChoice]]:
    """Plan id -> whom it may get pinned on it, for which rubric, by name: each reviewer and
    rubric `why_not` lets through. Whether the rest of the round still has an assignment with
    the pin (loads, one reviewer of a municipality on a plan, reciprocity, a frontrunner) is
    the solver's to say when it solves again (review.lifecycle.pin). Withdrawn plans have none."""
    wanted = set(plan_ids)
    if not wanted:
        return {}
    data = aff.gather(session, round_, affinities=False)
    on_plan = _reviewers_on(session, round_, wanted)
    reviewers = sorted(data.reviewers, key=lambda r: (r.name.casefold(), r.id))
    return {
        plan.id: [
            PinChoice(r.id, r.name, r.municipality or "", rubric)
            for rubric in sorted({q for r in reviewers for q in r.rubrics})
            for r in reviewers
            if why_not(r, plan, rubric, on_plan[plan.id]) is None
        ]
        for plan in data.plans
        if plan.id in wanted
    }


def why_not_pinned(
    session: Session, round_: Round, plan_id: int, reviewer_id: int, rubric: str
) -> Message | None:
    """Why the reviewer cannot be pinned on the plan for the rubric (`why_not`; a reviewer or
    plan not in the round, or a withdrawn plan, says so), or None: they can."""
    data = aff.gather(session, round_, affinities=False)
    plan = next((p for p in data.plans if p.id == plan_id), None)
    reviewer = next((r for r in data.reviewers if r.id == reviewer_id), None)
    if plan is None or reviewer is None:
        return Message(N_("no such reviewer or plan in the round"))
    return why_not(reviewer, plan, rubric, _reviewers_on(session, round_, {plan_id})[plan_id])


def _reviewers_on(session: Session, round_: Round, plan_ids: set[int]) -> dict[int, set[int]]:
    """Plan id -> the reviewers it has or had (any status)."""
    on_plan: dict[int, set[int]] = defaultdict(set)
    for plan_id, reviewer_id in session.exec(
        select(Assignment.plan_id, Assignment.reviewer_id).where(
            Assignment.round_id == round_.id, col(Assignment.plan_id).in_(plan_ids)
        )
    ):
        on_plan[plan_id].add(reviewer_id)
    return on_plan


def replacement_of(session: Session, assignment: Assignment) -> Assignment | None:
    """The assignment proposed to replace `assignment`, if there is one."""
    return session.exec(select(Assignment).where(Assignment.replaces_id == assignment.id)).first()


def propose_backup(
    session: Session,
    assignment: Assignment,
    *,
    actor: str,
    reason: str,
    now: datetime | None = None,
    reviewer_id: int | None = None,
) -> Assignment | None:
    """Propose the best eligible backup reviewer for `assignment` (or `reviewer_id`, a backup the
    coordinator named, when eligible), which its reviewer has left (review.lifecycle.replace
    releases it first; nothing here changes its state).

    The new assignment is `proposed` with `approved_at=now` (it replaces an approved assignment,
    so it may be invited at once), `replaces_id` = old id, same rubric, due max(old due date,
    today + 7 days). Returns it, or None with an `assignment.reassign_failed` audit event naming
    why. Calling it again for an assignment already replaced returns the existing replacement.
    """
    now = now or utcnow()
    existing = replacement_of(session, assignment)
    if existing is not None:
        return existing
    round_ = session.get(Round, assignment.round_id)
    assert round_ is not None
    data = aff.gather(session, round_)
    candidates = backup_candidates(session, round_, assignment.plan_id, assignment.rubric, data)
    if reviewer_id is not None:
        candidates = [c for c in candidates if c[1].id == reviewer_id]
    if not candidates:
        plan = session.get(Plan, assignment.plan_id)
        # In the round's language: the coordinator reads it (decline notice, digest, events).
        t = translator(round_.language)
        values = {
            "rubric": assignment.rubric,
            "plan": plan.title or plan.id if plan else assignment.plan_id,
        }
        if reviewer_id is not None:
            why = (
                t.gettext(
                    "the named backup reviewer is not eligible for the %(rubric)s review of plan "
                    "%(plan)s: from the same municipality, already on the plan, at their maximum "
                    "load, or without the plan's language or this expertise."
                )
                % values
            )
        else:
            why = (
                t.gettext(
                    "no eligible backup reviewer for the %(rubric)s review of plan %(plan)s: every "
                    "reviewer who reads the plan's language and has this expertise is from the same "
                    "municipality, already on the plan, or at their maximum load."
                )
                % values
            )
        events.record(
            session,
            kind="assignment.reassign_failed",
            actor=actor,
            entity="assignment",
            entity_id=assignment.id,
            round_id=assignment.round_id,
            payload={"reason": reason, "why": why},
        )
        session.flush()
        return None

    value, reviewer, terms = candidates[0]
    today: date = now.date()
    new = Assignment(
        round_id=assignment.round_id,
        plan_id=assignment.plan_id,
        reviewer_id=reviewer.id,
        rubric=assignment.rubric,
        due_date=max(assignment.due_date, today + timedelta(days=BACKUP_DAYS)),
        status=S.proposed.value,
        affinity=value / aff.SCALE,
        explanation={
            "why": aff.describe(terms),
            "terms": terms,
            "backup_for": assignment.id,
            "reason": reason,
            "alternatives": len(candidates) - 1,
        },
        approved_at=now,
        replaces_id=assignment.id,
        created_at=now,
        updated_at=now,
    )
    session.add(new)
    session.flush()
    events.record(
        session,
        kind="assignment.backup_proposed",
        actor=actor,
        entity="assignment",
        entity_id=new.id,
        round_id=new.round_id,
        payload={
            "replaces": assignment.id,
            "reviewer_id": reviewer.id,
            "plan_id": new.plan_id,
            "rubric": new.rubric,
            "reason": reason,
            "affinity": new.affinity,
            "due_date": new.due_date.isoformat(),
        },
    )
    session.flush()
    return new
