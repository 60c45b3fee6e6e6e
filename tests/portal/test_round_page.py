"""The coordinator's round page: who is late and since when, the links, the findings, every
document of the round to download, and the local mailbox's messages of the round."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from sqlmodel import Session, select

from review.config import Settings
from review.consolidation.pipeline import compile_round
from review.coordinator import access, mailbox
from review.coordinator import round_page as round_page_module
from review.coordinator.round_page import round_page
from review.models import Assignment, AssignmentStatus, Event, Outbox, Plan, Reviewer, utcnow
from review.rounds import get_round
from review.states import transition
from tests.support.portal_client import CSRF, client_for
from tests.support.review_data import reviewed_plan
from tests.support.reviewing_data import invited_assignment


def _late_round(session: Session, settings: Settings):
    """A round with one plan reviewed and one late reviewer of another plan."""
    done = reviewed_plan(session, municipality="Tulln an der Donau", language="de")
    for reviewed in session.exec(select(Assignment).where(Assignment.round_id == done.round_.id)):
        reviewed.status = AssignmentStatus.submitted.value  # reviewed_plan leaves them accepted
        session.add(reviewed)
    late = invited_assignment(session, settings, round_=done.round_)
    assignment = session.get(Assignment, late.assignment_id)
    assignment.due_date = date.today() - timedelta(days=3)
    transition(session, assignment, AssignmentStatus.overdue, actor="test")
    session.add(
        Outbox(
            key=f"reminder:{assignment.id}",
            round_id=done.round_.id,
            assignment_id=assignment.id,
            kind="reminder",
            recipient="r@example.org",
            subject="Reminder",
            body="...",
            message_id="<reminder-1@peerplan>",
        )
    )
    session.commit()
    return done, late, assignment


def test_the_page_says_who_is_late_since_when_and_the_state_of_each_link(
    settings: Settings, session: Session
) -> None:
    done, late, assignment = _late_round(session, settings)
    token = access.issue(session, done.round_)
    session.commit()
    page = round_page(session, settings, done.round_)
    line = next(a for p in page.plans for a in p.assignments if a.id == late.assignment_id)
    assert line.days_late == 3 and line.late_since == assignment.due_date
    assert line.link == "active" and line.last_reminder is not None
    assert page.outstanding == 1

    response = client_for(settings).get(f"/c/{token}?lang=en")
    assert response.status_code == 200
    html = response.text
    row = html.split(f'id="assignment-{late.assignment_id}"')[1].split("</tr>")[0]
    assert "overdue" in row and "3 days" in row and "works" in row
    assert "Emission inventory of" in html  # the plan's automatic findings
    assert "Tulln an der Donau" in html
    german = client_for(settings).get(f"/c/{token}").text  # the round's language
    assert "überfällig" in german
    # the column of people says who they are ("Gutachten" would be a review)
    assert "<th>Gutachter:in</th>" in german and "<th>Gutachten</th>" not in german
    assert "<th>Reviewer</th>" in html
    # The rubric by its title in the page's language, the document's version as German says it.
    german_row = german.split(f'id="assignment-{late.assignment_id}"')[1].split("</tr>")[0]
    assert "<td>Technische Begutachtung</td>" in german_row, german_row
    assert "<td>Technical assessment</td>" in row and "<td>technical</td>" not in html
    assert "· Fassung 1 ·" in german and "Version 1" not in german


def test_the_late_reviews_stand_first_with_a_button_to_remind(
    settings: Settings, session: Session
) -> None:
    # A coordinator of thirty plans sees who is late without scrolling through every plan, and
    # each plan's heading says what the intake check did not find.
    done, late, _assignment = _late_round(session, settings)
    token = access.issue(session, done.round_)
    session.commit()
    page = round_page(session, settings, done.round_)
    assert [x.assignment.id for x in page.late] == [late.assignment_id]

    client = client_for(settings)
    html = client.get(f"/c/{token}?lang=en").text
    assert html.index('id="late"') < html.index('id="plans"')
    row = html.split(f'id="late-{late.assignment_id}"')[1].split("</tr>")[0]
    assert "3 days" in row and f"/c/{token}/a/{late.assignment_id}/remind" in row
    assert f"page=1#assignment-{late.assignment_id}" in row
    assert "Late reviews (1)" in html
    german = client.get(f"/c/{token}").text
    assert "Verspätete Gutachten (1)" in german and "Eingangsprüfung" in german


def test_a_plans_heading_says_what_the_intake_check_did_not_find(
    settings: Settings, session: Session
) -> None:
    done, _late, _a = _late_round(session, settings)
    page = round_page(session, settings, done.round_)
    tulln = next(p for p in page.plans if p.municipality == "Tulln an der Donau")
    checks = ["inventory", "target", "financing", "monitoring", "council_approval"]
    tulln.findings = [{"check": c, "present": c != "financing"} for c in checks]
    assert tulln.gaps("en") == ["no financing"] and tulln.gaps("de") == ["keine Finanzierung"]
    tulln.findings = [{"check": c, "present": True} for c in checks]
    assert tulln.gaps("en") == []
    tulln.findings = []
    assert tulln.gaps("en") is None  # not checked: nothing to say


def test_a_wrong_or_revoked_link_opens_nothing(settings: Settings, session: Session) -> None:
    done, _late, _a = _late_round(session, settings)
    token = access.issue(session, done.round_)
    session.commit()
    client = client_for(settings)
    assert client.get(f"/c/{token[:-2]}xx").status_code == 404
    access.revoke(session, done.round_)
    session.commit()
    assert client.get(f"/c/{token}").status_code == 404
    assert client.get(f"/c/{token}/files/summary/round-summary.docx").status_code == 404


def test_every_document_of_the_round_downloads(settings: Settings, session: Session) -> None:
    done, _late, _a = _late_round(session, settings)
    round_ = get_round(session, done.round_.name)
    compile_round(session, settings, round_, pdf=False)
    token = access.issue(session, round_)
    session.commit()
    client = client_for(settings)
    html = client.get(f"/c/{token}?lang=en").text
    plan = round_page(session, settings, round_).plans
    editions = next(p.editions for p in plan if p.municipality == "Tulln an der Donau")
    assert set(editions) == {"municipality", "coordinator"}
    for name in [*editions.values(), "summary/round-summary.docx", "summary/round-scores.csv"]:
        assert f"/c/{token}/files/{name}" in html
        response = client.get(f"/c/{token}/files/{name}")
        assert response.status_code == 200, name
        assert len(response.content) > 100
    for bad in ["../peerplan.db", "summary/..%2F..%2Fpeerplan.db", "files/x.docx", "summary/x.exe"]:
        assert client.get(f"/c/{token}/files/{bad}").status_code == 404, bad


def test_the_local_mailbox_shows_the_rounds_messages(settings: Settings, session: Session) -> None:
    done, _late, _a = _late_round(session, settings)
    token = access.issue(session, done.round_)
    session.commit()
    folder = settings.data_dir / "mailbox"
    folder.mkdir()
    for number, message_id, subject in [
        (1, "<reminder-1@peerplan>", "Reminder: your review"),
        (2, "<someone-else@peerplan>", "Another round's message"),
    ]:
        message = EmailMessage()
        message["Subject"], message["To"], message["Message-ID"] = subject, "r@x.org", message_id
        message["Date"] = utcnow().strftime("%a, %d %b %Y %H:%M:%S +0000")
        message.set_content(f"Body of {subject}")
        (folder / f"{number:05d}.eml").write_bytes(message.as_bytes())
    client = client_for(settings)
    html = client.get(f"/c/{token}?lang=en").text
    assert "Reminder: your review" in html and "Another round" not in html
    mail = client.get(f"/c/{token}/mail/00001.eml?lang=en")
    assert mail.status_code == 200 and "Body of Reminder: your review" in mail.text
    assert client.get(f"/c/{token}/mail/00002.eml").status_code == 404
    assert client.get(f"/c/{token}/mail/..%2Fpeerplan.db").status_code == 404


def test_a_full_mailbox_lists_the_newest_messages_and_says_so(
    settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A round of 1,000 plans leaves thousands of messages, each with its Word form attached:
    # the page lists the newest and reads only their headers.
    done, late, _a = _late_round(session, settings)
    token = access.issue(session, done.round_)
    for number in range(1, 5):
        session.add(
            Outbox(
                key=f"extra:{number}",
                round_id=done.round_.id,
                assignment_id=late.assignment_id,
                kind="reminder",
                recipient="r@example.org",
                subject="Reminder",
                body="...",
                message_id=f"<extra-{number}@peerplan>",
            )
        )
    session.commit()
    folder = settings.data_dir / "mailbox"
    folder.mkdir()
    for number in range(1, 5):
        message = EmailMessage()
        message["Subject"], message["To"] = f"Message number {number}", "r@x.org"
        message["Message-ID"] = f"<extra-{number}@peerplan>"
        message.set_content("Dear reviewer")
        message.add_attachment(b"\0" * 50_000, maintype="application", subtype="octet-stream")
        (folder / f"{number:05d}.eml").write_bytes(message.as_bytes())
    monkeypatch.setattr(mailbox, "SHOWN", 2)
    html = client_for(settings).get(f"/c/{token}?lang=en").text
    assert "Message number 4" in html and "Message number 3" in html
    assert "Message number 2" not in html
    assert "The newest 2 messages are listed" in html


def test_a_round_of_many_plans_is_shown_a_page_of_plans_at_a_time(
    settings: Settings, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 1,000 plans on one page were 3 MB; the pager names each page's first and last plan, the
    # late list links to the page of the late review's plan, a button returns to its page.
    done, late, _a = _late_round(session, settings)
    token = access.issue(session, done.round_)
    session.commit()
    monkeypatch.setattr(round_page_module, "PLANS_PER_PAGE", 1)
    page = round_page(session, settings, done.round_)
    first, second = page.plans
    client = client_for(settings)
    html = client.get(f"/c/{token}?lang=en").text
    assert f'id="plan-{first.plan_id}"' in html and f'id="plan-{second.plan_id}"' not in html
    assert f">{second.municipality} – {second.municipality}</a>" in html
    late_plan = next(p for p in page.plans if p.plan_id == page.late[0].plan_id)
    number = page.plans.index(late_plan) + 1
    assert f"page={number}#assignment-{late.assignment_id}" in html
    on_its_page = client.get(f"/c/{token}?lang=en&page={number}").text
    assert f'id="assignment-{late.assignment_id}"' in on_its_page
    assert client.get(f"/c/{token}?lang=en&page=99").status_code == 200  # the last page
    assert client.get(f"/c/{token}?lang=en&page=x").status_code == 200  # the first page
    reminded = client.post(
        f"/c/{token}/a/{late.assignment_id}/remind",
        data={"csrf": _csrf(on_its_page), "lang": "en", "page": str(number)},
        follow_redirects=False,
    )
    assert reminded.status_code == 303 and f"page={number}&" in reminded.headers["location"]


def _csrf(html: str) -> str:
    return CSRF.search(html).group(1)


def test_the_buttons_extend_send_a_new_link_and_remind(
    settings: Settings, session: Session
) -> None:
    done, late, assignment = _late_round(session, settings)
    token = access.issue(session, done.round_)
    session.commit()
    client = client_for(settings)
    csrf = _csrf(client.get(f"/c/{token}?lang=en").text)
    url = f"/c/{token}/a/{late.assignment_id}"
    new_due = date.today() + timedelta(days=14)

    past = (date.today() - timedelta(days=1)).isoformat()
    refused = client.post(f"{url}/extend", data={"csrf": csrf, "lang": "en", "due_date": past})
    assert refused.status_code == 422 and "is in the past" in refused.text
    extended = client.post(
        f"{url}/extend", data={"csrf": csrf, "lang": "en", "due_date": new_due.isoformat()}
    )
    assert extended.status_code == 303
    page = client.get(extended.headers["location"]).text
    assert "The due date was changed" in page
    session.expire_all()
    changed = session.get(Assignment, late.assignment_id)
    assert changed.due_date == new_due and changed.status == "invited"

    assert client.post(f"{url}/link", data={"csrf": csrf, "lang": "en"}).status_code == 303
    assert client.get(f"/r/{late.token}").status_code == 404  # the old link stops at once
    assert client.post(f"{url}/remind", data={"csrf": csrf, "lang": "en"}).status_code == 303
    reminders = session.exec(
        select(Outbox).where(Outbox.assignment_id == late.assignment_id, Outbox.kind == "reminder")
    ).all()
    assert len(reminders) == 2  # the test's own and the button's

    # Another round's review, an impossible id, no CSRF token: refused, nothing written.
    other = reviewed_plan(session, municipality="Anderswo")
    session.commit()
    foreign = session.exec(select(Assignment).where(Assignment.round_id == other.round_.id)).first()
    data = {"csrf": csrf, "lang": "en"}
    assert client.post(f"/c/{token}/a/{foreign.id}/remind", data=data).status_code == 404
    assert client.post(f"/c/{token}/a/{2**40}/remind", data=data).status_code == 404
    assert client.post(f"{url}/remind", data={"lang": "en"}).status_code == 403
    assert client.post(f"{url}/delete", data=data).status_code in (404, 422)


def test_a_refused_button_says_why_in_the_pages_language(
    settings: Settings, session: Session
) -> None:
    """#13 follow-up: the domain's refusals were English on a German round page."""
    done, late, _assignment = _late_round(session, settings)
    token = access.issue(session, done.round_)
    session.commit()
    client = client_for(settings)
    csrf = _csrf(client.get(f"/c/{token}").text)
    url = f"/c/{token}/a/{late.assignment_id}"
    yesterday = date.today() - timedelta(days=1)

    past = client.post(
        f"{url}/extend", data={"csrf": csrf, "lang": "de", "due_date": yesterday.isoformat()}
    )
    assert past.status_code == 422
    assert f"die neue Frist {yesterday:%d.%m.%Y} liegt in der Vergangenheit" in past.text
    assert "auch wenn in der Vergangenheit" in past.text and "is in the past" not in past.text
    typo = client.post(f"{url}/extend", data={"csrf": csrf, "lang": "de", "due_date": "15.12."})
    assert typo.status_code == 422 and "ist kein Kalenderdatum der Form JJJJ-MM-TT" in typo.text

    submitted = session.exec(
        select(Assignment).where(
            Assignment.round_id == done.round_.id, Assignment.status == "submitted"
        )
    ).first()
    nobody = client.post(f"/c/{token}/a/{submitted.id}/remind", data={"csrf": csrf, "lang": "de"})
    assert nobody.status_code == 422
    assert f"Kein Gutachten steht mehr aus (Gutachten {submitted.id}, Runde" in nobody.text
    no_link = client.post(f"/c/{token}/a/{submitted.id}/link", data={"csrf": csrf, "lang": "de"})
    assert "Kein offenes Gutachten mit einem persönlichen Link" in no_link.text
    english = client.post(f"/c/{token}/a/{submitted.id}/remind", data={"csrf": csrf, "lang": "en"})
    assert f"Nobody owes a review (review {submitted.id} of round" in english.text


