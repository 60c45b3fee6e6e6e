"""A silent reviewer released past the grace period with nobody eligible to take over: the
coordinator reads who it was, which plan and rubric, and the command that gives the review to
someone, in their language where it is shown (the deadline run's artifact, the daily digest,
`peerplan status`), and that command does give it out. It said 'assignment 2 (email) released'
in a sentence frozen in the round's language when it happened."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import time_machine
from sqlmodel import select

from review import lifecycle
from review.coordinator import controls
from review.coordinator.artifacts import escalation_markdown
from review.coordinator.controls import Target
from review.db import session_scope
from review.deadlines.escalate import escalate
from review.i18n import translator
from review.models import Assignment, Outbox, Round
from review.notify.delivery import DeliveryReport
from review.status import round_status
from tests.support.factories import make_municipality
from tests.support.notify import approved_assignment, make_reviewer, small_round

D = date(2026, 12, 15)
GERMAN = (
    "Runde Süd: Sam Sauer (s@example.org), Zuteilung {id}, begutachtet Altstadt (Technische "
    "Begutachtung) nicht mehr, und niemand hat die Begutachtung übernommen: keine geeignete "
    "Ersatzperson: alle, die die Sprache des Plans lesen und diese Fachkenntnis haben, sind aus "
    "derselben Gemeinde, schon für den Plan eingeteilt oder voll ausgelastet. Fragen Sie jemanden "
    "(oder nehmen Sie eine Person auf) und übergeben Sie ihr die Begutachtung mit `peerplan "
    "coordinator replace --round 'Runde Süd' --plan Altstadt --reviewer s@example.org --backup "
    "NAME` oder dem Prefect-Flow replace_reviewer"
)
ENGLISH = (
    "Runde Süd: Sam Sauer (s@example.org), assignment {id}, no longer reviews Altstadt "
    "(Technical assessment) and nobody took it over: no eligible backup reviewer: every "
    "reviewer who reads the plan's language and has this expertise is from the same "
    "municipality, already on the plan, or at their maximum load. Ask someone (or add a "
    "reviewer) and give them the review with "
    "`peerplan coordinator replace --round 'Runde Süd' --plan Altstadt --reviewer s@example.org "
    "--backup NAME` or the Prefect flow replace_reviewer"
)


def _at(offset: int) -> datetime:
    return datetime.combine(D + timedelta(days=offset), time(8), tzinfo=UTC)


def test_a_silent_reviewer_released_without_a_backup_is_named_with_what_to_do(settings, engine):
    with session_scope(engine) as session:
        round_, towns, plans = small_round(session, due=D, name="Runde Süd", language="de")
        sam = make_reviewer(
            session, round_, towns["Bergdorf"], name="Sam Sauer", email="s@example.org",
            expertise=["technical"],
        )  # fmt: skip
        silent = approved_assignment(session, round_, plans["Altstadt"], sam)
        # still open, so that the coordinator gets the digest; not eligible for Altstadt's plan
        neighbour = make_reviewer(session, round_, towns["Altstadt"], expertise=["technical"])
        later = approved_assignment(
            session, round_, plans["Bergdorf"], neighbour, due=D + timedelta(days=30)
        )
        lifecycle.invite(session, settings, [silent, later], actor="test", now=_at(-20))
        silent_id = silent.id
    # the grace period is over (travelled to: the events' times are the clock's)
    with time_machine.travel(_at(5), tick=False), session_scope(engine) as session:
        report = escalate(session, settings, now=_at(5))
        assert session.get(Assignment, silent_id).status == "reassigned"
        digest = session.exec(select(Outbox).where(Outbox.kind == "digest")).one()
        round_ = session.exec(select(Round)).one()
        german_status = round_status(session, round_, "de")["unreplaced"]
        english_status = round_status(session, round_, "en")["unreplaced"]

    german, english = GERMAN.format(id=silent_id), ENGLISH.format(id=silent_id)
    # the run's artifact, in the reader's language when it is shown
    artifact = escalation_markdown(report, DeliveryReport(), translator("de"))
    assert f"- {german}" in " ".join(artifact.split())
    assert f"- {english}" in " ".join(
        escalation_markdown(report, DeliveryReport(), translator("en")).split()
    )
    # the Python log's English
    assert f"PROBLEM: {english}" in report.text()
    # the daily digest (the round's language), once, not once per source
    body = " ".join(digest.body.split())
    assert body.count("Sam Sauer (s@example.org)") == 1 and german in body
    # peerplan status, as long as nobody has the review
    assert german_status == [german] and english_status == [english]

    # ... and the command it names gives the review to the colleague the coordinator found.
    with session_scope(engine) as session:
        round_ = session.exec(select(Round)).one()
        ria = make_reviewer(
            session, round_, make_municipality(session, round_, "Chemnitz"), name="Ria Rot",
            email="r@example.org", expertise=["technical"],
        )  # fmt: skip
        replacement = controls.replace_reviewer(
            session,
            settings,
            round_,
            Target(municipality="Altstadt", reviewer="s@example.org"),
            backup="r@example.org",
        )
        assert replacement.new is not None and replacement.new.reviewer_id == ria.id
        assert replacement.new.status == "invited"
        assert round_status(session, round_, "de")["unreplaced"] == []
