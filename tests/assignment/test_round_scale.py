"""A 300-plan round built the ordinary way (generated plans, participants import, intake) is
assigned from the database within its budget, every rule kept."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

import pytest
from sqlmodel import Session, select

from review.assignment import proposal
from review.db import engine_for
from review.intake import collect_sources
from review.intake.batch import take_in_sources
from review.models import Plan, Reviewer
from review.participants import import_participants
from review.rounds import create_round
from review.synthetic.generate import generate_plans

N_PLANS = 300
BUDGET = 30.0


@pytest.mark.slow
def test_a_300_plan_round_is_assigned_within_its_budget(sqlite_settings, tmp_path):
    folder = generate_plans(tmp_path / "plans", count=N_PLANS, seed=3)
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        round_ = create_round(
            session, name="Scale", due_date=date(2027, 1, 31), languages=["de", "en"]
        )
        import_participants(session, round_, folder.participants_csv)
        session.commit()
        take_in_sources(
            session,
            sqlite_settings,
            round_=round_,
            sources=collect_sources([folder.manifest]),
            actor="test",
            workers=1,
        )
        lines: list[str] = []
        started = time.monotonic()
        result = proposal.propose(
            session, round_, actor="test", dry_run=True, budget=BUDGET, progress=lines.append
        )
        elapsed = time.monotonic() - started
        assert result.found, result.reasons
        assert result.seconds <= BUDGET + 5  # HiGHS keeps its time limit; the flow is short
        assert elapsed <= BUDGET + 60  # reading the round and the terms of the answer
        assert result.gap is not None and result.gap <= 0.001
        assert any("flow relaxation" in line for line in lines)  # progress while it runs
        plan_town = {p.id: p.municipality_id for p in session.exec(select(Plan))}
        reviewers = {r.id: r for r in session.exec(select(Reviewer))}
        per_plan = Counter(plan_id for plan_id, *_ in result.rows)
        assert len(per_plan) == N_PLANS and set(per_plan.values()) == {3}
        for plan_id in per_plan:
            on = [(reviewers[r], q) for p, r, q, *_ in result.rows if p == plan_id]
            towns = [r.municipality_id for r, _ in on]
            assert len(set(towns)) == 3 and plan_town[plan_id] not in towns
            assert {q for _, q in on} >= {"technical", "communication"}
            assert all(q in r.expertise for r, q in on)
        load = Counter(r for _, r, *_ in result.rows)
        assert all(load[r.id] <= r.max_load for r in reviewers.values())
