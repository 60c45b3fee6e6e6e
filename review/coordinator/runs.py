"""A coordinator's control as one run: find the round, act in one transaction, commit, then send
what it queued. Shared by the CLI and the Prefect flows, which only print or publish the lines.
Each line says what was done, in words a coordinator reads, in the round's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from review.config import Settings
from review.coordinator import controls
from review.coordinator.artifacts import reviewer_named
from review.coordinator.controls import Target
from review.coordinator.language import coordinator_translator
from review.db import get_engine, session_scope
from review.i18n import Translator
from review.models import Assignment, Reviewer, Round
from review.municipality_names import municipality_named
from review.notify.context import AssignmentFacts, rubric_title
from review.notify.delivery import DeliveryReport, deliver
from review.rounds import get_round


@dataclass
class ControlRun:
    round_name: str
    done: list[str]  # in `language`, the round's (the coordinator's)
    delivery: DeliveryReport
    language: str


def run(
    settings: Settings,
    round_name: str,
    control: Callable[[Session, Round, Translator], list[str]],
) -> ControlRun:
    engine = get_engine(settings)
    with session_scope(engine) as session:
        round_ = get_round(session, round_name)
        t = coordinator_translator(settings, round_.language)
        done = control(session, round_, t)
        round_id = round_.id
    delivery = deliver(engine, settings, round_id=round_id, raise_on_failure=False)
    return ControlRun(round_name, done, delivery, t.language)


def _who(session: Session, assignment: Assignment, t: Translator) -> str:
    """'Anna Berger (Technische Begutachtung)': the reviewer and the rubric's title."""
    reviewer = session.get(Reviewer, assignment.reviewer_id)
    name = reviewer.name if reviewer else assignment.reviewer_id
    return f"{name} ({rubric_title(assignment.rubric, t.language)})"


def extend(
    settings: Settings, round_name: str, due_date: date, target: Target, *, allow_past: bool
) -> ControlRun:
    def act(session: Session, round_: Round, t: Translator) -> list[str]:
        moved = controls.extend_deadline(
            session, settings, round_, due_date, target, allow_past=allow_past
        )
        day = t.format_date(due_date)
        if not moved:
            return [
                t.gettext("every open review is due on or after %(day)s already") % {"day": day}
            ]
        return [
            t.gettext("%(who)s: due %(day)s") % {"who": _who(session, a, t), "day": day}
            for a in moved
        ]

    return run(settings, round_name, act)


def remind(settings: Settings, round_name: str, target: Target) -> ControlRun:
    def act(session: Session, round_: Round, t: Translator) -> list[str]:
        queued = controls.remind_now(session, settings, round_, target)
        # Who was reminded of which plan's review with which form: an address alone named
        # nobody, and a reviewer of two plans read as reminded twice.
        assignments = [session.get(Assignment, m.assignment_id) for m in queued]
        facts = AssignmentFacts.load_all(session, [a for a in assignments if a is not None])
        return [
            t.gettext("reminder to %(reviewer)s: %(plan)s, %(rubric)s")
            % {
                "reviewer": reviewer_named(f.reviewer.name, f.reviewer.email),
                "plan": f.municipality.name,
                "rubric": rubric_title(f.assignment.rubric, t.language),
            }
            for f in facts.values()
        ]

    return run(settings, round_name, act)


def new_link(settings: Settings, round_name: str, target: Target) -> ControlRun:
    def act(session: Session, round_: Round, t: Translator) -> list[str]:
        changed = controls.new_link(session, settings, round_, target)
        return [
            t.gettext("%(who)s: new personal link sent; the earlier one no longer works")
            % {"who": _who(session, a, t)}
            for a in changed
        ]

    return run(settings, round_name, act)


def replace(
    settings: Settings, round_name: str, target: Target, *, backup: str | None, reason: str
) -> ControlRun:
    def act(session: Session, round_: Round, t: Translator) -> list[str]:
        replacement = controls.replace_reviewer(
            session, settings, round_, target, backup=backup, reason=reason
        )
        if replacement.new is None:
            return [
                t.gettext("nobody could take the review: %(problem)s")
                % {"problem": replacement.problem}
            ]
        return [
            t.gettext("%(who)s invited in place of %(reviewer)s")
            % {"who": _who(session, replacement.new, t), "reviewer": target.reviewer}
        ]

    return run(settings, round_name, act)


def withdraw_plan(
    settings: Settings, round_name: str, municipality: str, reason: str
) -> ControlRun:
    def act(session: Session, round_: Round, t: Translator) -> list[str]:
        name = municipality_named(session, round_, municipality).name
        taken = controls.withdraw_plan(session, settings, round_, name, reason=reason)
        return [t.gettext("plan of %(municipality)s withdrawn") % {"municipality": name}] + [
            t.gettext("%(who)s: review withdrawn, link closed") % {"who": _who(session, a, t)}
            for a in taken
        ]

    return run(settings, round_name, act)


def take_in_plan(settings: Settings, round_name: str, municipality: str) -> ControlRun:
    def act(session: Session, round_: Round, t: Translator) -> list[str]:
        name = municipality_named(session, round_, municipality).name
        controls.take_in_plan(session, round_, name)
        return [
            t.gettext(
                "plan of %(municipality)s is in the round: the next run of review_round proposes "
                "its reviewers for your approval"
            )
            % {"municipality": name}
        ]

    return run(settings, round_name, act)
