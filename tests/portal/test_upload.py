"""A municipality uploads its plan through its own link: the intake runs, its findings are
shown with page references, the municipality gets a receipt; bad files and bad links refused."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from review.config import Settings
from review.intake.outcome import paragraphs_in
from review.models import Document, Outbox
from review.reviewing.links import issue_upload_link
from tests.support import plan_files
from tests.support.factories import make_municipality, make_round
from tests.support.portal_client import CSRF, client_for


def _municipality(session: Session, **kw):
    round_ = make_round(session)
    municipality = make_municipality(
        session, round_, "Musterstadt", contact_email="klima@musterstadt.example", **kw
    )
    token = issue_upload_link(session, municipality)
    session.commit()
    return municipality, token


def test_plan_upload_runs_the_intake_and_shows_findings(
    session: Session, settings: Settings
) -> None:
    municipality, token = _municipality(session)
    client = client_for(settings)
    form = client.get(f"/m/{token}")
    assert form.status_code == 200 and "Musterstadt" in form.text and 'lang="de"' in form.text
    csrf = CSRF.search(form.text).group(1)
    pdf = plan_files.text_pdf(plan_files.PLAN_DE, title="Klimaschutzkonzept")
    r = client.post(
        f"/m/{token}",
        data={"csrf": csrf, "lang": "de"},
        files={"file": ("../../../etc/Klimaplan 2024.pdf", pdf, "application/pdf")},
    )
    assert r.status_code == 200, r.text
    assert "Fassung 1" in r.text and "Seite 2" in r.text  # findings with page references
    document = session.exec(select(Document)).one()
    assert ".." not in document.stored_path and "Klimaplan" not in document.stored_path
    assert (settings.files_dir / document.stored_path).is_file()
    receipt = session.exec(select(Outbox).where(Outbox.kind == "plan_receipt")).one()
    assert receipt.recipient == "klima@musterstadt.example"
    # The same file again changes nothing; a refused file says why.
    again = client.post(
        f"/m/{token}", data={"csrf": csrf}, files={"file": ("p.pdf", pdf, "application/pdf")}
    )
    assert again.status_code == 200 and "bereits vor" in again.text
    bad = client.post(
        f"/m/{token}?lang=en",
        data={"csrf": csrf, "lang": "en"},
        files={"file": ("plan.pdf", b"hello, not a plan", "application/pdf")},
    )
    assert bad.status_code == 422 and "not accepted" in bad.text
    assert len(session.exec(select(Document)).all()) == 1


def test_upload_link_checks(sqlite_settings: Settings) -> None:
    from review.db import engine_for

    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        municipality, token = _municipality(session)
        new_token = issue_upload_link(session, municipality)  # a new link revokes the old one
        session.commit()
    client = client_for(sqlite_settings)
    client.app.state.throttle.max_failures = 1000
    assert client.get(f"/m/{token}").status_code == 404
    assert client.get("/m/" + "n" * 32).status_code == 404
    csrf = CSRF.search(client.get(f"/m/{new_token}").text).group(1)
    pdf = plan_files.text_pdf(plan_files.PLAN_EN)
    assert (
        client.post(
            f"/m/{token}", data={"csrf": csrf}, files={"file": ("p.pdf", pdf, "application/pdf")}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/m/{new_token}", files={"file": ("p.pdf", pdf, "application/pdf")}
        ).status_code
        == 403
    )
    empty = client.post(f"/m/{new_token}", data={"csrf": csrf, "lang": "en"})
    assert empty.status_code == 422 and "choose a file" in empty.text


def test_tokens_never_reach_the_access_log() -> None:
    from review.portal.security import redact

    assert redact("/r/AbC_123-xyz/a/4/word?lang=de") == "/r/***/a/4/word?lang=de"
    assert redact("/m/AbC_123?lang=en") == "/m/***?lang=en"
    assert redact("/healthz") == "/healthz"


def test_receipt_goes_out_right_after_the_submission(sqlite_settings: Settings) -> None:
    """The portal hands the submission receipt to a real SMTP server without waiting for the
    hourly run."""
    import time

    from review.db import engine_for
    from review.portal import create_app
    from tests.support.notify import Mailbox, start_smtp
    from tests.support.portal_client import form_fields, review_form
    from tests.support.reviewing_data import invited_assignment

    box = Mailbox()
    smtp = start_smtp(box)
    try:
        settings = sqlite_settings.model_copy(update={"smtp_port": smtp.port})
        with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
            inv = invited_assignment(session, settings)
        from fastapi.testclient import TestClient

        client = TestClient(create_app(settings), follow_redirects=False)
        url = f"/r/{inv.token}/a/{inv.assignment_id}"
        fields = form_fields(client.get(url + "?lang=en").text)
        criteria = [f"T{i}" for i in range(1, 9)]
        r = client.post(
            url + "/save",
            data={
                **fields,
                "action": "submit",
                "lang": "en",
                **review_form({c: "2" for c in criteria}, {c: "ok" for c in criteria}),
            },
        )
        assert r.status_code == 303
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not box.messages:
            time.sleep(0.05)
        assert [m["X-Peerplan-Kind"] for m in box.messages] == ["submission_receipt"]
        from review.notify import background

        while time.monotonic() < deadline and background._background_running:
            time.sleep(0.05)  # let the sender mark the message before the database goes away
    finally:
        smtp.stop()


def test_a_word_plan_is_counted_in_paragraphs_never_in_words_saved_page_count(
    session: Session, settings: Settings
) -> None:
    """#13 follow-up: Word's saved page count (docProps/app.xml, python-docx's template says 1)
    is no count of this file; the page, the versions and the receipt say what the intake read: a
    Word file's paragraphs, a PDF's pages; in the municipality's language."""
    municipality, token = _municipality(session, language="en")
    client = client_for(settings)
    csrf = CSRF.search(client.get(f"/m/{token}").text).group(1)
    word = plan_files.plan_docx(plan_files.PLAN_DE, title="Klimaschutzkonzept")
    r = client.post(
        f"/m/{token}",
        data={"csrf": csrf, "lang": "en"},
        files={"file": ("plan.docx", word, "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    paragraphs = paragraphs_in(session.exec(select(Document)).one().structure)
    assert paragraphs > 1
    assert f"(version 1, {paragraphs} paragraphs)" in r.text
    assert f"plan.docx ({paragraphs} paragraphs, " in r.text  # the versions received so far
    receipt = session.exec(select(Outbox).where(Outbox.kind == "plan_receipt")).one()
    assert f"(version 1, {paragraphs} paragraphs, " in receipt.body
    assert not re.search(r"\d pages?\b", r.text + receipt.body)

    german = client.get(f"/m/{token}?lang=de")
    assert f"plan.docx ({paragraphs} Absätze, " in german.text
    assert "Jede neue Datei wird als neue Fassung aufgenommen." in german.text  # plain German
    pdf = plan_files.text_pdf(plan_files.PLAN_DE, title="Klimaschutzkonzept")
    r = client.post(
        f"/m/{token}",
        data={"csrf": csrf, "lang": "de"},
        files={"file": ("plan.pdf", pdf, "application/pdf")},
    )
    pages = len(plan_files.PLAN_DE)
    assert f"(Fassung 2, {pages} Seiten)" in r.text and f"plan.pdf ({pages} Seiten, " in r.text


def test_a_refused_file_says_why_in_the_municipalitys_language(
    session: Session, settings: Settings
) -> None:
    # Seen in the German walkthrough: a 0-byte file and a .doc were refused on the German page
    # with English reasons ("empty.pdf is empty (0 bytes): upload the plan again").
    _, token = _municipality(session)
    client = client_for(settings)
    csrf = CSRF.search(client.get(f"/m/{token}").text).group(1)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2048
    said = {}
    for name, data in [("leer.pdf", b""), ("plan.doc", ole), ("seite.pdf", b"<html>x</html>")]:
        r = client.post(
            f"/m/{token}",
            data={"csrf": csrf, "lang": "de"},
            files={"file": (name, data, "application/octet-stream")},
        )
        assert r.status_code == 422
        said[name] = re.sub(r"\s+", " ", r.text)
    assert (
        "leer.pdf ist leer (0 Byte): bitte laden Sie den Plan noch einmal hoch" in said["leer.pdf"]
    )
    assert "plan.doc ist ein altes Word-97-2003-Dokument (.doc): bitte öffnen" in said["plan.doc"]
    assert "seite.pdf ist eine HTML-Seite, kein PDF: öffnen Sie die Seite" in said["seite.pdf"]
    assert not any(" is " in text for text in said.values())
    english = client.post(
        f"/m/{token}",
        data={"csrf": csrf, "lang": "en"},
        files={"file": ("leer.pdf", b"", "application/pdf")},
    )
    assert "leer.pdf is empty (0 bytes): upload the plan again" in english.text
    assert len(session.exec(select(Document)).all()) == 0


def test_what_the_intake_could_not_read_well_is_said_on_the_page_and_receipt_in_german(
    session: Session, settings: Settings
) -> None:
    # Seen in the German walkthrough: a scanned PDF was taken in ("Danke, der Plan ist
    # eingegangen") with nine "nicht gefunden" and no word of the scan on the page, while the
    # German receipt listed "no text layer, read by OCR: ..." in English. Here a PDF named .docx.
    municipality, token = _municipality(session)
    client = client_for(settings)
    csrf = CSRF.search(client.get(f"/m/{token}").text).group(1)
    pdf = plan_files.text_pdf(plan_files.PLAN_DE, title="Klimaschutzkonzept")
    r = client.post(
        f"/m/{token}",
        data={"csrf": csrf, "lang": "de"},
        files={"file": ("plan.docx", pdf, "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    said = "mit der Endung .docx benannt, aber ein PDF; als solches gelesen"
    assert "Bitte prüfen Sie Folgendes" in r.text and said in r.text
    receipt = session.exec(select(Outbox).where(Outbox.kind == "plan_receipt")).one()
    assert f"- {said}" in receipt.body and "read as such" not in receipt.body
    # The document keeps the English text the coordinator's views and --json show.
    document = session.exec(select(Document)).one()
    assert document.problems == ["named .docx but is a PDF; read as such"]
