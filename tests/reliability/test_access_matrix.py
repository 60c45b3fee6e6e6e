"""The portal's access matrix on EVERY route, enumerated from the app's router: a route added
later is tested (or this test fails, naming it) without anyone remembering to add it.

For each token route: no token, a wrong token, a foreign token (another reviewer's or another
municipality's, or the other kind of link), an expired link, a revoked link (re-issued, and
withdrawn), and, for POSTs, a missing CSRF token. Denials are 404 pages that show nothing of the
target; CSRF failures are 403; nothing is written. Token guessing locks the client out of every
token route. (tests/portal/test_access.py has the hand-written cases; this is the sweep.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import Session, func, select

from review.config import Settings
from review.coordinator import access
from review.db import engine_for
from review.models import (
    Assignment,
    AssignmentStatus,
    Document,
    Event,
    Municipality,
    Review,
    Round,
)
from review.reviewing.links import issue_link, issue_upload_link
from review.states import transition
from tests.support.portal_client import client_for
from tests.support.reviewing_data import invited_assignment

#: Routes without a token: anyone may call them; they must show nothing of a round.
PUBLIC = {("GET", "/healthz"), ("GET", "/static/portal.css"), ("GET", "/")}
SECRET = "SECRET-PLAN-A"
#: Coordinator links (/c/) do not expire either: they are revoked (`peerplan coordinator revoke`)
#: or replaced by a new one of their label.
#: Plan-upload links do not expire (portal design: a municipality may send a new version any
#: time); revocation is by re-issuing. Flip this when they get an expiry.
UPLOAD_LINKS_EXPIRE = False


def token_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route; fails on one that fits no row of the matrix."""
    out = []
    # The routes of every included router, as the app serves them (FastAPI keeps included
    # routers as branches of `app.routes`).
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        for method in sorted((route.methods or set()) - {"HEAD", "OPTIONS"}):
            key = (method, route.path)
            if key in PUBLIC:
                continue
            assert re.match(r"^/(r|m|c)/\{token\}", route.path or ""), (
                f"route {method} {route.path} is neither public nor behind a personal link: "
                "add it to the access matrix in tests/reliability/test_access_matrix.py"
            )
            out.append(key)
    return out


@pytest.fixture
def world(sqlite_settings: Settings):
    settings = sqlite_settings
    with Session(engine_for(str(settings.database_url)), expire_on_commit=False) as session:
        a = invited_assignment(session, settings, plan_text=SECRET)
        b = invited_assignment(session, settings, plan_text="plan-b")
        plan_a = session.get(Assignment, a.assignment_id)
        from review.models import Plan

        muni_a = session.get(Municipality, session.get(Plan, plan_a.plan_id).municipality_id)
        muni_b = session.get(
            Municipality,
            session.get(Plan, session.get(Assignment, b.assignment_id).plan_id).municipality_id,
        )
        upload_a, upload_b = issue_upload_link(session, muni_a), issue_upload_link(session, muni_b)
        round_a, round_b = session.get(Round, a.round_id), session.get(Round, b.round_id)
        coordinator_a = access.issue(session, round_a)
        coordinator_b = access.issue(session, round_b)
        session.commit()
        yield {
            "settings": settings,
            "session": session,
            "a": a,
            "b": b,
            "upload_a": upload_a,
            "upload_b": upload_b,
            "muni_a": muni_a,
            "round_a": round_a,
            "coordinator_a": coordinator_a,
            "coordinator_b": coordinator_b,
        }


#: Values for the other path parameters of token routes (a file or message of the round page).
OTHER_PARAMETERS = {"{folder}": "summary", "{name}": "round-summary.docx"}


def _url(path: str, token: str, assignment_id: int) -> str:
    url = path.replace("{token}", token).replace("{assignment_id}", str(assignment_id))
    for parameter, value in OTHER_PARAMETERS.items():
        url = url.replace(parameter, value)
    return url


def _token(path: str, reviewer: str, upload: str, coordinator: str) -> str:
    """The token of the kind of link a route is for."""
    return {"r": reviewer, "m": upload, "c": coordinator}[path[1]]


