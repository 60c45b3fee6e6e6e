"""`peerplan round create`, `import` and `status` as a coordinator uses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from review.cli import app
from review.config import Settings
from review.db import get_engine
from review.models import Municipality, Outbox, Reviewer, Round
from tests.support.factories import make_municipality, make_plan

runner = CliRunner()

HEADER = "kind,name,municipality,email,country,language,languages,role,expertise,min_load,max_load,keywords"
GOOD = [
    "municipality,Tulln,,umwelt@tulln.example,AT,de,,follower,,,,",
    "municipality,Bristol,,energy@bristol.example,GB,en,,frontrunner,,,,",
    "reviewer,Anna Berger,Tulln,anna.berger@tulln.example,,de,de;en,,technical,1,2,Wärmeplanung PV",
    "reviewer,Sam Jones,Bristol,sam.jones@bristol.example,,en,en,,communication;technical,0,3,participation",
]


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PEERPLAN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("PEERPLAN_DATABASE_URL", settings.database_url)

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    return invoke


def _csv(tmp_path: Path, lines: list[str], name: str = "participants.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _count(settings: Settings, model) -> int:
    with Session(get_engine(settings)) as session:
        return len(session.exec(select(model)).all())


def test_round_create_and_status_json(cli, tmp_path: Path, settings: Settings) -> None:
    assert cli("round", "create", "MULTIPLY AT", "--due", "2026-12-15").exit_code == 0
    duplicate = cli("round", "create", "MULTIPLY AT")
    assert duplicate.exit_code == 2 and "„MULTIPLY AT“ gibt es bereits" in duplicate.output
    assert cli("import", str(_csv(tmp_path, GOOD)), "--round", "MULTIPLY AT").exit_code == 0
    result = cli("status", "--round", "MULTIPLY AT", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["plans"] == []
    assert data["assignments"]["proposed"] == 0 and "submitted" in data["assignments"]
    assert data["round"]["due_date"] == "2026-12-15"


def test_status_names_the_messages_states_in_the_rounds_language(cli, settings: Settings) -> None:
    assert cli("round", "create", "Runde Süd", "--due", "2027-01-15").exit_code == 0
    with Session(get_engine(settings)) as session:
        round_ = session.exec(select(Round)).one()
        for n, status in enumerate(("sent", "sent", "pending")):
            session.add(
                Outbox(
                    key=f"k{n}",
                    round_id=round_.id,
                    kind="invitation",
                    recipient="r@example.org",
                    subject="Einladung",
                    body="...",
                    message_id=f"<m{n}@peerplan>",
                    status=status,
                )
            )
        session.commit()
    said = " ".join(cli("status", "--round", "Runde Süd").output.split())
    assert "Nachrichten: wartend 1, verschickt 2" in said, said  # was 'pending 1, sent 2'


LONG_NAME = "Landkreis Darmstadt-Dieburg (Verwaltungsgemeinschaft Nord)"


def test_status_and_outbox_read_whole_in_80_columns(
    cli, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The German walkthrough of session 8: `peerplan status` cut a long municipality's name
    ('Landkreis Darmstadt-Di…') and each line of `peerplan outbox` ran past 80 columns and
    wrapped. Both are tables folded as the other commands' tables are."""
    monkeypatch.setenv("COLUMNS", "80")
    assert cli("round", "create", "Runde Süd", "--due", "2027-01-15").exit_code == 0
    with Session(get_engine(settings)) as session:
        round_ = session.exec(select(Round)).one()
        municipality = make_municipality(session, round_, LONG_NAME)
        make_plan(session, round_, municipality, title="Klimaschutzkonzept")
        session.add(
            Outbox(
                key="invitation_list:r1:a16",
                round_id=round_.id,
                kind="invitation_list",
                recipient="maximilian.mustermann-schulze@verwaltungsgemeinschaft-nord.example",
                subject="Einladung",
                body="...",
                message_id="<m1@peerplan>",
                last_error="ConnectionRefusedError: [Errno 111] Connection refused",
                attempts=1,
            )
        )
        session.commit()

    status = cli("status", "--round", "Runde Süd").output
    outbox = cli("outbox", "--round", "Runde Süd").output
    for shown in (status, outbox):
        assert "…" not in shown, shown
        assert max(len(line) for line in shown.splitlines()) <= 80, shown
    assert all(word in status.split() for word in LONG_NAME.split()), status
    assert "Runde „Runde Süd“: Pläne" in status  # not 'Runde Runde Süd: Pläne'
    # A message by its subject, not the outbox's key; its error on a line under it.
    lines = [line.strip() for line in outbox.splitlines()]
    assert "invitation_list" not in outbox
    assert lines[lines.index("„Einladung“") + 1].startswith(
        "Versuche=1 Fehler: ConnectionRefusedError"
    )


