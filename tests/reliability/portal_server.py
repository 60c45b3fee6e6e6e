"""The real portal over HTTP: uvicorn in a thread, httpx clients acting as reviewers."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from review.config import Settings
from review.portal import create_app
from review.reviewing.form import ELIGIBILITY
from review.rubric import load_rubrics
from tests.support.notify import free_port
from tests.support.portal_client import form_fields


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    app.state.throttle.delay_step = 0
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="off", access_log=False
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the portal did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


def complete_fields(rubric_id: str = "technical", marker: str = "") -> dict[str, str]:
    """A complete review as the web form posts it."""
    rubric = load_rubrics()[rubric_id]
    fields = {f"score-{c.id}": "2" for c in rubric.criteria}
    fields |= {f"comment-{c.id}": f"Comment on {c.id} {marker}".strip() for c in rubric.criteria}
    fields |= {f"elig-{key}": "yes" for key in ELIGIBILITY}
    fields |= {
        "strengths": f"Strengths {marker}",
        "weaknesses": "Few actions",
        "recommendations": "Add monitoring",
    }
    return fields


class Reviewer:
    """One browser: its own cookies (CSRF), opening its form and posting it."""

    def __init__(self, base: str, token: str, assignment_id: int) -> None:
        self.http = httpx.Client(base_url=base, follow_redirects=False, timeout=120)
        self.url = f"/r/{token}/a/{assignment_id}"

    def open(self) -> dict[str, str]:
        page = self.http.get(self.url + "?lang=en")
        assert page.status_code == 200, (page.status_code, page.text[:500])
        return form_fields(page.text)

    def post(self, fields: dict[str, str], action: str) -> httpx.Response:
        return self.http.post(self.url + "/save", data=fields | {"action": action, "lang": "en"})

    def close(self) -> None:
        self.http.close()
