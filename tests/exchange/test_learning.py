"""Learning from peers on a hand-built round: who is paired with whom, what is quoted, and that
the blind rules hold."""

from __future__ import annotations

import random

from review.exchange.learning import lessons, matches, strength, weak_points
from tests.support.exchange_round import dossier, rows_of

INVENTORY_FINDING = {
    "kind": "check",
    "check": "inventory",
    "present": True,
    "evidence": [{"page": 22, "snippet": "Tabelle 4: Endenergie nach Energieträgern"}],
}
NOT_MET = {"bei_sectors": False}


def tech(base: int = 2, **kw):
    return {"rubric": "technical", "base": base, **kw}


def comm(base: int = 2, **kw):
    return {"rubric": "communication", "base": base, **kw}


def round_of(*, blind: bool = True, peers_named: bool = True):
    weak = dossier(
        1,
        "Ahrweiler",
        [
            tech(scores={"T2": 1}, eligibility=NOT_MET),
            tech(scores={"T2": 1}, eligibility=NOT_MET),
            comm(),
        ],
        blind=blind,
        peers_named=peers_named,
    )
    strong = dossier(
        2,
        "Bruckhausen",
        [
            tech(
                scores={"T2": 4},
                comments={"T2": "Per-carrier tables on p. 14, Bruckhausen did it well."},
            ),
            tech(
                scores={"T2": 4},
                comments={"T2": "As Quirinus Zeppelfeld2x1 wrote to qz2x1@reviewers.example."},
            ),
            comm(comments={"C1": "not about the inventory"}),
        ],
        blind=blind,
        peers_named=peers_named,
        findings=[INVENTORY_FINDING],
    )
    good = dossier(
        3,
        "Chamerau",
        [
            tech(scores={"T2": 3}, comments={"T2": "Good inventory."}),
            tech(scores={"T2": 3}),
            comm(),
        ],
        blind=blind,
        peers_named=peers_named,
    )
    adequate = dossier(4, "Dornbach", [tech(), tech(), comm()], blind=blind)
    unfinished = dossier(5, "Eggental", [tech(scores={"T2": 4}), comm()], blind=blind)
    unfinished.rubrics[1].expected = 2  # one technical review still missing
    return rows_of(weak, strong, good, adequate, unfinished)


def test_weak_points_are_paired_with_the_strong_plans_of_the_round_strongest_first() -> None:
    found = matches(round_of())
    assert found[1] == [
        ("criterion", "technical", "T2", [2, 3]),
        ("gate", "", "bei_sectors", [2, 3]),
    ]
    # Strong or adequate plans have nothing to learn here; an unfinished plan (rule 1) neither
    # learns nor teaches, however high its provisional score.
    assert found[2] == found[3] == found[4] == found[5] == []


def test_a_lesson_quotes_the_peers_reviewers_and_says_where_in_their_plan() -> None:
    lesson = lessons(round_of(blind=False))[1][0]
    assert (lesson.item_id, lesson.score) == ("T2", 1.0)
    best = lesson.peers[0]
    assert (best.municipality, best.score) == ("Bruckhausen", 4.0)
    assert best.comments[0] == "Per-carrier tables on p. 14, Bruckhausen did it well."
    assert best.evidence == [
        ("p. 14", ""),
        ("p. 22", "Tabelle 4: Endenergie nach Energieträgern"),
    ]
    # Only what reviewers wrote on this criterion, and only where they found it strong.
    assert "not about the inventory" not in best.comments
    assert lesson.peers[1].comments == ["Good inventory."]
    # Open round: a reviewer named in a comment stays.
    assert "Quirinus Zeppelfeld2x1" in best.comments[1]


def test_blind_round_hides_the_peers_reviewers_but_names_the_plans() -> None:
    lesson = lessons(round_of(blind=True))[1][0]
    quoted = " ".join(lesson.peers[0].comments)
    assert "Zeppelfeld" not in quoted and "qz2x1" not in quoted
    assert "[redacted]" in quoted
    assert lesson.peers[0].municipality == "Bruckhausen"
    assert "Bruckhausen did it well" in quoted


def test_a_round_that_does_not_name_peers_hides_the_municipality_too() -> None:
    for lesson in lessons(round_of(peers_named=False))[1]:
        for peer in lesson.peers:
            assert peer.municipality == ""
            assert not any("Bruckhausen" in c for c in peer.comments)


def test_each_weak_point_lists_the_three_strongest_other_plans_in_a_larger_round() -> None:
    """Rules 2-4 on 60 plans with scattered scores, against the rules read literally: for every
    weak point, every other plan strong on it, strongest first (ties: plan id), the first three.
    (`matches` finds them without copying the strong plans for each weak plan: #14.)"""
    rng = random.Random(14)
    rows = rows_of(
        *(
            dossier(
                plan_id,
                f"Town {plan_id}",
                [
                    tech(rng.randint(0, 4), scores={"T2": rng.randint(0, 4)}),
                    tech(rng.randint(0, 4), scores={"T2": rng.randint(0, 4)}),
                    comm(rng.randint(0, 4)),
                ],
            )
            for plan_id in range(1, 61)
        )
    )
    expected = {}
    for row in rows:
        found = []
        for kind, rubric_id, item_id, _score in weak_points(row):
            strong = [
                (-value, peer.dossier.plan_id)
                for peer in rows
                if peer.dossier.plan_id != row.dossier.plan_id
                and (value := strength(peer, kind, rubric_id, item_id)) is not None
            ]
            found.append((kind, rubric_id, item_id, [p for _v, p in sorted(strong)[:3]]))
        expected[row.dossier.plan_id] = found
    assert matches(rows) == expected
    # The round is varied enough to test something: weak points with three peers and more.
    assert sum(len(peers) == 3 for found in expected.values() for *_k, peers in found) > 20
