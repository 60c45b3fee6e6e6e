"""The assignment of a whole round: `propose` solves it within a wall-clock budget and stores
the answer as `proposed` assignments; `approve` approves them (only approved ones are invited).
The round as the solver sees it (what is kept, pinned, forbidden) is `round_instance`.

The round's candidates and affinities are computed in bulk (`candidates`), never pair by pair;
a large round is pruned to each plan's best candidates (said in the result), and widened when
that leaves no assignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlmodel import Session, col, select

from review import events
from review.assignment import affinity as aff
from review.assignment.budget import DEFAULT_BUDGET, DEFAULT_GAP, Budget, Progress
from review.assignment.candidates import Candidates
from review.assignment.instance import AssignmentOut, Instance, Result, row_id
from review.assignment.problem import Problem
from review.assignment.round_instance import (
    PairSpec,
    build_instance,
    is_fixed,
    round_problem,
)
from review.assignment.solver import solve_widening
from review.errors import InvalidInput
from review.i18n import N_, Count, Phrase, Plural
from review.models import Assignment, AssignmentStatus, Event, Plan, Round, saved_id, utcnow
from review.states import ACTIVE, amend_all

S = AssignmentStatus
_ACTIVE = [s.value for s in ACTIVE]


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
    # the proven upper bound on the objective and the relative gap to it (0 when optimal);
    # a pruned round's bound is over its pruned candidates (`pruning` says which)
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0
    # (plan id, reviewer id, rubric, affinity, why) for tables
    rows: list[tuple[int, int, str, float, str]] = field(default_factory=list)
    # the pairs it was solved with pinned and forbidden
    pinned: list[tuple] = field(default_factory=list)
    forbidden: list[tuple] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """An assignment exists: optimal, or the best found within the budget ("feasible")."""
        return self.status in ("optimal", "feasible")

    def quality(self) -> str:
        """'optimal', or 'within 0.0017 % of the optimum (proven bound 6001.800)'."""
        if self.status == "optimal":
            return "optimal"
        if self.status == "feasible":
            return (
                f"within {self.gap or 0:.4%} of the optimum, not proven optimal "
                f"(proven bound {self.bound:.3f})"
            )
        return self.status


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
        raise InvalidInput(
            N_("round '%(round)s' has no plans yet: nothing to assign"), round=round_.name
        )
    data = aff.gather(session, round_)
    instance, rows = build_instance(session, round_, pinned=pinned, forbidden=forbidden, data=data)
    result, found = _solve_round(data, instance, Budget(budget, progress, gap))
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
        pinned=[tuple(p) for p in pinned],
        forbidden=[tuple(f) for f in forbidden],
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
    wanted = {(row_id(a.reviewer), row_id(a.plan)): a for a in result.assignments}
    terms = _chosen_terms(data, instance, found, result.assignments)
    kept = _store_answer(session, round_, proposal, rows, wanted, terms)
    _drop_unwanted(session, proposal, rows, wanted)
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


def _store_answer(
    session: Session,
    round_: Round,
    proposal: Proposal,
    rows: Sequence[Assignment],
    wanted: dict[tuple[int, int], AssignmentOut],
    terms: dict[tuple[int, int], dict[str, float]],
) -> list[Assignment]:
    """The answer's assignments: fixed rows kept, changed proposals updated, new ones added
    (counted in `proposal`, written unless it is a dry run)."""
    by_pair = {(a.reviewer_id, a.plan_id): a for a in rows}
    kept: list[Assignment] = []
    for (reviewer_id, plan_id), out in sorted(wanted.items()):
        t = terms[(reviewer_id, plan_id)]
        why = aff.Why(t)
        explanation = {"why": str(why), "why_de": why("de"), "terms": t}
        value = out.affinity
        proposal.rows.append((plan_id, reviewer_id, out.rubric, value, why))
        row = by_pair.get((reviewer_id, plan_id))
        if row is not None and is_fixed(row):
            kept.append(row)
            continue
        if row is not None:
            if (row.rubric, row.affinity, row.explanation) != (out.rubric, value, explanation):
                proposal.updated += 1
                if not proposal.dry_run:
                    row.rubric, row.affinity, row.explanation = out.rubric, value, explanation
                    row.updated_at = utcnow()
                    session.add(row)
            kept.append(row)
            continue
        proposal.created += 1
        if proposal.dry_run:
            continue
        new = Assignment(
            round_id=saved_id(round_),
            plan_id=plan_id,
            reviewer_id=reviewer_id,
            rubric=out.rubric,
            due_date=round_.due_date,
            affinity=value,
            explanation=explanation,
        )
        session.add(new)
        kept.append(new)
    return kept


def _drop_unwanted(
    session: Session,
    proposal: Proposal,
    rows: Sequence[Assignment],
    wanted: dict[tuple[int, int], AssignmentOut],
) -> None:
    """Unapproved proposals the answer no longer holds are deleted (unless a dry run)."""
    for a in rows:
        if (
            a.status == S.proposed.value
            and a.approved_at is None
            and (a.reviewer_id, a.plan_id) not in wanted
        ):
            proposal.removed += 1
            if not proposal.dry_run:
                session.delete(a)


def _solve_round(
    data: aff.RoundData, instance: Instance, clock: Budget
) -> tuple[Result, Candidates]:
    """Solve the round (widening a pruned candidate set while it is infeasible); the answer
    and the candidates it was solved on."""
    built: list[Candidates] = []

    def problem(top_k: int) -> Problem:
        pb, found = round_problem(data, instance, top_k)
        built.append(found)
        triples = Plural("%(num)s triple", "%(num)s triples", len(found.r))
        if found.pruning:
            line = Phrase(
                N_(
                    "candidates from the database: %(triples)s (each plan's top %(k)s per rubric "
                    "of %(eligible)s)"
                ),
                triples=triples,
                k=top_k,
                eligible=Count(found.pruning["eligible"]),
            )
        else:
            line = Phrase(N_("candidates from the database: %(triples)s"), triples=triples)
        clock.say(line)
        return pb

    result = solve_widening(problem, clock)
    return result, built[-1]


def _chosen_terms(
    data: aff.RoundData, instance: Instance, found: Candidates, chosen: list[AssignmentOut]
) -> dict[tuple[int, int], dict[str, float]]:
    """The affinity terms of each chosen pair, its text term the one the solver's value was
    summed from (so that the terms shown always add up to the stored affinity)."""
    reviewers = {r.id: r for r in data.reviewers}
    plans = {p.id: p for p in data.plans}
    ridx = {x.id: i for i, x in enumerate(instance.reviewers)}
    pidx = {x.id: i for i, x in enumerate(instance.plans)}
    r = np.array([ridx[a.reviewer] for a in chosen], dtype=np.int64)
    p = np.array([pidx[a.plan] for a in chosen], dtype=np.int64)
    texts = found.text_of(r, p).tolist()
    without_text = aff.RoundData(data.plans, data.reviewers, exchanges=data.exchanges)
    out = {}
    for a, text in zip(chosen, texts, strict=True):
        reviewer_id, plan_id = row_id(a.reviewer), row_id(a.plan)
        t = aff.terms(without_text, reviewers[reviewer_id], plans[plan_id], a.rubric)
        if text:
            t["text"] = text / aff.SCALE
        out[(reviewer_id, plan_id)] = t
    return out


def pending_approval(session: Session, round_: Round) -> list[Assignment]:
    """The round's proposed assignments nobody approved yet, in the order they were made."""
    return list(
        session.exec(
            select(Assignment)
            .where(
                Assignment.round_id == round_.id,
                Assignment.status == S.proposed.value,
                col(Assignment.approved_at).is_(None),
            )
            .order_by(col(Assignment.id))
        )
    )