def test_the_proposed_reviewers_are_approved_on_the_page_once(
    settings: Settings, session: Session
) -> None:
    from review.assignment import service
    from tests.assignment.test_service import _round as six_towns

    round_ = six_towns(session, language="de")
    service.propose(session, round_, actor="test")
    token = access.issue(session, round_)
    session.commit()
    client = client_for(settings)
    german = client.get(f"/c/{token}").text
    assert "Vorgeschlagene Gutachter:innen (18)" in german and "Fachgebiet" in german
    html = client.get(f"/c/{token}?lang=en").text
    assert "Proposed reviewers (18)" in html and html.index('id="proposal"') < html.index(
        'id="plans"'
    )
    assert html.count('class="proposed"') == 18 and "expertise" in html
    csrf, mark = _csrf(html), html.split('name="proposal" value="')[1].split('"')[0]
    form = {"csrf": csrf, "lang": "en", "proposal": mark}
    # A round of many plans lists a page's proposals on that page; the button approves all.
    with pytest.MonkeyPatch.context() as paged:
        paged.setattr(round_page_module, "PLANS_PER_PAGE", 2)
        second = client.get(f"/c/{token}?lang=en&page=2").text
    assert second.count('class="proposed"') == 6 and "The button approves all 18." in second
    assert f'value="{mark}"' in second

    assert client.post(f"/c/{token}/approve", data={"lang": "en"}).status_code == 403  # no CSRF
    approved = client.post(f"/c/{token}/approve", data=form)
    assert approved.status_code == 303
    page = client.get(approved.headers["location"]).text
    assert "The proposed reviewers are approved." in page and 'id="proposal"' not in page
    # walk10: approved here, the paused assign_reviewers run in the Prefect UI (and its round
    # run) went on waiting for 24 hours; now it goes on by itself, and the page says so.
    assert "paused in the Prefect UI notices this approval" in page
    assert "goes on by itself as if approved in its form" in page
    session.expire_all()
    rows = session.exec(select(Assignment).where(Assignment.round_id == round_.id)).all()
    assert len(rows) == 18 and all(a.approved_at is not None for a in rows)
    # Each review says it is approved, not "proposed" as before the click (walk10: the page
    # still read "vorgeschlagen" beside every reviewer after the approval).
    cells = client.get(f"/c/{token}?lang=de").text.split('<td class="status">')[1:]
    assert len(cells) == 18
    assert all(c.startswith("freigegeben, noch nicht eingeladen") for c in cells)

    again = client.post(f"/c/{token}/approve", data={**form, "lang": "de"})  # a second click
    said = client.get(again.headers["location"]).text
    assert (
        "Nichts freizugeben: Die vorgeschlagenen Gutachter:innen sind bereits freigegeben" in said
    )
    for a in rows:
        transition(session, a, AssignmentStatus.invited, actor="test")
    session.commit()
    late = client.get(client.post(f"/c/{token}/approve", data=form).headers["location"]).text
    assert "the reviewers of this round were invited already. Nothing was changed." in late
    approvals = session.exec(select(Event).where(Event.kind == "assignment.approved")).all()
    assert len(approvals) == 1 and approvals[0].actor == "coordinator"


