"""The municipality downloads its draft document from its reply page (#16): the municipality's
edition of its own plan (no reviewer named in a blind round), never another municipality's;
until the draft is written the page says it is being prepared."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx
from sqlmodel import Session

from review.config import Settings
from review.exchange.draft import write_draft
from review.exchange.replies import open_window
from review.models import Municipality
from review.reviewing.links import issue_upload_link
from tests.support.portal_client import client_for
from tests.support.review_data import ReviewedPlan, reviewed_plan


def _open(session: Session, town: str, *, write: bool = True) -> tuple[str, ReviewedPlan]:
    reviewed = reviewed_plan(session, municipality=town)
    open_window(session, reviewed.plan, date.today() + timedelta(days=7))
    token = issue_upload_link(session, session.get(Municipality, reviewed.plan.municipality_id))
    session.commit()
    return token, reviewed


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_link_downloads_its_own_plans_draft(session: Session, settings: Settings) -> None:
    token, reviewed = _open(session, "Musterstadt")
    client = client_for(settings)
    page = client.get(f"/m/{token}/reply?lang=en").text
    assert "being prepared" in page and f"/m/{token}/draft.docx" not in page
    assert client.get(f"/m/{token}/draft.docx").status_code == 404
    assert "Gutachtenentwurf wird gerade erstellt" in client.get(f"/m/{token}/reply?lang=de").text

    write_draft(session, settings, reviewed.round_, reviewed.plan)
    page = client.get(f"/m/{token}/reply?lang=en").text
    assert f'href="/m/{token}/draft.docx"' in page and "being prepared" not in page
    assert f"/m/{token}/draft.pdf" not in page  # no PDF copy was made
    got = client.get(f"/m/{token}/draft.docx")
    assert got.status_code == 200, got.text
    assert "Musterstadt" in got.headers["content-disposition"]
    text = _text(got.content)
    assert "Klimaschutzkonzept Musterstadt" in text
    assert "Baseline" in text  # a criterion of the technical rubric
    # Blind round: the municipality's edition names none of its reviewers.
    assert reviewed.reviewers
    for reviewer in reviewed.reviewers:
        assert reviewer.name not in text and reviewer.email not in text
    assert client.get(f"/m/{token}/draft.pdf").status_code == 404
    assert client.get(f"/m/{token}/draft.xlsx").status_code == 404


def test_another_municipalitys_link_cannot_download_it(
    session: Session, settings: Settings
) -> None:
    token, reviewed = _open(session, "Musterstadt")
    write_draft(session, settings, reviewed.round_, reviewed.plan)
    other, other_reviewed = _open(session, "Altstadt")
    client = client_for(settings)
    # Its own draft is not written: nothing to download, and never Musterstadt's.
    assert client.get(f"/m/{other}/draft.docx").status_code == 404
    write_draft(session, settings, other_reviewed.round_, other_reviewed.plan)
    got = client.get(f"/m/{other}/draft.docx")
    assert got.status_code == 200
    assert "Altstadt" in _text(got.content) and "Musterstadt" not in _text(got.content)
    assert client.get("/m/not-a-link/draft.docx").status_code == 404
