"""No 500s from input (issue 17): an assignment id no row can have (SQLite >= 2^63, PostgreSQL
>= 2^31) and a NUL character in a form are refused with a 4xx, nothing is written, and what a
reviewer typed never reaches a log."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import Session, func, select

from review.config import Settings
from review.db import engine_for
from review.models import Assignment, Document, Event, Municipality, Plan, Review
from review.portal.security import log_bug
from review.reviewing.links import issue_upload_link
from tests.support.portal_client import client_for, form_fields, page, review_form
from tests.support.reviewing_data import invited_assignment

HUGE_IDS = [2**31, 2**31 + 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64 + 5, 10**40, -(2**63) - 1]
ROUTES = [("GET", ""), ("GET", "/plan"), ("GET", "/findings"), ("GET", "/word")] + [
    ("POST", s) for s in ("/save", "/accept", "/decline", "/word")
]
SECRET = "SECRET-REVIEW-TEXT"


@pytest.fixture
def world(settings: Settings):
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        a = invited_assignment(session, settings, plan_text="SECRET-PLAN")
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


BOUNDARY = "peerplan-test-boundary"


def _multipart(fields: dict[str, str], file_name: str, data: bytes) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"'
        "\r\nContent-Type: application/pdf\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def test_assignment_ids_out_of_range_are_a_404(world) -> None:
    settings, session, a, _ = world
    client = client_for(settings, raise_server_exceptions=False)
    client.app.state.throttle.max_failures = 10_000
    fields = form_fields(page(client, a.token, a.assignment_id).text)
    before = _writes(session)
    for assignment_id in HUGE_IDS:
        for method, suffix in ROUTES:
            url = f"/r/{a.token}/a/{assignment_id}{suffix}"
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data=fields | {"action": "submit", "reason": "x"})
            assert response.status_code == 404, (method, url, response.status_code)
            assert "SECRET-PLAN" not in response.text
    assert _writes(session) == before


def test_a_nul_in_a_form_is_refused_and_never_logged(
    world, caplog: pytest.LogCaptureFixture
) -> None:
    settings, session, a, upload = world
    caplog.set_level(logging.DEBUG)
    client = client_for(settings, raise_server_exceptions=False)
    fields = form_fields(page(client, a.token, a.assignment_id).text)
    base = f"/r/{a.token}/a/{a.assignment_id}"
    before = _writes(session)
    posts = [
        (f"{base}/decline", {"reason": f"{SECRET}\x00 no time"}, None),
        (
            f"{base}/save",
            review_form({"T1": "3"}, {"T1": f"{SECRET}\x00"}, action="submit", lang="en"),
            None,
        ),
        (f"{base}/save", {"strengths": f"\x00{SECRET}", "action": "draft", "lang": "en"}, None),
    ]
    for url, data, files in posts:
        response = client.post(url, data=fields | data, files=files)
        assert response.status_code == 422, (url, response.status_code)
        assert "NUL" in response.text and SECRET not in response.text
    # A file name with a NUL (written by hand: httpx, like browsers, escapes control characters).
    body = _multipart(fields | {"lang": "en"}, f"{SECRET}\x00.pdf", b"%PDF-1.4 x")
    response = client.post(
        f"/m/{upload}",
        content=body,
        headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert response.status_code == 422 and "NUL" in response.text
    assert _writes(session) == before
    assert session.get(Assignment, a.assignment_id).status == "invited"
    assert SECRET not in caplog.text
    # The same reason without the NUL is taken.
    fine = client.post(f"{base}/decline", data=fields | {"reason": "no time", "lang": "en"})
    assert fine.status_code == 200


def test_a_bug_is_logged_where_it_happened_without_its_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def store(comment: str) -> None:
        raise ValueError(f"cannot store {comment!r}")

    try:
        try:
            store(SECRET)
        except ValueError as exc:
            raise RuntimeError(f"save failed: {exc}") from exc
    except RuntimeError as exc:
        with caplog.at_level(logging.ERROR, logger="peerplan.portal"):
            log_bug(exc, "POST")
    assert "builtins.RuntimeError" in caplog.text and "builtins.ValueError" in caplog.text
    assert "in store" in caplog.text and "test_bad_input.py" in caplog.text
    assert SECRET not in caplog.text
