"""What goes wrong when a reviewer saves, submits or declines, in words for the reviewer: each
error says what happened, that nothing was written, and what to do next."""

from __future__ import annotations

from review.errors import InvalidInput, PeerplanError, Translatable
from review.i18n import N_
from review.reviewing.form import Difference, Seen


class StaleSave(Translatable):
    """The review was saved elsewhere since the page (or Word form) was opened. Nothing written."""

    def __init__(self, differences: list[Difference], stored: Seen | None, seen: Seen) -> None:
        self.differences, self.stored, self.seen = differences, stored, seen
        fields = ", ".join(d.field for d in differences)
        super().__init__(
            N_(
                "this review was saved elsewhere (another tab, device or an uploaded Word form) "
                "after you opened it: you worked on %(seen)s, the newest is %(stored)s. Nothing "
                "was saved. Fields that differ: %(fields)s. Check the differences and save again."
            )
            if fields
            else N_(
                "this review was saved elsewhere (another tab, device or an uploaded Word form) "
                "after you opened it: you worked on %(seen)s, the newest is %(stored)s. Nothing "
                "was saved. Check the differences and save again."
            ),
            seen=str(seen),
            stored=str(stored),
            fields=fields,
        )


class InvalidReview(PeerplanError):
    """The review breaks the rubric's rules; `errors` maps form fields to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class NotEditable(Translatable):
    pass


class BadReason(Translatable, InvalidInput):
    pass
