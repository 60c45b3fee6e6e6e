"""Rubric files: the shipped ones are valid; broken ones are reported precisely, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from review.cli import app
from review.intake.checks import CHECKS
from review.paths import RUBRICS_DIR
from review.rubric import RubricError, load_rubric, load_rubrics

runner = CliRunner()
TECHNICAL = (RUBRICS_DIR / "technical.yaml").read_text(encoding="utf-8")


def test_shipped_rubrics_are_valid_and_weights_sum_to_100() -> None:
    rubrics = load_rubrics()
    assert set(rubrics) >= {"technical", "communication"}
    for rubric in rubrics.values():
        assert sum(c.weight for c in rubric.criteria) == 100
        for criterion in rubric.criteria:
            for level in rubric.scale.levels:  # every level has an anchor text in both languages
                assert rubric.anchor(criterion, level.value, "de")
                assert rubric.anchor(criterion, level.value, "en")


def test_rubrics_check_passes_on_the_shipped_rubrics() -> None:
    result = runner.invoke(app, ["rubrics", "check"])
    assert result.exit_code == 0, result.output
    assert "3 Bewertungsbogen-Dateien gültig" in result.output  # no locale: German


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # a negative weight on T3
        (
            lambda t: t.replace(
                "    weight: 10\n    critical: true\n    anchors:\n      0: {de: Keine Risikoanalyse.",
                "    weight: -5\n    critical: true\n    anchors:\n      0: {de: Keine Risikoanalyse.",
            ),
            "technical.yaml: criterion T3: weight: Input should be greater than 0",
        ),
        # the English title of T5 missing
        (
            lambda t: t.replace(
                "title: {de: Sektorübergreifende integrierte Planung, en: Cross-sector integrated planning}",
                "title: {de: Sektorübergreifende integrierte Planung}",
            ),
            "technical.yaml: criterion T5: title: en: Field required",
        ),
        # an anchor for a level the scale does not have
        (
            lambda t: t.replace(
                "      4: {de: Mindestens 100 % plus", "      7: {de: Mindestens 100 % plus"
            ),
            "technical.yaml: criterion T6: anchors for levels [7] outside the scale",
        ),
        # a gate the JRC criteria do not have (what the learning section pairs plans by)
        (
            lambda t: t.replace("gates: [bei_rva, bei_sectors]", "gates: [bei_rva, bei_sector]"),
            "technical.yaml: criterion T2: gates ['bei_sector'] are not JRC gates",
        ),
    ],
    ids=["negative-weight", "missing-translation", "anchor-outside-scale", "unknown-gate"],
)
def test_broken_rubric_is_reported_with_file_criterion_and_field(
    tmp_path: Path, edit, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "en")
    broken = tmp_path / "technical.yaml"
    changed = edit(TECHNICAL)
    assert changed != TECHNICAL, "the edit must change the rubric"
    broken.write_text(changed, encoding="utf-8")
    result = runner.invoke(app, ["rubrics", "check", str(broken)])
    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_invalid_yaml_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "en")
    broken = tmp_path / "technical.yaml"
    broken.write_text("id: technical\ntitle: {de: x\n", encoding="utf-8")
    result = runner.invoke(app, ["rubrics", "check", str(broken)])
    assert result.exit_code == 1
    assert "not valid YAML" in result.output and "line" in result.output
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "de")
    german = runner.invoke(app, ["rubrics", "check", str(broken)]).output
    # wrapped at the terminal's width: the path whole on its line
    assert "technical.yaml: Zeile 3: kein gültiges YAML (" in " ".join(german.split())


def test_a_broken_rubric_is_reported_in_the_installations_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEERPLAN_LANGUAGE", "de")
    broken = tmp_path / "technical.yaml"
    broken.write_text(
        TECHNICAL.replace(
            "    weight: 10\n    critical: true\n    anchors:\n      0: {de: Keine Risikoanalyse.",
            "    weight: -5\n    critical: true\n    anchors:\n      0: {de: Keine Risikoanalyse.",
        ).replace(
            "title: {de: Sektorübergreifende integrierte Planung, en: Cross-sector integrated planning}",
            "title: {de: Sektorübergreifende integrierte Planung}",
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["rubrics", "check", str(broken)])
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "technical.yaml: Kriterium T3: weight: muss größer als 0 sein" in said
    assert (
        "technical.yaml: Kriterium T5: title: en: fehlt, ist aber erforderlich (Englisch wird "
        "gelesen, wo eine Übersetzung fehlt)" in said
    )
    anchors = TECHNICAL.replace(
        "      4: {de: Mindestens 100 % plus", "      7: {de: Mindestens 100 % plus"
    )
    broken.write_text(anchors, encoding="utf-8")
    said = " ".join(runner.invoke(app, ["rubrics", "check", str(broken)]).output.split())
    assert "technical.yaml: Kriterium T6: Anker für die Stufen [7] außerhalb der Skala" in said


def test_a_third_rubric_is_a_file_not_code(tmp_path: Path) -> None:
    third = TECHNICAL.replace("id: technical", "id: adaptation")
    (tmp_path / "adaptation.yaml").write_text(third, encoding="utf-8")
    (tmp_path / "technical.yaml").write_text(TECHNICAL, encoding="utf-8")
    assert set(load_rubrics(tmp_path)) == {"adaptation", "technical"}
    assert load_rubric(tmp_path / "adaptation.yaml").criterion("T2").comment == "always"


def test_an_edited_rubric_is_read_again_and_a_changed_copy_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "technical.yaml"
    path.write_text(TECHNICAL, encoding="utf-8")
    first = load_rubric(path)
    first.criteria.clear()  # a caller changing its copy does not change the next caller's
    assert load_rubric(path).criteria
    path.write_text("id: [", encoding="utf-8")  # edited after it was read
    with pytest.raises(RubricError):
        load_rubric(path)


def test_every_intake_check_a_rubric_names_is_one_the_intake_runs() -> None:
    """The learning section's page evidence comes from these checks (#16): a typo would leave
    a criterion without evidence, silently."""
    known = {check.id for check in CHECKS}
    named = {
        (rubric.id, criterion.id, check)
        for rubric in load_rubrics().values()
        for criterion in rubric.criteria
        for check in criterion.intake_checks
    }
    assert named and {check for _r, _c, check in named} <= known
