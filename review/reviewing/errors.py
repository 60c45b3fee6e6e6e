"""What goes wrong when a reviewer saves, submits or declines, in words for the reviewer: each
error says what happened, that nothing was written, and what to do next."""

from __future__ import annotations

from datetime import UTC, datetime

from review.errors import InvalidInput, PeerplanError, Translatable
from review.i18n import N_, translator
from review.reviewing.form import Difference, Seen


class StaleSave(Translatable):
    """The review was saved elsewhere since the page (or Word form) was opened. Nothing written.

    Said in words, with the time of the newest save (`saved_at`, UTC) when it is known; the
    version markers (`seen`, `stored`) are for the form and the differences, not for people."""

    def __init__(
        self,
        differences: list[Difference],
        stored: Seen | None,
        seen: Seen,
        saved_at: datetime | None = None,
    ) -> None:
        self.differences, self.stored, self.seen, self.saved_at = (
            differences,
            stored,
            seen,
            saved_at,
        )
        self.fields = ", ".join(d.field for d in differences)
        super().__init__(
            STALE_AT if saved_at else STALE,
            saved_at=_when(saved_at, "en"),
        )

    def text(self, language: str) -> str:
        t = translator(language)
        said = t.gettext(self.message) % {"saved_at": _when(self.saved_at, language)}
        if self.fields:
            said += " " + t.gettext(DIFFERING) % {"fields": self.fields}
        return said

    def __str__(self) -> str:
        return self.text("en")


STALE = N_(
    "this review was changed elsewhere (another tab, device or an uploaded Word form) after you "
    "opened it. Nothing was saved; reload the page to see the newest version."
)
STALE_AT = N_(
    "this review was changed elsewhere (another tab, device or an uploaded Word form) after you "
    "opened it (saved at %(saved_at)s). Nothing was saved; reload the page to see the newest "
    "version."
)
DIFFERING = N_("Fields that differ: %(fields)s.")


def _when(value: datetime | None, language: str) -> str:
    """A save's time as the reader's language writes it, in UTC (stored times are UTC)."""
    if value is None:
        return ""
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    return translator(language).format_datetime(value.astimezone(UTC), "short") + " UTC"


class InvalidReview(PeerplanError):
    """The review breaks the rubric's rules; `errors` maps form fields to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class NotEditable(Translatable):
    pass


class BadReason(Translatable, InvalidInput):
    pass