def _call(client, method: str, url: str, *, csrf: bool = True):
    if method == "GET":
        return client.get(url)
    data = {"action": "submit", "reason": "no time", "lang": "en", "score-T1": "3"}
    if csrf:
        data["csrf"] = client.cookies.get("peerplan_csrf") or ""
    upload = {"file": ("plan.pdf", b"%PDF-1.4 x", "application/pdf")}
    return client.post(url, data=data, files=upload)


def _writes(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return (
        session.exec(select(func.count()).select_from(Review)).one(),
        session.exec(select(func.count()).select_from(Document)).one(),
        session.exec(
            select(func.count()).select_from(Event).where(Event.kind.notlike("%link_issued%"))
        ).one(),
    )


def _assert_denied(client, routes, token_for, assignment_id: int, why: str, session) -> int:
    before = _writes(session)
    n = 0
    for method, path in routes:
        token = token_for(path)
        url = _url(path, token, assignment_id)
        response = _call(client, method, url)
        assert response.status_code == 404, (why, method, url, response.status_code)
        assert SECRET not in response.text, (why, method, url)
        n += 1
    assert _writes(session) == before, f"{why}: a refused request wrote something"
    return n


def test_every_route_refuses_bad_links(world) -> None:
    settings, session, a, b = world["settings"], world["session"], world["a"], world["b"]
    client = client_for(settings)
    client.app.state.throttle.max_failures = 10_000
    routes = token_routes(client.app)
    reviewer = [r for r in routes if r[1].startswith("/r/")]
    municipality = [r for r in routes if r[1].startswith("/m/")]
    coordinator = [r for r in routes if r[1].startswith("/c/")]
    assert reviewer and municipality and coordinator
    client.get(f"/r/{b.token}/a/{b.assignment_id}")  # a CSRF cookie, as a real browser has
    checked = 0

    def kind_token(reviewer_token: str, upload_token: str, coordinator_token: str):
        return lambda path: _token(path, reviewer_token, upload_token, coordinator_token)

    # No token at all: the path has an empty segment.
    checked += _assert_denied(client, routes, lambda p: "", a.assignment_id, "no token", session)
    checked += _assert_denied(client, routes, lambda p: "x" * 43, a.assignment_id, "wrong", session)
    checked += _assert_denied(
        client, routes, lambda p: a.token[:-2] + "zz", a.assignment_id, "one character off", session
    )
    # The other kind of link: a reviewer's token on upload routes, an upload token on
    # coordinator routes and a coordinator's token on reviewer routes.
    checked += _assert_denied(
        client,
        routes,
        kind_token(world["coordinator_a"], a.token, world["upload_a"]),
        a.assignment_id,
        "other kind of link",
        session,
    )
    # Foreign: B's reviewer link with A's assignment id.
    with_id = [r for r in reviewer if "{assignment_id}" in r[1]]
    checked += _assert_denied(
        client, with_id, lambda p: b.token, a.assignment_id, "foreign", session
    )
    # Foreign: the coordinator of B's round on A's assignment.
    checked += _assert_denied(
        client,
        [r for r in coordinator if "{assignment_id}" in r[1]],
        lambda p: world["coordinator_b"],
        a.assignment_id,
        "foreign round",
        session,
    )
    # Foreign pages that open (B's own overview, B's municipality page, B's round page) show
    # nothing of A (files, such as a draft not yet written, are left to the checks above).
    for method, path in routes:
        if method == "GET" and not re.search(r"\{(assignment_id|folder|name|kind)\}", path):
            token = _token(path, b.token, world["upload_b"], world["coordinator_b"])
            page = client.get(_url(path, token, b.assignment_id))
            assert page.status_code in (200, 303) and SECRET not in page.text, path
            checked += 1
    # Expired: after the round's final deadline plus the grace period.
    with time_machine.travel(datetime(2027, 1, 27, 0, 0, 1, tzinfo=UTC)):
        expired_routes = reviewer + (municipality if UPLOAD_LINKS_EXPIRE else [])
        checked += _assert_denied(
            client,
            expired_routes,
            kind_token(a.token, world["upload_a"], world["coordinator_a"]),
            a.assignment_id,
            "expired",
            session,
        )
    # Revoked by re-issuing: the old links open nothing, the new ones work.
    assignment = session.get(Assignment, a.assignment_id)
    new_token = issue_link(session, assignment, settings=settings)
    new_upload = issue_upload_link(session, world["muni_a"])
    new_coordinator = access.issue(session, world["round_a"])
    session.commit()
    checked += _assert_denied(
        client,
        routes,
        kind_token(a.token, world["upload_a"], world["coordinator_a"]),
        a.assignment_id,
        "re-issued",
        session,
    )
    assert client.get(f"/r/{new_token}/a/{a.assignment_id}").status_code == 200
    assert client.get(f"/m/{new_upload}").status_code == 200
    assert client.get(f"/c/{new_coordinator}").status_code == 200
    # Revoked by the coordinator.
    access.revoke(session, world["round_a"])
    session.commit()
    checked += _assert_denied(
        client, coordinator, lambda p: new_coordinator, a.assignment_id, "revoked", session
    )
    # Revoked by the assignment's end (withdrawn by the coordinator).
    transition(
        session,
        session.get(Assignment, a.assignment_id),
        AssignmentStatus.withdrawn,
        actor="coordinator",
    )
    session.commit()
    checked += _assert_denied(
        client, reviewer, lambda p: new_token, a.assignment_id, "withdrawn", session
    )
    print(f"access matrix: {len(routes)} token routes, {checked} denied or checked requests")


def test_every_post_route_needs_the_csrf_token(world) -> None:
    settings, session, a = world["settings"], world["session"], world["a"]
    client = client_for(settings)
    client.get(f"/r/{a.token}/a/{a.assignment_id}")
    posts = [r for r in token_routes(client.app) if r[0] != "GET"]
    assert posts
    before = _writes(session)
    for method, path in posts:
        token = _token(path, a.token, world["upload_a"], world["coordinator_a"])
        response = _call(client, method, _url(path, token, a.assignment_id), csrf=False)
        assert response.status_code == 403, (path, response.status_code)
        # A cookie-less client (another site's forged form) with a guessed field: refused too.
        other = client_for(settings)
        forged = other.post(
            _url(path, token, a.assignment_id),
            data={"csrf": "f" * 32, "action": "submit", "reason": "x"},
        )
        assert forged.status_code == 403, (path, forged.status_code)
    assert _writes(session) == before
    assert session.get(Assignment, a.assignment_id).status == "invited"


def test_token_guessing_locks_the_client_out_of_every_token_route(world) -> None:
    settings, a = world["settings"], world["a"]
    client = client_for(settings)
    throttle = client.app.state.throttle
    for n in range(throttle.max_failures):
        assert client.get(f"/r/{'guess' * 9}{n}/a/{a.assignment_id}").status_code == 404
    for method, path in token_routes(client.app):
        token = _token(path, a.token, world["upload_a"], world["coordinator_a"])
        response = _call(client, method, _url(path, token, a.assignment_id))
        assert response.status_code == 429, (method, path, response.status_code)
        assert int(response.headers["retry-after"]) > 60 and SECRET not in response.text
    assert client.get("/healthz").status_code == 200  # the public routes stay up
    # Guesses spread over the upload links count the same. (The tries are in the database,
    # which every app on it shares: forget them first.)
    throttle.clear()
    fresh = client_for(settings)
    for n in range(throttle.max_failures):
        assert fresh.get(f"/m/{'guess' * 9}{n}").status_code == 404
    assert fresh.get(f"/r/{a.token}/a/{a.assignment_id}").status_code == 429


def test_an_unknown_route_is_a_plain_404(world) -> None:
    client = client_for(world["settings"])
    for url in ("/admin", "/r", "/m", "/openapi.json", "/docs", "/redoc", "/r/x/a/1/export"):
        response = client.get(url)
        assert response.status_code in (404, 405), url
        assert SECRET not in response.text
