"""A round of Climate City Contracts with their rubric, as its reviewers meet it: the web form
and the Word form in both languages, and the intake's hints without a risk and vulnerability
assessment no CCC need hold (a SECAP round's reviewer still reads that it was not found)."""

from __future__ import annotations

import io
import re

import docx
from sqlmodel import Session

from review.config import Settings
from review.eligibility import gate_label
from review.models import Assignment, Document, Plan
from review.queries import latest_document
from review.reviewing.links import issue_upload_link
from review.reviewing.offline import build_word_form
from review.reviewing.uploads import apply_word_form
from review.rubric import load_rubrics
from tests.support import plan_files
from tests.support.factories import make_municipality, make_round
from tests.support.findings import findings_lacking
from tests.support.portal_client import CSRF, client_for
from tests.support.reviewing_data import invited_assignment
from tests.support.word_form import fill

CCC = "climate-city-contract"
RVA = "Risk and vulnerability assessment (RVA)"


def _ccc_assignment(session: Session, settings: Settings):
    round_ = make_round(session, language="en", min_per_rubric={CCC: 2}, reviews_per_plan=2)
    return invited_assignment(session, settings, round_=round_, rubric=CCC)


def _plan_lacks(session: Session, assignment_id: int, absent: set[str]) -> None:
    assignment = session.get(Assignment, assignment_id)
    plan = session.get(Plan, assignment.plan_id)
    document: Document = latest_document(session, plan.id)
    document.findings = findings_lacking(absent)
    session.add(document)
    session.commit()


def test_the_web_form_asks_the_ccc_criteria_in_both_languages(
    sqlite_settings: Settings, session_sqlite: Session
) -> None:
    inv = _ccc_assignment(session_sqlite, sqlite_settings)
    client = client_for(sqlite_settings)
    base = f"/r/{inv.token}/a/{inv.assignment_id}"
    english = client.get(f"{base}?lang=en").text
    german = client.get(f"{base}?lang=de").text
    for text in ("Baseline emissions inventory", "Portfolio of actions by sector", "Funding"):
        assert text in english
    for text in ("Emissionsinventar des Ausgangsjahres", "Maßnahmenportfolio nach Sektoren"):
        assert text in german
    assert "Klimastadtvertrag" in german and "Climate City Contract" in english


def test_the_findings_of_a_ccc_round_say_nothing_of_a_risk_assessment(
    sqlite_settings: Settings, session_sqlite: Session
) -> None:
    inv = _ccc_assignment(session_sqlite, sqlite_settings)
    secap = invited_assignment(session_sqlite, sqlite_settings)  # the standard rubrics' round
    for assignment_id in (inv.assignment_id, secap.assignment_id):
        _plan_lacks(session_sqlite, assignment_id, {"risk_vulnerability", "financing"})
    client = client_for(sqlite_settings)
    ccc_page = client.get(f"/r/{inv.token}/a/{inv.assignment_id}/findings?lang=en").text
    secap_page = client.get(f"/r/{secap.token}/a/{secap.assignment_id}/findings?lang=en").text
    assert RVA not in ccc_page and "Financing and resources" in ccc_page
    assert RVA in secap_page
    # The form's link counts the hints the page lists: 8 of the 9 checks in the CCC round.
    form = client.get(f"/r/{inv.token}/a/{inv.assignment_id}?lang=en").text
    assert "See the automatic hints</a> (8)" in " ".join(form.split())


