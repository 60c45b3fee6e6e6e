"""What the parent flow will do next follows from the round's state alone."""

from __future__ import annotations

from sqlmodel import Session

from review import events
from review.deadlines.report import Found
from review.i18n import translator
from review.models import Assignment, Document, utcnow
from review.progress import Step, round_progress
from review.progress_report import progress_markdown
from review.states import transition
from tests.support.factories import make_municipality, make_plan, make_reviewer, make_round


def _round_with_plan(session: Session):
    round_ = make_round(
        session, reviews_per_plan=2, min_per_rubric={"technical": 1, "communication": 1}
    )
    home = make_municipality(session, round_, "Tulln")
    plan = make_plan(session, round_, home)
    session.add(
        Document(
            round_id=round_.id,
            plan_id=plan.id,
            file_name="p.pdf",
            sha256="c" * 64,
            media_type="application/pdf",
            size=1,
            stored_path="x",
        )
    )
    reviewers = [
        make_reviewer(session, round_, make_municipality(session, round_)) for _ in range(2)
    ]
    session.commit()
    return round_, plan, reviewers


def test_steps_follow_the_round_from_intake_to_done(session: Session) -> None:
    round_ = make_round(session)
    assert round_progress(session, round_).next_steps() == [Step.intake]

    round_, plan, reviewers = _round_with_plan(session)
    assert round_progress(session, round_).next_steps() == [Step.assign]

    assignments = [
        Assignment(
            round_id=round_.id,
            plan_id=plan.id,
            reviewer_id=r.id,
            rubric=rubric,
            due_date=round_.due_date,
        )
        for r, rubric in zip(reviewers, ["technical", "communication"], strict=True)
    ]
    session.add_all(assignments)
    session.commit()
    assert round_progress(session, round_).next_steps() == [Step.approve]

    for a in assignments:
        a.approved_at = utcnow()
    session.commit()
    assert round_progress(session, round_).next_steps() == [Step.invite, Step.escalate]

    for a in assignments:
        transition(session, a, "invited", actor="test")
    transition(session, assignments[0], "submitted", actor="test")
    session.commit()
    progress = round_progress(session, round_)
    assert progress.next_steps() == [Step.escalate]
    assert progress.table()[0]["submitted"] == "1/2" and progress.table()[0]["state"] == "reviewing"
    # A compilation of the incomplete plan (the round summary shows it) does not end the round.
    events.record(
        session,
        kind="plan.compiled",
        actor="test",
        entity="plan",
        entity_id=plan.id,
        round_id=round_.id,
    )
    session.commit()
    assert round_progress(session, round_).next_steps() == [Step.escalate]

    transition(session, assignments[1], "submitted", actor="test")
    session.commit()
    assert round_progress(session, round_).next_steps() == [Step.compile]

    events.record(
        session,
        kind="plan.compiled",
        actor="test",
        entity="plan",
        entity_id=plan.id,
        round_id=round_.id,
    )
    session.commit()
    progress = round_progress(session, round_)
    assert progress.next_steps() == [Step.done] and progress.table()[0]["state"] == "compiled"


def test_the_progress_artifact_names_who_owes_a_review_in_the_rounds_language(
    session: Session,
) -> None:
    from datetime import timedelta

    from review.i18n import translator
    from review.progress_report import progress_markdown

    round_, plan, reviewers = _round_with_plan(session)
    assignments = [
        Assignment(
            round_id=round_.id,
            plan_id=plan.id,
            reviewer_id=r.id,
            rubric=rubric,
            due_date=round_.due_date,
            approved_at=utcnow(),
        )
        for r, rubric in zip(reviewers, ["technical", "communication"], strict=True)
    ]
    session.add_all(assignments)
    session.commit()
    for a in assignments:
        transition(session, a, "invited", actor="test")
    transition(session, assignments[0], "submitted", actor="test")
    session.commit()
    progress = round_progress(session, round_)
    (owed,) = progress.outstanding
    assert (owed.reviewer, owed.rubric, owed.due_date) == (
        reviewers[1].name,
        "communication",
        round_.due_date,
    )
    later = round_.due_date + timedelta(days=3)
    german = progress_markdown(progress, translator("de"), later, ["escalate"])
    assert "Ausstehende Gutachten (1)" in german and reviewers[1].name in german
    assert translator("de").format_date(round_.due_date) in german and "| 3 |" in german
    assert "Fristen geprüft" in german and "deadlines checked" not in german
    # what the deadline check found, not only that it ran
    checked = progress_markdown(progress, translator("de"), later, [Found().said()])
    assert "Dieser Lauf: Fristen geprüft: nichts war fällig\n" in checked
    found = Found(reminders=2, escalated=1, unreplaced=1, overdue=1)
    checked = progress_markdown(progress, translator("de"), later, ["invite", found.said()])
    assert (
        "Dieser Lauf: Einladungen versandt; Fristen geprüft: 2 Erinnerungen verschickt, "
        "1 überfälliges Gutachten an die Koordination eskaliert, 1 säumige Gutachter:in ohne "
        "Ersatzperson entbunden, 1 Gutachten ist überfällig\n"
    ) in checked
    checked = progress_markdown(progress, translator("en"), later, [found.said()])
    assert (
        "This run: deadlines checked: 2 reminders sent, 1 overdue review escalated to the "
        "coordinator, 1 silent reviewer released without a backup, 1 review is overdue\n"
    ) in checked
    calm = Found(replaced=1, overdue=3).said()
    assert calm("en") == "deadlines checked: 1 silent reviewer replaced, 3 reviews are overdue"
    assert Found(overdue=3).said()("de") == (
        "Fristen geprüft: nichts Neues war fällig, 3 Gutachten sind überfällig"
    )
    assert "(s)" not in calm("en")
    # the reviewer is a person ("Gutachter:in", not "Gutachten"), the rubric its title
    assert "| Plan von | Gutachter:in | Bewertungsbogen |" in german
    assert f"| {reviewers[1].name} | Kommunikationsstrategie |" in german
    english = progress_markdown(progress, translator("en"), later, [])
    # walk10: a run that did nothing said 'nichts zu tun', as if it had failed to
    assert "Outstanding reviews (1)" in english and "This run: nothing was due" in english
    assert "Dieser Lauf: nichts war fällig" in progress_markdown(
        progress, translator("de"), later, []
    )
    meetings = progress_markdown(
        progress, translator("de"), later, ["plan-meetings"], did=["1 Einladung eingereiht"]
    )
    assert "Dieser Lauf: Austauschtreffen geplant\n- 1 Einladung eingereiht\n" in meetings
    assert f"| {reviewers[1].name} | Communication strategy |" in english


def test_the_progress_artifact_links_to_the_round_page(session: Session) -> None:
    round_, _plan, _reviewers = _round_with_plan(session)
    progress = round_progress(session, round_)
    url = "http://127.0.0.1:4301/c/abc"
    german = progress_markdown(progress, translator("de"), round_.due_date, [], url)
    assert f"[Seite der Runde öffnen: Gutachter:innen, Links, Dokumente, Postfach]({url})" in german
    assert url not in progress_markdown(progress, translator("de"), round_.due_date, [])
