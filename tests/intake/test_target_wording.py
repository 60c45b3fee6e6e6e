"""The headline target read from wordings no tuning plan used: paraphrases written in the styles
of real plans (German and English), so the rules hold on plans they were not written on. Each
sentence states one target; the reader must name its kind, percent, target year and base year."""

from __future__ import annotations

import pytest

from review.intake.document import Unit
from review.intake.facts.targets import read_targets


def _headline(*paragraphs: str) -> tuple | None:
    units = [Unit("paragraph", i + 1, p) for i, p in enumerate(paragraphs)]
    found = read_targets([(u, u.text.lower()) for u in units], None)["headline"]
    if found is None:
        return None
    return (found["kind"], found["percent"], found["target_year"], found["base_year"])


@pytest.mark.parametrize(
    ("sentence", "want"),
    [
        # The base year after "compared to", "than in", "relative to" is no target year.
        (
            "By 2030, the city will reduce its greenhouse gas emissions by 65% compared to 1990.",
            ("reduction", 65.0, 2030, 1990),
        ),
        (
            "By 2030, emissions in the city will be 80% lower than in 2019.",
            ("reduction", 80.0, 2030, 2019),
        ),
        (
            "We will lower territorial emissions by 70% below 1990 levels by 2030.",
            ("reduction", 70.0, 2030, 1990),
        ),
        (
            "Our goal is to reduce emissions by 2030 by 70 % in relation to 2015.",
            ("reduction", 70.0, 2030, 2015),
        ),
        (
            "The City has set a target of reducing emissions by 75% by 2030 against a 2008 "
            "baseline.",
            ("reduction", 75.0, 2030, 2008),
        ),
        (
            "Emission reduction target: 80% by 2030 (2019 = 100%).",
            ("reduction", 80.0, 2030, 2019),
        ),
        # A share written as a change, in words, or as what remains.
        ("Target: -55% GHG emissions by 2030 (baseline 2010).", ("reduction", 55.0, 2030, 2010)),
        (
            "We aim to halve our greenhouse gas emissions by 2030 compared to 1990.",
            ("reduction", 50.0, 2030, 1990),
        ),
        (
            "The city's emissions shall be reduced by 2030 to 30 % of the 1990 level.",
            ("reduction", 70.0, 2030, 1990),
        ),
        (
            "Target 2030\nGHG emissions reduction\n-60 %\ncompared to 1990",
            ("reduction", 60.0, 2030, 1990),
        ),
        # "by the end of", a span still to come, the base year after a colon or in the 2030
        # target's own phrase
        (
            "By the end of 2030, emissions are to be reduced by 80 per cent from the 2015 level.",
            ("reduction", 80.0, 2030, 2015),
        ),
        (
            "The city plans to reduce CO2 emissions by 75% between 2019 and 2030.",
            ("reduction", 75.0, 2030, 2019),
        ),
        (
            "The 2030 target is a 50% emissions reduction from 2005 levels.",
            ("reduction", 50.0, 2030, 2005),
        ),
        (
            "Reduction of GHG emissions by 2030: 80% (base year 2018)",
            ("reduction", 80.0, 2030, 2018),
        ),
        (
            "The municipality aims to cut CO2e emissions by at least 70% from 2010 levels by 2030.",
            ("reduction", 70.0, 2030, 2010),
        ),
        (
            "The city council decided in 2019 that the city should be climate neutral by 2030.",
            ("neutrality", None, 2030, None),
        ),
        # German
        (
            "Ziel: Reduktion der CO2-Emissionen um 95 % bis 2050 im Vergleich zum Basisjahr 1990.",
            ("reduction", 95.0, 2050, 1990),
        ),
        (
            "Die Gemeinde verpflichtet sich, den CO2-Ausstoß bis 2030 um 50 % zu verringern "
            "(Bezugsjahr 2010).",
            ("reduction", 50.0, 2030, 2010),
        ),
        (
            "Die THG-Emissionen sollen bis 2030 um mindestens 60 % unter das Niveau von 1990 "
            "gesenkt werden.",
            ("reduction", 60.0, 2030, 1990),
        ),
        (
            "Die Stadt hat sich verpflichtet, ihre CO2-Emissionen bis 2030 gegenüber dem Jahr 2010 "
            "zu halbieren.",
            ("reduction", 50.0, 2030, 2010),
        ),
        # "sinken", "gesenkt", what remains "des Standes von 1990", "Basis: 1990"
        (
            "Bis 2030 sollen die Treibhausgasemissionen der Stadt um 70 Prozent gegenüber 1990 "
            "sinken.",
            ("reduction", 70.0, 2030, 1990),
        ),
        (
            "Gegenüber 1990 sollen die Emissionen bis 2030 um 60 % sinken.",
            ("reduction", 60.0, 2030, 1990),
        ),
        (
            "Die Treibhausgasemissionen sollen bis 2030 auf 40 % des Standes von 1990 gesenkt "
            "werden.",
            ("reduction", 60.0, 2030, 1990),
        ),
        (
            "Die Stadt will ihre Emissionen bis 2030 um 80 % reduzieren (Basis: 1990).",
            ("reduction", 80.0, 2030, 1990),
        ),
        (
            "Bis 2030 will die Stadt ihren Treibhausgasausstoß um 65 Prozent mindern, bezogen auf "
            "das Jahr 1990.",
            ("reduction", 65.0, 2030, 1990),
        ),
        (
            "Wir wollen bis 2045 Treibhausgasneutralität erreichen.",
            ("neutrality", None, 2045, None),
        ),
        (
            "Die Stadt will bis 2035 netto null Emissionen erreichen.",
            ("neutrality", None, 2035, None),
        ),
    ],
)
def test_a_target_in_a_wording_of_its_own(sentence: str, want: tuple) -> None:
    assert _headline(sentence) == want


