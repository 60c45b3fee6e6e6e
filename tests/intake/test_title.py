"""A plan's title from its file's metadata: never a file name or a printer's label."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from review.config import Settings
from review.intake import read_document, take_in
from review.intake.register import PlanFile
from review.intake.title import plan_title
from review.models import Plan
from tests.support.factories import make_municipality, make_round


@pytest.mark.parametrize(
    "metadata",
    [
        "Microsoft Word - Bericht_2017_07_12.docx",
        "Microsoft Word - V_0021_2019_Sachstandsbericht 2017-2018_Anlage 1.docx",
        "Klimaschutzkonzept_final_v3.pdf",
        "Unbenannt",
        "Dokument1",
        "  ",
        None,
        # Words that fit any plan: the real Climate City Contracts all carry the first.
        "held-out action plan",
        "Action Plan",
        "Action Plan - Draft v2",
        "Template",
        "Vorlage Aktionsplan",
        "Aktionsplan_final",
        "Entwurf",
    ],
)
def test_a_file_name_or_placeholder_is_no_title(metadata: str | None) -> None:
    assert plan_title(metadata) == ""


def test_a_written_title_stays_and_loses_only_the_printers_label() -> None:
    assert plan_title("Integriertes  Klimaschutzkonzept\nMünster") == (
        "Integriertes Klimaschutzkonzept Münster"
    )
    assert plan_title("Microsoft Word - Klimaschutzkonzept 2030") == "Klimaschutzkonzept 2030"
    assert plan_title("Climate City Contract: Action Plan") == "Climate City Contract: Action Plan"
    # A word of its own makes words that fit any plan a title.
    assert plan_title("Climate Action Plan") == "Climate Action Plan"
    assert plan_title("Aktionsplan Klimaschutz 2030") == "Aktionsplan Klimaschutz 2030"
    assert plan_title("Action plan of the City of Lahti") == "Action plan of the City of Lahti"


@pytest.mark.realdata
@pytest.mark.parametrize("name", ["ccc/Lahti-ccc.docx", "ccc/Oslo-ccc.pdf"])
def test_the_real_contracts_placeholder_title_is_no_title(
    real_plans: Path, settings: Settings, name: str
) -> None:
    # Every Climate City Contract of the real plans says "held-out action plan" in its metadata
    # (DOCX core properties, PDF info); shown as each plan's title it named all 30 the same.
    doc = read_document((real_plans / name).read_bytes(), Path(name).name, settings)
    assert doc.meta["title"] == "held-out action plan"
    assert PlanFile.of(doc, "stored").title == ""


@pytest.mark.realdata
def test_muensters_real_report_is_titled_by_its_municipality_in_the_invitation(
    real_plans: Path, settings: Settings, session: Session
) -> None:
    # The real PDF's metadata says "Microsoft Word - Bericht_2017_07_12.docx"; reviewers were
    # invited to review a plan of that name.
    round_ = make_round(session)
    make_municipality(session, round_, "Münster")
    session.commit()
    name = "Klimabilanz_2015_Bericht_2017_07_12.pdf"
    outcome = take_in(
        session,
        settings,
        round_=round_,
        data=(real_plans / name).read_bytes(),
        file_name=name,
        municipality="Münster",
        actor="koordination",
    )
    session.commit()
    plan = session.get(Plan, outcome.plan_id)
    assert plan is not None and plan.title == ""
