"""Every form post is refused (403, nothing written) when the browser says another site's page
sent it, by `Origin` or `Sec-Fetch-Site`, even with a valid CSRF token (issue 17: CSRF checked no
`Origin`). The portal's own pages, behind a proxy or not, still post."""

from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from review.config import Settings
from review.db import engine_for
from review.models import Assignment, Document, Event, Municipality, Plan, Review
from review.reviewing.links import issue_upload_link
from tests.support.portal_client import client_for, form_fields, page
from tests.support.reviewing_data import invited_assignment

CROSS_SITE = [
    {"Origin": "https://evil.example"},
    {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://[::1"},
    {"Origin": "http://testserver.evil.example"},
    {"Origin": "http://portal.test:8080"},
    {"Origin": "https://portal.test"},  # the right host, the wrong scheme: another origin
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
]
OWN = [
    {},
    {"Origin": "http://testserver"},  # the host the request went to
    {"Origin": "http://portal.test"},  # PEERPLAN_PORTAL_BASE_URL (a proxy may rewrite Host)
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    # What Chromium sends for the portal's own forms: Referrer-Policy no-referrer makes the
    # Origin of a form post "null"; Sec-Fetch-Site still says where it comes from.
    {"Sec-Fetch-Site": "same-origin", "Origin": "null"},
    {"Origin": "null"},
]


@pytest.fixture
def world(settings: Settings):
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        a = invited_assignment(session, settings)
        plan = session.get(Plan, session.get(Assignment, a.assignment_id).plan_id)
        upload = issue_upload_link(session, session.get(Municipality, plan.municipality_id))
        session.commit()
        yield settings, session, a, upload


def _writes(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    counts = [
        session.exec(select(func.count()).select_from(table)).one()
        for table in (Review, Document, Event)
    ]
    return counts[0], counts[1], counts[2]


def test_cross_site_posts_are_refused_on_every_post_route(world) -> None:
    settings, session, a, upload = world
    client = client_for(settings)
    fields = form_fields(page(client, a.token, a.assignment_id).text)
    base = f"/r/{a.token}/a/{a.assignment_id}"
    posts = [f"{base}/save", f"{base}/accept", f"{base}/decline", f"{base}/word", f"/m/{upload}"]
    body = fields | {"action": "submit", "reason": "forged", "score-T1": "3", "lang": "en"}
    files = {"file": ("plan.pdf", b"%PDF-1.4 forged", "application/pdf")}
    before = _writes(session)
    for url in posts:
        for headers in CROSS_SITE:
            response = client.post(url, data=body, files=files, headers=headers)
            assert response.status_code == 403, (url, headers, response.status_code)
    assert _writes(session) == before
    assert session.get(Assignment, a.assignment_id).status == "invited"


def test_the_portals_own_pages_still_post(world) -> None:
    settings, session, a, _ = world
    client = client_for(settings)
    base = f"/r/{a.token}/a/{a.assignment_id}"
    for headers in OWN:
        fields = form_fields(page(client, a.token, a.assignment_id).text)
        saved = client.post(
            f"{base}/save", data=fields | {"action": "draft", "score-T1": "3"}, headers=headers
        )
        assert saved.status_code == 303, (headers, saved.status_code)