def test_the_citys_target_named_after_the_eus_in_one_sentence() -> None:
    assert _headline(
        "In line with the EU's Fit for 55 package, which foresees a 55% cut by 2030, the city "
        "targets a 70% reduction of its emissions by 2030 compared to 2005."
    ) == ("reduction", 70.0, 2030, 2005)


def test_the_emissions_named_in_the_sentence_before_the_share() -> None:
    assert _headline(
        "Gemäß Bundes-Klimaschutzgesetz sollen die Emissionen bis 2030 um 65 % sinken. Unser Ziel "
        "ist eine Minderung um 70 % bis 2030 gegenüber 1990."
    ) == ("reduction", 70.0, 2030, 1990)


def test_a_reduction_milestone_of_a_neutrality_goal_soon_after_is_not_the_headline() -> None:
    assert _headline(
        "Der Kreistag hat beschlossen, die Treibhausgasemissionen bis 2030 um 65 Prozent "
        "gegenüber 1990 zu reduzieren und bis 2035 treibhausgasneutral zu werden."
    ) == ("neutrality", None, 2035, None)
    # Neutrality on the mid-century horizon: the dated reduction is the plan's next target.
    assert _headline(
        "Der Kreistag hat beschlossen, die Treibhausgasemissionen bis 2030 um 65 Prozent "
        "gegenüber 1990 zu reduzieren und bis 2050 treibhausgasneutral zu werden."
    ) == ("reduction", 65.0, 2030, 1990)


