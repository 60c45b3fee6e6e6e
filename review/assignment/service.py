"""The assignment in the database: propose (solve and store), approve, and propose a backup
reviewer for one assignment whose reviewer declined or went silent (review.lifecycle.replace
releases the old one and invites the backup).

Loads count *active* assignments (review.states.ACTIVE: proposed, invited, accepted, overdue,
submitted); a reviewer's `max_load` is never exceeded by anything written here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from review import events
from review.assignment import affinity as aff
from review.assignment.budget import DEFAULT_BUDGET, DEFAULT_GAP, Progress
from review.assignment.instance import Instance
from review.assignment.solver import solve
from review.errors import InvalidInput
from review.models import Assignment, AssignmentStatus, Plan, Round, utcnow
from review.states import ACTIVE

S = AssignmentStatus
#: A backup reviewer gets at least this long, even when the original due date is near or past.
BACKUP_DAYS = 7
_ACTIVE = [s.value for s in ACTIVE]


def _active(session: Session, round_id: int) -> list[Assignment]:
    return list(
        session.exec(
            select(Assignment)
            .where(Assignment.round_id == round_id, col(Assignment.status).in_(_ACTIVE))
            .order_by(Assignment.id)
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
            r.id in on_plan
            or r.municipality == plan.municipality
            or plan.language not in r.languages
            or rubric not in r.rubrics
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
) -> Assignment | None:
    """Propose the best eligible backup reviewer for `assignment`, which its reviewer has left
    (review.lifecycle.replace releases it first; nothing here changes its state).

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
    if not candidates:
        plan = session.get(Plan, assignment.plan_id)
        why = (
            f"no eligible backup reviewer for the {assignment.rubric} review of plan "
            f"{plan.title or plan.id if plan else assignment.plan_id}: every reviewer who reads "
            f"the plan's language and has this expertise is from the same municipality, already "
            f"on the plan, or at their maximum load"
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


# --------------------------------------------------------------------------- propose / approve


@dataclass
class Proposal:
    """What `propose` did: the solver's answer and the rows it left in the database."""

    status: str
    objective: float | None
    reasons: list[str]
    assignments: list[Assignment]
    created: int = 0
    updated: int = 0
    removed: int = 0
    method: str = ""
    pruning: dict | None = None
    dry_run: bool = False
    # the proven upper bound on the objective and the relative gap to it (0 when optimal)
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0
    # (plan id, reviewer id, rubric, affinity, why) for tables
    rows: list[tuple[int, int, str, float, str]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """An assignment exists: optimal, or the best found within the budget ("feasible")."""
        return self.status in ("optimal", "feasible")

    def quality(self) -> str:
        """'optimal' or 'best within the budget: gap 0.0048 % to the bound 6001.799'."""
        if self.status == "optimal":
            return "optimal"
        if self.status == "feasible":
            return (
                f"best found within the budget, not proven optimal: gap {self.gap or 0:.4%} "
                f"to the bound {self.bound:g}"
            )
        return self.status


PairSpec = tuple[int, int] | tuple[int, int, str] | list


def _fixed(a: Assignment) -> bool:
    """Assignments a new proposal must keep: anything approved, invited or further along."""
    return a.status in _ACTIVE and (a.status != S.proposed.value or a.approved_at is not None)


def build_instance(
    session: Session,
    round_: Round,
    *,
    pinned: Sequence[PairSpec] = (),
    forbidden: Sequence[PairSpec] = (),
    data: aff.RoundData | None = None,
) -> tuple[Instance, dict[tuple[int, int, str], dict[str, float]], list[Assignment]]:
    """The round as an INSTANCE (ids are database ids, affinities in integer thousandths), the
    affinity terms of every eligible triple, and the round's assignment rows."""
    data = data or aff.gather(session, round_)
    rows = list(
        session.exec(
            select(Assignment).where(Assignment.round_id == round_.id).order_by(Assignment.id)
        )
    )
    plans = {p.id: p for p in data.plans}
    reviewers = {r.id: r for r in data.reviewers}
    terms: dict[tuple[int, int, str], dict[str, float]] = {}
    affinity = []
    for p in data.plans:
        for r in data.reviewers:
            if r.municipality == p.municipality or p.language not in r.languages:
                continue
            for q in r.rubrics:
                t = aff.terms(data, r, p, q)
                terms[(r.id, p.id, q)] = t
                affinity.append((r.id, p.id, q, float(aff.value(t))))
    pins: list[tuple[int, int, str]] = []
    current = {(a.reviewer_id, a.plan_id): a.rubric for a in rows if a.status in _ACTIVE}
    for spec in pinned:
        reviewer_id, plan_id, *rest = spec
        if reviewer_id not in reviewers or plan_id not in plans:
            raise InvalidInput(
                f"pin ({reviewer_id}, {plan_id}): no such reviewer or plan in the round"
            )
        rubric = rest[0] if rest and rest[0] else current.get((reviewer_id, plan_id))
        if rubric is None:  # the reviewer's best-fitting rubric on that plan
            options = sorted(
                reviewers[reviewer_id].rubrics,
                key=lambda q: (-aff.value(terms.get((reviewer_id, plan_id, q), {})), q),
            )
            rubric = options[0]
        pins.append((reviewer_id, plan_id, rubric))
    pinned_pairs = {(r, p) for r, p, _ in pins}
    for a in rows:
        if _fixed(a) and (a.reviewer_id, a.plan_id) not in pinned_pairs:
            pins.append((a.reviewer_id, a.plan_id, a.rubric))
    forbid = {(int(f[0]), int(f[1])) for f in forbidden}
    # A pair that existed and ended (declined, reassigned, withdrawn) never comes back:
    # the reviewer said no, and the database keeps one row per (plan, reviewer).
    forbid |= {(a.reviewer_id, a.plan_id) for a in rows if a.status not in _ACTIVE}
    forbid -= pinned_pairs
    previous = [
        (a.reviewer_id, a.plan_id, a.rubric)
        for a in rows
        if a.status == S.proposed.value and a.approved_at is None
    ]
    pinned_rubrics: dict[int, list[str]] = defaultdict(list)
    for reviewer_id, _, rubric in pins:
        if rubric not in pinned_rubrics[reviewer_id]:
            pinned_rubrics[reviewer_id].append(rubric)
    usable = {r.id for r in data.reviewers if r.rubrics or pinned_rubrics[r.id]}
    instance = Instance.model_validate(
        {
            "reviews_per_plan": round_.reviews_per_plan,
            "min_per_rubric": round_.min_per_rubric,
            "plans": [
                {"id": p.id, "municipality": p.municipality, "language": p.language}
                for p in data.plans
            ],
            "reviewers": [
                {
                    "id": r.id,
                    "municipality": r.municipality,
                    "languages": list(r.languages),
                    # Without declared expertise a reviewer gets nothing new; what they hold
                    # already (pinned) keeps its rubric.
                    "rubrics": list(r.rubrics) or pinned_rubrics[r.id],
                    "min_load": r.min_load,
                    "max_load": r.max_load,
                    "frontrunner": r.frontrunner,
                }
                for r in data.reviewers
                if r.rubrics or pinned_rubrics[r.id]
            ],
            "affinity": affinity,
            "forbidden": sorted(f for f in forbid if f[0] in usable),
            "pinned": pins,
            "previous": previous,
            "avoid_reciprocal": round_.avoid_reciprocal,
            "require_frontrunner": round_.require_frontrunner,
            "only_listed_pairs": True,
        }
    )
    return instance, terms, rows


def propose(
    session: Session,
    round_: Round,
    *,
    pinned: Sequence[PairSpec] = (),
    forbidden: Sequence[PairSpec] = (),
    actor: str,
    dry_run: bool = False,
    budget: float | None = DEFAULT_BUDGET,
    gap: float = DEFAULT_GAP,
    progress: Progress | None = None,
) -> Proposal:
    """Solve the round and store the answer as `proposed` assignments.

    Approved, invited and later assignments are kept as they are (pinned: they count toward plans
    and loads). Earlier unapproved proposals are replaced: rows the new answer keeps stay
    untouched, rows it drops are deleted, new ones are inserted. With the same input nothing
    changes; among equally good answers the one keeping most earlier proposals wins.
    Infeasible: nothing is written except an audit event; the reasons are returned.
    The solver gets `budget` seconds; when they run out it returns the best assignment found
    ("feasible", with its proven bound and gap), which is stored like an optimal one.
    """
    if not session.exec(select(Plan).where(Plan.round_id == round_.id)).first():
        raise InvalidInput(f"round '{round_.name}' has no plans yet: nothing to assign")
    instance, terms, rows = build_instance(session, round_, pinned=pinned, forbidden=forbidden)
    result = solve(instance, budget=budget, gap=gap, progress=progress)
    proposal = Proposal(
        status=result.status,
        objective=result.objective,
        reasons=result.reasons,
        assignments=[],
        method=result.method,
        pruning=result.pruning,
        dry_run=dry_run,
        bound=result.bound,
        gap=result.gap,
        seconds=result.seconds,
    )
    if not result.found:
        if not dry_run:
            events.record(
                session,
                kind="assignment.proposal_infeasible",
                actor=actor,
                entity="round",
                entity_id=round_.id,
                round_id=round_.id,
                payload={"reasons": result.reasons, "status": result.status},
            )
            session.flush()
        return proposal
    by_pair = {(a.reviewer_id, a.plan_id): a for a in rows}
    wanted = {(a.reviewer, a.plan): a for a in result.assignments}
    kept: list[Assignment] = []
    for (reviewer_id, plan_id), out in sorted(wanted.items()):
        t = terms.get((reviewer_id, plan_id, out.rubric), {})
        explanation = {"why": aff.describe(t), "why_de": aff.describe(t, "de"), "terms": t}
        value = out.affinity / aff.SCALE
        proposal.rows.append((plan_id, reviewer_id, out.rubric, value, explanation["why"]))
        row = by_pair.get((reviewer_id, plan_id))
        if row is not None and _fixed(row):
            kept.append(row)
            continue
        if row is not None:
            if (row.rubric, row.affinity, row.explanation) != (out.rubric, value, explanation):
                proposal.updated += 1
                if not dry_run:
                    row.rubric, row.affinity, row.explanation = out.rubric, value, explanation
                    row.updated_at = utcnow()
                    session.add(row)
            kept.append(row)
            continue
        proposal.created += 1
        if dry_run:
            continue
        new = Assignment(
            round_id=round_.id,
            plan_id=plan_id,
            reviewer_id=reviewer_id,
            rubric=out.rubric,
            due_date=round_.due_date,
            affinity=value,
            explanation=explanation,
        )
        session.add(new)
        kept.append(new)
    for a in rows:
        if (
            a.status == S.proposed.value
            and a.approved_at is None
            and (a.reviewer_id, a.plan_id) not in wanted
        ):
            proposal.removed += 1
            if not dry_run:
                session.delete(a)
    if not dry_run and (proposal.created or proposal.updated or proposal.removed):
        session.flush()
        events.record(
            session,
            kind="assignment.proposed",
            actor=actor,
            entity="round",
            entity_id=round_.id,
            round_id=round_.id,
            payload={
                "objective": result.objective,
                "status": result.status,
                "bound": result.bound,
                "gap": result.gap,
                "created": proposal.created,
                "updated": proposal.updated,
                "removed": proposal.removed,
                "method": result.method,
                "pruning": result.pruning,
                "pinned": [list(p) for p in pinned],
                "forbidden": [list(f) for f in forbidden],
            },
        )
    session.flush()
    proposal.assignments = kept
    return proposal


def approve(session: Session, round_: Round, *, actor: str, now: datetime | None = None) -> int:
    """Approve the round's proposal: only approved assignments are ever invited."""
    now = now or utcnow()
    pending = list(
        session.exec(
            select(Assignment)
            .where(
                Assignment.round_id == round_.id,
                Assignment.status == S.proposed.value,
                col(Assignment.approved_at).is_(None),
            )
            .order_by(Assignment.id)
        )
    )
    for a in pending:
        a.approved_at = now
        a.updated_at = now
        session.add(a)
    if pending:
        events.record(
            session,
            kind="assignment.approved",
            actor=actor,
            entity="round",
            entity_id=round_.id,
            round_id=round_.id,
            payload={"assignments": [a.id for a in pending], "count": len(pending)},
        )
    session.flush()
    return len(pending)
