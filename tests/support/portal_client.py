"""A TestClient on the portal app, and small helpers to act as a reviewer would."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from review.config import Settings
from review.portal import create_app

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="([^"]+)"')


def client_for(
    settings: Settings, *, raise_server_exceptions: bool = True, restoring: bool = False
) -> TestClient:
    """`restoring`: a lost draft is written again as in production (a background thread)."""
    app = create_app(settings)
    app.state.throttle.delay_step = 0  # tests don't wait; lockout is tested on its own
    # No SMTP server runs here: sending right after a request is tested on its own
    # (tests/portal/test_upload.py, with a real one).
    app.state.send_now = lambda _settings: None
    # A lost draft is written again in a background thread: tested on its own
    # (tests/portal/test_reply_draft.py, with `restoring`).
    if not restoring:
        app.state.restore_draft = lambda _settings, _plan_id: None
    return TestClient(app, raise_server_exceptions=raise_server_exceptions, follow_redirects=False)


def page(client: TestClient, token: str, assignment_id: int, lang: str = "en"):
    response = client.get(f"/r/{token}/a/{assignment_id}?lang={lang}")
    assert response.status_code == 200, response.text
    return response


def form_fields(html: str) -> dict[str, str]:
    return {"csrf": CSRF.search(html).group(1), "seen": SEEN.search(html).group(1)}


def review_form(scores: dict[str, str], comments: dict[str, str], **extra: str) -> dict[str, str]:
    data = {f"score-{k}": v for k, v in scores.items()}
    data.update({f"comment-{k}": v for k, v in comments.items()})
    data.update(extra)
    return data