def test_the_share_that_defines_a_neutrality_goal_is_no_reduction_target() -> None:
    """ "minimal 80 % reduction, maximal 20 % compensation" says what neutrality means (in the
    Mission's terms): no separate 80 % target beside the neutrality."""
    assert _headline(
        "In 2030 the city aims to reduce emissions by 60% compared to 1990.",
        "In 2035 the city aims to become climate-neutral: minimal 80% reduction, maximal 20% "
        "compensation compared to 1990.",
        "The city wants to reach climate neutrality by 2035.",
    ) == ("neutrality", None, 2035, None)


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("The EU has committed to a 55% emission reduction by 2030.",),
        (
            "We want to become a zero-emission city by 2030.",
        ),  # Oslo's: its 95 % cut, not neutrality
        (
            "Das Land will bis 2045 klimaneutral sein; die Bundesregierung senkt die Emissionen "
            "bis 2030 um 65 %.",
        ),
    ],
)
def test_no_target_of_the_citys_own(paragraphs: tuple[str, ...]) -> None:
    assert _headline(*paragraphs) is None


@pytest.mark.parametrize(
    ("paragraphs", "want"),
    [
        (
            (
                "Transport emissions must be cut by 50% by 2030 compared to 2005.",
                "Our city aims to reduce total emissions by 65% by 2030 compared to 2005.",
            ),
            ("reduction", 65.0, 2030, 2005),
        ),
        (
            (
                "Deutschland soll bis 2045 treibhausgasneutral sein.",
                "Die Stadt will bis 2035 klimaneutral werden.",
            ),
            ("neutrality", None, 2035, None),
        ),
        (
            (
                "The national government has committed to net zero by 2050, while the city has "
                "committed to net zero by 2030.",
            ),
            ("neutrality", None, 2030, None),
        ),
    ],
)
def test_the_citys_own_beside_a_quoted_target(paragraphs: tuple[str, ...], want: tuple) -> None:
    assert _headline(*paragraphs) == want


@pytest.mark.parametrize(
    ("paragraphs", "want"),
    [
        # The next sentence defines the neutrality goal with the city's own share.
        (
            (
                "Our goal is carbon neutrality by 2035. This means cutting emissions by 85% "
                "compared to 1990 and offsetting the rest.",
            ),
            ("neutrality", 85.0, 2035, 1990),
        ),
        (
            (
                "Die Stadt will bis 2035 klimaneutral werden. Das bedeutet, die "
                "Treibhausgasemissionen um 90 % gegenüber 1990 zu senken.",
            ),
            ("neutrality", 90.0, 2035, 1990),
        ),
        # ... and a next sentence without a share defines nothing.
        (
            (
                "Our goal is climate neutrality by 2030. This means the city will cooperate "
                "with many partners.",
            ),
            ("neutrality", None, 2030, None),
        ),
        # Target years after "no later than", "as early as", "spätestens".
        (
            ("The city aims to be climate neutral no later than 2035.",),
            ("neutrality", None, 2035, None),
        ),
        (("We will reach zero net emissions as early as 2030.",), ("neutrality", None, 2030, None)),
        (("Die Stadt will spätestens 2040 klimaneutral sein.",), ("neutrality", None, 2040, None)),
        (
            ("The city will reduce emissions by 60% no later than 2025 compared to 2015.",),
            ("reduction", 60.0, 2025, 2015),
        ),
    ],
)
def test_the_neutrality_goal_defined_and_dated_in_other_wordings(
    paragraphs: tuple[str, ...], want: tuple
) -> None:
    assert _headline(*paragraphs) == want


@pytest.mark.parametrize(
    "table",
    [
        # A base column and a target column named in the header, the cut as "-80 %" in its cell.
        "Indicator | Baseline (2019) | Target 2030\nTotal GHG emissions (kt CO2e) | 1,200 | -80 %",
        "Indikator | Basisjahr 2019 | Ziel 2030\nTHG-Emissionen gesamt (t CO2e) | 950.000 | -80 %",
    ],
)
def test_a_target_in_a_table_with_a_base_and_a_target_column(table: str) -> None:
    found = read_targets([(Unit("table", 1, table), table.lower())], None)["headline"]
    assert (found["kind"], found["percent"], found["target_year"], found["base_year"]) == (
        "reduction",
        80.0,
        2030,
        2019,
    )