def test_reimport_updates_and_never_duplicates(cli, tmp_path: Path, settings: Settings) -> None:
    cli("round", "create", "R", "--language", "en")  # an English round: English lines
    first = cli("import", str(_csv(tmp_path, GOOD)), "--round", "R")
    assert "municipalitys" not in first.output and "2 created" in first.output
    changed = [*GOOD[:3], GOOD[3].replace("0,3,participation", "1,4,participation")]
    second = cli("import", str(_csv(tmp_path, changed)), "--round", "R")
    assert second.exit_code == 0
    assert "reviewers: 0 created, 1 updated, 1 unchanged" in second.output
    assert _count(settings, Municipality) == 2 and _count(settings, Reviewer) == 2
    with Session(get_engine(settings)) as session:
        sam = session.exec(
            select(Reviewer).where(Reviewer.email == "sam.jones@bristol.example")
        ).one()
        assert (sam.min_load, sam.max_load, sam.expertise) == (1, 4, ["communication", "technical"])


def test_bad_rows_are_named_and_nothing_is_written(cli, tmp_path: Path, settings: Settings) -> None:
    cli("round", "create", "R")
    bad = [
        *GOOD,
        "reviewer,No Mail,Tulln,not-an-email,,de,de,,technical,0,2,",
        "reviewer,Lost Soul,Atlantis,lost@example.org,,de,de,,technical,0,2,",
        "reviewer,Too Busy,Tulln,busy@example.org,,de,de,,technical,5,2,",
        "reviewer,Wrong Skill,Tulln,skill@example.org,,de,de,,juggling,0,2,",
        "mayor,Someone,,,,,,,,,,",
    ]
    result = cli("import", str(_csv(tmp_path, bad)), "--round", "R")
    assert result.exit_code == 2
    output = " ".join(result.output.split())  # the round's language: German
    assert "participants.csv: 5 Probleme, nichts importiert:" in output
    assert "Zeile 6: „not-an-email“ ist keine E-Mail-Adresse" in output
    assert "Zeile 7: die Gemeinde „Atlantis“ ist weder in der Datei noch in der Runde" in output
    assert "Zeile 8: min_load 5 ist größer als max_load 2" in output
    assert "Zeile 9: expertise ['juggling'] ist kein Bewertungsbogen" in output
    assert "Zeile 10: kind muss „municipality“ oder „reviewer“ sein, nicht „mayor“" in output
    assert _count(settings, Municipality) == 0 and _count(settings, Reviewer) == 0
    cli("round", "create", "E", "--language", "en")
    output = " ".join(cli("import", str(_csv(tmp_path, bad)), "--round", "E").output.split())
    assert "row 6: email 'not-an-email' is not an email address" in output
    assert "row 7: municipality 'Atlantis' is neither in the file nor in the round" in output
    assert "row 8: min_load 5 is above max_load 2" in output
    assert "row 9: expertise ['juggling'] is not a rubric" in output
    assert "row 10: kind must be 'municipality' or 'reviewer'" in output
    assert "nothing imported" in output


def test_pydantics_problems_with_a_row_are_said_in_the_rounds_language(cli, tmp_path: Path) -> None:
    cli("round", "create", "R")
    bad = [
        *GOOD,
        "reviewer,,Tulln,x@tulln.example,,de,de,,technical,0,2,",
        "reviewer,Kim Weber,Tulln,kim@tulln.example,,de,de,,technical,zwei,2,",
        "municipality,Linz,,,AT,de,,mayor,,,,",
        "reviewer,Eve Roth,Tulln,eve@tulln.example,,de,de,,technical,-1,2,",
    ]
    german = " ".join(cli("import", str(_csv(tmp_path, bad)), "--round", "R").output.split())
    assert "Zeile 6: name: fehlt, ist aber erforderlich" in german
    assert "Zeile 7: min_load: muss eine ganze Zahl sein" in german
    assert "Zeile 8: role: muss 'frontrunner', 'follower' oder 'special-award' sein" in german
    assert "Zeile 9: min_load: muss mindestens 0 sein" in german
    cli("round", "create", "E", "--language", "en")
    english = " ".join(cli("import", str(_csv(tmp_path, bad)), "--round", "E").output.split())
    assert "row 6: name: Field required" in english
    assert "row 7: min_load: Input should be a valid integer, unable to parse string" in english
    assert "row 8: role: Input should be 'frontrunner', 'follower' or 'special-award'" in english


