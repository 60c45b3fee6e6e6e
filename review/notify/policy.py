"""A round's reminder and escalation policy, as data.

Every window is a number of days relative to an assignment's due date (negative: before). The
defaults follow what reviewers and editors ask for (pkp#5885, OpenReview's journal chain):
reminders 7 and 2 days before and on the due day, an overdue notice to the reviewer and an
escalation to the coordinator 1 day after, automatic reassignment 5 days after the due date.
`Round.reminder_policy` holds only the overrides (`{}` means all defaults). Days are UTC calendar
days: a window opens at 00:00 UTC of its day, and the hourly run sends it in its first hour.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from review.errors import InvalidInput
from review.i18n import N_


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    reminders: tuple[int, ...] = Field(
        default=(-7, -2, 0),
        description="Reminder windows in days relative to the due date (0 = on the day, "
        "negative = before). Only the latest passed window is sent: a reviewer invited late "
        "or an escalation run that was down for days never gets a burst of old reminders.",
    )
    overdue_after_days: int = Field(
        default=1,
        ge=0,
        description="Days after the due date when an open assignment becomes overdue: the "
        "reviewer gets an overdue notice and the coordinator an escalation.",
    )
    reassign_after_days: int | None = Field(
        default=5,
        ge=0,
        description="Grace period: days after the due date when a still open assignment is "
        "released and the plan reassigned to the best eligible backup reviewer "
        "(None: never reassign automatically).",
    )
    digest: bool = Field(
        default=True,
        description="Send the coordinator a daily digest while the round has open assignments.",
    )

    @field_validator("reminders", mode="before")
    @classmethod
    def _reminders_before_due(cls, value: Any) -> Any:
        # Accept both spellings: "7 days before" as 7 (as users say it) or as -7.
        if isinstance(value, (list, tuple)):
            return tuple(sorted({-abs(int(v)) for v in value}))
        return value

    @model_validator(mode="after")
    def _order(self) -> Policy:
        reassign = self.reassign_after_days
        if reassign is not None and reassign < self.overdue_after_days:
            raise ValueError(
                f"reassign_after_days ({self.reassign_after_days}) must not come before "
                f"overdue_after_days ({self.overdue_after_days})"
            )
        return self


DEFAULT_POLICY = Policy()


def policy_for(overrides: dict[str, Any] | None) -> Policy:
    """The policy of a round: defaults updated by `overrides` (`Round.reminder_policy`)."""
    try:
        return Policy(**(overrides or {}))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'policy'}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidInput(
            N_("invalid reminder policy %(policy)s: %(problems)s"),
            policy=repr(overrides),
            problems=problems,
        ) from None