def test_a_rise_in_a_table_is_no_reduction_target() -> None:
    table = (
        "Indicator | Baseline (2019) | Target 2030\nTotal GHG emissions (kt CO2e) | 1,200 | 80 %"
    )
    assert read_targets([(Unit("table", 1, table), table.lower())], None)["headline"] is None


def test_a_span_that_has_ended_is_a_result_not_a_target() -> None:
    """ "between 1990 and 2019" measured a change; "between 2019 and 2030" states a target."""
    assert (
        _headline(
            "Emissions fell by 45% between 1990 and 2019 in the city.",
            "Die CO2-Emissionen sind von 1990 bis 2015 um 20 % gesunken.",
        )
        is None
    )


@pytest.mark.parametrize(
    ("paragraphs", "want"),
    [
        # A reduction's year is not the neutrality's named after it in the same sentence.
        (
            (
                "Die Stadt will bis 2030 ihre CO2-Emissionen um 55 % gegenüber 1990 reduzieren "
                "und bis 2045 klimaneutral werden.",
            ),
            ("reduction", 55.0, 2030, 1990),
        ),
        # A future perfect is a target, not a result.
        (
            (
                "By 2030, greenhouse gas emissions in the city will have been reduced by 75% from "
                "the 1990 level.",
            ),
            ("reduction", 75.0, 2030, 1990),
        ),
        # "per cent" broken over two lines of a PDF
        (
            ("We will cut our greenhouse gas emissions by 70 per\ncent by 2030 compared to 1990.",),
            ("reduction", 70.0, 2030, 1990),
        ),
        # A 100 % reduction is neutrality.
        (
            ("Our city's target is a 100% reduction of emissions by 2035.",),
            ("neutrality", None, 2035, None),
        ),
        # The neutrality goal defined by the next sentence: "To reach it", "Um dieses Ziel zu
        # erreichen".
        (
            (
                "Our target is climate neutrality in 2030. To reach it, the city will reduce its "
                "emissions by 85% compared to 2015; the remaining 15% will be compensated.",
            ),
            ("neutrality", 85.0, 2030, 2015),
        ),
        (
            (
                "Die Stadt will bis 2035 klimaneutral werden. Um dieses Ziel zu erreichen, sollen "
                "die Treibhausgasemissionen um 90 % gegenüber 1990 sinken.",
            ),
            ("neutrality", 90.0, 2035, 1990),
        ),
        # "less greenhouse gases than in 1990", "from 2030 onwards", a German compound noun
        (
            ("By 2030 the city wants to emit 70 % less greenhouse gases than in 1990.",),
            ("reduction", 70.0, 2030, 1990),
        ),
        (
            ("The city will be climate neutral from 2030 onwards.",),
            ("neutrality", None, 2030, None),
        ),
        (
            ("Emissionsminderung um 70 % bis 2030 (gegenüber 1990)",),
            ("reduction", 70.0, 2030, 1990),
        ),
        (
            ("Die Stadt strebt eine Treibhausgasreduktion von 60 % bis 2030 gegenüber 2005 an.",),
            ("reduction", 60.0, 2030, 2005),
        ),
    ],
)
def test_more_wordings_of_the_citys_goal(paragraphs: tuple[str, ...], want: tuple) -> None:
    assert _headline(*paragraphs) == want


