"""`peerplan intake`: folders, manifests, exit codes, the summary and --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from sqlmodel import Session, select
from typer.testing import CliRunner

from review.cli import app
from review.cli.intake import summary_table, warnings_since, what_is_missing
from review.config import Settings
from review.db import get_engine
from review.i18n import translator
from review.intake import IntakeOutcome
from review.intake.errors import AmbiguousMunicipalityName
from review.models import Document, Plan
from review.municipality_names import MunicipalityNames, municipality_from_file_name
from tests.support import plan_files
from tests.support.factories import make_municipality, make_round

runner = CliRunner()


@pytest.fixture
def cli_env(sqlite_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(sqlite_settings.data_dir))
    monkeypatch.delenv("PEERPLAN_DATABASE_URL", raising=False)
    with Session(get_engine(sqlite_settings)) as session:
        round_ = make_round(session, name="R1")
        for name in ("Musterstadt", "Exampleton"):
            make_municipality(session, round_, name)
        session.commit()
    return sqlite_settings


def test_manifest_run_registers_and_a_rerun_adds_nothing(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "de.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    (tmp_path / "en.docx").write_bytes(plan_files.plan_docx(plan_files.PLAN_EN))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,municipality\nde.pdf,Musterstadt\nen.docx,Exampleton\n")

    first = runner.invoke(app, ["intake", str(manifest), "--round", "R1", "--workers", "1"])
    assert first.exit_code == 0, first.output
    assert "2 registriert" in first.output and "0 abgelehnt" in first.output  # a German round
    assert "2 Dateien: 2 registriert, 0 neue Fassungen," in " ".join(first.output.split())
    second = runner.invoke(
        app, ["intake", str(manifest), "--round", "R1", "--json", "--workers", "1"]
    )
    assert second.exit_code == 0
    outcomes = json.loads(second.stdout)
    assert [(o["file_name"], o["status"]) for o in outcomes] == [
        ("de.pdf", "unchanged"),
        ("en.docx", "unchanged"),
    ]
    assert outcomes[1]["language"] == "en" and outcomes[0]["pages"] == 4
    # The documented schema (docs/intake-json.md): the plan's own target with its evidence.
    target = next(f for f in outcomes[1]["findings"] if f["check"] == "target")
    assert target["headline"]["kind"] == "reduction"
    assert (target["headline"]["percent"], target["headline"]["target_year"]) == (55.0, 2030)
    assert target["headline"]["base_year"] == 1990
    assert target["headline"]["evidence"]["paragraph"] == 3
    assert "own target: −55 % by 2030 against 1990" in target["summary"]["en"]
    inventory = next(f for f in outcomes[0]["findings"] if f["check"] == "inventory")
    assert inventory["base_year"] == 2019 and inventory["evidence"][0]["page"] == 2
    assert outcomes[0]["missing"] == {"de": "nichts", "en": "nothing"}
    with Session(get_engine(cli_env)) as session:
        assert len(session.exec(select(Document)).all()) == 2
        assert len(session.exec(select(Plan)).all()) == 2


@pytest.mark.slow  # starts two reading processes
def test_any_refusal_gives_exit_1_with_the_reason(cli_env: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "eingang"
    folder.mkdir()
    (folder / "Musterstadt.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    (folder / "Exampleton.pdf").write_bytes(plan_files.HTML_PAGE)
    (folder / "Irgendwo.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_EN))
    result = runner.invoke(app, ["intake", str(folder), "--round", "R1", "--workers", "2"])
    assert result.exit_code == 1
    out = " ".join(result.output.split())
    # Refusals in the round's language (German here), each saying what to do.
    assert "Exampleton.pdf ist eine HTML-Seite" in out, out
    assert "Irgendwo.pdf: Welcher Gemeinde gehört dieser Plan?" in out, out
    assert "which municipality" not in out
    assert "1 registriert" in out and "2 abgelehnt" in out  # the round's German


@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("de", "1 Datei: 0 registriert, 1 neue Fassung, 0 unverändert, 0 abgelehnt."),
        ("en", "1 file: 0 registered, 1 new version, 0 unchanged, 0 refused."),
    ],
)
def test_the_summary_line_counts_in_words_not_in_brackets(
    cli_env: Settings, tmp_path: Path, language: str, summary: str
) -> None:
    """The German walkthrough of session 8: "6 Datei(en): ... 0 neue Fassung(en)"; each count
    takes the plural its number needs, in the round's language."""
    with Session(get_engine(cli_env)) as session:
        round_ = make_round(session, name="R2", language=language)
        make_municipality(session, round_, "Musterstadt")
        session.commit()
    plan = tmp_path / "Musterstadt.pdf"
    plan.write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    runner.invoke(app, ["intake", str(plan), "--round", "R2", "--workers", "1"])
    plan.write_bytes(plan_files.text_pdf(plan_files.PLAN_EN))  # a new version
    result = runner.invoke(app, ["intake", str(plan), "--round", "R2", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert summary in " ".join(result.output.split())


def test_the_log_is_named_only_when_reading_warned(cli_env: Settings, tmp_path: Path) -> None:
    """A round of the 30 English CCC plans: "Reader warnings: <data dir>/peerplan.log" under
    every run, and the log held no warning; now the log is named with the number of warnings,
    when there are any."""
    plan = tmp_path / "Musterstadt.pdf"
    plan.write_bytes(plan_files.text_pdf(plan_files.PLAN_EN))
    result = runner.invoke(app, ["intake", str(plan), "--round", "R1", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "peerplan.log" not in result.output and "warning" not in result.output.lower()
    log = tmp_path / "peerplan.log"
    log.write_text("2026-12-01 20:05:38,576 INFO alembic.runtime.migration: Context impl.\n")
    start = log.stat().st_size
    with log.open("a") as out:
        out.write(
            "2026-12-01 20:06:01,001 WARNING pypdf._reader: incorrect startxref pointer(1)\n"
            "2026-12-01 20:06:02,002 ERROR review.intake: a reader failed\n"
            "Traceback (most recent call last):\n"
            '  File "x.py", line 1, in <module> WARNING\n'
            "2026-12-01 20:06:03,003 INFO review.intake: read\n"
        )
    assert warnings_since(log, start) == 2
    assert warnings_since(log, log.stat().st_size) == 0


def test_a_file_named_as_municipalities_send_it_finds_its_municipality(
    cli_env: Settings, tmp_path: Path
) -> None:
    # Real files carry more than the name: 'Klimaschutzkonzept_Musterstadt_2021.pdf',
    # 'exampleton-secap.docx'; a name holding two municipalities is refused, not guessed.
    folder = tmp_path / "eingang"
    folder.mkdir()
    pdf = plan_files.text_pdf(plan_files.PLAN_DE)
    (folder / "Klimaschutzkonzept_MUSTERSTADT_2021.pdf").write_bytes(pdf)
    (folder / "exampleton-secap.docx").write_bytes(plan_files.plan_docx(plan_files.PLAN_EN))
    (folder / "Musterstadt und Exampleton.pdf").write_bytes(pdf)
    result = runner.invoke(
        app, ["intake", str(folder), "--round", "R1", "--workers", "1", "--json"]
    )
    assert result.exit_code == 1
    outcomes = {o["file_name"]: o for o in json.loads(result.stdout)}
    assert outcomes["Klimaschutzkonzept_MUSTERSTADT_2021.pdf"]["municipality"] == "Musterstadt"
    assert outcomes["exampleton-secap.docx"]["municipality"] == "Exampleton"
    assert outcomes["exampleton-secap.docx"]["status"] == "registered"
    both = outcomes["Musterstadt und Exampleton.pdf"]
    assert both["status"] == "refused" and both["error_code"] == "ambiguous-municipality"
    assert "fits more than one municipality (Exampleton, Musterstadt)" in both["error"]


@pytest.mark.parametrize(
    ("file_name", "municipality"),
    [
        ("Münster.pdf", "Münster"),
        ("muenster plan.docx", "Münster"),
        ("bad_voeslau.docx", "Bad Vöslau"),
        ("Neustadt_an_der_Donau_SECAP.pdf", "Neustadt an der Donau"),
        ("Neustadt-2020.pdf", "Neustadt"),
        ("Münsterland.pdf", None),
        ("Münster-Neustadt.pdf", None),
        ("malmo-ccc.pdf", "Malmö"),
        ("sonderborg-ccc.docx", "Sønderborg"),
        ("Lodz-ccc.pdf", "Łódź"),
    ],
)
def test_the_municipality_a_file_name_names(file_name: str, municipality: str | None) -> None:
    names = ["Münster", "Neustadt", "Neustadt an der Donau", "Bad Vöslau", "Malmö", "Sønderborg"]
    names.append("Łódź")
    assert municipality_from_file_name(names, file_name) == municipality


@pytest.mark.parametrize(
    ("file_name", "municipality"),
    [
        ("darmstadt-dieburg.pdf", "Landkreis Darmstadt-Dieburg"),
        ("Landkreis_Darmstadt-Dieburg_KSK_2023.pdf", "Landkreis Darmstadt-Dieburg"),
        ("Darmstadt.pdf", "Wissenschaftsstadt Darmstadt"),
        ("KSK Darmstadt 2020.pdf", "Wissenschaftsstadt Darmstadt"),
        ("Stadt_Offenbach.pdf", "Stadt Offenbach"),
        ("Kreis Offenbach Klimaplan.pdf", "Kreis Offenbach"),
        ("offenbach.pdf", None),  # the city or the district: refused, not guessed
        ("exampleton-secap.docx", "City of Exampleton"),
        ("frankfurt_am_main.pdf", "Frankfurt am Main, Stadt"),
        ("muenchen.pdf", "Landeshauptstadt München"),
        ("Markt.pdf", None),  # a kind is no name
    ],
)
def test_a_file_name_may_leave_out_the_kind_of_place(
    file_name: str, municipality: str | None
) -> None:
    names = [
        "Landkreis Darmstadt-Dieburg",
        "Wissenschaftsstadt Darmstadt",
        "Stadt Offenbach",
        "Kreis Offenbach",
        "City of Exampleton",
        "Frankfurt am Main, Stadt",
        "Landeshauptstadt München",
    ]
    assert municipality_from_file_name(names, file_name) == municipality


def test_a_folder_of_real_file_names_is_matched_and_the_ambiguous_one_refused_with_why(
    cli_env: Settings, tmp_path: Path
) -> None:
    # A coordinator's folder of real plans: 'darmstadt-dieburg.pdf' was refused ("which
    # municipality's plan is it?") though the round has "Landkreis Darmstadt-Dieburg".
    with Session(get_engine(cli_env)) as session:
        round_ = make_round(session, name="Hessen", language="en")
        for name in ("Landkreis Darmstadt-Dieburg", "Stadt Offenbach", "Kreis Offenbach"):
            make_municipality(session, round_, name)
        session.commit()
    folder = tmp_path / "plaene"
    folder.mkdir()
    pdf = plan_files.text_pdf(plan_files.PLAN_DE)
    (folder / "darmstadt-dieburg.pdf").write_bytes(pdf)
    (folder / "offenbach.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_EN))
    result = runner.invoke(
        app, ["intake", str(folder), "--round", "Hessen", "--workers", "1", "--json"]
    )
    assert result.exit_code == 1
    outcomes = {o["file_name"]: o for o in json.loads(result.stdout)}
    taken = outcomes["darmstadt-dieburg.pdf"]
    assert (taken["status"], taken["municipality"]) == ("registered", "Landkreis Darmstadt-Dieburg")
    refused = outcomes["offenbach.pdf"]
    assert refused["status"] == "refused" and refused["error_code"] == "ambiguous-municipality"
    assert (
        "offenbach.pdf: its name fits more than one municipality (Kreis Offenbach, Stadt "
        "Offenbach). Name the file after one of them in full, give the municipality "
        "(--municipality; in the Run form: Municipality)"
    ) in refused["error"]


def test_unknown_round_is_a_clear_error(cli_env: Settings, tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    result = runner.invoke(app, ["intake", str(tmp_path), "--round", "Nope"])
    assert result.exit_code == 2
    assert "keine Runde namens „Nope“. Vorhandene Runden: R1." in result.output  # no locale: German


def test_create_municipality_flag(cli_env: Settings, tmp_path: Path) -> None:
    plan = tmp_path / "a.pdf"
    plan.write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    refused = runner.invoke(
        app, ["intake", str(plan), "--round", "R1", "--municipality", "Neudorf"]
    )
    assert refused.exit_code == 1 and "--create-municipality" in " ".join(refused.output.split())
    created = runner.invoke(
        app,
        [
            "intake",
            str(plan),
            "--round",
            "R1",
            "--municipality",
            "Neudorf",
            "--create-municipality",
        ],
    )
    assert created.exit_code == 0, created.output


def test_a_manifest_without_its_columns_is_a_clear_error(cli_env: Settings, tmp_path: Path) -> None:
    manifest = tmp_path / "liste.csv"
    manifest.write_text("datei;kommune\na.pdf;Musterstadt\n")
    result = runner.invoke(app, ["intake", str(manifest), "--round", "R1"])
    assert result.exit_code == 2
    # a German round: its coordinator reads German
    assert "ein Manifest braucht die Spalten file, municipality" in " ".join(result.output.split())


def test_a_word_plan_is_measured_in_paragraphs_and_its_gaps_are_named(
    cli_env: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # python-docx (like many tools) saves its template's "<Pages>1</Pages>": not a page count.
    # The console measured the terminal when the CLI was imported: widen it for this table.
    from review.cli.app import console

    monkeypatch.setattr(console, "width", 300)
    (tmp_path / "en.docx").write_bytes(plan_files.plan_docx(plan_files.PLAN_EN))
    (tmp_path / "de.pdf").write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("file,municipality\nen.docx,Exampleton\nde.pdf,Musterstadt\n")

    intake = runner.invoke(app, ["intake", str(manifest), "--round", "R1", "--workers", "1"])
    assert intake.exit_code == 0, intake.output
    lines = intake.output.splitlines()

    def row_of(file: str) -> str:  # the row above the line naming its file
        return lines[next(i for i, line in enumerate(lines) if line.strip() == file) - 1]

    assert "Absätze" in row_of("en.docx") and "Seite" not in row_of("en.docx")  # German round
    assert "4 Seiten" in row_of("de.pdf")

    status = runner.invoke(app, ["status", "--round", "R1", "--json"])
    plans = {p["municipality"]: p for p in json.loads(status.stdout)["plans"]}
    assert plans["Exampleton"]["length"].endswith(" paragraphs")
    assert plans["Musterstadt"]["length"] == "4 pages"


def test_the_summary_says_what_a_plan_lacks_beside_its_count() -> None:
    checks = [
        {"kind": "check", "check": "financing", "present": False},
        {"kind": "check", "check": "target", "present": True},
    ]
    outcome = IntakeOutcome("a.pdf", "A", "registered", completeness="1/2", findings=checks)
    for language, gap in (("en", "no financing"), ("de", "keine Finanzierung")):
        table = summary_table([outcome], translator(language))
        assert [str(c) for c in table.rows[0][0][::3]] == ["A", "1/2"], table.rows
        # said whole under the table: in a cell of an 80-column table it broke every 7 letters
        assert what_is_missing([outcome], translator(language)) == [f"A (1/2): {gap}"]


def test_a_refused_file_shows_no_error_code_in_the_table() -> None:
    """Its reason is said under the table; 'unsupported' in the completeness column was the
    machine's word, in English in a German round."""
    outcome = IntakeOutcome("a.txt", "A", "refused", error_code="unsupported")
    console = Console(width=80, record=True)
    console.print(summary_table([outcome], translator("de")))
    shown = console.export_text()
    assert "unsupported" not in shown and "abgelehnt" in shown


def test_the_summary_reads_whole_words_in_80_columns() -> None:
    checks = [{"kind": "check", "check": "financing", "present": False}]
    outcome = IntakeOutcome(
        "Klimabilanz_2015_Bericht_2017_07_12.pdf",
        "Landkreis Darmstadt-Dieburg",
        "registered",
        version=1,
        completeness="5/9",
        findings=checks,
        pages=22,
        media_type="application/pdf",
        language="de",
    )
    for width in (80, 60):
        console = Console(width=width, record=True)
        console.print(summary_table([outcome], translator("de")))
        shown = console.export_text()
        for word in ("Gemeinde", "Vollständigkeit", "registriert", "Fassung", "Seiten", "5/9"):
            assert word in shown, shown
        assert max(len(line) for line in shown.splitlines()) <= width
        # the file's name whole, on the line under its row: in a column it folded mid-name
        lines = [line.rstrip() for line in shown.splitlines()]
        assert "    Klimabilanz_2015_Bericht_2017_07_12.pdf" in lines, shown
        if width == 80:
            assert "22 Seiten" in shown


@pytest.mark.parametrize(
    ("typed", "municipalities"),
    [
        ("Münster", ["Stadt Münster"]),
        ("muenster", ["Stadt Münster"]),
        ("Stadt Münster", ["Stadt Münster"]),
        ("Darmstadt-Dieburg", ["Landkreis Darmstadt-Dieburg"]),
        ("Offenbach", ["Kreis Offenbach", "Stadt Offenbach"]),
        ("Münster Land", []),  # a new name with a known one among its words is not that one
    ],
)
def test_a_typed_municipality_is_the_one_a_file_of_that_name_names(
    typed: str, municipalities: list[str]
) -> None:
    # walk10: the Run form refused 'Münster' while a file 'Münster.pdf' was matched to
    # "Stadt Münster".
    names = ["Stadt Münster", "Landkreis Darmstadt-Dieburg", "Stadt Offenbach", "Kreis Offenbach"]
    assert MunicipalityNames(names).named(typed) == municipalities
    if municipalities:  # the form and a file of that name agree
        assert municipality_from_file_name(names, f"{typed}.pdf") == (
            municipalities[0] if len(municipalities) == 1 else None
        )


def test_intake_takes_a_typed_municipality_as_its_file_name_and_refuses_an_ambiguous_one(
    cli_env: Settings, tmp_path: Path
) -> None:
    with Session(get_engine(cli_env)) as session:
        round_ = make_round(session, name="Westfalen", language="en")
        for name in ("Stadt Münster", "Stadt Offenbach", "Kreis Offenbach"):
            make_municipality(session, round_, name)
        session.commit()
    plan = tmp_path / "klimaplan.pdf"
    plan.write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    args = ["intake", str(plan), "--round", "Westfalen", "--workers", "1", "--json"]
    taken = runner.invoke(app, [*args, "--municipality", "Münster"])
    assert taken.exit_code == 0, taken.output
    (outcome,) = json.loads(taken.stdout)
    assert (outcome["status"], outcome["municipality"]) == ("registered", "Stadt Münster")
    # not a second "Münster" beside "Stadt Münster"
    created = runner.invoke(app, [*args, "--municipality", "Münster", "--create-municipality"])
    assert json.loads(created.stdout)[0]["municipality"] == "Stadt Münster"
    refused = runner.invoke(app, [*args, "--municipality", "Offenbach"])
    assert refused.exit_code == 1
    (outcome,) = json.loads(refused.stdout)
    assert outcome["error_code"] == "ambiguous-municipality"
    assert outcome["error"] == (
        "the municipality 'Offenbach' fits more than one of the round's (Kreis Offenbach, "
        "Stadt Offenbach): give one of them in full (--municipality; in the Run form: "
        "Municipality)"
    )
    german = AmbiguousMunicipalityName("Offenbach", ["Kreis Offenbach", "Stadt Offenbach"])
    assert german.text("de") == (
        "Der Gemeindename „Offenbach“ passt zu mehr als einer Gemeinde der Runde (Kreis Offenbach, "
        "Stadt Offenbach): Geben Sie eine davon vollständig an (--municipality; im "
        "Run-Formular: Gemeinde)"
    )
