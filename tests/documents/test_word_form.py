"""The offline Word form: generated, filled as a reviewer would, uploaded, stored; broken,
foreign and stale uploads are refused with messages that say what to do."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from sqlmodel import Session

from review.config import Settings
from review.documents.filled_form import parse_word_form
from review.documents.word_form import WordFormError, render_word_form
from review.models import Assignment
from review.reviewing.drafts import form_state, reviews, save_draft
from review.reviewing.errors import InvalidReview, StaleSave
from review.reviewing.form import ReviewInput, Seen
from review.reviewing.offline import build_word_form
from review.reviewing.uploads import apply_word_form
from review.rubric import load_rubrics
from tests.support.reviewing_data import invited_assignment
from tests.support.word_form import complete_answers, fill


def test_round_trip_stores_scores_and_comments(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    a = session.get(Assignment, inv.assignment_id)
    form = build_word_form(session, a, "de")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(form)).paragraphs)
    assert "Technische Begutachtung" in text and "Basis-Emissionsinventar" in text
    review = apply_word_form(
        session, settings, a, fill(form, complete_answers()), submit=True, actor="reviewer"
    )
    session.commit()
    assert review.status == "submitted" and review.source == "word"
    assert review.scores["T1"] == 4 and review.scores["T3"] is None and review.scores["T2"] == 2
    assert review.comments["T2"] == "Kommentar zu T2\nzweite Zeile"
    assert review.strengths == "Gute Bilanz" and review.eligibility == {"council_approval": True}
    assert a.status == "submitted"


def test_form_carries_the_saved_draft_and_its_state(
    session_sqlite: Session, sqlite_settings: Settings
) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    a = session_sqlite.get(Assignment, inv.assignment_id)
    save_draft(
        session_sqlite,
        a,
        ReviewInput(scores={"T1": "3"}, comments={"T1": "Online begonnen"}),
        seen_revision="0.0",
        actor="reviewer",
    )
    session_sqlite.commit()
    parsed = parse_word_form(build_word_form(session_sqlite, a, "en"))
    assert parsed.assignment_id == a.id and str(parsed.seen) == "1.1"
    assert parsed.data.scores["T1"] == "3" and parsed.data.comments["T1"] == "Online begonnen"


def test_errors_are_reported_by_criterion(
    session_sqlite: Session, sqlite_settings: Settings
) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    a = session_sqlite.get(Assignment, inv.assignment_id)
    answers = complete_answers() | {"score:T2": "7", "comment:T4": "", "score:T1": "n/a"}
    with pytest.raises(InvalidReview) as err:
        apply_word_form(
            session_sqlite,
            sqlite_settings,
            a,
            fill(build_word_form(session_sqlite, a, "en"), answers),
            submit=True,
            actor="reviewer",
        )
    assert set(err.value.errors) == {"score-T1", "score-T2", "comment-T4"}
    session_sqlite.rollback()
    assert reviews(session_sqlite, a) == []


def test_stale_upload_is_refused_and_newer_online_work_kept(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    a = session.get(Assignment, inv.assignment_id)
    form = build_word_form(session, a, "en")  # made before the online edit
    save_draft(
        session,
        a,
        ReviewInput(scores={"T1": "1"}, comments={"T1": "newer online"}),
        seen_revision="0.0",
        actor="reviewer",
    )
    session.commit()
    with pytest.raises(StaleSave) as err:
        apply_word_form(
            session, settings, a, fill(form, complete_answers()), submit=False, actor="reviewer"
        )
    session.rollback()
    assert "score-T1" in {d.field for d in err.value.differences}
    assert form_state(session, a).data.comments["T1"] == "newer online"


def test_foreign_and_broken_uploads_are_refused(
    session_sqlite: Session, sqlite_settings: Settings
) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    other = invited_assignment(session_sqlite, sqlite_settings)
    a, b = (
        session_sqlite.get(Assignment, inv.assignment_id),
        session_sqlite.get(Assignment, other.assignment_id),
    )
    foreign = fill(build_word_form(session_sqlite, b, "en"), complete_answers())
    with pytest.raises(WordFormError, match="another assignment"):
        apply_word_form(session_sqlite, sqlite_settings, a, foreign, submit=True, actor="reviewer")
    with pytest.raises(WordFormError, match="not a Word document"):
        apply_word_form(
            session_sqlite, sqlite_settings, a, b"%PDF-1.4 not a docx", submit=True, actor="r"
        )
    with pytest.raises(WordFormError, match="empty"):
        apply_word_form(session_sqlite, sqlite_settings, a, b"", submit=True, actor="r")
    plain = io.BytesIO()
    docx.Document().save(plain)
    with pytest.raises(WordFormError, match="not a peerplan review form"):
        apply_word_form(
            session_sqlite, sqlite_settings, a, plain.getvalue(), submit=True, actor="r"
        )
    truncated = build_word_form(session_sqlite, a, "en")[:3000]
    with pytest.raises(WordFormError):
        apply_word_form(session_sqlite, sqlite_settings, a, truncated, submit=True, actor="r")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(WordFormError, match="unpacks"):
        parse_word_form(bomb.getvalue(), max_uncompressed=1024 * 1024)
    session_sqlite.rollback()
    assert reviews(session_sqlite, a) == []


def test_identifier_survives_when_the_hidden_paragraph_is_lost(
    session_sqlite: Session, sqlite_settings: Settings
) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    a = session_sqlite.get(Assignment, inv.assignment_id)
    document = docx.Document(io.BytesIO(build_word_form(session_sqlite, a, "en")))
    for p in document.paragraphs:
        if "peerplan-form" in p.text:
            p._p.getparent().remove(p._p)
    out = io.BytesIO()
    document.save(out)
    assert parse_word_form(out.getvalue()).assignment_id == a.id


@pytest.mark.slow
def test_form_saved_by_libreoffice_still_uploads(sqlite_settings: Settings, tmp_path) -> None:
    """The identifier and the answer tables survive LibreOffice opening and saving the form."""
    import shutil
    import subprocess

    from review.db import engine_for

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)")
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        inv = invited_assignment(session, sqlite_settings)
        a = session.get(Assignment, inv.assignment_id)
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "form.docx").write_bytes(build_word_form(session, a, "de"))
        subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{tmp_path}/profile",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                str(tmp_path / "out"),
                str(tmp_path / "in" / "form.docx"),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        saved_by_lo = (tmp_path / "out" / "form.docx").read_bytes()
        review = apply_word_form(
            session,
            sqlite_settings,
            a,
            fill(saved_by_lo, complete_answers()),
            submit=True,
            actor="reviewer",
        )
        session.commit()
        assert review.scores["T1"] == 4 and review.comments["T2"].startswith("Kommentar zu T2")


def test_blank_forms_carry_each_assignments_own_texts() -> None:
    """Invitations' forms are one drawn blank form with each assignment's texts written in:
    names with XML's special characters read back as typed, each form as its own assignment."""
    rubric = load_rubrics()["technical"]
    forms = {
        n: render_word_form(
            rubric,
            assignment_id=n,
            seen=Seen(),
            data=ReviewInput(),
            language="de",
            plan_title=f"Plan <{n}> & Co",
            municipality=f"Stadt {n} & Umland",
            due=f"{n}.01.2027",
        )
        for n in (3, 41)
    }
    for n, form in forms.items():
        document = docx.Document(io.BytesIO(form))
        text = "\n".join(p.text for p in document.paragraphs)
        assert f"Stadt {n} & Umland" in text and f"Plan <{n}> & Co" in text
        assert f"{n}.01.2027" in text and f": {n} / 0.0" in text
        assert document.core_properties.title.endswith(f"– Stadt {n} & Umland")
        assert parse_word_form(form).assignment_id == n
        assert zipfile.ZipFile(io.BytesIO(form)).testzip() is None  # every part's CRC holds
    # a filled-in form is drawn anew, and also reads back
    answered = ReviewInput(scores={"T1": "3"}, comments={"T1": "erste\nzweite"})
    drawn = render_word_form(
        rubric,
        assignment_id=5,
        seen=Seen(1, 2),
        data=answered,
        language="de",
        plan_title="P",
        municipality="M",
        due="d",
    )
    parsed = parse_word_form(drawn)
    assert parsed.assignment_id == 5 and parsed.data.comments["T1"] == "erste\nzweite"
