"""What goes wrong when a reviewer saves, submits or declines, in words for the reviewer: each
error says what happened, that nothing was written, and what to do next."""

from __future__ import annotations

from review.errors import InvalidInput, PeerplanError
from review.reviewing.form import Difference, Seen


class Bilingual(PeerplanError):
    """A user error whose message exists in English (`str`) and German (`.text("de")`)."""

    def __init__(self, en: str, de: str) -> None:
        super().__init__(en)
        self.de = de

    def text(self, language: str) -> str:
        return self.de if language == "de" else str(self)


class StaleSave(Bilingual):
    """The review was saved elsewhere since the page (or Word form) was opened. Nothing written."""

    def __init__(self, differences: list[Difference], stored: Seen | None, seen: Seen) -> None:
        self.differences, self.stored, self.seen = differences, stored, seen
        fields = ", ".join(d.field for d in differences)
        super().__init__(
            f"this review was saved elsewhere (another tab, device or an uploaded Word form) "
            f"after you opened it: you worked on {seen}, the newest is {stored}. Nothing was "
            f"saved. Fields that differ: {fields or 'none of the fields you sent'}. "
            f"Check the differences and save again.",
            f"Diese Begutachtung wurde anderswo gespeichert (anderer Tab, anderes Gerät oder ein "
            f"hochgeladenes Word-Formular), nachdem Sie sie geöffnet hatten: "
            f"Sie haben Stand {seen} "
            f"bearbeitet, gespeichert ist {stored}. Es wurde nichts gespeichert. Abweichende "
            f"Felder: {fields or 'keine'}. Prüfen Sie die Unterschiede und speichern Sie erneut.",
        )


class InvalidReview(PeerplanError):
    """The review breaks the rubric's rules; `errors` maps form fields to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class NotEditable(Bilingual):
    pass


class BadReason(Bilingual, InvalidInput):
    pass
