"""Who may see what: every reviewer route refuses a missing, wrong, foreign, expired or revoked
link, and nothing of another assignment leaks; CSRF, lockout, headers, limits, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import Session, select

from review.config import Settings, load_settings
from review.db import engine_for
from review.link_guard import LinkGuard
from review.models import Assignment, AssignmentStatus, Review
from review.reviewing.links import issue_link
from review.states import transition
from tests.support.factories import make_municipality, make_reviewer, make_round
from tests.support.portal_client import client_for, form_fields, page, review_form
from tests.support.reviewing_data import invited_assignment

GETS = ["", "/plan", "/findings", "/word"]
POSTS = ["/save", "/accept", "/decline", "/word"]


@pytest.fixture
def two(sqlite_settings: Settings):
    """Reviewer A and reviewer B, each with one assignment on a different plan."""
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        a = invited_assignment(session, sqlite_settings, plan_text="SECRET-PLAN-A")
        b = invited_assignment(session, sqlite_settings, plan_text="plan-b")
        plan_a = session.get(Assignment, a.assignment_id)
        yield sqlite_settings, session, a, b, plan_a


def _all_routes(token: str, assignment_id: int, overview: bool = True) -> list[tuple[str, str]]:
    base = f"/r/{token}/a/{assignment_id}"
    return (
        [("GET", f"/r/{token}")] * overview
        + [("GET", base + s) for s in GETS]
        + [("POST", base + s) for s in POSTS]
    )


def _denied_everywhere(
    client, token: str, assignment_id: int, secrets: list[str], overview: bool = True
) -> None:
    csrf = client.cookies.get("peerplan_csrf") or ""
    for method, url in _all_routes(token, assignment_id, overview):
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(
                url,
                data={
                    "csrf": csrf,
                    "reason": "x",
                    "action": "submit",
                    **review_form({"T1": "4"}, {"T1": "x"}),
                },
            )
        assert response.status_code == 404, (method, url, response.status_code)
        for secret in secrets:
            assert secret not in response.text, (method, url, secret)


def test_wrong_missing_and_foreign_tokens_open_nothing(two) -> None:
    settings, session, a, b, _ = two
    client = client_for(settings)
    client.app.state.throttle.max_failures = 1000
    page(client, b.token, b.assignment_id)  # B is a real reviewer with a CSRF cookie
    secrets = ["SECRET-PLAN-A", session.get(Assignment, a.assignment_id).rubric and "Plan of"]
    municipality_a = "SECRET-PLAN-A"
    # B's valid token with A's assignment id: refused on every route, nothing of A shown.
    _denied_everywhere(client, b.token, a.assignment_id, [municipality_a], overview=False)
    own = client.get(f"/r/{b.token}")  # B's own overview leads to B's assignment only
    assert own.headers["location"].startswith(f"/r/{b.token}/a/{b.assignment_id}?")
    _denied_everywhere(client, "x" * 32, a.assignment_id, secrets)
    _denied_everywhere(
        client, a.token[:-1] + ("A" if a.token[-1] != "A" else "B"), a.assignment_id, secrets
    )
    assert client.get("/r/").status_code == 404
    assert client.get("/r//a/1").status_code == 404
    # Nothing was written for A by all those posts.
    assert session.exec(select(Review)).all() == []
    assert session.get(Assignment, a.assignment_id).status == "invited"


def test_expired_link_is_refused(two) -> None:
    settings, session, a, _, _ = two
    client = client_for(settings)
    client.app.state.throttle.max_failures = 1000
    page(client, a.token, a.assignment_id)
    # Due 15 Dec 2026, final deadline + 14 days, grace 28 days: dead on 27 Jan 2027.
    with time_machine.travel(datetime(2027, 1, 26, 12, tzinfo=UTC)):
        assert client.get(f"/r/{a.token}/a/{a.assignment_id}").status_code == 200
    with time_machine.travel(datetime(2027, 1, 27, 0, 0, 1, tzinfo=UTC)):
        _denied_everywhere(client, a.token, a.assignment_id, ["Plan of"])


@pytest.mark.parametrize("status", ["reassigned", "withdrawn", "declined"])
def test_revoked_link_is_refused(two, status: str) -> None:
    settings, session, a, _, assignment = two
    client = client_for(settings)
    client.app.state.throttle.max_failures = 1000
    page(client, a.token, a.assignment_id)
    transition(session, assignment, AssignmentStatus(status), actor="coordinator")
    session.commit()
    _denied_everywhere(client, a.token, a.assignment_id, ["Plan of", "SECRET-PLAN-A"])


def test_reissued_link_revokes_the_old_one_in_the_portal(two) -> None:
    settings, session, a, _, assignment = two
    client = client_for(settings)
    new = issue_link(session, assignment, settings=settings)
    session.commit()
    assert client.get(f"/r/{a.token}/a/{a.assignment_id}").status_code == 404
    assert client.get(f"/r/{new}/a/{a.assignment_id}").status_code == 200


def test_a_reviewer_sees_a_list_of_their_own_and_nothing_else(sqlite_settings: Settings) -> None:
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        round_ = make_round(session)
        me = make_reviewer(session, round_, make_municipality(session, round_, "Heimatdorf"))
        first = invited_assignment(session, sqlite_settings, round_=round_, reviewer=me)
        second = invited_assignment(
            session, sqlite_settings, round_=round_, reviewer=me, rubric="communication"
        )
        stranger = invited_assignment(session, sqlite_settings, round_=round_)
        stranger_plan = session.get(Assignment, stranger.assignment_id).plan_id
    client = client_for(sqlite_settings)
    overview = client.get(f"/r/{first.token}?lang=en")
    assert overview.status_code == 200
    assert (
        f"/a/{first.assignment_id}?" in overview.text
        and f"/a/{second.assignment_id}?" in overview.text
    )
    assert f"/a/{stranger.assignment_id}?" not in overview.text
    # Through the first link, the second assignment opens; the stranger's does not.
    assert client.get(f"/r/{first.token}/a/{second.assignment_id}").status_code == 200
    assert client.get(f"/r/{first.token}/a/{stranger.assignment_id}").status_code == 404
    # A single assignment goes straight to its form.
    solo = client.get(f"/r/{stranger.token}")
    assert solo.status_code == 303 and solo.headers["location"].startswith(
        f"/r/{stranger.token}/a/{stranger.assignment_id}"
    )
    assert stranger_plan


def test_posts_without_the_csrf_token_are_refused(two) -> None:
    settings, session, a, _, _ = two
    client = client_for(settings)
    fields = form_fields(page(client, a.token, a.assignment_id).text)
    base = f"/r/{a.token}/a/{a.assignment_id}"
    body = {"action": "draft", **review_form({"T1": "3"}, {"T1": "x"})}
    for url in ("/save", "/accept", "/decline", "/word"):
        assert client.post(base + url, data=body | {"reason": "x"}).status_code == 403
        assert (
            client.post(base + url, data=body | {"reason": "x", "csrf": "forged" * 5}).status_code
            == 403
        )
    # A correct token from the form but no cookie (another site's request): refused too.
    other = client_for(settings)
    assert other.post(base + "/save", data=body | {"csrf": fields["csrf"]}).status_code == 403
    assert session.exec(select(Review)).all() == []
    assert client.post(base + "/save", data=body | fields).status_code == 303


def test_repeated_bad_tokens_lock_the_client_out(two) -> None:
    settings, _, a, _, _ = two
    client = client_for(settings)
    for _ in range(4):
        assert client.get(f"/r/{'bad' * 11}/a/{a.assignment_id}").status_code == 404
    assert client.get("/r/" + "z" * 33).status_code == 404  # the fifth bad try locks
    locked = client.get(f"/r/{a.token}/a/{a.assignment_id}")
    assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 60
    assert "SECRET-PLAN-A" not in locked.text
    # End the lockout (its expiry after `throttle.lockout` is tested with explicit clock values
    # in the next test): the right link works again.
    client.app.state.throttle.clear()
    assert client.get(f"/r/{a.token}/a/{a.assignment_id}").status_code == 200


def test_bad_tokens_are_answered_slower_and_slower(settings: Settings) -> None:
    guard = LinkGuard(engine_for(settings.database_url))
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)

    def at(seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    delays = [guard.fail("1.2.3.4", now=at(i)) for i in range(4)]
    assert delays == sorted(delays) and delays[0] == 0 and delays[-1] > 0
    assert guard.locked_for("1.2.3.4", now=at(4)) == 0
    guard.fail("1.2.3.4", now=at(4))
    assert guard.locked_for("1.2.3.4", now=at(5)) > 0
    assert guard.locked_for("5.6.7.8", now=at(5)) == 0
    lockout = guard.lockout.total_seconds()
    assert guard.locked_for("1.2.3.4", now=at(4 + lockout + 1)) == 0
    # Tries spread wider than the window never add up to a lock-out.
    window = guard.window.total_seconds()
    for i in range(10):
        guard.fail("9.9.9.9", now=at(10_000 + i * window / 4))
    assert guard.locked_for("9.9.9.9", now=at(10_000 + 10 * window / 4)) == 0


def test_security_headers_on_every_answer(two) -> None:
    settings, _, a, _, _ = two
    client = client_for(settings)
    for url in ("/healthz", f"/r/{a.token}/a/{a.assignment_id}", "/r/nope", "/static/portal.css"):
        headers = client.get(url).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    cookie = client.get(f"/r/{a.token}/a/{a.assignment_id}").headers.get("set-cookie", "")
    assert cookie == "" or ("HttpOnly" in cookie and "SameSite=lax" in cookie)


def test_uploads_above_the_limit_are_refused_while_reading(
    tmp_path, sqlite_settings: Settings
) -> None:
    settings = load_settings(data_dir=sqlite_settings.data_dir, max_upload_bytes=2048)
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        a = invited_assignment(session, settings)
    client = client_for(settings)
    fields = form_fields(page(client, a.token, a.assignment_id).text)
    big = b"PK" + b"\0" * (2048 + 300 * 1024)
    r = client.post(
        f"/r/{a.token}/a/{a.assignment_id}/word",
        data={"csrf": fields["csrf"]},
        files={"file": ("big.docx", big, "application/octet-stream")},
    )
    assert r.status_code == 413 and "MB" in r.text

    # Without a Content-Length (chunked), the limit holds while reading.
    def chunks():
        for _ in range(400):
            yield b"x" * 1024

    r = client.post(
        f"/r/{a.token}/a/{a.assignment_id}/word",
        content=chunks(),
        headers={"content-type": "multipart/form-data; boundary=abc"},
    )
    assert r.status_code == 413


def test_errors_show_no_traceback(sqlite_settings: Settings) -> None:
    with Session(engine_for(sqlite_settings.database_url), expire_on_commit=False) as session:
        a = invited_assignment(session, sqlite_settings, rubric="no-such-rubric")
    client = client_for(sqlite_settings, raise_server_exceptions=False)
    r = client.get(f"/r/{a.token}/a/{a.assignment_id}?lang=en")
    assert r.status_code == 500 and "Something went wrong" in r.text
    assert "Traceback" not in r.text and "KeyError" not in r.text
    assert r.headers["x-frame-options"] == "DENY"
