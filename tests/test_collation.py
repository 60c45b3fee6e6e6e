"""Names in dictionary order (review.collation): found in a round of the 30 English CCC plans,
where `peerplan status` and the round page listed 'Gävle' after 'Groningen', 'Sønderborg'
after 'Stockholm' and would have put 'Łódź' after 'Zagreb' (code-point order)."""

from __future__ import annotations

from sqlmodel import Session

from review.collation import alphabetical
from review.status import round_status
from tests.support.factories import make_municipality, make_plan, make_round

CITIES = ["Zagreb", "Groningen", "Łódź", "Stockholm", "Gävle", "Sønderborg", "Lisbon", "gdańsk"]
IN_ORDER = ["Gävle", "gdańsk", "Groningen", "Lisbon", "Łódź", "Sønderborg", "Stockholm", "Zagreb"]


def test_names_sort_as_a_dictionary_sorts_them() -> None:
    assert sorted(CITIES, key=alphabetical) == IN_ORDER


def test_the_rounds_status_lists_plans_in_dictionary_order(session: Session) -> None:
    round_ = make_round(session)
    for city in CITIES:
        make_plan(session, round_, make_municipality(session, round_, city))
    session.commit()
    assert [p["municipality"] for p in round_status(session, round_)["plans"]] == IN_ORDER