def test_xlsx_import(cli, tmp_path: Path, settings: Settings) -> None:
    cli("round", "create", "R")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for line in GOOD:
        sheet.append([int(v) if v.isdigit() else (v or None) for v in line.split(",")])
    path = tmp_path / "participants.xlsx"
    workbook.save(path)
    result = cli("import", str(path), "--round", "R")
    assert result.exit_code == 0, result.output
    assert _count(settings, Reviewer) == 2


def test_unknown_round_names_the_known_ones(cli, tmp_path: Path) -> None:
    cli("round", "create", "Spring")
    result = cli("import", str(_csv(tmp_path, GOOD)), "--round", "Autumn")
    assert result.exit_code == 2
    assert "keine Runde namens „Autumn“. Vorhandene Runden: Spring." in result.output


def test_round_create_refuses_impossible_and_past_dates(cli, settings: Settings) -> None:
    impossible = cli("round", "create", "Runde A", "--due", "2026-13-40")
    assert impossible.exit_code == 2
    assert "die Frist „2026-13-40“ ist kein Kalenderdatum der Form JJJJ-MM-TT" in impossible.output
    assert "Traceback" not in impossible.output
    past = cli("round", "create", "Runde A", "--due", "2020-01-15")
    assert past.exit_code == 2 and "die Frist 15.01.2020 liegt in der Vergangenheit" in past.output
    assert "--allow-past" in past.output
    confirmed = cli("round", "create", "Runde A", "--due", "2020-01-15", "--allow-past")
    assert confirmed.exit_code == 0, confirmed.output


def test_a_date_is_taken_as_german_writes_it_too(cli, settings: Settings) -> None:
    # A German coordinator types 'peerplan coordinator extend --due 29.01.2027'.
    german = cli("round", "create", "Runde D", "--due", "15.01.2099")
    assert german.exit_code == 0, german.output
    assert "fällig am 15.01.2099" in " ".join(german.output.split())
    impossible = cli("round", "create", "Runde E", "--due", "31.02.2099")
    assert impossible.exit_code == 2 and "kein Kalenderdatum" in impossible.output


def test_round_update_changes_settings_and_says_what_changed(cli, settings: Settings) -> None:
    assert cli("round", "create", "Runde B", "--due", "2099-03-01").exit_code == 0
    result = cli(
        "round", "update", "Runde B", "--open", "--final-deadline", "2099-04-01",
        "--coordinator-name", "Petra Lang",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # A German round: the changes in German, dates as Germans write them.
    assert "verdeckt: ja -> nein" in result.output
    assert "letzte Frist: 15.03.2099 -> 01.04.2099" in result.output
    with Session(get_engine(settings)) as session:
        round_ = session.exec(select(Round).where(Round.name == "Runde B")).one()
        assert (round_.blind, round_.coordinator_name) == (False, "Petra Lang")
    again = cli("round", "update", "Runde B", "--open")
    assert again.exit_code == 0 and "nichts zu ändern" in again.output
    early = cli("round", "update", "Runde B", "--final-deadline", "2099-02-01")
    assert early.exit_code == 2
    assert "die letzte Frist 01.02.2099 liegt vor der Frist der Runde 01.03.2099" in early.output
    missing = cli("round", "update", "Runde X", "--open")
    assert missing.exit_code == 2 and "keine Runde namens „Runde X“" in missing.output


def test_salutation_column_greets_by_title(cli, tmp_path: Path, settings: Settings) -> None:
    cli("round", "create", "R")
    path = tmp_path / "participants.csv"
    path.write_text(
        f"{HEADER},salutation\n"
        + "\n".join(f"{line},{s}" for line, s in zip(GOOD, ["", "", "Frau", ""], strict=True))
        + "\nreviewer,Kim Lee,Tulln,kim@tulln.example,,de,de,,technical,0,2,,Dr.\n",
        encoding="utf-8",
    )
    refused = cli("import", str(path), "--round", "R")
    assert refused.exit_code == 2  # said in the round's language
    assert "Zeile 6: salutation: Anrede „Dr.“ unbekannt" in refused.output
    path.write_text("\n".join(path.read_text(encoding="utf-8").splitlines()[:-1]) + "\n")
    assert cli("import", str(path), "--round", "R").exit_code == 0
    with Session(get_engine(settings)) as session:
        people = {r.name: r.salutation for r in session.exec(select(Reviewer))}
    assert people == {"Anna Berger": "ms", "Sam Jones": None}
