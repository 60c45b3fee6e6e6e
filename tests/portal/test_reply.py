"""A municipality replies to its draft review on its own link (#16): the draft per criterion, a
reply before the deadline saved and shown, one after it refused with the reason."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from review.config import Settings
from review.coordinator import access
from review.exchange.replies import open_window
from review.models import Municipality, Plan, PlanReply, Round
from review.reviewing.links import issue_upload_link
from tests.support.portal_client import CSRF, client_for
from tests.support.review_data import reviewed_plan


def _link(session: Session, due: date, today: date) -> tuple[str, int]:
    reviewed = reviewed_plan(session, municipality="Musterstadt")
    open_window(session, reviewed.plan, due, today=today)
    token = issue_upload_link(session, session.get(Municipality, reviewed.plan.municipality_id))
    session.commit()
    return token, reviewed.plan.id


def _reply(client, token: str, text: str):
    # The upload page always holds the form token (the reply form only while replies are open,
    # like a page left open until after the deadline).
    form = client.get(f"/m/{token}?lang=en")
    assert form.status_code == 200, form.text
    return client.post(
        f"/m/{token}/reply",
        data={
            "csrf": CSRF.search(form.text).group(1),
            "lang": "en",
            "rubric": "technical",
            "criterion": "T2",
            "kind": "correction",
            "text": text,
        },
    )


def test_a_reply_before_the_deadline_is_saved_and_shown(
    session: Session, settings: Settings
) -> None:
    token, plan_id = _link(session, date.today() + timedelta(days=7), date.today())
    client = client_for(settings)
    page = client.get(f"/m/{token}/reply?lang=en")
    assert "T2" in page.text and "Baseline" in page.text and "Send reply" in page.text
    saved = _reply(client, token, "Das Inventar deckt alle vier Sektoren ab (S. 14).")
    assert saved.status_code == 200, saved.text
    assert "alle vier Sektoren" in saved.text
    [reply] = session.exec(select(PlanReply).where(PlanReply.plan_id == plan_id)).all()
    assert reply.criterion_id == "T2" and reply.kind == "correction"


def test_the_upload_page_links_the_reply_while_it_is_open(
    session: Session, settings: Settings
) -> None:
    token, _plan = _link(session, date.today() + timedelta(days=7), date.today())
    page = client_for(settings).get(f"/m/{token}?lang=en").text
    assert f'href="/m/{token}/reply?lang=en"' in page and "ready for your reply" in page
    closed, _plan = _link_closed(session)
    page = client_for(settings).get(f"/m/{closed}?lang=en").text
    assert "/reply" not in page


def _link_closed(session: Session) -> tuple[str, int]:
    reviewed = reviewed_plan(session, municipality="Altstadt")
    open_window(session, reviewed.plan, date.today() - timedelta(days=1), today=date(2000, 1, 1))
    token = issue_upload_link(session, session.get(Municipality, reviewed.plan.municipality_id))
    session.commit()
    return token, reviewed.plan.id


def test_a_reply_after_the_deadline_is_refused(session: Session, settings: Settings) -> None:
    today = date.today()
    token, _plan = _link(session, today - timedelta(days=1), today - timedelta(days=10))
    client = client_for(settings)
    page = client.get(f"/m/{token}/reply?lang=en")
    assert page.status_code == 200 and "Send reply" not in page.text
    refused = _reply(client, token, "zu spät")
    assert refused.status_code == 422 and "replies are closed" in refused.text
    assert session.exec(select(PlanReply)).all() == []
    german = client.post(
        f"/m/{token}/reply",
        data={
            "csrf": CSRF.search(client.get(f"/m/{token}?lang=de").text).group(1),
            "lang": "de",
            "rubric": "technical",
            "criterion": "T2",
            "kind": "comment",
            "text": "zu spät",
        },
    )
    deadline = (today - timedelta(days=1)).strftime("%d.%m.%Y")
    assert german.status_code == 422 and f"Die Frist für Stellungnahmen endete am {deadline}" in (
        german.text
    )


def test_the_coordinator_sees_the_replies_on_the_round_page(
    session: Session, settings: Settings
) -> None:
    token, plan_id = _link(session, date.today() + timedelta(days=7), date.today())
    assert _reply(client_for(settings), token, "Beschluss vom 12.03.2024 liegt vor.").status_code
    round_ = session.exec(select(Round).join(Plan).where(Plan.id == plan_id)).one()
    coordinator = access.issue(session, round_)
    session.commit()
    html = client_for(settings).get(f"/c/{coordinator}?lang=en").text
    section = html.split(f'id="plan-{plan_id}"')[1].split("</section>")[0]
    assert "The municipality's reply" in section
    assert "Beschluss vom 12.03.2024 liegt vor." in section and "T2" in section
