"""A message marked failed for good (`review.notify.outbox.undeliverable`), as its coordinator
reads it in `peerplan status` and the round's daily digest, in their language: which kind of
message, to whom, about which reviewer's plan and rubric, and why it did not go ('Erinnerung an
Rita Roth <r@example.org> für Tulln (Technische Begutachtung) wurde nicht verschickt: der
Mailserver hat sie abgelehnt: 550 5.1.1 no such user'). The outbox's key ('reminder:a8:d-3'),
which these lines said instead, names none of that, and no command takes it: it is left to
`peerplan status --json`, for scripts.

A run that delivers the outbox names each message it could not send the same way
(`DeliveryReport.undelivered`): in its artifact's Delivery list and in the failed run's message
(`DeliveryFailed`), in the coordinator's language; the subject is in the recipient's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from review.i18n import translator
from review.notify.context import rubric_title
from review.notify.messages import kind_said
from review.notify.outbox import assignments_of, failure_reason, undeliverable
from review.queries import Reviewed, assignments_reviewed


@dataclass(frozen=True)
class Undelivered:
    """One message that was not sent: its kind, recipient and subject, the error kept with it
    (`Outbox.last_error`) and who reviews which plan with which rubric it is about (none for a
    message to a municipality or the daily digest; several for one invitation to several
    plans)."""

    key: str
    kind: str
    recipient: str
    subject: str
    error: str
    about: tuple[Reviewed, ...] = ()
    #: It failed as no mail server answered: why is said once for the run (its address), and
    #: here only that none answered.
    unanswered: bool = False

    def said(self, language: str) -> str:
        t = translator(language)
        values = {
            "kind": kind_said(t, self.kind),
            "to": self.recipient,
            "why": failure_reason(
                self.key, self.error, {self.key} if self.unanswered else set(), t
            ),
        }
        if not self.about:
            return t.gettext("%(kind)s to %(to)s (%(subject)s) was not sent: %(why)s") % {
                **values,
                "subject": t.quote(self.subject),
            }
        plans = ", ".join(
            f"{r.municipality} ({rubric_title(r.rubric, t.language)})" for r in self.about
        )
        person = self.about[0]
        values |= {"person": person.reviewer, "plans": plans}
        if person.reviewer_email == self.recipient:  # to the reviewer (an invitation, ...)
            return (
                t.gettext("%(kind)s to %(person)s <%(to)s> for %(plans)s was not sent: %(why)s")
                % values
            )
        # to someone else about the reviewer's assignment (an escalation to the coordinator)
        return (
            t.gettext("%(kind)s to %(to)s about %(person)s for %(plans)s was not sent: %(why)s")
            % values
        )


def undelivered(
    session: Session, round_id: int | None = None, keys: Iterable[str] | None = None
) -> list[Undelivered]:
    """The messages marked failed for good (of one round; only `keys` where given), oldest
    first, each with the assignments it is about."""
    rows = undeliverable(session, round_id)
    if keys is not None:
        wanted = set(keys)
        rows = [row for row in rows if row.key in wanted]
    reviewed = assignments_reviewed(session, [i for row in rows for i in assignments_of(row)])
    return [
        Undelivered(
            row.key,
            row.kind,
            row.recipient,
            row.subject,
            row.last_error or "",
            tuple(reviewed[i] for i in assignments_of(row) if i in reviewed),
        )
        for row in rows
    ]
