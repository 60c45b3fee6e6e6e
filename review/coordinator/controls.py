"""The coordinator's controls over a round: what the CLI (`peerplan coordinator ...`), the
Prefect deployments (flows/coordinator_controls.py) and the round page's buttons call.

Each names its target as a coordinator knows it (the round, a plan by its municipality, a
reviewer by name or email), checks what it is given with a one-line error before anything is
written, and carries the change out through the assignment operations of `review.lifecycle`
(which list what each change causes). Messages are queued; the caller sends them after commit.

    control           targets                        lifecycle operation
    extend_deadline   round, plan, reviewer or one   extend_due_date (never shortens a plan's
                      assignment                     or the round's other reviews)
    remind_now        round, plan or one assignment  remind (its own window: sent every time)
    new_link          a reviewer (on one plan)       reissue_link (the old link stops)
    replace_reviewer  one assignment                 replace (a named backup or the best one)
    withdraw_plan     a plan                         withdraw each of its open reviews
    take_in_plan      a plan (withdrawn or late)     none: the round's next run assigns it
    pin_reviewer      a reviewer on a plan           pin (the round solved again with the pair)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from review import events, lifecycle
from review.assignment import service
from review.assignment.budget import DEFAULT_BUDGET
from review.config import Settings
from review.errors import InvalidInput, NotFound, Translatable
from review.i18n import N_, Phrase
from review.models import (
    Assignment,
    AssignmentStatus,
    Outbox,
    Plan,
    Reviewer,
    Round,
    saved_id,
    utcnow,
)
from review.municipality_names import FEW, likeness, municipality_named, spellings
from review.queries import latest_document, withdrawn_plans
from review.rounds import NEW_DUE_DATE, check_future
from review.states import OPEN

S = AssignmentStatus
ACTOR = "coordinator"
#: What can still get a new due date: the open reviews and those not yet invited.
EXTENDABLE = {s.value for s in OPEN} | {S.proposed.value}
#: A review taken from its reviewer (silent past the grace period, or declined).
RELEASED = {S.reassigned.value, S.declined.value}


@dataclass(frozen=True)
class Target:
    """What a control acts on: the round, one plan's reviews, one reviewer's, or one review."""

    municipality: str | None = None  # the plan, by its municipality's name
    reviewer: str | None = None  # by name or email
    assignment_id: int | None = None  # the round page names the review directly

    def describe(self, round_: Round) -> Phrase:
        """What the target is, as a refusal names it (in the reader's language)."""
        names = {
            "round": round_.name,
            "plan": self.municipality,
            "reviewer": self.reviewer,
            "review": self.assignment_id,
        }
        if self.assignment_id:
            return Phrase(N_("review %(review)s of round '%(round)s'"), **names)
        if self.municipality and self.reviewer:
            text = N_("reviewer %(reviewer)s on the plan of %(plan)s in round '%(round)s'")
            return Phrase(text, **names)
        if self.municipality:
            return Phrase(N_("the plan of %(plan)s in round '%(round)s'"), **names)
        if self.reviewer:
            return Phrase(N_("reviewer %(reviewer)s in round '%(round)s'"), **names)
        return Phrase(N_("round '%(round)s'"), **names)


class ControlRefused(Translatable, InvalidInput):
    """A control that cannot be carried out as asked; nothing was written. Said in the reader's
    language on the round page (`text(language)`), in English on the command line."""


def assignments(
    session: Session, round_: Round, target: Target, statuses: set[str]
) -> list[Assignment]:
    """The target's assignments in `statuses`; NotFound naming what does not exist."""
    query = select(Assignment).where(Assignment.round_id == round_.id)
    if target.assignment_id is not None:
        query = query.where(Assignment.id == target.assignment_id)
    if target.municipality:
        place = municipality_named(session, round_, target.municipality)
        plan_ids = session.exec(select(Plan.id).where(Plan.municipality_id == place.id)).all()
        query = query.where(col(Assignment.plan_id).in_(plan_ids))
    if target.reviewer:
        reviewer = find_reviewer(session, round_, target.reviewer)
        query = query.where(Assignment.reviewer_id == reviewer.id)
    found = list(session.exec(query.order_by(col(Assignment.id))))
    if target.assignment_id is not None and not found:
        raise NotFound(
            N_("no review %(id)s in round '%(round)s'"), id=target.assignment_id, round=round_.name
        )
    return [a for a in found if a.status in statuses]


def review_of(session: Session, round_: Round, assignment_id: int) -> Assignment:
    """One review of the round by its id; NotFound for another round's or none."""
    found = assignments(session, round_, Target(assignment_id=assignment_id), set(S))
    return found[0]


def find_reviewer(session: Session, round_: Round, who: str) -> Reviewer:
    """A reviewer of the round by email or name: case and spacing aside, else umlauts and
    accents too ('Joerg Mueller', 'jorg muller' for "Jörg Müller"). Refused naming the
    closest few when it is nobody, and everyone it names when it names several."""
    key = " ".join(who.split()).casefold()
    reviewers = list(session.exec(select(Reviewer).where(Reviewer.round_id == round_.id)))
    matches = [
        r for r in reviewers if key in (r.email.casefold(), " ".join(r.name.split()).casefold())
    ]
    if not matches:
        typed = spellings(who)
        matches = [r for r in reviewers if typed & spellings(r.name)]
    if not matches:
        if not reviewers:
            raise NotFound(
                N_("no reviewer '%(who)s' in round '%(round)s' (give a name or an email)"),
                who=who,
                round=round_.name,
            )
        closest = sorted(
            reviewers,
            key=lambda r: (-max(likeness(who, r.name), likeness(who, r.email)), r.name, r.email),
        )
        raise NotFound(
            N_("no reviewer '%(who)s' in round '%(round)s'; the closest: %(closest)s"),
            who=who,
            round=round_.name,
            closest=", ".join(f"{r.name} ({r.email})" for r in closest[:FEW]),
        )
    if len(matches) > 1:
        raise InvalidInput(
            N_("'%(who)s' names %(n)s reviewers (%(reviewers)s); give their email instead"),
            who=who,
            n=len(matches),
            reviewers=", ".join(f"{r.name} ({r.email})" for r in matches),
        )
    return matches[0]


def extend_deadline(
    session: Session,
    settings: Settings,
    round_: Round,
    due_date: date,
    target: Target,
    *,
    allow_past: bool = False,
    actor: str = ACTOR,
    now: datetime | None = None,
) -> list[Assignment]:
    """Give the target's open reviews until `due_date`; returns those that changed.

    One review (or one reviewer's) gets exactly that date; for a plan or the whole round only
    the reviews due
    earlier move (an extension never shortens anyone's time), and for the round its due date
    moves too (event `round.due_date_changed`), so later invitations get the new date.
    InvalidInput (nothing written) for a date in the past without `allow_past`, or when
    nothing in the target is open."""
    target = named(session, round_, target)
    now = now or utcnow()
    check_future(due_date, NEW_DUE_DATE, allow_past=allow_past, today=now.date())
    single = target.assignment_id is not None or target.reviewer is not None
    found = assignments(session, round_, target, EXTENDABLE)
    if not found:
        raise ControlRefused(
            N_("There is no open review to extend (%(target)s)."), target=target.describe(round_)
        )
    moved = [a for a in found if single or a.due_date < due_date]
    for assignment in moved:
        lifecycle.extend_due_date(
            session, settings, assignment, due_date, actor=actor, now=now, allow_past=allow_past
        )
    if not (target.municipality or target.reviewer or target.assignment_id) and (
        due_date > round_.due_date
    ):
        previous = round_.due_date
        round_.due_date = due_date
        session.add(round_)
        events.record(
            session,
            kind="round.due_date_changed",
            actor=actor,
            entity="round",
            entity_id=round_.id,
            round_id=round_.id,
            payload={"from": previous.isoformat(), "to": due_date.isoformat()},
        )
    session.flush()
    return moved


def remind_now(
    session: Session,
    settings: Settings,
    round_: Round,
    target: Target,
    *,
    now: datetime | None = None,
) -> list[Outbox]:
    """A reminder to each reviewer who owes a review in the target, now (a window of its own,
    so it is sent even when the scheduled reminder went out). InvalidInput when nobody does."""
    target = named(session, round_, target)
    now = now or utcnow()
    found = assignments(session, round_, target, {s.value for s in OPEN})
    if not found:
        raise ControlRefused(
            N_("Nobody owes a review (%(target)s)."), target=target.describe(round_)
        )
    window = f"coordinator-{now.astimezone(UTC):%Y%m%dT%H%M%S}"
    queued = []
    for assignment in found:
        message = lifecycle.remind(
            session,
            settings,
            assignment,
            window=window,
            days_left=(assignment.due_date - now.date()).days,
            reason="reminded by the coordinator",
        )
        if message is not None:
            queued.append(message)
    session.flush()
    return queued


def new_link(
    session: Session,
    settings: Settings,
    round_: Round,
    target: Target,
    *,
    actor: str = ACTOR,
    now: datetime | None = None,
) -> list[Assignment]:
    """A new personal link for the target reviewer's open reviews (or one of them), sent with
    the invitation again; every earlier link of those reviews stops working at once."""
    if not (target.reviewer or target.assignment_id):
        raise ControlRefused(N_("Name the reviewer whose link is to be replaced."))
    target = named(session, round_, target)
    found = assignments(session, round_, target, {s.value for s in OPEN})
    if not found:
        raise ControlRefused(
            N_("There is no open review with a link (%(target)s)."),
            target=target.describe(round_),
        )
    for assignment in found:
        lifecycle.reissue_link(session, settings, assignment, actor=actor, now=now)
    session.flush()
    return found


def replace_reviewer(
    session: Session,
    settings: Settings,
    round_: Round,
    target: Target,
    *,
    backup: str | None = None,
    reason: str = "",
    actor: str = ACTOR,
    now: datetime | None = None,
) -> lifecycle.Replacement:
    """Give one review to a named backup (when eligible) or the best eligible one, invited at
    once; the reviewer it is taken from loses their link. InvalidInput (nothing written) when
    the target is not exactly one open review or the named backup is not eligible."""
    target = named(session, round_, target)
    now = now or utcnow()
    reason = (reason or "").strip() or "replaced by the coordinator"
    # A review released with nobody to take it over (the deadline run or a decline found no
    # eligible backup) is given to someone here too: the digest points here for it.
    found = assignments(session, round_, target, EXTENDABLE) or [
        a
        for a in assignments(session, round_, target, RELEASED)
        if service.replacement_of(session, a) is None
    ]
    if len(found) != 1:
        raise ControlRefused(
            N_(
                "%(count)s open reviews (%(target)s): name the plan and the reviewer of exactly one."
            ),
            count=len(found),
            target=target.describe(round_),
        )
    assignment = found[0]
    backup_id = None
    if backup:
        chosen = find_reviewer(session, round_, backup)
        eligible = service.backup_candidates(session, round_, assignment.plan_id, assignment.rubric)
        if chosen.id not in {candidate.id for _value, candidate, _terms in eligible}:
            raise InvalidInput(
                N_(
                    "%(name)s cannot take this %(rubric)s review: from the plan's municipality "
                    "or one already on it, on the plan already, at their maximum load, or "
                    "without the plan's language or this expertise"
                ),
                name=chosen.name,
                rubric=assignment.rubric,
            )
        backup_id = chosen.id
    replacement = lifecycle.replace(
        session, settings, assignment, actor=actor, reason=reason, now=now, backup_id=backup_id
    )
    session.flush()
    return replacement


def withdraw_plan(
    session: Session,
    settings: Settings,
    round_: Round,
    municipality: str,
    *,
    reason: str,
    actor: str = ACTOR,
    now: datetime | None = None,
) -> list[Assignment]:
    """Take a plan out of the round: each of its reviews not ended yet is withdrawn (the
    reviewers' links stop; an invited reviewer is told), event `plan.withdrawn`; the plan then
    gets no reviewers and holds nothing up (review.queries.withdrawn_plans). Returns the
    withdrawn reviews. InvalidInput without a reason or when the plan is withdrawn already."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(N_("withdrawing the plan of %(name)s needs a reason"), name=municipality)
    plan = plan_of(session, round_, municipality)
    if plan.id in withdrawn_plans(session, round_.id):
        raise InvalidInput(N_("the plan of %(name)s is withdrawn already"), name=municipality)
    taken = assignments(session, round_, Target(municipality=municipality), EXTENDABLE)
    for assignment in taken:
        lifecycle.withdraw(session, settings, assignment, reason=reason, actor=actor, now=now)
    events.record(
        session,
        kind="plan.withdrawn",
        actor=actor,
        entity="plan",
        entity_id=plan.id,
        round_id=round_.id,
        payload={"reason": reason, "reviews": [a.id for a in taken]},
    )
    session.flush()
    return taken


def take_in_plan(session: Session, round_: Round, municipality: str, *, actor: str = ACTOR) -> Plan:
    """Take a plan (back) into the round: a withdrawn one is reinstated (event
    `plan.reinstated`); the round's next run proposes its reviewers for approval. A plan handed
    in late needs nothing else once its document is in (upload link or `peerplan intake`).
    InvalidInput when the plan has no document yet."""
    plan = plan_of(session, round_, municipality)
    if latest_document(session, plan.id) is None:
        raise InvalidInput(
            N_(
                "the plan of %(name)s has no document yet: send its upload link "
                "(`peerplan upload-link`) or take the file in with `peerplan intake`"
            ),
            name=municipality,
        )
    if plan.id in withdrawn_plans(session, round_.id):
        events.record(
            session,
            kind="plan.reinstated",
            actor=actor,
            entity="plan",
            entity_id=plan.id,
            round_id=round_.id,
        )
        session.flush()
    return plan


def pin_reviewer(
    session: Session,
    round_: Round,
    municipality: str,
    reviewer: str,
    *,
    rubric: str | None = None,
    actor: str = ACTOR,
    budget: float = DEFAULT_BUDGET,
) -> service.Proposal:
    """Solve the round again with a reviewer (name or email) pinned on the plan of
    `municipality` for `rubric` (None: the reviewer's one rubric), keeping the pins and
    left-out pairs of the standing proposal: the round page's "Pin and solve again"
    (review.lifecycle.pin, which lists its refusals). ControlRefused when no rubric is given
    and the reviewer has several."""
    plan = plan_of(session, round_, municipality)
    chosen = find_reviewer(session, round_, reviewer)
    if not rubric:
        if len(chosen.expertise) != 1:
            raise ControlRefused(
                N_("Name the rubric to pin %(name)s for: %(rubrics)s."),
                name=chosen.name,
                rubrics=", ".join(sorted(chosen.expertise)) or "-",
            )
        rubric = chosen.expertise[0]
    return lifecycle.pin(
        session, round_, saved_id(plan), saved_id(chosen), rubric, actor=actor, budget=budget
    )


def plan_of(session: Session, round_: Round, municipality: str) -> Plan:
    """The plan of a municipality as the coordinator typed it (`municipality_named`: 'muenster'
    for "Stadt Münster"); NotFound when it has none."""
    place = municipality_named(session, round_, municipality)
    plan = session.exec(select(Plan).where(Plan.municipality_id == place.id)).first()
    if plan is None:
        raise NotFound(
            N_("no plan of '%(name)s' in round '%(round)s'"), name=place.name, round=round_.name
        )
    return plan


def named(session: Session, round_: Round, target: Target) -> Target:
    """The target with its municipality's name as the round writes it ('muenster': "Stadt
    Münster"), for what a control reports; refused as `municipality_named` refuses."""
    if not target.municipality:
        return target
    place = municipality_named(session, round_, target.municipality)
    return replace(target, municipality=place.name)
