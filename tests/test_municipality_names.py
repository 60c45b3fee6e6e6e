"""A municipality's name as a coordinator types it: case, umlauts spelled out and the kind of
place aside; one that fits none or several is refused naming the closest, never guessed."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from review.municipality_names import (
    AmbiguousMunicipalityNamed,
    MunicipalityNames,
    NoMunicipalityNamed,
    municipality_named,
)
from tests.support.factories import make_municipality, make_round

NAMES = ["Münster", "Minden", "Stadt Offenbach", "Kreis Offenbach", "Landkreis Darmstadt-Dieburg"]


@pytest.mark.parametrize("typed", ["Münster", "muenster", "Stadt Münster", "MÜNSTER", " münster "])
def test_a_typed_name_finds_the_municipality_however_it_is_spelled(
    session: Session, typed: str
) -> None:
    round_ = make_round(session, name="Westfalen")
    for name in NAMES:
        make_municipality(session, round_, name)
    assert municipality_named(session, round_, typed).name == "Münster"


def test_a_name_fitting_several_is_refused_naming_them(session: Session) -> None:
    round_ = make_round(session, name="Hessen")
    for name in NAMES:
        make_municipality(session, round_, name)
    with pytest.raises(AmbiguousMunicipalityNamed) as refused:
        municipality_named(session, round_, "Offenbach")
    assert refused.value.text("de") == (
        "„Offenbach“ passt zu mehr als einer Gemeinde der Runde „Hessen“ (Kreis Offenbach, "
        "Stadt Offenbach): Geben Sie eine davon vollständig an"
    )
    assert str(refused.value) == (
        "'Offenbach' fits more than one municipality of round 'Hessen' (Kreis Offenbach, "
        "Stadt Offenbach): give one of them in full"
    )


def test_an_unknown_name_is_refused_with_the_closest_first(session: Session) -> None:
    round_ = make_round(session, name="Westfalen")
    for name in NAMES:
        make_municipality(session, round_, name)
    with pytest.raises(NoMunicipalityNamed) as refused:
        municipality_named(session, round_, "Muenstr")
    said = refused.value.text("de")
    assert said.startswith("keine Gemeinde „Muenstr“ in der Runde „Westfalen“; am ähnlichsten: ")
    closest = said.split("am ähnlichsten: ")[1].split(", ")
    assert closest[0] == "Münster" and closest[1] == "Minden"
    with pytest.raises(NoMunicipalityNamed, match="Darmstadt-Dieburg, "):
        municipality_named(session, round_, "Darmstadt Diburg")
    # a known name among its words is not that one: 'Münster Land' may be a new municipality
    with pytest.raises(NoMunicipalityNamed):
        municipality_named(session, round_, "Münster Land")


def test_the_closest_are_a_few_not_the_whole_round() -> None:
    names = MunicipalityNames([f"Gemeinde {n}" for n in range(40)] + ["Bad Vöslau"])
    closest = names.closest("Bad Voslau")
    assert closest[0] == "Bad Vöslau" and len(closest) == 5
