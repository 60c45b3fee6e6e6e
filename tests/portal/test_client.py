"""The HTTP reviewer client the demo uses works against the real portal over real HTTP."""

from __future__ import annotations

import threading
import time

import pytest
import uvicorn
from sqlmodel import Session

from review.config import Settings
from review.mailsink import free_port
from review.models import Assignment
from review.portal import create_app
from review.portal.client import PortalReviewer, link_in
from review.reviewing.drafts import latest_review
from review.rubric import load_rubrics
from review.synthetic.plans import plan_spec
from review.synthetic.reviews import simulate_review
from review.synthetic.word import fill_word_form, word_answers
from tests.support.reviewing_data import invited_assignment


@pytest.fixture
def portal(sqlite_settings: Settings):
    port = free_port()
    settings = sqlite_settings.model_copy(update={"portal_base_url": f"http://127.0.0.1:{port}"})
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield settings
    server.should_exit = True
    thread.join(5)


def test_link_in_finds_the_personal_link() -> None:
    body = "Ihr persönlicher Link:\nhttp://127.0.0.1:8765/r/AbC-12_x\n\nGrüße"
    assert link_in(body) == "http://127.0.0.1:8765/r/AbC-12_x"


@pytest.mark.parametrize("channel", ["web", "word"])
def test_a_reviewer_submits_over_http(portal: Settings, channel: str) -> None:
    from review.db import get_engine

    with Session(get_engine(portal)) as session:
        invited = invited_assignment(session, portal)
        session.commit()
        assignment = session.get(Assignment, invited.assignment_id)
        rubric = load_rubrics()[assignment.rubric]
    answers = simulate_review(rubric, plan_spec(1, "de"), language="de", seed=3)
    with PortalReviewer(f"{portal.portal_base_url}/r/{invited.token}") as reviewer:
        assert reviewer.assignment_ids() == [invited.assignment_id]
        if channel == "web":
            reviewer.save(invited.assignment_id, answers.form_fields(rubric), submit=True)
        else:
            form = reviewer.word_form(invited.assignment_id)
            reviewer.upload_word_form(
                invited.assignment_id,
                fill_word_form(form, word_answers(answers, rubric)),
                submit=True,
            )
    with Session(get_engine(portal)) as session:
        stored = latest_review(session, session.get(Assignment, invited.assignment_id))
    assert stored.status == "submitted" and stored.source == channel
    assert stored.scores == answers.scores
