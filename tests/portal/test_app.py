"""The portal over HTTP: drafts, submission, errors at their criterion, stale saves, versions,
Word forms, language, downloads, and the security around them."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from review.config import Settings
from review.documents.filled_form import parse_word_form
from review.documents.word_form import MEDIA_TYPE
from review.intake.read import DOCX as DOCX_TYPE
from review.models import Assignment, Document, Review
from tests.support.portal_client import client_for, form_fields, page, review_form
from tests.support.reviewing_data import invited_assignment
from tests.support.word_form import complete_answers, fill

ALL = [f"T{i}" for i in range(1, 9)]


def full_scores() -> dict[str, str]:
    return {c: "2" for c in ALL}


def full_comments() -> dict[str, str]:
    return {c: f"Begründung {c}" for c in ALL}


def test_draft_reload_submit_with_error_at_its_criterion_then_fixed(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    html = page(client, inv.token, inv.assignment_id).text
    assert "Strategy, targets &amp; political mandate" in html and 'id="score-T1-4"' in html
    fields = form_fields(html)
    r = client.post(
        f"/r/{inv.token}/a/{inv.assignment_id}/save",
        data={
            **fields,
            "lang": "en",
            "action": "draft",
            **review_form({"T1": "3"}, {"T1": "Klares Ziel <b>2045</b>"}),
        },
    )
    assert r.status_code == 303 and "done=saved" in r.headers["location"]
    html = client.get(r.headers["location"]).text
    assert 'id="score-T1-3" value="3" checked' in html
    assert "Klares Ziel &lt;b&gt;2045&lt;/b&gt;" in html  # kept, and escaped
    assert "Draft saved." in html
    # Submit with T2's required comment missing: refused, error beside T2, input kept.
    comments = full_comments() | {"T2": ""}
    r = client.post(
        f"/r/{inv.token}/a/{inv.assignment_id}/save",
        data={
            **form_fields(html),
            "lang": "en",
            "action": "submit",
            **review_form(full_scores(), comments, strengths="Gute Daten"),
        },
    )
    assert r.status_code == 422
    assert 'id="err-comment-T2"' in r.text and 'aria-describedby="rule-T2 err-comment-T2"' in r.text
    assert "always needs a comment" in r.text and "Gute Daten" in r.text
    assert 'href="#comment-T2"' in r.text  # the error summary links to the field
    assert session.exec(select(Review)).one().status == "draft"
    r = client.post(
        f"/r/{inv.token}/a/{inv.assignment_id}/save",
        data={
            **form_fields(r.text),
            "lang": "en",
            "action": "submit",
            **review_form(full_scores(), full_comments(), strengths="Gute Daten"),
        },
    )
    assert r.status_code == 303
    session.expire_all()
    review = session.exec(select(Review)).one()
    assert review.status == "submitted" and review.strengths == "Gute Daten"
    assert session.get(Assignment, inv.assignment_id).status == "submitted"


def test_stale_save_from_another_tab_is_refused_with_differences(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    tab1, tab2 = client_for(settings), client_for(settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    f1 = form_fields(page(tab1, inv.token, inv.assignment_id).text)
    f2 = form_fields(page(tab2, inv.token, inv.assignment_id).text)
    assert (
        tab1.post(
            url,
            data={
                **f1,
                "action": "draft",
                "lang": "en",
                **review_form({"T1": "1"}, {"T1": "from tab one"}),
            },
        ).status_code
        == 303
    )
    r = tab2.post(
        url,
        data={
            **f2,
            "action": "draft",
            "lang": "en",
            **review_form({"T1": "4"}, {"T1": "from tab two"}),
        },
    )
    assert r.status_code == 409
    assert "changed elsewhere" in r.text and "from tab one" in r.text and "from tab two" in r.text
    session.expire_all()
    assert session.exec(select(Review)).one().comments == {"T1": "from tab one"}
    # Saving again from the refused page is a conscious choice and goes through.
    r = tab2.post(
        url,
        data={
            **form_fields(r.text),
            "action": "draft",
            "lang": "en",
            **review_form({"T1": "4"}, {"T1": "from tab two"}),
        },
    )
    assert r.status_code == 303


def test_editing_after_submission_makes_a_new_version(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    url = f"/r/{inv.token}/a/{inv.assignment_id}/save"
    for strengths in ("first", "second"):
        fields = form_fields(page(client, inv.token, inv.assignment_id).text)
        r = client.post(
            url,
            data={
                **fields,
                "action": "submit",
                "lang": "en",
                **review_form(full_scores(), full_comments(), strengths=strengths),
            },
        )
        assert r.status_code == 303
    session.expire_all()
    versions = session.exec(select(Review).order_by(Review.version)).all()
    assert [(v.version, v.strengths) for v in versions] == [(1, "first"), (2, "second")]
    html = page(client, inv.token, inv.assignment_id).text
    assert "submitted (version 2)" in html and "Submitted versions (all are kept) (2)" in html
    # In German the review's version is said to be the review's: the same page names the plan's
    # version ('Fassung 2' of the plan) when a new one came in during the review.
    german = page(client, inv.token, inv.assignment_id, lang="de").text
    assert "Ihr Gutachten ist abgeschickt (Fassung 2 des Gutachtens)" in german


def test_word_form_download_fill_upload(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    fields = form_fields(page(client, inv.token, inv.assignment_id).text)
    r = client.get(f"/r/{inv.token}/a/{inv.assignment_id}/word?lang=de")
    assert r.status_code == 200 and r.headers["content-type"] == MEDIA_TYPE
    assert parse_word_form(r.content).assignment_id == inv.assignment_id
    upload = f"/r/{inv.token}/a/{inv.assignment_id}/word"
    bad = client.post(
        upload,
        data={"csrf": fields["csrf"], "lang": "en", "action": "submit"},
        files={"file": ("form.docx", b"not a zip", MEDIA_TYPE)},
    )
    assert bad.status_code == 422 and "not a Word document" in bad.text
    # Where the reviewer looks: the refused page opens at its top, so the error is there.
    assert bad.text.index('id="upload-error"') < bad.text.index('id="plan-h"')
    incomplete = fill(r.content, complete_answers() | {"comment:T4": ""})
    bad = client.post(
        upload,
        data={"csrf": fields["csrf"], "lang": "en", "action": "submit"},
        files={"file": ("form.docx", incomplete, MEDIA_TYPE)},
    )
    assert bad.status_code == 422 and "T4" in bad.text and "always needs a comment" in bad.text
    good = client.post(
        upload,
        data={"csrf": fields["csrf"], "lang": "en", "action": "submit"},
        files={"file": ("../../x.docx", fill(r.content, complete_answers()), MEDIA_TYPE)},
    )
    assert good.status_code == 303
    session.expire_all()
    review = session.exec(select(Review)).one()
    assert review.source == "word" and review.status == "submitted" and review.scores["T1"] == 4
    # The same (now outdated) form again: refused, nothing overwritten.
    again = client.post(
        upload,
        data={"csrf": fields["csrf"], "lang": "en", "action": "draft"},
        files={"file": ("f.docx", fill(r.content, complete_answers()), MEDIA_TYPE)},
    )
    assert again.status_code == 409
    # In words, with the time of the newest save; no version markers such as "1.1".
    said = re.search(r'id="upload-error".*?</div>', again.text, re.S)
    assert said and "after you opened it (saved at " in said.group(0)
    assert "UTC). Nothing was saved; reload the page to see the newest version." in said.group(0)
    assert "you worked on" not in again.text and "newest is" not in again.text


def test_a_word_plan_shows_no_page_count(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    assert "(3 pages)" in page(client, inv.token, inv.assignment_id).text  # a PDF's pages
    document = session.exec(select(Document)).one()
    document.media_type = DOCX_TYPE  # Word's saved count (often the template's 1) is no count
    session.add(document)
    session.commit()
    assert "pages" not in page(client, inv.token, inv.assignment_id).text


def test_a_level_without_a_description_shows_its_label_once(
    session: Session, settings: Settings
) -> None:
    inv = invited_assignment(session, settings)
    html = page(client_for(settings), inv.token, inv.assignment_id).text
    levels = re.findall(
        r'<span class="level">\d+ · ([^<]+)</span>(?: <span class="anchor">([^<]*))?', html
    )
    assert levels and all(label != anchor for label, anchor in levels), levels
    assert any(anchor for _, anchor in levels)  # a criterion's own descriptions stay


def test_language_follows_the_reviewer_and_switches(
    sqlite_settings: Settings, session_sqlite
) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    client = client_for(sqlite_settings)
    german = client.get(f"/r/{inv.token}/a/{inv.assignment_id}")
    assert german.status_code == 200 and '<html lang="de">' in german.text
    assert "Entwurf speichern" in german.text and "Basis-Emissionsinventar" in german.text
    english = client.get(f"/r/{inv.token}/a/{inv.assignment_id}?lang=en")
    assert "Save draft" in english.text and "Baseline Emission Inventory" in english.text


def test_plan_download_and_findings(sqlite_settings: Settings, session_sqlite) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings, plan_text="Unser Konzept")
    client = client_for(sqlite_settings)
    r = client.get(f"/r/{inv.token}/a/{inv.assignment_id}/plan")
    assert r.status_code == 200 and b"Unser Konzept" in r.content
    disposition = r.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="plan-') and ".." not in disposition
    findings = client.get(f"/r/{inv.token}/a/{inv.assignment_id}/findings?lang=en")
    assert "page 2" in findings.text and "Treibhausgasbilanz 2019" in findings.text


def test_accept_and_decline(session: Session, settings: Settings) -> None:
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    fields = form_fields(page(client, inv.token, inv.assignment_id).text)
    base = f"/r/{inv.token}/a/{inv.assignment_id}"
    assert client.post(f"{base}/accept", data={"csrf": fields["csrf"]}).status_code == 303
    r = client.post(f"{base}/decline", data={"csrf": fields["csrf"], "reason": " ", "lang": "en"})
    assert r.status_code == 422 and "reason" in r.text
    r = client.post(
        f"{base}/decline", data={"csrf": fields["csrf"], "reason": "Befangen", "lang": "en"}
    )
    assert r.status_code == 200 and "You have declined" in r.text
    session.expire_all()
    assignment = session.get(Assignment, inv.assignment_id)
    assert assignment.status == "declined" and assignment.decline_reason == "Befangen"
    assert client.get(base).status_code == 404  # the link no longer works


def test_upload_errors_speak_the_page_language(sqlite_settings: Settings, session_sqlite) -> None:
    inv = invited_assignment(session_sqlite, sqlite_settings)
    client = client_for(sqlite_settings)
    fields = form_fields(page(client, inv.token, inv.assignment_id, lang="de").text)
    r = client.post(
        f"/r/{inv.token}/a/{inv.assignment_id}/word?lang=de",
        data={"csrf": fields["csrf"], "lang": "de", "action": "draft"},
        files={"file": ("f.docx", b"%PDF-1.4", MEDIA_TYPE)},
    )
    assert r.status_code == 422 and "kein Word-Dokument" in r.text
    r = client.post(
        f"/r/{inv.token}/a/{inv.assignment_id}/decline",
        data={"csrf": fields["csrf"], "lang": "de", "reason": ""},
    )
    assert r.status_code == 422 and "Bitte nennen Sie einen Grund" in r.text


def test_an_accepted_review_no_longer_asks_to_accept(session: Session, settings: Settings) -> None:
    # Seen on a phone in the German walkthrough: after "Begutachtung annehmen" the box still
    # said "Einladung annehmen oder ablehnen" above a lone "Ablehnen".
    inv = invited_assignment(session, settings)
    client = client_for(settings)
    invited = page(client, inv.token, inv.assignment_id, "de").text
    assert "Einladung annehmen oder ablehnen" in invited and 'id="accept"' in invited
    base = f"/r/{inv.token}/a/{inv.assignment_id}"
    fields = form_fields(invited)
    assert client.post(f"{base}/accept", data={"csrf": fields["csrf"]}).status_code == 303
    accepted = page(client, inv.token, inv.assignment_id, "de").text
    assert "Einladung annehmen oder ablehnen" not in accepted and 'id="accept"' not in accepted
    assert (
        "Können Sie diesen Plan doch nicht begutachten?" in accepted and 'id="decline"' in accepted
    )
