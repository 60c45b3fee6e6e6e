"""The portal in a real Chromium (Debian's, through Playwright): a reviewer opens the link,
saves a draft, reloads, submits with a missing comment, sees the error at its criterion, fixes it,
submits, switches the language, and another reviewer declines, on a desktop and on a phone."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from review.config import Settings
from review.db import engine_for
from review.models import Assignment, Review, Round
from tests.support.reviewing_data import invited_assignment

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _invite(settings: Settings):
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        return invited_assignment(session, settings)


def _stored(settings: Settings, assignment_id: int) -> tuple[str, list[Review]]:
    with Session(engine_for(settings.database_url)) as session:
        status = session.get(Assignment, assignment_id).status
        rows = list(session.exec(select(Review).where(Review.assignment_id == assignment_id)))
        return status, rows


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_draft_reload_error_fix_submit_and_switch_language(browser, served, viewport) -> None:
    base, settings = served
    inv = _invite(settings)
    page = browser.new_page(viewport=viewport)
    page.goto(f"{base}/r/{inv.token}")
    assert page.locator("html").get_attribute("lang") == "de"
    # Labels are tied to their fields: the radio is found by its accessible name.
    page.get_by_role("radio", name="3 · gut").first.check()
    page.get_by_label("Kommentar", exact=False).first.fill("Ziel 2040, Ratsbeschluss 2021")
    page.get_by_role("button", name="Entwurf speichern").click()
    assert "Entwurf gespeichert" in page.locator("#done").inner_text()
    page.reload()
    assert page.locator("#score-T1-3").is_checked()
    assert page.locator("#comment-T1").input_value() == "Ziel 2040, Ratsbeschluss 2021"
    # Fill everything but T2's required comment, and submit.
    for i in range(2, 9):
        page.locator(f"#score-T{i}-2").check()
        if i != 2:
            page.locator(f"#comment-T{i}").fill(f"Begründung {i}")
    page.locator("#strengths").fill("Sehr gute Bilanz")
    page.get_by_role("button", name="Begutachtung abschicken").click()
    error = page.locator("#crit-T2 #err-comment-T2")
    assert error.is_visible() and "Kommentar" in error.inner_text()
    assert page.locator("#comment-T2").get_attribute("aria-invalid") == "true"
    assert "err-comment-T2" in page.locator("#comment-T2").get_attribute("aria-describedby")
    assert page.locator("#strengths").input_value() == "Sehr gute Bilanz"  # nothing lost
    assert page.locator("#comment-T5").input_value() == "Begründung 5"
    assert _stored(settings, inv.assignment_id)[0] == "invited"
    # The error summary's link takes the keyboard to the field.
    page.locator("#error-summary a").first.click()
    page.keyboard.type("Inventar vollständig, Faktoren dokumentiert")
    assert page.locator("#comment-T2").input_value().startswith("Inventar vollständig")
    page.get_by_role("button", name="Begutachtung abschicken").click()
    assert "abgeschickt" in page.locator("#done").inner_text()
    status, rows = _stored(settings, inv.assignment_id)
    assert status == "submitted" and rows[0].status == "submitted"
    assert rows[0].comments["T2"].startswith("Inventar vollständig")
    # Switch to English.
    page.locator("#switch-lang").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Save draft").is_visible()
    assert "submitted (version 1)" in page.locator("#review-state").inner_text()
    if viewport is PHONE:
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, "the form is wider than the phone's screen"
    page.close()


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_decline_with_a_reason(browser, served, viewport) -> None:
    base, settings = served
    inv = _invite(settings)
    page = browser.new_page(viewport=viewport)
    page.goto(f"{base}/r/{inv.token}?lang=en")
    page.locator("summary", has_text="Decline").click()
    page.get_by_label("Reason for declining").fill("On parental leave until March")
    page.locator("#decline").click()
    assert "You have declined" in page.locator("h1").inner_text()
    assert _stored(settings, inv.assignment_id)[0] == "declined"
    page.goto(f"{base}/r/{inv.token}?lang=en")
    assert "Link not valid" in page.locator("h1").inner_text()
    page.close()


def test_a_refused_word_upload_shows_its_error_where_the_page_opens(
    browser, served, tmp_path
) -> None:
    base, settings = served
    inv = _invite(settings)
    bad = tmp_path / "form.docx"
    bad.write_bytes(b"not a zip")
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/r/{inv.token}?lang=en")
    page.locator("#word-file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload as a draft").click()
    error = page.locator("#upload-error")
    assert "not a Word document" in error.inner_text()
    box = error.bounding_box()
    assert box is not None and box["y"] < PHONE["height"], box  # seen without scrolling
    page.close()


def test_a_long_file_name_stays_within_the_phones_screen(browser, served, tmp_path) -> None:
    # Seen in the German walkthrough: after Bielefeld's upload the list of versions received
    # ran past a 390 px phone's screen, on Münster's real file name
    # "Klimabilanz_2015_Bericht_2017_07_12.pdf" (no place to break the line).
    from review.reviewing.links import issue_upload_link
    from tests.support import plan_files
    from tests.support.factories import make_municipality, make_round

    base, settings = served
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        round_ = make_round(session)
        token = issue_upload_link(session, make_municipality(session, round_, "Bielefeld"))
        session.commit()
    plan = tmp_path / "Klimabilanz_2015_Bericht_2017_07_12_Anlage_Energie_und_Treibhausgase.pdf"
    plan.write_bytes(plan_files.text_pdf(plan_files.PLAN_DE))
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/m/{token}")
    page.set_input_files("#plan-file", str(plan))
    page.get_by_role("button", name="Hochladen").click()
    assert "Fassung 1" in page.locator("main").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the upload page is {overflow} px wider than the phone's screen"
    page.close()


def test_the_round_page_stays_within_the_phones_screen(browser, served) -> None:
    # Seen in the German walkthrough (walk10): on a 390 px phone the round page was 1211 px
    # wide, most of it empty; each review's hidden "Neue Frist" label, positioned absolutely,
    # escaped its table's scroll box. The tables scroll inside their boxes; the page does not.
    from review.coordinator import access

    base, settings = served
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        inv = invited_assignment(session, settings)
        round_ = session.get(Round, session.get(Assignment, inv.assignment_id).round_id)
        coordinator = access.issue(session, round_)
        session.commit()
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/c/{coordinator}?lang=de")
    assert page.get_by_label("Neue Frist").count() >= 1
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the round page is {overflow} px wider than the phone's screen"
    page.close()
