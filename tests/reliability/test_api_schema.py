"""API robustness with schemathesis. The portal serves no OpenAPI schema (openapi_url=None: it
would list every route to anyone), so the test builds it from the app object (`app.openapi()`)
and completes it with what the portal documents but FastAPI cannot infer: HTML answers, the
status codes of its refusals (303 redirect, 403 CSRF, 404 bad link, 409 stale, 413 too large,
422 invalid, 429 locked out) and the form fields its POST routes read. Path parameters are either
valid (a live link) or anything, so generated requests reach the forms and the Word upload, not
only the 404 page. Checks: no 5xx, status codes and content types as documented, security headers
on every answer, no traceback in any body."""

from __future__ import annotations

import copy
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance
from sqlmodel import Session

from review.config import Settings
from review.db import engine_for
from review.models import Assignment, Municipality, Plan
from review.portal import create_app
from review.portal.security import CSRF_COOKIE, HEADERS
from review.reviewing.links import issue_upload_link
from tests.reliability.conftest import base_seed
from tests.support.reviewing_data import invited_assignment

EXAMPLES = int(os.environ.get("PEERPLAN_SCHEMATHESIS_EXAMPLES", "8"))
CSRF = "c" * 32
DOCUMENTED = {
    "GET": ["200", "303", "404", "429"],
    "POST": ["200", "303", "403", "404", "409", "413", "422", "429"],
}
PAGE_TYPES = [
    "text/html",
    "text/plain",
    "text/css",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/octet-stream",
]
REQUESTS: dict[str, int] = {}


def contract(app, *, token: str, upload_token: str, assignment_id: int) -> dict:
    schema = copy.deepcopy(app.openapi())
    schema.pop("components", None)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "token":
                    live = token if path.startswith("/r/") else upload_token
                    parameter["schema"] = {"anyOf": [{"enum": [live]}, {"type": "string"}]}
                elif parameter["name"] == "assignment_id":
                    parameter["schema"] = {
                        "anyOf": [{"enum": [assignment_id]}, {"type": "integer"}]
                    }
            operation["responses"] = {
                code: {
                    "description": "as documented",
                    "content": {t: {"schema": {}} for t in PAGE_TYPES},
                }
                for code in DOCUMENTED[method.upper()]
            }
            operation["responses"]["303"] = {"description": "redirect"}
            if method == "post":
                fields = {
                    "csrf": {"anyOf": [{"enum": [CSRF]}, {"type": "string"}]},
                    "action": {"enum": ["draft", "submit", "x"]},
                    "seen": {"type": "string"},
                    "lang": {"enum": ["de", "en", "xx"]},
                    "reason": {"type": "string"},
                    "score-T1": {"type": "string"},
                    "comment-T1": {"type": "string"},
                    "strengths": {"type": "string"},
                    "file": {"type": "string", "format": "binary"},
                }
                operation["requestBody"] = {
                    "content": {
                        "multipart/form-data": {
                            "schema": {"type": "object", "properties": fields, "required": ["csrf"]}
                        }
                    }
                }
    return schema


@pytest.fixture
def portal(sqlite_settings: Settings):
    settings = sqlite_settings
    with Session(engine_for(str(settings.database_url)), expire_on_commit=False) as session:
        a = invited_assignment(session, settings)
        plan = session.get(Plan, session.get(Assignment, a.assignment_id).plan_id)
        upload = issue_upload_link(session, session.get(Municipality, plan.municipality_id))
        session.commit()
    app = create_app(settings)
    app.state.throttle.delay_step = 0
    app.state.throttle.max_failures = 10**9  # reach the routes' code, not only the lockout
    return app, a, upload


def _security_headers(response) -> None:
    for name in HEADERS:
        assert name.lower() in {k.lower() for k in response.headers}, name
    body = response.content[:200_000]
    assert b"Traceback" not in body and b'File "/' not in body


def test_portal_conforms_to_its_documented_contract(portal) -> None:
    check_contract(portal, EXAMPLES)


@pytest.mark.slow
def test_portal_contract_long_run(portal) -> None:
    check_contract(portal, 150)


def check_contract(portal, examples: int) -> None:
    app, a, upload = portal
    schema = schemathesis.openapi.from_dict(
        contract(app, token=a.token, upload_token=upload, assignment_id=a.assignment_id)
    )
    schema.app = app
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(i) for i in app.openapi()["paths"].values())
    for number, operation in enumerate(operations):

        @seed(base_seed() + number)
        @hsettings(
            max_examples=examples,
            deadline=None,
            database=None,
            phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(cookies={CSRF_COOKIE: CSRF})
            label = case.operation.label
            REQUESTS[label] = REQUESTS.get(label, 0) + 1
            case.validate_response(
                response,
                checks=[not_a_server_error, status_code_conformance, content_type_conformance],
            )
            _security_headers(response)

        run()
    print(f"\nschemathesis: {sum(REQUESTS.values())} requests over {len(REQUESTS)} operations")