def approve(session: Session, round_: Round, *, actor: str, now: datetime | None = None) -> int:
    """Approve the round's proposal: only approved assignments are ever invited. Each row is
    written under its version guard (two approvals at once: the second raises StaleVersion and
    its transaction rolls back), one event `assignment.approved` for them all. Approving again
    approves nothing (0). What an approval causes and how it is told:
    review.lifecycle.approve_proposal, which callers use."""
    now = now or utcnow()
    pending = pending_approval(session, round_)
    amend_all(session, pending, {"approved_at": now}, now=now)
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


def last_solved(session: Session, round_: Round) -> Event | None:
    """The round's newest `assignment.proposed` event: who solved its proposal last, when, and
    the verdict and constraints it was solved with; None before the first solve."""
    return session.exec(
        select(Event)
        .where(Event.round_id == round_.id, Event.kind == "assignment.proposed")
        .order_by(col(Event.id).desc())
        .limit(1)
    ).first()


def standing(session: Session, round_: Round) -> Proposal:
    """The round's proposal as it stands, read, not solved: its active assignments (what was
    kept and what waits for approval) with the solver's verdict from the newest
    `assignment.proposed` event (status, objective, gap, the pins and forbidden pairs it was
    solved with: `pinned`, `forbidden`). What a run that showed an older proposal shows anew when
    it was solved again elsewhere (the round page's leave out or pin)."""
    newest = last_solved(session, round_)
    payload = newest.payload if newest is not None else {}
    active = session.exec(
        select(Assignment)
        .where(Assignment.round_id == round_.id, col(Assignment.status).in_(_ACTIVE))
        .order_by(col(Assignment.id))
    ).all()
    result = Proposal(
        status=payload.get("status", "optimal"),
        objective=payload.get("objective"),
        reasons=[],
        assignments=list(active),
        method=payload.get("method", ""),
        pruning=payload.get("pruning"),
        bound=payload.get("bound"),
        gap=payload.get("gap"),
        pinned=[tuple(p) for p in payload.get("pinned", [])],
        forbidden=[tuple(f) for f in payload.get("forbidden", [])],
    )
    result.rows = [
        (
            a.plan_id,
            a.reviewer_id,
            a.rubric,
            a.affinity,
            aff.Why((a.explanation or {}).get("terms", {})),
        )
        for a in active
    ]
    return result
