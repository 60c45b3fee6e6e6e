"""Every message in its recipient's language: a municipality's in the municipality's, a
reviewer's in the reviewer's, the coordinator's in the round's; dates as the language writes
them, greetings by name, and no word of the other language."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlmodel import Session, select

from review.config import Settings
from review.deadlines.escalate import escalate
from review.i18n import translator
from review.lifecycle import invite
from review.models import Document, Outbox
from review.notify import messages, municipality_notices
from tests.support.notify import approved_assignment, make_reviewer, small_round

ENGLISH_STATES = re.compile(r"\b(proposed|invited|accepted|declined|submitted|overdue)\b")


def _receipt_for(session: Session, settings: Settings, municipality, plan) -> Outbox:
    document = Document(
        round_id=plan.round_id,
        plan_id=plan.id,
        file_name="plan.pdf",
        sha256=f"{plan.id:064d}",
        media_type="application/pdf",
        size=4096,
        pages=12,
        stored_path="x/plan.pdf",
    )
    session.add(document)
    session.flush()
    row = municipality_notices.plan_receipt(session, settings, municipality, document)
    assert row is not None
    return row


def test_an_english_municipality_in_a_german_round_is_written_to_in_english(
    session: Session, settings: Settings
) -> None:
    round_, towns, plans = small_round(session)
    assert round_.language == "de" and towns["Bergdorf"].language == "en"
    english = _receipt_for(session, settings, towns["Bergdorf"], plans["Bergdorf"])
    german = _receipt_for(session, settings, towns["Altstadt"], plans["Altstadt"])
    assert english.language == "en" and english.subject.startswith("Plan received: plan.pdf")
    assert "12 pages" in english.body and "15 Dec 2026" in english.body
    assert "Kind regards," in english.body
    assert not re.search(r"Sehr geehrte|Grüßen|Seiten|Runde", english.body)
    assert german.language == "de" and german.subject.startswith("Plan eingegangen: plan.pdf")
    assert "12 Seiten" in german.body and "15.12.2026" in german.body
    # A plan's version is a 'Fassung' in German, as on the upload page and the reviewer's form.
    assert "(Fassung 1, 12 Seiten," in german.body and "Version" not in german.body
    assert not re.search(r"\b(Dear|regards|pages|round)\b", german.body)


def test_reviewers_are_greeted_by_name_in_their_language(
    session: Session, settings: Settings
) -> None:
    round_, towns, plans = small_round(session)
    anna = make_reviewer(session, round_, towns["Bergdorf"], name="Anna Schmidt", salutation="ms")
    john = make_reviewer(
        session, round_, towns["Altstadt"], name="John Smith", language="en", languages=["de"]
    )
    assignments = [
        approved_assignment(session, round_, plans["Altstadt"], anna),
        approved_assignment(session, round_, plans["Bergdorf"], john),
    ]
    invite(session, settings, assignments, actor="coordinator")
    rows = {r.recipient: r for r in session.exec(select(Outbox).where(Outbox.kind == "invitation"))}
    german, english = rows[anna.email], rows[john.email]
    assert german.body.startswith("Guten Tag Frau Schmidt,")  # by title where it is known
    assert "bis zum 15.12.2026" in german.body
    assert english.body.startswith("Dear John Smith,") and "by 15 Dec 2026" in english.body
    assert messages.greeting(translator("en"), "Anna Schmidt", "ms") == "Dear Ms Schmidt,"
    assert messages.greeting(translator("de"), "Jan de Vries", "mr") == "Guten Tag Herr de Vries,"
    # The round has no coordinator's name: signed by the coordination, in each language.
    assert "Coordinator" not in german.body and "Ihre Koordination" in german.body
    assert english.body.rstrip().endswith("Kind regards,\nThe coordination team")


def test_a_german_digest_has_no_english_state_or_message_names(
    session: Session, settings: Settings
) -> None:
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(session, round_, towns["Bergdorf"], name="Anna Schmidt")
    assignment = approved_assignment(session, round_, plans["Altstadt"], reviewer)
    invite(session, settings, [assignment], actor="coordinator")
    escalate(session, settings, now=datetime(2026, 12, 1, 8, tzinfo=UTC), round_id=round_.id)
    digest = session.exec(select(Outbox).where(Outbox.kind == "digest")).one()
    assert digest.language == "de"
    assert "Zuteilungen: eingeladen 1" in digest.body
    assert "Einladungen 1" in digest.body
    assert not ENGLISH_STATES.search(digest.body), digest.body
    assert not re.search(r"\b(invitation|Coordinator|Assignments|Dear)\b", digest.body)
    assert digest.subject == f"peerplan Tagesübersicht 01.12.2026: {round_.name}"


def test_without_a_name_the_greeting_is_neutral() -> None:
    _, body = messages.render(
        "digest",
        "en",
        round_name="R",
        coordinator_name="",
        day="1 Dec 2026",
        due_date="15 Dec 2026",
        counts=[("invited", 2)],
        overdue=[],
        sent=[],
        pending=0,
        last_error=None,
        problems=[],
    )
    assert body.startswith("Hello,\n") and "Assignments: invited 2" in body


def test_a_surname_keeps_its_particles() -> None:
    t = translator("de")
    assert messages.greeting(t, "Ursula von der Leyen", "ms") == "Guten Tag Frau von der Leyen,"
    assert messages.greeting(t, "Anna Schmidt", None) == "Guten Tag Anna Schmidt,"
