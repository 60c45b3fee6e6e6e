"""Which deadline window applies to an open assignment today, and why: pure, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from review.i18n import N_, Phrase, Plural
from review.models import AssignmentStatus
from review.notify.policy import Policy
from review.states import OPEN

S = AssignmentStatus
OPEN_VALUES = frozenset(s.value for s in OPEN)


def window_name(offset: int) -> str:
    return f"d{offset:+d}" if offset else "d0"


@dataclass(frozen=True)
class Facts:
    """What the decision needs to know about one assignment."""

    assignment_id: int
    status: str
    due_date: date
    invited_on: date | None = None  # None: unknown, treated as long before any window


@dataclass(frozen=True)
class Decision:
    assignment_id: int
    action: str  # "reminder", "overdue", "reassign"
    window: str  # "d-7", "d0", "d+1", ...
    offset: int
    reason: Phrase  # English as a str (the event log); in any language for the coordinator


def decide(facts: Facts, policy: Policy, today: date) -> Decision | None:
    """The one action due for an assignment today, or None."""
    if facts.status not in OPEN_VALUES:
        return None
    days = (today - facts.due_date).days  # negative before the due date
    if policy.reassign_after_days is not None and days >= policy.reassign_after_days:
        offset = policy.reassign_after_days
        return Decision(
            facts.assignment_id,
            "reassign",
            window_name(offset),
            offset,
            Phrase(
                N_("not submitted %(days)s after the due date %(due)s; %(grace)s is over"),
                days=Plural("%(num)s day", "%(num)s days", days),
                due=facts.due_date,
                grace=Plural(
                    "the grace period of %(num)s day", "the grace period of %(num)s days", offset
                ),
            ),
        )
    if days >= policy.overdue_after_days:
        offset = policy.overdue_after_days
        return Decision(
            facts.assignment_id,
            "overdue",
            window_name(offset),
            offset,
            Phrase(
                N_("not submitted %(days)s after the due date %(due)s"),
                days=Plural("%(num)s day", "%(num)s days", days),
                due=facts.due_date,
            ),
        )
    passed = [w for w in policy.reminders if days >= w]
    if not passed:
        return None
    offset = max(passed)
    window_day = facts.due_date + timedelta(days=offset)
    if facts.invited_on is not None and facts.invited_on >= window_day:
        return None  # the invitation itself came on or after this window: no reminder needed
    left = -offset
    return Decision(
        facts.assignment_id,
        "reminder",
        window_name(offset),
        offset,
        Phrase(N_("due today"))
        if left == 0
        else Phrase(
            N_("%(days)s before the due date %(due)s"),
            days=Plural("%(num)s day", "%(num)s days", left),
            due=facts.due_date,
        ),
    )
