"""The coordinator is addressed in their own language outside the portal too: the Prefect
artifacts and the CLI's lines are in the round's language, and where no round is concerned in
the installation's (`PEERPLAN_LANGUAGE`, else the system locale, else German)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from review.cli import app
from review.config import Settings
from review.coordinator import artifacts
from review.coordinator.language import coordinator_language, system_language
from review.deadlines.report import EscalationReport, Line
from review.i18n import N_, Phrase, Plural, translator
from review.intake import IntakeOutcome
from review.intake.errors import NoMunicipality
from review.lifecycle import Invited
from review.notify.delivery import DeliveryReport
from review.queries import Reviewed

runner = CliRunner()
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A machine whose locale names no language (a server's C locale) and no setting."""
    for name in (*LOCALE_VARIABLES, "PEERPLAN_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_rounds_language_else_the_setting_else_the_system_locale_else_german(
    no_locale: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = Settings(data_dir=tmp_path)
    english = Settings(data_dir=tmp_path, language="en")
    assert coordinator_language(english, "de") == "de"  # a round's own language decides
    assert coordinator_language(plain, "en") == "en"
    assert coordinator_language(english) == "en"
    assert coordinator_language(plain) == "de"  # C locale: peerplan's default
    no_locale.setenv("LANG", "en_GB.UTF-8")
    assert system_language() == "en" and coordinator_language(plain) == "en"
    no_locale.setenv("LC_ALL", "de_AT.UTF-8")  # LC_ALL beats LANG, as in gettext
    assert coordinator_language(plain) == "de"
    no_locale.setenv("LANGUAGE", "fr:en")  # no French catalog: the next one listed
    assert coordinator_language(plain) == "en"
    no_locale.setenv("LANG", "C.UTF-8")
    no_locale.delenv("LC_ALL")
    no_locale.delenv("LANGUAGE")
    assert system_language() is None


# ---------------------------------------------------------------------- the artifacts


def _escalation() -> tuple[EscalationReport, DeliveryReport]:
    report = EscalationReport(now=datetime(2026, 12, 13, 8, 0, tzinfo=UTC))
    left = Phrase(
        N_("%(days)s before the due date %(due)s"),
        days=Plural("%(num)s day", "%(num)s days", 2),
        due=date(2026, 12, 15),
    )
    report.add(Line("Runde 1", 7, "r@example.org", "reminder", "d-2", "queued", left))
    report.add(Line("Runde 1", 8, "c@example.org", "escalation", "d+1", "queued", "late"))
    report.transitions.append(
        Phrase(
            N_("%(reviewer)s (%(email)s), assignment %(id)s: overdue"),
            reviewer="Sam Sauer",
            email="s@example.org",
            id=8,
        )
    )
    report.problems.append("Runde 1: assignment 9 released, but nobody is eligible.")
    delivery = DeliveryReport(sent=["a", "b"], cancelled=[("reminder:a3", "already submitted")])
    return report, delivery


def test_the_deadline_runs_artifact_in_german_and_english() -> None:
    report, delivery = _escalation()
    de = artifacts.escalation_markdown(report, delivery, translator("de"))
    assert de.startswith("# Fristenlauf vom 13.12.2026, 08:00 UTC")
    assert "| Runde | Zuteilung | Nachricht | Zeitfenster | an | Ergebnis | Grund |" in de
    assert (
        "| Runde 1 | 7 | Erinnerung | d-2 | r@example.org | erzeugt | 2 Tage vor der Frist am "
        "15.12.2026 |"
    ) in de
    assert "| Eskalation an die Koordination |" in de
    assert "2 Nachrichten erzeugt, 1 Statusänderung;" in de
    # walk10: the state changes were English in a German round ('assignment 8 (...) -> overdue')
    assert "- Sam Sauer (s@example.org), Zuteilung 8: überfällig" in de
    assert "## Erfordert Ihr Eingreifen" in de and "## Versand" in de
    assert "2 gesendet, 1 entfallen, 0 fehlgeschlagen" in de
    en = artifacts.escalation_markdown(report, delivery, translator("en"))
    assert en.startswith("# Deadline run of 13 Dec 2026, 08:00 UTC")
    assert (
        "| Runde 1 | 7 | reminder | d-2 | r@example.org | queued | 2 days before the due date "
        "15 Dec 2026 |"
    ) in en
    assert str(report.lines[0].reason) == "2 days before the due date 2026-12-15"  # the log
    assert "## Needs the coordinator" in en and "2 sent, 1 cancelled, 0 failed" in en
    assert "- Sam Sauer (s@example.org), assignment 8: overdue" in en
    assert "Fristenlauf" not in en and "Deadline run" not in de


def test_the_deadline_runs_artifact_names_each_assignment_and_writes_days_as_the_reader() -> None:
    # walk10: the German artifact's 'Zuteilung' column was empty and the digest's window read
    # '2026-12-01'. The column names who reviews which plan with which form.
    report = EscalationReport(now=datetime(2026, 12, 13, 8, 0, tzinfo=UTC))
    report.add(Line("Runde 1", 7, "r@example.org", "reminder", "d-2", "queued", "x"))
    report.add(
        Line("Runde 1", 8, "s@example.org", "overdue_notice", "d+1@2026-12-10", "queued", "y")
    )
    report.add(Line("Runde 1", None, "c@example.org", "digest", "2026-12-13", "queued", "z"))
    reviewed = {
        7: Reviewed("Tulln", "Rita Roth", "r@example.org", "technical"),
        8: Reviewed("Krems", "Sam Sauer", "s@example.org", "communication"),
    }
    de = artifacts.escalation_markdown(report, DeliveryReport(), translator("de"), reviewed)
    assert "| Runde 1 | Tulln: Rita Roth (Technische Begutachtung) | Erinnerung | d-2 |" in de
    assert "| Krems: Sam Sauer (Kommunikationsstrategie) | Mahnung | d+1@10.12.2026 |" in de
    assert "| die ganze Runde | Tagesübersicht | 13.12.2026 | c@example.org |" in de
    assert "2026-12-" not in de
    en = artifacts.escalation_markdown(report, DeliveryReport(), translator("en"), reviewed)
    assert "| Runde 1 | Tulln: Rita Roth (Technical assessment) | reminder | d-2 |" in en
    assert "| the whole round | daily digest | 13 Dec 2026 | c@example.org |" in en
    text = artifacts.escalation_text(report, translator("de"), {7: "Tulln"})
    assert "(13.12.2026) an c@example.org" in text


def test_the_invitations_artifact_in_german_and_english() -> None:
    invited = [
        Invited(
            3,
            "r@example.org",
            "invited",
            reviewer="Rita Roth",
            municipality="Tulln",
            rubric="technical",
        ),
        Invited(4, "s@example.org", "skipped", "x"),
    ]
    delivery = DeliveryReport(sent=["a"])
    de = artifacts.invitations_markdown("Runde 1", invited, delivery, translator("de"))
    assert de.startswith("# Einladungen für Runde 1")
    # Who reviews which plan with which form, by name (walk10: the table named the review
    # by its internal number and the reviewer by the address only).
    assert "| Plan | Gutachter:in | Bewertungsbogen | Ergebnis | Grund |" in de
    assert "| Tulln | Rita Roth (r@example.org) | Technische Begutachtung | eingeladen |  |" in de
    assert "| s@example.org |  | übersprungen | x |" in de
    en = artifacts.invitations_markdown("Round 1", [], delivery, translator("en"))
    assert "_No approved assignment to invite._" in en and "1 sent, 0 cancelled" in en


def test_the_intake_table_says_what_is_missing_in_the_coordinators_words() -> None:
    outcome = IntakeOutcome(
        "plan.pdf",
        "Tulln",
        "registered",
        version=1,
        pages=12,
        language="de",
        media_type="application/pdf",
        completeness="8/9",
        findings=[{"kind": "check", "check": "financing", "present": False}],
    )
    (de,) = artifacts.intake_rows([outcome], translator("de"))
    assert de == {
        "Datei": "plan.pdf",
        "Gemeinde": "Tulln",
        "Status": "registriert",
        "Fassung": 1,
        "Umfang": "12 Seiten",
        "Sprache": "Deutsch",
        "Vollständigkeit": "8/9",
        "fehlt": "keine Finanzierung",
        "Probleme": "",
    }
    (en,) = artifacts.intake_rows([outcome], translator("en"))
    assert en["missing"] == "no financing" and en["length"] == "12 pages"
    assert en["language"] == "German" and en["status"] == "registered"
    assert artifacts.intake_description("R", [outcome], translator("de")) == (
        "Planeingang der Runde „R“: 1 eingelesen, 0 abgelehnt. Die Vollständigkeit ist ein "
        "automatischer Hinweis, keine Bewertung."
    )


def test_the_intake_table_says_why_a_file_was_refused_in_the_coordinators_words() -> None:
    # Found running a German round from the Prefect UI: the refusal of a file whose name
    # names no municipality read in English in an otherwise German table.
    refused = IntakeOutcome(
        "Sachstandsbericht_2017-2018.pdf",
        "?",
        "refused",
        error=NoMunicipality("Sachstandsbericht_2017-2018.pdf").phrase(),
    )
    (de,) = artifacts.intake_rows([refused], translator("de"))
    assert de["Probleme"].startswith(
        "Sachstandsbericht_2017-2018.pdf: Welcher Gemeinde gehört dieser Plan?"
    )
    # ... and names the Run form's field beside the command line's option.
    assert "(--municipality; im Run-Formular: Gemeinde)" in de["Probleme"]
    (en,) = artifacts.intake_rows([refused], translator("en"))
    assert "which municipality's plan is it?" in en["problems"]


def test_the_proposal_in_german_and_english() -> None:
    rows = [
        {"plan_id": p, "reviewer_id": r, "plan": "", "rubric": "", "reviewer": "",
         "reviewer's municipality": "", "affinity": 1.23456, "reasons": ""}
        for p in (1, 2) for r in (p, p + 10, p + 20)
    ]  # fmt: skip
    assert artifacts.proposal_sentence("optimal", 0, rows, translator("de")) == (
        "6 Gutachten für 2 Pläne (je 3) von 6 Gutachter:innen: die bestmögliche Zuteilung "
        "(nachweislich optimal)."
    )
    assert artifacts.proposal_sentence("feasible", 0.0125, rows[:5], translator("en")) == (
        "5 reviews for 2 plans (2 to 3 each) by 5 reviewers: the best found within the time "
        "budget, at most 1.25 % below the best possible."
    )
    (row, *_) = artifacts.proposal_rows(rows, translator("de"))
    assert row["Passung"] == "1,235" and row["plan_id"] == 1  # ids keep their names
    assert artifacts.no_assignment_markdown(["x"], translator("de")).startswith(
        "## Keine Zuteilung möglich"
    )


def test_a_controls_title_and_a_rounds_changes_in_the_rounds_language() -> None:
    de, en = translator("de"), translator("en")
    assert artifacts.control_title("extend-deadline", de) == "Frist verlängert"
    assert artifacts.control_title("extend-deadline", en) == "Deadline extended"
    assert artifacts.round_change_lines({"blind": (True, False)}, de) == ["verdeckt: ja -> nein"]
    assert artifacts.round_change_lines({}, en) == ["nothing to change"]


# ---------------------------------------------------------------------- the command line


@pytest.fixture
def cli(settings: Settings, no_locale: pytest.MonkeyPatch):
    no_locale.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
    no_locale.setenv("PEERPLAN_DATABASE_URL", settings.database_url)
    no_locale.setenv("PEERPLAN_SMTP_PORT", "1")  # nothing is sent: no assignment to invite

    def invoke(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())  # rich wraps long lines

    return invoke


def test_the_cli_speaks_a_german_rounds_german(cli) -> None:
    created = cli("round", "create", "Runde Nord", "--due", "2099-03-01")
    assert created == (
        "Runde „Runde Nord“ angelegt: 3 Gutachten je Plan, fällig am 01.03.2099, verdeckt (die "
        "Gemeinden erfahren nicht, wer ihren Plan begutachtet hat) Bewertungsbögen: Technische "
        "Begutachtung (mindestens 1 je Plan); Kommunikationsstrategie (mindestens 1 je Plan)"
    )
    updated = cli("round", "update", "Runde Nord", "--reviews-per-plan", "4")
    assert updated == "Runde „Runde Nord“: Gutachten je Plan: 3 -> 4"
    invited = cli("invite", "--round", "Runde Nord")
    assert invited == "0 eingeladen; Postausgang: 0 gesendet, 0 entfallen, 0 fehlgeschlagen"
    escalated = cli("escalate", "--round", "Runde Nord")
    assert escalated.startswith("Fristenlauf vom ") and "0 Nachrichten erzeugt" in escalated


def test_the_cli_speaks_an_english_rounds_english(cli) -> None:
    created = cli("round", "create", "North", "--due", "2099-03-01", "--language", "en", "--open")
    assert created == (
        "round 'North' created: 3 reviews per plan, due 1 Mar 2099, open (the municipalities "
        "learn who reviewed their plan) rubrics: Technical assessment (at least 1 per plan); "
        "Communication strategy (at least 1 per plan)"
    )
    updated = cli("round", "update", "North", "--final-deadline", "2099-04-01")
    assert updated == "round 'North': final deadline: 15 Mar 2099 -> 1 Apr 2099"
    invited = cli("invite", "--round", "North")
    assert invited == "0 invited; outbox: 0 sent, 0 cancelled, 0 failed"
    escalated = cli("escalate", "--round", "North")
    assert escalated.startswith("deadline run of ") and "0 messages queued" in escalated


def test_a_round_changed_to_english_answers_in_english(cli) -> None:
    cli("round", "create", "Runde Süd", "--due", "2099-03-01")
    changed = cli("round", "update", "Runde Süd", "--language", "en")
    assert changed == "round 'Runde Süd': language: de -> en"


def test_without_a_round_the_installations_language(
    cli, no_locale: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    def no_files() -> str:
        result = runner.invoke(app, ["intake", str(empty), "--round", "any"])
        assert result.exit_code == 1
        return " ".join(result.output.split())

    assert no_files().startswith("keine Dateien gefunden in")  # no locale, no setting
    no_locale.setenv("LANG", "en_GB.UTF-8")
    assert no_files().startswith("no files found in")
    no_locale.setenv("PEERPLAN_LANGUAGE", "de")  # the setting beats the system locale
    assert no_files().startswith("keine Dateien gefunden in")
    assert cli("escalate").startswith("Fristenlauf vom ")  # every round: no one round's


def test_the_documents_table_names_the_rubrics_by_their_titles() -> None:
    # The compile's table read "communication 60,0, technical 75,0" in a German round.
    report = SimpleNamespace(
        plan_id=7,
        municipality="Tulln",
        outcome="stark",
        outcome_id="strong",
        totals={"technical": 75.0, "communication": None},
        flags=0,
        extra_review=False,
        municipality_docx="/tmp/m.docx",
        coordinator_docx="/tmp/c.docx",
    )
    [german] = artifacts.compile_rows([report], translator("de"))
    assert german["Summen"] == "Technische Begutachtung 75,0, Kommunikationsstrategie –"
    [english] = artifacts.compile_rows([report], translator("en"))
    assert english["totals"] == "Technical assessment 75.0, Communication strategy –"