def test_the_page_approves_only_the_proposal_it_showed(
    settings: Settings, session: Session
) -> None:
    from review.assignment import service
    from tests.assignment.test_service import _round as six_towns

    round_ = six_towns(session, language="en")
    service.propose(session, round_, actor="test")
    token = access.issue(session, round_)
    session.commit()
    client = client_for(settings)
    html = client.get(f"/c/{token}").text
    mark = html.split('name="proposal" value="')[1].split('"')[0]
    first = session.exec(select(Assignment).where(Assignment.round_id == round_.id)).first()
    service.propose(session, round_, actor="test", forbidden=[(first.reviewer_id, first.plan_id)])
    session.commit()  # solved again in another window meanwhile
    refused = client.post(
        f"/c/{token}/approve", data={"csrf": _csrf(html), "lang": "en", "proposal": mark}
    )
    assert refused.status_code == 422
    assert "the proposal changed since the page was shown; reload it" in refused.text
    session.expire_all()
    rows = session.exec(select(Assignment).where(Assignment.round_id == round_.id)).all()
    assert all(a.approved_at is None for a in rows)


def test_a_proposed_reviewer_is_left_out_on_the_page_and_the_round_solved_again(
    settings: Settings, session: Session
) -> None:
    from review.assignment import service
    from tests.assignment.test_service import _round as six_towns

    round_ = six_towns(session, language="de")
    service.propose(session, round_, actor="test")
    token = access.issue(session, round_)
    session.commit()
    client = client_for(settings)

    def proposed() -> set[tuple[int, int]]:
        session.expire_all()
        rows = session.exec(select(Assignment).where(Assignment.round_id == round_.id)).all()
        return {(a.reviewer_id, a.plan_id) for a in rows if a.status == "proposed"}

    html = client.get(f"/c/{token}?lang=en").text
    mark = html.split('name="proposal" value="')[1].split('"')[0]
    first = session.exec(select(Assignment).where(Assignment.round_id == round_.id)).first()
    first_id, pair = first.id, (first.reviewer_id, first.plan_id)
    assert f"/c/{token}/proposed/{first_id}/leave-out" in html
    form = {"csrf": _csrf(html), "lang": "en", "proposal": mark}
    left = client.post(f"/c/{token}/proposed/{first_id}/leave-out", data=form)
    assert left.status_code == 303
    page = client.get(left.headers["location"]).text
    assert "Solved again without that reviewer on that plan." in page
    assert pair not in proposed() and len(proposed()) == 18
    # The old page's button again: that proposal is gone, nothing changes.
    stale = client.post(f"/c/{token}/proposed/{first_id}/leave-out", data={**form, "lang": "de"})
    assert stale.status_code == 422 and "Der Vorschlag hat sich geändert" not in stale.text
    assert "der Vorschlag hat sich geändert" in stale.text
    assert client.post(f"/c/{token}/proposed/{first_id}/leave-out", data={}).status_code == 403