def test_the_word_form_of_the_ccc_rubric_is_filled_in_and_read_back(
    sqlite_settings: Settings, session_sqlite: Session
) -> None:
    inv = _ccc_assignment(session_sqlite, sqlite_settings)
    assignment = session_sqlite.get(Assignment, inv.assignment_id)
    rubric = load_rubrics()[CCC]
    for language, title in (("de", "Klimastadtvertrag"), ("en", "Climate City Contract")):
        form = build_word_form(session_sqlite, assignment, language)
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(form)).paragraphs)
        assert title in text
        for criterion in rubric.criteria:
            assert f"{criterion.id} · {criterion.title(language)}" in text
    answers = {f"score:{c.id}": "3" for c in rubric.criteria}
    answers |= {f"comment:{c.id}": f"Comment on {c.id}" for c in rubric.criteria}
    answers |= {"strengths": "Clear pathways", "weaknesses": "-", "recommendations": "-"}
    filled = fill(build_word_form(session_sqlite, assignment, "en"), answers)
    review = apply_word_form(
        session_sqlite, sqlite_settings, assignment, filled, submit=True, actor="reviewer"
    )
    session_sqlite.commit()
    assert review.scores == {c.id: 3 for c in rubric.criteria}


def test_a_city_uploading_its_ccc_is_not_told_it_lacks_a_risk_assessment(
    session: Session, settings: Settings
) -> None:
    """The municipality's upload page lists the intake's hints: in a CCC round no 'not found'
    beside an assessment the plan need not hold, in a SECAP round still."""
    pages = {}
    for name, rubrics in (("CCC", {CCC: 2}), ("SECAP", None)):
        round_ = make_round(session, language="en", min_per_rubric=rubrics, reviews_per_plan=2)
        city = make_municipality(session, round_, "Exampleton", language="en")
        token = issue_upload_link(session, city)
        session.commit()
        client = client_for(settings)
        csrf = CSRF.search(client.get(f"/m/{token}?lang=en").text).group(1)
        plan = plan_files.plan_docx(plan_files.PLAN_CCC)
        media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        page = client.post(
            f"/m/{token}?lang=en",
            data={"csrf": csrf, "lang": "en"},
            files={"file": ("ccc.docx", plan, media)},
        )
        assert page.status_code == 200, page.text
        pages[name] = page.text
    assert RVA not in pages["CCC"] and "Mitigation actions" in pages["CCC"]
    assert RVA in pages["SECAP"]


def _word_keys(form: bytes) -> list[str]:
    """The eligibility keys of a Word form's answer rows, in their order."""
    document = docx.Document(io.BytesIO(form))
    cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
    return [key for text in cells for key in re.findall(r"\[elig:(\w+)\]", text)]


def test_a_ccc_reviewer_is_asked_only_the_gates_its_rubric_names(
    sqlite_settings: Settings, session_sqlite: Session
) -> None:
    """A CCC need not hold a risk and vulnerability assessment nor an adaptation commitment: its
    reviewers are not asked about them, on the web or in Word, in either language. A SECAP
    round's reviewers are asked all five JRC gates as before, in the same order."""
    inv = _ccc_assignment(session_sqlite, sqlite_settings)
    secap = invited_assignment(session_sqlite, sqlite_settings)
    client = client_for(sqlite_settings)
    asked = ["council_approval", "bei_sectors", "action_sectors"]
    every = ["council_approval", "targets", "bei_rva", "bei_sectors", "action_sectors"]
    for language in ("en", "de"):
        ccc_page = client.get(f"/r/{inv.token}/a/{inv.assignment_id}?lang={language}").text
        secap_page = client.get(f"/r/{secap.token}/a/{secap.assignment_id}?lang={language}").text
        assert re.findall(r'name="elig-(\w+)" id="elig-\w+-yes"', ccc_page) == asked
        assert re.findall(r'name="elig-(\w+)" id="elig-\w+-yes"', secap_page) == every
        for gate in ("bei_rva", "targets"):
            assert gate_label(gate, language) not in ccc_page
            assert gate_label(gate, language) in secap_page
        ccc_form = build_word_form(
            session_sqlite, session_sqlite.get(Assignment, inv.assignment_id), language
        )
        secap_form = build_word_form(
            session_sqlite, session_sqlite.get(Assignment, secap.assignment_id), language
        )
        assert _word_keys(ccc_form) == asked and _word_keys(secap_form) == every
        ccc_text = "\n".join(
            c.text
            for t in docx.Document(io.BytesIO(ccc_form)).tables
            for r in t.rows
            for c in r.cells
        )
        assert gate_label("bei_rva", language) not in ccc_text