@pytest.mark.parametrize(
    ("paragraphs", "want"),
    [
        # In the same sentence: after "d.h." (no sentence end), in brackets, after "i.e.".
        (
            (
                "Ziel ist die klimaneutrale Stadt bis 2050, d.h. eine Minderung der "
                "Treibhausgasemissionen um mindestens 95 % gegenüber 1990.",
            ),
            ("neutrality", 95.0, 2050, 1990),
        ),
        (
            (
                "Die Stadt will bis 2045 klimaneutral werden, d. h. ihre Emissionen um 90 % "
                "gegenüber 1990 senken.",
            ),
            ("neutrality", 90.0, 2045, 1990),
        ),
        (
            ("Unser Ziel: Klimaneutralität bis 2050 (-95 % gegenüber 1990).",),
            ("neutrality", 95.0, 2050, 1990),
        ),
        (
            ("The city aims to be carbon neutral by 2040, i.e. a 90% reduction against 1990.",),
            ("neutrality", 90.0, 2040, 1990),
        ),
        # In the next sentence, after an adverb or a subject before "bedeutet dies".
        (
            (
                "The city will be climate neutral by 2040. Concretely, this means that its "
                "greenhouse gas emissions are cut by 90% compared to 1990.",
            ),
            ("neutrality", 90.0, 2040, 1990),
        ),
        (
            (
                "Die Stadt will bis 2045 klimaneutral werden. Für die Stadtverwaltung heißt das: "
                "Die Treibhausgasemissionen sinken um 95 % gegenüber 1990.",
            ),
            ("neutrality", 95.0, 2045, 1990),
        ),
        # The defining share repeated as a reduction, more often than the goal itself is named.
        (
            (
                "Wir sind auf dem Weg zur klimaneutralen Stadt bis 2045. Konkret bedeutet dies, "
                "die Treibhausgasemissionen bis 2045 um 95 % gegenüber 1990 zu mindern.",
                "Die Stadt will ihre CO2-Emissionen bis 2045 um 95 % gegenüber 1990 senken.",
                "Unser Ziel bleibt, die Emissionen bis 2045 um 95 Prozent zu reduzieren.",
            ),
            ("neutrality", 95.0, 2045, 1990),
        ),
        (
            (
                "Our city is committed to becoming carbon neutral by 2040. In practice, this "
                "means reducing greenhouse gas emissions by 90% from 1990 levels by 2040.",
                "The city will cut its emissions by 90% by 2040 compared to 1990.",
                "We will reduce our greenhouse gas emissions by 90% by 2040.",
            ),
            ("neutrality", 90.0, 2040, 1990),
        ),
    ],
)
def test_a_neutrality_goal_defined_by_the_citys_own_share(
    paragraphs: tuple[str, ...], want: tuple
) -> None:
    assert _headline(*paragraphs) == want


@pytest.mark.parametrize(
    ("paragraphs", "want"),
    [
        # The nation's neutrality, defined by its share: the city's own reduction of the same
        # share and year stays a reduction.
        (
            (
                "Deutschland will bis 2045 treibhausgasneutral sein, d.h. die Emissionen um 95 % "
                "gegenüber 1990 mindern.",
                "Die Stadt will ihre CO2-Emissionen bis 2045 um 95 % gegenüber 1990 senken.",
            ),
            ("reduction", 95.0, 2045, 1990),
        ),
        # A defined neutrality on the mid-century horizon does not take the city's dated target
        # of another year ...
        (
            (
                "The city will reduce its greenhouse gas emissions by 65% by 2030 compared to "
                "1990.",
                "By 2030, our emissions shall be 65% lower than in 1990.",
                "In the long term, the city wants to be climate neutral by 2050, i.e. a 95% "
                "reduction compared to 1990.",
            ),
            ("reduction", 65.0, 2030, 1990),
        ),
        # ... nor one against another base year.
        (
            (
                "Wir wollen bis 2050 klimaneutral werden, d.h. die Emissionen um 95 % gegenüber "
                "1990 mindern.",
                "Die Stadt senkt ihre Emissionen bis 2050 um 95 % gegenüber 2010.",
                "Bis 2050 will die Stadt ihre Treibhausgasemissionen um 95 % gegenüber 2010 "
                "senken.",
                "Unser Ziel: die CO2-Emissionen bis 2050 um 95 % gegenüber 2010 reduzieren.",
            ),
            ("reduction", 95.0, 2050, 2010),
        ),
    ],
)
def test_a_reduction_target_that_defines_no_neutrality_goal_of_the_citys_own(
    paragraphs: tuple[str, ...], want: tuple
) -> None:
    assert _headline(*paragraphs) == want
