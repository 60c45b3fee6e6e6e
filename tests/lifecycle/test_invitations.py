"""lifecycle.invite and lifecycle.reissue_link: the invitation carries a working personal link,
and a reissued link replaces it (the old one stops working at once, a new invitation goes out)."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from review import lifecycle
from review.config import Settings
from review.coordinator import artifacts
from review.errors import InvalidInput
from review.i18n import translator
from review.models import Assignment, Event, Outbox
from review.notify.delivery import DeliveryReport
from review.notify.envelope import body_as_sent, build_email
from review.reviewing.links import assignment_for_token
from review.states import StaleVersion
from tests.support.factories import make_municipality, make_plan
from tests.support.notify import approved_assignment, make_reviewer, small_round
from tests.support.portal_client import client_for

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _invited(session: Session, settings: Settings) -> Assignment:
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(session, round_, towns["Bergdorf"], email="eva@b.example")
    assignment = approved_assignment(session, round_, plans["Altstadt"], reviewer)
    assert lifecycle.invite(session, settings, [assignment], actor="coordinator", now=NOW)[
        0
    ].outcome == ("invited")
    return assignment


def _link_in(message: Outbox, settings: Settings) -> str:
    """The token of the link the reviewer receives: the stored body holds only a placeholder,
    rendered when the message is sent (#17)."""
    found = re.search(r"/r/([A-Za-z0-9_-]+)", body_as_sent(message.body, settings))
    assert found, message.body
    return found.group(1)


def _invitations(session: Session, assignment: Assignment) -> list[Outbox]:
    return list(
        session.exec(
            select(Outbox)
            .where(Outbox.assignment_id == assignment.id, Outbox.kind == "invitation")
            .order_by(Outbox.id)  # type: ignore[arg-type]
        )
    )


def test_invitation_carries_a_link_that_opens_the_assignment(
    session: Session, settings: Settings
) -> None:
    assignment = _invited(session, settings)
    (invitation,) = _invitations(session, assignment)
    assert invitation.recipient == "eva@b.example" and invitation.attachments
    opened = assignment_for_token(session, _link_in(invitation, settings), settings, now=NOW)
    assert opened is not None and opened.id == assignment.id
    # Inviting again invites nobody twice.
    again = lifecycle.invite(session, settings, [assignment], actor="coordinator", now=NOW)
    assert again[0].outcome == "skipped" and len(_invitations(session, assignment)) == 1
    # why, in the coordinator's words (the invitations artifact, peerplan invite's lines)
    assert again[0].why == "already invited" and again[0].why("de") == "bereits eingeladen"
    delivery = DeliveryReport()
    german = artifacts.invitations_markdown("Runde", again, delivery, translator("de"))
    assert (
        "eva@b.example) | Technische Begutachtung | übersprungen | bereits eingeladen |" in german
    )
    english = artifacts.invitations_markdown("Round", again, delivery, translator("en"))
    assert "eva@b.example) | Technical assessment | skipped | already invited |" in english


def test_an_unapproved_assignment_is_skipped_and_says_why(
    session: Session, settings: Settings
) -> None:
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(session, round_, towns["Bergdorf"], email="eva@b.example")
    assignment = approved_assignment(session, round_, plans["Altstadt"], reviewer)
    assignment.approved_at = None
    (skipped,) = lifecycle.invite(session, settings, [assignment], actor="coordinator", now=NOW)
    assert skipped.outcome == "skipped" and skipped.why == "not approved by the coordinator yet"
    assert skipped.why("de") == "von der Koordination noch nicht freigegeben"


def test_a_reissued_link_replaces_the_old_one_and_is_sent_again(
    session: Session, settings: Settings
) -> None:
    assignment = _invited(session, settings)
    old = _link_in(_invitations(session, assignment)[0], settings)

    new = lifecycle.reissue_link(session, settings, assignment, actor="coordinator", now=NOW)

    assert new != old
    assert assignment_for_token(session, old, settings, now=NOW) is None
    opened = assignment_for_token(session, new, settings, now=NOW)
    assert opened is not None and opened.id == assignment.id
    first, second = _invitations(session, assignment)
    assert _link_in(second, settings) == new and second.key != first.key
    assert second.reason == "a new personal link (the earlier one no longer works)"
    kinds = [e.kind for e in session.exec(select(Event).where(Event.entity_id == assignment.id))]
    assert "assignment.link_reissued" in kinds
    # Reissuing twice sends two messages, and only the newest link works.
    newest = lifecycle.reissue_link(session, settings, assignment, actor="coordinator", now=NOW)
    assert assignment_for_token(session, new, settings, now=NOW) is None
    assert assignment_for_token(session, newest, settings, now=NOW) is not None
    assert len(_invitations(session, assignment)) == 3


def test_no_link_is_reissued_before_the_invitation_or_after_a_decline(
    session: Session, settings: Settings
) -> None:
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(session, round_, towns["Bergdorf"])
    proposed = approved_assignment(session, round_, plans["Altstadt"], reviewer)
    with pytest.raises(InvalidInput, match="only an invited review"):
        lifecycle.reissue_link(session, settings, proposed, actor="coordinator")
    assert proposed.version == 1 and proposed.token_hash is None

    declined = _invited(session, settings)
    lifecycle.decline(session, settings, declined, "On leave", actor="reviewer")
    version = declined.version
    with pytest.raises(InvalidInput, match="is declined"):
        lifecycle.reissue_link(session, settings, declined, actor="coordinator")
    assert declined.version == version


def test_a_link_reissued_from_a_stale_read_is_refused_and_writes_nothing(
    engine, settings: Settings
) -> None:
    with Session(engine, expire_on_commit=False) as session:
        assignment = _invited(session, settings)
        session.commit()
    with Session(engine) as first, Session(engine) as second:
        mine = first.get(Assignment, assignment.id)
        theirs = second.get(Assignment, assignment.id)
        assert mine is not None and theirs is not None
        lifecycle.reissue_link(second, settings, theirs, actor="coordinator", now=NOW)
        second.commit()
        with pytest.raises(StaleVersion):
            lifecycle.reissue_link(first, settings, mine, actor="coordinator", now=NOW)
        first.rollback()
    with Session(engine) as session:
        assert len(_invitations(session, assignment)) == 2  # the first and the one reissue


def test_invitations_from_a_stale_read_are_refused_and_write_nothing(
    engine, settings: Settings
) -> None:
    """A round's invitations go out in one statement per kind of row: if any assignment was
    changed since it was read, none is invited, no message queued, no event written."""
    with Session(engine, expire_on_commit=False) as session:
        round_, towns, plans = small_round(session)
        eva = make_reviewer(session, round_, towns["Bergdorf"], email="eva@b.example")
        tom = make_reviewer(session, round_, towns["Altstadt"], email="tom@a.example")
        first = approved_assignment(session, round_, plans["Altstadt"], eva)
        second = approved_assignment(session, round_, plans["Bergdorf"], tom)
        session.commit()
    with Session(engine) as mine, Session(engine) as theirs:
        read = [mine.get(Assignment, first.id), mine.get(Assignment, second.id)]
        changed = theirs.get(Assignment, second.id)
        assert changed is not None and all(read)
        changed.affinity, changed.version = 0.5, changed.version + 1  # someone else's edit
        theirs.commit()
        with pytest.raises(StaleVersion):
            lifecycle.invite(mine, settings, read, actor="coordinator", now=NOW)  # type: ignore[arg-type]
        mine.rollback()
    with Session(engine) as session:
        statuses = {a.status for a in session.exec(select(Assignment))}
        assert statuses == {"proposed"}
        assert session.exec(select(Outbox)).all() == []
        kinds = {e.kind for e in session.exec(select(Event))}
        assert "assignment.invited" not in kinds and "assignment.link_issued" not in kinds


def _plan_links(message: Outbox, settings: Settings) -> list[tuple[str, int]]:
    """(token, assignment id) of every plan link in the message as the reviewer receives it."""
    sent = body_as_sent(message.body, settings)
    return [(t, int(a)) for t, a in re.findall(r"/r/([A-Za-z0-9_-]+)/a/(\d+)", sent)]


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_reviewer_of_two_plans_gets_both_links_each_opening_its_own_form(
    session: Session, settings: Settings, language: str
) -> None:
    """#13 follow-up: the list invitation held only the first plan's link (dead once that plan
    closed); now every plan's own link is in it, in the reviewer's language."""
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(
        session, round_, towns["Bergdorf"], email="eva@b.example", language=language
    )
    two = [approved_assignment(session, round_, p, reviewer) for p in plans.values()]
    lifecycle.invite(session, settings, two, actor="coordinator", now=NOW)
    session.commit()

    (message,) = session.exec(select(Outbox).where(Outbox.recipient == "eva@b.example")).all()
    assert message.kind == "invitation_list" and message.language == language
    found = _plan_links(message, settings)
    assert [a for _, a in found] == [a.id for a in two]
    assert len({t for t, _ in found}) == 2  # a personal link each, not one shared
    intro = {"de": "Jeder Plan hat seinen eigenen persönlichen Link", "en": "its own personal link"}
    assert intro[language] in message.body
    client = client_for(settings)
    for (token, assignment_id), plan in zip(found, plans.values(), strict=True):
        opened = assignment_for_token(session, token, settings, now=NOW)
        assert opened is not None and opened.id == assignment_id
        form = client.get(f"/r/{token}/a/{assignment_id}")
        assert form.status_code == 200 and plan.title in form.text
        other = next(p.title for p in plans.values() if p is not plan)
        assert other not in form.text
    # The first plan closing leaves the second plan's link working.
    lifecycle.decline(session, settings, two[0], "a conflict", actor="eva@b.example", now=NOW)
    session.commit()
    assert assignment_for_token(session, found[0][0], settings, now=NOW) is None
    assert client.get(f"/r/{found[1][0]}/a/{found[1][1]}").status_code == 200


def test_a_reviewer_of_four_plans_gets_one_invitation_with_every_plans_link(
    session: Session, settings: Settings
) -> None:
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(session, round_, towns["Bergdorf"], email="eva@b.example")
    extra = [
        make_plan(session, round_, make_municipality(session, round_, name), title=f"Plan {name}")
        for name in ("Chorweiler", "Dornach")
    ]
    four = [
        approved_assignment(session, round_, plan, reviewer)
        for plan in [plans["Altstadt"], plans["Bergdorf"], *extra]
    ]
    invited = lifecycle.invite(session, settings, four, actor="coordinator", now=NOW)
    assert [i.outcome for i in invited] == ["invited"] * 4
    session.commit()

    (message,) = session.exec(select(Outbox).where(Outbox.recipient == "eva@b.example")).all()
    assert message.kind == "invitation_list"
    assert len(message.attachments) == 4
    assert len({a["filename"] for a in message.attachments}) == 4
    sent = body_as_sent(message.body, settings)
    assert [a for _, a in _plan_links(message, settings)] == [a.id for a in four]
    titles = ["Klimaschutzkonzept Altstadt", "SECAP Bergdorf", "Plan Chorweiler", "Plan Dornach"]
    assert all(title in sent for title in titles) and "4 Plänen" in message.subject
    listing = client_for(settings).get(f"/r/{_link_in(message, settings)}?lang=en")
    assert listing.status_code == 200
    assert all(title in listing.text for title in titles)

    # Running the batch again sends nothing more.
    again = lifecycle.invite(session, settings, four, actor="coordinator", now=NOW)
    assert {i.outcome for i in again} == {"skipped"}
    assert len(session.exec(select(Outbox).where(Outbox.recipient == "eva@b.example")).all()) == 1

    # A later batch with a new plan for the same reviewer is one new message.
    fifth = approved_assignment(
        session,
        round_,
        make_plan(
            session,
            round_,
            make_municipality(session, round_, "Nachzügler"),
            title="Plan Nachzügler",
        ),
        reviewer,
    )
    lifecycle.invite(session, settings, [fifth], actor="coordinator", now=NOW)
    messages = session.exec(
        select(Outbox).where(Outbox.recipient == "eva@b.example").order_by(Outbox.id)  # type: ignore[arg-type]
    ).all()
    assert [m.kind for m in messages] == ["invitation_list", "invitation"]
    assert "Plan Nachzügler" in messages[1].body and len(messages[1].attachments) == 1


@pytest.mark.parametrize(
    ("language", "names"),
    [
        (
            "de",
            [
                "Bewertungsbogen Technische Begutachtung - Altstadt.docx",
                "Bewertungsbogen Kommunikationsstrategie - Bergdorf.docx",
                "Bewertungsbogen Technische Begutachtung - Sankt Anna-Ost.docx",
            ],
        ),
        (
            "en",
            [
                "Review form Technical assessment - Altstadt.docx",
                "Review form Communication strategy - Bergdorf.docx",
                "Review form Technical assessment - Sankt Anna-Ost.docx",
            ],
        ),
    ],
)
def test_each_word_form_of_a_reviewer_of_several_plans_is_named_by_its_plan(
    session: Session, settings: Settings, language: str, names: list[str]
) -> None:
    """The German walkthrough of session 8: the forms came as "Review-Formular-2.docx",
    "Review-Formular-3.docx", ... and named no plan. Each is named by its rubric and
    municipality in the reviewer's language, as the reviewer's mail program shows it (a "/"
    in a municipality's name cannot be in a file name)."""
    round_, towns, plans = small_round(session)
    reviewer = make_reviewer(
        session, round_, towns["Bergdorf"], email="eva@b.example", language=language
    )
    third = make_plan(session, round_, make_municipality(session, round_, "Sankt Anna/Ost"))
    rubrics_and_plans = [
        ("technical", plans["Altstadt"]),
        ("communication", plans["Bergdorf"]),
        ("technical", third),
    ]
    several = [
        approved_assignment(session, round_, plan, reviewer, rubric=rubric)
        for rubric, plan in rubrics_and_plans
    ]
    lifecycle.invite(session, settings, several, actor="coordinator", now=NOW)
    session.commit()

    (message,) = session.exec(select(Outbox).where(Outbox.recipient == "eva@b.example")).all()
    assert [a["filename"] for a in message.attachments] == names
    received = email.message_from_bytes(
        build_email(message, settings).as_bytes(), policy=email.policy.default
    )
    assert [part.get_filename() for part in received.iter_attachments()] == names
