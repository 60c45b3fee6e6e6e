"""Fuzzing the portal's requests (issue 17, "no 500s from input"): every route, with fuzzed
headers (Origin, Sec-Fetch-Site, X-Forwarded-For/-Proto, Cookie, Content-Type, Host, ...),
assignment ids over the whole integer range and beyond, link tokens, and form fields with NUL
and other control characters, on SQLite and PostgreSQL. The only acceptable answers are the
documented ones below 500, each with the security headers, no traceback and nothing of another
plan. (tests/reliability/test_fuzz.py fuzzes the uploaded files; test_api_schema.py the API's
documented shape.) The default run is a seeded short one; `-m slow` runs many more examples."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, seed
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlmodel import Session

from review.config import Settings
from review.db import engine_for
from review.models import MAX_ID, Assignment, Municipality, Plan
from review.reviewing.links import issue_upload_link
from tests.reliability.conftest import base_seed
from tests.reliability.test_fuzz import LONG, NO_SHRINK, SHORT
from tests.support.portal_client import client_for, form_fields, page
from tests.support.reviewing_data import invited_assignment

SECRET = "SECRET-OTHER-PLAN"
FUZZED: Counter = Counter()
OUTCOMES: Counter = Counter()

ROUTES = [
    ("GET", "/r/{token}"),
    ("GET", "/r/{token}/a/{id}"),
    ("GET", "/r/{token}/a/{id}/plan"),
    ("GET", "/r/{token}/a/{id}/findings"),
    ("GET", "/r/{token}/a/{id}/word"),
    ("POST", "/r/{token}/a/{id}/save"),
    ("POST", "/r/{token}/a/{id}/accept"),
    ("POST", "/r/{token}/a/{id}/decline"),
    ("POST", "/r/{token}/a/{id}/word"),
    ("GET", "/m/{upload}"),
    ("POST", "/m/{upload}"),
    ("GET", "/"),
    ("GET", "/healthz"),
]
HEADER_NAMES = [
    "Origin",
    "Sec-Fetch-Site",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "Forwarded",
    "Cookie",
    "Content-Type",
    "Host",
    "Referer",
    "Accept-Language",
    "User-Agent",
    "X-Requested-With",
]
#: Header values: what a client may send over HTTP/1.1 (latin-1 without line breaks), NUL and
#: tabs included, plus values that mean something to the portal.
header_text = st.text(
    st.characters(min_codepoint=0, max_codepoint=0xFF, blacklist_characters="\r\n"),
    max_size=120,
)
header_values = st.one_of(
    header_text,
    st.sampled_from(
        [
            "null",
            "http://testserver",
            "https://evil.example",
            "cross-site",
            "same-origin",
            "none",
            "127.0.0.1, 10.0.0.1",
            "for=1.2.3.4;proto=https",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "application/x-www-form-urlencoded; charset=utf-32",
            "peerplan_csrf=" + "c" * 32,
            "http://[::1",
        ]
    ),
)
ids = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from([0, -1, MAX_ID, MAX_ID + 1, 2**63 - 1, 2**63, 2**64, 10**30]).map(str),
    st.sampled_from(["1e3", "0x1", "+1", " 1", "1.0", "\u0663", "NaN", "%00", "..", "1%0A"]),
    st.text(max_size=20).map(lambda s: quote(s, safe="")),
)
field_text = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(max_codepoint=0x20), max_size=20),
    st.sampled_from(["\x00", "a\x00b", "\u2028", "\ufeff", "=1+1", "x" * 30_000]),
)
FIELDS = ["csrf", "action", "seen", "lang", "reason", "score-T1", "comment-T1", "strengths"]


@pytest.fixture
def world(settings: Settings):
    with Session(engine_for(settings.database_url), expire_on_commit=False) as session:
        mine = invited_assignment(session, settings, plan_text="my plan")
        other = invited_assignment(session, settings, plan_text=SECRET)
        plan = session.get(Plan, session.get(Assignment, mine.assignment_id).plan_id)
        upload = issue_upload_link(session, session.get(Municipality, plan.municipality_id))
        session.commit()
    client = client_for(settings, raise_server_exceptions=False)
    client.app.state.throttle.max_failures = 10**9  # the fuzz must reach the routes
    csrf = form_fields(page(client, mine.token, mine.assignment_id).text)["csrf"]
    return client, mine, other, upload, csrf


def _check(response, what: str, *, others_link: bool) -> None:
    OUTCOMES[f"portal:{response.status_code}"] += 1
    assert response.status_code < 500, (what, response.status_code, response.text[:300])
    assert response.headers.get("x-frame-options") == "DENY", what
    assert "content-security-policy" in response.headers, what
    assert "Traceback" not in response.text, what
    if not others_link:  # through their own link, the other reviewer sees their own plan
        assert SECRET not in response.text, what


def _fuzz_requests(world, examples: int, extra_seed: int) -> None:
    client, mine, other, upload, csrf = world

    @seed(base_seed() + extra_seed)
    @hsettings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=NO_SHRINK,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        route=st.sampled_from(ROUTES),
        token=st.one_of(
            st.just("live"), st.just("other"), st.text(max_size=60).map(lambda s: quote(s, safe=""))
        ),
        assignment_id=st.one_of(st.just("mine"), st.just("other"), ids),
        headers=st.dictionaries(st.sampled_from(HEADER_NAMES), header_values, max_size=5),
        fields=st.dictionaries(st.sampled_from(FIELDS), field_text, max_size=6),
        with_csrf=st.booleans(),
        with_file=st.booleans(),
    )
    def run(route, token, assignment_id, headers, fields, with_csrf, with_file) -> None:
        method, template = route
        token = {"live": mine.token, "other": other.token}.get(token, token)
        assignment_id = {"mine": str(mine.assignment_id), "other": str(other.assignment_id)}.get(
            assignment_id, assignment_id
        )
        url = (
            template.replace("{token}", token)
            .replace("{id}", assignment_id)
            .replace("{upload}", upload if token == mine.token else token)
        )
        what = f"{method} {url} headers={headers!r} fields={sorted(fields)}"
        headers = {name: value.encode("latin-1") for name, value in headers.items()}
        FUZZED["portal"] += 1
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            data = fields | ({"csrf": csrf} if with_csrf else {})
            files = (
                {"file": ("plan.pdf", b"%PDF-1.4 fuzz", "application/pdf")} if with_file else None
            )
            response = client.post(url, data=data, files=files, headers=headers)
        _check(response, what, others_link=token == other.token)

    run()


def test_fuzzed_headers_ids_and_fields_never_give_a_500(world) -> None:
    _fuzz_requests(world, SHORT * 4, 11)


@pytest.mark.slow
def test_portal_long_fuzz(world) -> None:
    _fuzz_requests(world, LONG * 2, 12)


def teardown_module() -> None:
    print(f"\nfuzzed portal requests: {dict(FUZZED)}; outcomes: {dict(OUTCOMES)}")
