"""The round as the assignment solver sees it: its plans and reviewers, the pairs it must keep
(approved, invited or further along, and the coordinator's pins), the pairs it must not make
(the coordinator's, and every pair that existed and ended), and the earlier unapproved proposal
to stay close to; and the solver's problem over the round's candidates (`candidates`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from review.assignment import affinity as aff
from review.assignment.candidates import Candidates, round_candidates
from review.assignment.instance import Instance
from review.assignment.problem import Problem, build
from review.errors import InvalidInput
from review.i18n import N_
from review.models import Assignment, AssignmentStatus, Round
from review.states import ACTIVE

S = AssignmentStatus
ACTIVE_STATES = [s.value for s in ACTIVE]

PairSpec = tuple[int, int] | tuple[int, int, str] | list


def is_fixed(a: Assignment) -> bool:
    """Assignments a new proposal must keep: anything approved, invited or further along."""
    return a.status in ACTIVE_STATES and (a.status != S.proposed.value or a.approved_at is not None)


def build_instance(
    session: Session,
    round_: Round,
    *,
    pinned: Sequence[PairSpec] = (),
    forbidden: Sequence[PairSpec] = (),
    data: aff.RoundData | None = None,
) -> tuple[Instance, list[Assignment]]:
    """The round as an INSTANCE without its affinities (ids are database ids; `candidates`
    computes them in bulk) and the round's assignment rows."""
    data = data or aff.gather(session, round_)
    rows = list(
        session.exec(
            select(Assignment).where(Assignment.round_id == round_.id).order_by(col(Assignment.id))
        )
    )
    plans = {p.id: p for p in data.plans}
    reviewers = {r.id: r for r in data.reviewers}
    pins: list[tuple[int, int, str]] = []
    current = {(a.reviewer_id, a.plan_id): a.rubric for a in rows if a.status in ACTIVE_STATES}
    for spec in pinned:
        reviewer_id, plan_id, *rest = spec
        if reviewer_id not in reviewers or plan_id not in plans:
            raise InvalidInput(
                N_("pin (%(reviewer)s, %(plan)s): no such reviewer or plan in the round"),
                reviewer=reviewer_id,
                plan=plan_id,
            )
        rubric = rest[0] if rest and rest[0] else current.get((reviewer_id, plan_id))
        if rubric is None:  # the reviewer's best-fitting rubric on that plan
            reviewer, plan = reviewers[reviewer_id], plans[plan_id]
            options = sorted(
                reviewer.rubrics, key=lambda q: (-aff.value(aff.terms(data, reviewer, plan, q)), q)
            )
            rubric = options[0]
        pins.append((reviewer_id, plan_id, rubric))
    pinned_pairs = {(r, p) for r, p, _ in pins}
    for a in rows:
        if is_fixed(a) and (a.reviewer_id, a.plan_id) not in pinned_pairs:
            pins.append((a.reviewer_id, a.plan_id, a.rubric))
    forbid = {(int(f[0]), int(f[1])) for f in forbidden}
    # A pair that existed and ended (declined, reassigned, withdrawn) never comes back:
    # the reviewer said no, and the database keeps one row per (plan, reviewer).
    forbid |= {(a.reviewer_id, a.plan_id) for a in rows if a.status not in ACTIVE_STATES}
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
            "forbidden": sorted(f for f in forbid if f[0] in usable),
            "pinned": pins,
            "previous": previous,
            "avoid_reciprocal": round_.avoid_reciprocal,
            "require_frontrunner": round_.require_frontrunner,
            "only_listed_pairs": True,
        }
    )
    return instance, rows


def round_problem(
    data: aff.RoundData, instance: Instance, top_k: int
) -> tuple[Problem, Candidates]:
    """The solver's problem for the round, its candidates and affinities computed in bulk."""
    found = round_candidates(data, instance, top_k=top_k)
    pb = build(
        instance,
        triples=(found.r, found.p, found.q, found.value),
        scale=aff.SCALE,
        pruning=found.pruning,
    )
    return pb, found
