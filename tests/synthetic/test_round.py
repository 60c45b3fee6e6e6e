"""Synthetic participants: the demo round's shape, the benchmark generator, and the CSV that
`peerplan import` reads (checked with the real importer)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from sqlmodel import Session, select

from review.models import Municipality, Reviewer
from review.participants import COLUMNS, import_participants
from review.synthetic.round import (
    demo_participants,
    many_participants,
    read_participants_csv,
    small_participants,
    write_participants_csv,
)
from tests.support.factories import make_round

REPO = Path(__file__).resolve().parents[2]


def test_demo_round_has_followers_frontrunners_and_twenty_reviewers() -> None:
    demo = demo_participants()
    roles = [m.role for m in demo.municipalities]
    assert roles.count("follower") == 8
    assert set(roles) == {"follower", "frontrunner", "special-award"} and len(roles) == 10
    assert {m.language for m in demo.followers} == {"de", "en"}
    assert {"DE", "AT", "GB"} <= {m.country for m in demo.municipalities}
    assert len(demo.reviewers) == 20
    assert len({r.email for r in demo.reviewers}) == 20
    assert len({r.name for r in demo.reviewers}) == 20
    for m in demo.municipalities:
        staff = [r for r in demo.reviewers if r.municipality == m.name]
        assert len(staff) == 2
        assert {"technical", "communication"} <= {e for r in staff for e in r.expertise}
        assert all(m.language in r.languages and r.language == m.language for r in staff)
    behaviours = [r.behaviour for r in demo.reviewers]
    assert behaviours.count("late") == 1 and behaviours.count("silent") == 1
    assert behaviours.count("word") >= 1
    assert demo == demo_participants()


def test_every_demo_plan_can_get_a_reviewer_of_each_rubric_who_reads_it() -> None:
    demo = demo_participants()
    for plan in demo.plan_specs():
        for rubric in ("technical", "communication"):
            able = [
                r
                for r in demo.reviewers
                if r.municipality != plan.municipality
                and plan.language in r.languages
                and rubric in r.expertise
            ]
            assert len(able) >= 3, (plan.municipality, rubric)


def test_demo_plans_are_the_followers_with_some_parts_missing() -> None:
    demo = demo_participants()
    specs = demo.plan_specs()
    assert [s.municipality for s in specs] == [m.name for m in demo.followers]
    assert [s.language for s in specs] == [m.language for m in demo.followers]
    assert sum(1 for s in specs if not s.missing) == 2
    assert sum(1 for s in specs if s.missing) == 6
    assert specs == demo.plan_specs()


def test_many_participants_scales_with_unique_names_and_emails() -> None:
    many = many_participants(1000, seed=3)
    assert len(many.municipalities) == 1000 and len(many.reviewers) == 2000
    assert len({m.name for m in many.municipalities}) == 1000
    assert len({r.email for r in many.reviewers}) == 2000
    assert len({r.name for r in many.reviewers}) == 2000
    assert many == many_participants(1000, seed=3)
    assert many != many_participants(1000, seed=4)


def test_csv_round_trips(tmp_path: Path) -> None:
    demo = demo_participants()
    path = write_participants_csv(demo, tmp_path / "participants.csv")
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    back = read_participants_csv(path)
    assert back.municipalities == demo.municipalities
    assert back.reviewers == tuple(dataclasses.replace(r, behaviour="web") for r in demo.reviewers)


def test_csv_is_taken_by_the_real_importer(session: Session, tmp_path: Path) -> None:
    round_ = make_round(session)
    path = write_participants_csv(demo_participants(), tmp_path / "participants.csv")
    report = import_participants(session, round_, path)
    assert report.created == {"municipality": 10, "reviewer": 20}
    reviewers = session.exec(select(Reviewer).where(Reviewer.round_id == round_.id)).all()
    assert {r.email for r in reviewers} == {r.email for r in demo_participants().reviewers}
    roles = {m.role for m in session.exec(select(Municipality)).all()}
    assert roles == {"follower", "frontrunner", "special-award"}


def test_shipped_example_files_are_the_generated_ones(tmp_path: Path) -> None:
    """examples/participants.csv and tests/data/participants.csv are regenerated, not edited."""
    shipped_files = (
        (demo_participants(), REPO / "examples" / "participants.csv"),
        (small_participants(), REPO / "tests" / "data" / "participants.csv"),
    )
    for participants, shipped in shipped_files:
        fresh = write_participants_csv(participants, tmp_path / "p.csv").read_text(encoding="utf-8")
        assert shipped.read_text(encoding="utf-8") == fresh, (
            f"{shipped} is stale: python -m review.synthetic.round"
        )
    small = small_participants()
    assert len(small.municipalities) == 4 and len(small.reviewers) == 8
