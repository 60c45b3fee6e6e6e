"""What a plan's new version causes while it is being reviewed (see review.lifecycle).

A municipality uploads a new version on its link, or the coordinator takes one in (`peerplan
intake`, the intake flow): the intake registers it (review.intake.register and .bulk) and calls
`new_plan_version` in its transaction. The reviewers who accepted the plan's review and have
not submitted it (accepted, overdue) keep reading the version they downloaded; from now on their
review counts as one of the new version (review.lifecycle.submit keeps the newest), so each is
told once per version. Reviewers who submitted keep the version they assessed (review.document_id)
and are not asked again; invited ones who have not accepted get the newest when they open it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from review import events
from review.config import Settings
from review.models import Assignment, AssignmentStatus, Document, Event, utcnow
from review.notify import notices

S = AssignmentStatus
#: Who is reading the plan for a review still to come: accepted it, not submitted.
READING = (S.accepted.value, S.overdue.value)
#: The event of each reviewer told (entity: the assignment), read back by the review form page.
TOLD = "assignment.plan_version_sent"
#: The event of the plan (entity: the plan), read back by the coordinator's round page.
DURING_REVIEW = "plan.version_during_review"


def new_plan_version(
    session: Session, settings: Settings, documents: Sequence[Document]
) -> list[Assignment]:
    """The plans of `documents` (each a version after the first, just registered) got a new
    version. Side effects, per document: each assignment of its plan in READING gets the
    message `plan_version` (key per assignment and document) and an event TOLD; the plan an
    event DURING_REVIEW naming whom (only when someone was told). No state changes. Called
    again for the same document it queues and records nothing. Returns the assignments told
    now."""
    by_plan: dict[int, list[Document]] = {}
    for document in documents:
        if document.version > 1:
            by_plan.setdefault(document.plan_id, []).append(document)
    if not by_plan:
        return []
    reading = list(
        session.exec(
            select(Assignment)
            .where(col(Assignment.plan_id).in_(list(by_plan)), col(Assignment.status).in_(READING))
            .order_by(col(Assignment.id))
        )
    )
    told: list[Assignment] = []
    for plan_id, versions in by_plan.items():
        for document in sorted(versions, key=lambda d: d.version):
            now_told = [
                assignment
                for assignment in reading
                if assignment.plan_id == plan_id
                and notices.plan_version(
                    session, settings, assignment, document, previous=document.version - 1
                )
                is not None  # None: told of this version before (a re-run)
            ]
            for assignment in now_told:
                events.record(
                    session,
                    kind=TOLD,
                    actor="system",
                    entity="assignment",
                    entity_id=assignment.id,
                    round_id=assignment.round_id,
                    payload=_payload(document),
                )
            if now_told:
                events.record(
                    session,
                    kind=DURING_REVIEW,
                    actor="system",
                    entity="plan",
                    entity_id=plan_id,
                    round_id=document.round_id,
                    payload={**_payload(document), "told": [a.id for a in now_told]},
                )
            told += now_told
    session.flush()
    return told


def _payload(document: Document) -> dict[str, object]:
    return {
        "document_id": document.id,
        "version": document.version,
        "file_name": document.file_name,
        "received": (document.created_at or utcnow()).isoformat(),
    }


@dataclass(frozen=True)
class NewerVersion:
    """What a reviewer's form page says: the plan's newest version arrived after they accepted
    (`version`, `file_name`, `received`), and which version was newest then (`accepted_with`)."""

    version: int
    file_name: str
    received: datetime
    accepted_with: int


def newer_version(session: Session, assignment_id: int) -> NewerVersion | None:
    """The newer version this reviewer was told of (the newest of them), or None."""
    payloads = session.exec(
        select(Event.payload)
        .where(Event.entity == "assignment", Event.entity_id == assignment_id, Event.kind == TOLD)
        .order_by(col(Event.id))
    ).all()
    if not payloads:
        return None
    first, last = payloads[0] or {}, payloads[-1] or {}
    return NewerVersion(
        version=int(last["version"]),
        file_name=str(last["file_name"]),
        received=datetime.fromisoformat(str(last["received"])),
        accepted_with=int(first["version"]) - 1,
    )
