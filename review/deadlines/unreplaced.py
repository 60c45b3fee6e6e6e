"""A review nobody took over: its reviewer was released (silent past the grace period, or
declined) and no eligible backup was found. Said to the coordinator where it is shown (the
deadline run's artifact and log, the daily digest, `peerplan status`), in the reader's language
then: who was released, which plan and rubric, and the command that gives the review to someone
('Sam Sauer (s@example.org) prüft Altstadt (Technische Begutachtung) nicht mehr, und niemand
übernimmt: ...'). Kept as ids and names, not as a sentence: the `assignment.reassign_failed`
event's `why` is frozen in the round's language of that moment."""

from __future__ import annotations

import shlex
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from review.assignment import service
from review.i18n import N_, Message, Phrase
from review.models import Assignment, Event, Round
from review.notify.context import rubric_title
from review.queries import Reviewed, assignments_reviewed


class RubricTitle(Message):
    """A rubric's title in the reader's language ('Technische Begutachtung'); str(): the English
    one, as the Python log says it."""

    rubric: str

    def __new__(cls, rubric: str) -> RubricTitle:
        title = super().__new__(cls, rubric_title(rubric, "en"))
        title.rubric = rubric
        return title

    def __getnewargs__(self) -> tuple[str]:
        return (self.rubric,)

    def __call__(self, language: str) -> str:
        return rubric_title(self.rubric, language)


#: Why no backup could be found (review.assignment.service.backup_candidates' rules).
NO_ELIGIBLE_BACKUP = Message(
    N_("no eligible backup reviewer: every reviewer who reads the plan's language and has this "
       "expertise is from the same municipality, already on the plan, or at their maximum load")
)  # fmt: skip


UNREPLACED = N_(
    "%(round)s: %(reviewer)s (%(email)s), assignment %(id)s, no longer reviews %(plan)s (%(rubric)s) and "
    "nobody took it over: %(why)s. Ask someone (or add a reviewer) and give them the review with "
    "`%(command)s` or the Prefect flow replace_reviewer"
)


def unreplaced(round_name: str, assignment_id: int, reviewed: Reviewed) -> Phrase:
    """The problem as a Phrase (`round` names its round, as EscalationReport.problems wants),
    with the command and the Prefect flow that assign a backup by hand."""
    command = (
        f"peerplan coordinator replace --round {shlex.quote(round_name)} "
        f"--plan {shlex.quote(reviewed.municipality)} "
        f"--reviewer {shlex.quote(reviewed.reviewer_email)} --backup NAME"
    )
    return Phrase(
        UNREPLACED,
        round=round_name,
        reviewer=reviewed.reviewer,
        email=reviewed.reviewer_email,
        id=assignment_id,
        plan=reviewed.municipality,
        rubric=RubricTitle(reviewed.rubric),
        why=NO_ELIGIBLE_BACKUP,
        command=command,
    )  # fmt: skip


def still_unreplaced(
    session: Session, round_: Round, *, since: datetime | None = None
) -> list[Phrase]:
    """The round's reviews released without a backup that still have none, by assignment id
    (only those whose failure was recorded at or after `since`, where given)."""
    failed: dict[int, datetime] = {}
    for event in session.exec(
        select(Event).where(
            Event.round_id == round_.id,
            Event.entity == "assignment",
            Event.kind == "assignment.reassign_failed",
        )
    ):
        if event.entity_id is not None:
            at = event.at if event.at.tzinfo else event.at.replace(tzinfo=UTC)
            failed[event.entity_id] = max(at, failed.get(event.entity_id, at))
    if since is not None:
        failed = {i: at for i, at in failed.items() if at >= since}
    if not failed:
        return []
    open_ids = [
        a.id
        for a in session.exec(select(Assignment).where(col(Assignment.id).in_(sorted(failed))))
        if a.id is not None and service.replacement_of(session, a) is None
    ]
    reviewed = assignments_reviewed(session, open_ids)
    return [unreplaced(round_.name, i, reviewed[i]) for i in sorted(open_ids) if i in reviewed]