def test_a_reviewer_is_pinned_on_a_plan_on_the_page_and_the_round_solved_again(
    settings: Settings, session: Session
) -> None:
    from review.assignment import service
    from review.assignment.proposal import pending_approval
    from tests.assignment.test_service import _round as six_towns

    round_ = six_towns(session, language="de")
    service.propose(session, round_, actor="test")
    token = access.issue(session, round_)
    session.commit()
    client = client_for(settings)

    def proposed() -> set[tuple[int, int]]:
        session.expire_all()
        return {(a.reviewer_id, a.plan_id) for a in pending_approval(session, round_)}

    plan_id = min(p for _, p in proposed())
    choice = service.pin_choices(session, round_, [plan_id])[plan_id][0]
    value = f"{choice.reviewer_id}:{choice.rubric}"
    # Each plan's choice opens on its own (the page lists no plan's reviewers unasked).
    html = client.get(f"/c/{token}?lang=en").text
    assert f"pin={plan_id}#pin-{plan_id}" in html and "<select" not in html
    html = client.get(f"/c/{token}?lang=en&pin={plan_id}").text
    mark = html.split('name="proposal" value="')[1].split('"')[0]
    assert f"/c/{token}/plans/{plan_id}/pin" in html and f'value="{value}"' in html
    assert "Pin and solve again" in html and html.count("<select") == 1
    form = {"csrf": _csrf(html), "lang": "en", "proposal": mark, "choice": value}
    pinned = client.post(f"/c/{token}/plans/{plan_id}/pin", data=form)
    assert pinned.status_code == 303
    page = client.get(pinned.headers["location"]).text
    assert "Solved again with that reviewer on that plan." in page
    assert (choice.reviewer_id, plan_id) in proposed() and len(proposed()) == 18
    # The old page's control again: that proposal is not the standing one, nothing changes.
    before = proposed()
    stale = client.post(f"/c/{token}/plans/{plan_id}/pin", data={**form, "lang": "de"})
    assert stale.status_code == 422 and "der Vorschlag hat sich geändert" in stale.text
    assert proposed() == before
    # A reviewer of the plan's own municipality: refused, said why, in the page's language.
    html = client.get(f"/c/{token}?lang=de").text
    mark = html.split('name="proposal" value="')[1].split('"')[0]
    plan = session.get(Plan, plan_id)
    own = session.exec(select(Reviewer).where(Reviewer.municipality_id == plan.municipality_id))
    form = {"csrf": _csrf(html), "lang": "de", "proposal": mark}
    refused = client.post(
        f"/c/{token}/plans/{plan_id}/pin", data={**form, "choice": f"{own.first().id}:technical"}
    )
    assert refused.status_code == 422 and "Gemeinde des Plans" in refused.text
    assert f'id="pin-choice-{plan_id}"' in refused.text  # the choice stays open
    nothing = client.post(f"/c/{token}/plans/{plan_id}/pin", data={**form, "choice": ""})
    assert nothing.status_code == 422 and proposed() == before
    assert client.post(f"/c/{token}/plans/{plan_id}/pin", data={}).status_code == 403


def test_the_page_says_when_escalations_go_to_the_placeholder_address(
    settings: Settings, session: Session
) -> None:
    # walk10: a round created without --coordinator-email sent its daily digest to
    # coordinator@example.org, and nothing the coordinator saw said so.
    from tests.support.factories import make_round

    unset = make_round(session, name="Ohne Adresse", language="de")
    given = make_round(session, name="Mit Adresse", language="de")
    given.coordinator_email = "klima@energieagentur.example"
    tokens = access.issue(session, unset), access.issue(session, given)
    session.commit()
    client = client_for(settings)
    warned = client.get(f"/c/{tokens[0]}").text
    assert 'id="coordinator-address"' in warned
    assert "Eskalationen und die Tagesübersicht gehen an coordinator@example.org" in warned
    assert "E-Mail der Koordination" in warned
    assert 'id="coordinator-address"' not in client.get(f"/c/{tokens[1]}").text
