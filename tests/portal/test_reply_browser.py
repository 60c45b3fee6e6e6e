"""A municipality's reply to its draft review in a real Chromium (#16): the link arrives by email
(a local SMTP server), the municipality replies per criterion (a correction of fact on one, a
comment on another) in German, sees each saved, the replies are in the final edition's Word
document and on the coordinator's round page, and a reply sent from the page left open after the
deadline is refused in German with the deadline."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document as Docx
from sqlmodel import Session, select

from review.config import Settings
from review.consolidation.pipeline import gather_with_exchange
from review.consolidation.plan_document import build_consolidated
from review.coordinator import access
from review.db import engine_for
from review.exchange.draft import write_draft
from review.exchange.replies import open_window
from review.mailsink import start_mailbox
from review.models import Municipality, PlanReply, ReplyWindow, Round
from review.notify.delivery import deliver
from tests.support.review_data import reviewed_plan

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CORRECTION = "Die Bilanz auf S. 14 enthält den Verkehr sehr wohl."
COMMENT = "Die Beteiligung läuft seit März über den Klimabeirat."


def _open_reply(settings: Settings, due: date) -> tuple[int, int]:
    """A reviewed plan of a German-speaking municipality whose reply window opens: (round, plan)."""
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        reviewed = reviewed_plan(session, municipality="Musterstadt", municipality_language="de")
        town = session.get(Municipality, reviewed.plan.municipality_id)
        town.contact_email = "klima@musterstadt.example"
        session.add(town)
        open_window(session, reviewed.plan, due, settings=settings)
        write_draft(session, settings, reviewed.round_, reviewed.plan)  # as `replies open` does
        session.commit()
        return reviewed.round_.id, reviewed.plan.id


def _reply_link(settings: Settings, folder: Path) -> tuple[str, str]:
    """Send the outbox to a local SMTP server; (subject, the reply link) of the message."""
    with start_mailbox(folder) as box:
        smtp = settings.model_copy(update={"smtp_host": box.host, "smtp_port": box.port})
        deliver(engine_for(settings.database_url), smtp)
        [message] = [m for m in box.messages() if m["To"] == "klima@musterstadt.example"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/m/\S+/reply", body)
    assert link is not None, body
    return str(message["Subject"]), link.group(0)


def _reply(page, criterion: str, kind: str, text: str) -> None:
    form = page.locator(f"form:has(input[name=criterion][value={criterion}])")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("textarea[name=text]").fill(text)
    form.get_by_role("button", name="Stellungnahme senden").click()


def test_a_municipality_replies_from_the_link_in_its_message(browser, served, tmp_path) -> None:
    base, settings = served
    settings = settings.model_copy(update={"portal_base_url": base})
    due = date.today() + timedelta(days=7)
    round_id, plan_id = _open_reply(settings, due)
    subject, link = _reply_link(settings, tmp_path / "mail")
    assert "Stellungnahme" in subject and due.strftime("%d.%m.%Y") in subject

    page = browser.new_page()
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "de"
    assert due.strftime("%d.%m.%Y") in page.locator("main").inner_text()
    _reply(page, "T2", "correction", CORRECTION)
    assert "gespeichert" in page.get_by_role("status").inner_text()
    _reply(page, "C2", "comment", COMMENT)
    assert "gespeichert" in page.get_by_role("status").inner_text()
    row = page.locator("tr", has=page.locator("input[name=criterion][value=T2]"))
    assert "Richtigstellung" in row.inner_text() and CORRECTION in row.inner_text()

    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        round_ = session.get(Round, round_id)
        [dossier] = gather_with_exchange(session, round_)
        path = tmp_path / "final.docx"
        build_consolidated(dossier, dossier.score(), "municipality").save(str(path))
        coordinator = access.issue(session, round_)
        session.commit()
    final = "\n".join(p.text for p in Docx(str(path)).paragraphs)
    final += "\n".join(c.text for t in Docx(str(path)).tables for r in t.rows for c in r.cells)
    assert CORRECTION in final and COMMENT in final

    round_page = browser.new_page()
    round_page.goto(f"{base}/c/{coordinator}?lang=de")
    section = round_page.locator(f"#plan-{plan_id}").inner_text()
    assert CORRECTION in section and COMMENT in section
    round_page.close()

    # Time passes with the page open: the deadline was yesterday, and the reply is refused.
    with Session(engine_for(settings.database_url)) as session:
        window = session.exec(select(ReplyWindow).where(ReplyWindow.plan_id == plan_id)).one()
        window.due_date = date.today() - timedelta(days=1)
        session.add(window)
        session.commit()
    _reply(page, "T3", "comment", "Zu spät")
    refusal = page.get_by_role("alert").inner_text()
    deadline = (date.today() - timedelta(days=1)).strftime("%d.%m.%Y")
    assert f"Die Frist für Stellungnahmen endete am {deadline}" in refusal
    assert page.get_by_role("button", name="Stellungnahme senden").count() == 0
    with Session(engine_for(settings.database_url)) as session:
        texts = [r.text for r in session.exec(select(PlanReply)).all()]
    assert sorted(texts) == sorted([CORRECTION, COMMENT])
    page.close()
