"""Who does what in the demo round (flows.demo): which reviewers play late and silent, who is
invited, each reviewer's link from the emails that arrived, an assignment's plan and language."""

from __future__ import annotations

from sqlmodel import col, select

from review.db import session_scope
from review.mailsink import Mailbox
from review.models import Assignment, Municipality, Plan, Reviewer
from review.portal.client import link_in
from review.rounds import get_round


def cast_roles(engine, wished: dict[str, str]) -> dict[str, str]:
    """The participants file wishes some reviewers late or silent; the solver may not have
    given them a plan. Keep the wish where it landed, else cast an invited web reviewer (in a
    fixed order, so the demo is the same every time), one role per reviewer."""
    with session_scope(engine) as session:
        invited = sorted(
            {
                reviewer.email
                for reviewer, _ in session.exec(
                    select(Reviewer, Assignment).join(
                        Assignment, col(Assignment.reviewer_id) == col(Reviewer.id)
                    )
                )
            }
        )
    roles = {email: "web" if wish in ("late", "silent") else wish for email, wish in wished.items()}
    for role in ("late", "silent"):
        chosen = [e for e in invited if wished.get(e) == role] or [
            e for e in invited if roles.get(e, "web") == "web"
        ]
        roles[chosen[0]] = role
    return roles


def invited(engine, round_name: str) -> set[str]:
    """The email addresses of the reviewers with an assignment in the round."""
    with session_scope(engine) as session:
        round_ = get_round(session, round_name)
        query = (
            select(Reviewer.email)
            .join(Assignment, col(Assignment.reviewer_id) == col(Reviewer.id))
            .where(Assignment.round_id == round_.id)
        )
        return {email.strip().lower() for email in session.exec(query)}


def links(mailbox: Mailbox) -> dict[str, str]:
    """Each recipient's most recent personal review link, from the messages that arrived."""
    links: dict[str, str] = {}
    for message in mailbox.messages():
        body = message.get_body(preferencelist=("plain",))
        link = link_in(body.get_content() if body else "")
        if link:
            links[str(message["To"]).strip().lower()] = link
    return links


def assignment_facts(engine, assignment_id: int) -> tuple[str, str, str]:
    with session_scope(engine) as session:
        assignment = session.get(Assignment, assignment_id)
        if assignment is None:
            raise LookupError(f"the demo's assignment {assignment_id} is gone")
        plan = session.get(Plan, assignment.plan_id)
        reviewer = session.get(Reviewer, assignment.reviewer_id)
        municipality = session.get(Municipality, plan.municipality_id) if plan else None
        if municipality is None or reviewer is None:  # foreign keys hold them; a bug if not
            raise LookupError(f"assignment {assignment_id}'s plan or reviewer is gone")
        return municipality.name, assignment.rubric, reviewer.language
