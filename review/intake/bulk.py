"""Registering a chunk of read plan files at once: one transaction, one statement per table.

File by file (`review.intake.register.register`), each file costs four flushes and savepoints
and a commit: most of the main process's share of a folder's intake (#14). Here a chunk costs
three queries (its municipalities; its plans with their newest version; the documents that have
its files' hashes), one multi-row INSERT each for the new plans, the documents and the audit
events, one UPDATE for plans that got a newer version, and one commit. The rules are register's:
- the files in the order given: two files of one municipality become versions 1 and 2 in that
  order, and the plan takes the newer version's title and language;
- the same bytes again (in the database or earlier in the chunk) are "unchanged"; for another
  municipality they are refused as a duplicate, and the other files go on;
- one transaction per chunk: a crash loses at most the chunk being registered, whose files are
  stored already, and a re-run registers it (files are found again by their content hash).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from review.config import Settings
from review.intake.errors import DuplicateFile, IntakeError
from review.intake.outcome import IntakeOutcome, Status
from review.intake.register import PlanFile, register, resolve_municipality
from review.intake.take import refused
from review.lifecycle.plan_versions import new_plan_version
from review.models import Document, Event, Municipality, Plan, Round, saved_id, table_of, utcnow

log = logging.getLogger(__name__)

PLANS = table_of(Plan)
DOCUMENTS = table_of(Document)
EVENTS = table_of(Event)


def register_files(
    session: Session,
    *,
    round_: Round,
    files: Sequence[tuple[str, PlanFile]],
    actor: str,
    settings: Settings,
) -> list[IntakeOutcome]:
    """Register read and stored files, each with its municipality's name (as `plan_sources`
    resolved it), in the order given, and commit; one outcome per file, in that order. New
    versions tell their plans' reviewers in the same transaction (review.lifecycle.plan_versions)."""
    if not files:
        return []
    try:
        outcomes = _register_together(session, round_, files, actor)
        _tell_reviewers(session, settings, outcomes)
        session.commit()
        return outcomes
    except SQLAlchemyError:
        # A concurrent intake took a plan, a hash or a version number first (a unique
        # constraint), or the database refused one file's row: the whole chunk is rolled back.
        # Registered again file by file, with `register`'s savepoints that find a concurrent
        # intake's rows, no other file of the chunk is lost with it.
        session.rollback()
        log.warning(
            "registering %d files in one transaction failed; registering them one by one",
            len(files),
            exc_info=True,
        )
    return [
        register_one(
            session, round_=round_, municipality=m, plan_file=f, actor=actor, settings=settings
        )
        for m, f in files
    ]


def _tell_reviewers(session: Session, settings: Settings, outcomes: list[IntakeOutcome]) -> None:
    """The chunk's new versions, as the lifecycle reads them, tell their plans' reviewers."""
    ids = [o.document_id for o in outcomes if o.status == "new_version" and o.document_id]
    if ids:
        documents = session.exec(select(Document).where(col(Document.id).in_(ids))).all()
        new_plan_version(session, settings, documents)


def register_one(
    session: Session,
    *,
    round_: Round,
    municipality: str,
    plan_file: PlanFile,
    actor: str,
    settings: Settings,
) -> IntakeOutcome:
    """One file in its own transaction; a refusal (duplicate, unknown municipality) rolls back."""
    try:
        place = resolve_municipality(session, round_, municipality, actor=actor)
        outcome = register(
            session,
            round_=round_,
            municipality=place,
            plan_file=plan_file,
            actor=actor,
            settings=settings,
        )
    except IntakeError as exc:
        session.rollback()
        return refused(plan_file.file_name, municipality, exc)
    session.commit()
    return outcome


@dataclass
class _Plan:
    municipality_id: int
    municipality: str
    title: str
    language: str
    latest: int  # the newest version number so far
    id: int | None = None  # None until a plan created in this chunk is inserted
    changed: bool = False  # an existing plan that a newer version gives a title or language


@dataclass
class _Document:
    plan: _Plan
    version: int
    id: int | None = None  # None until inserted
    file: PlanFile | None = None  # None: in the database before this chunk
    creates_plan: bool = False


def _register_together(
    session: Session, round_: Round, files: Sequence[tuple[str, PlanFile]], actor: str
) -> list[IntakeOutcome]:
    round_id = saved_id(round_)
    places, unknown = _municipalities(session, round_, {name for name, _ in files}, actor)
    plans = _plans(session, round_id, [mid for mid, _ in places.values()])
    known = _documents(session, round_id, [f.sha256 for _, f in files], plans)
    results: list[IntakeOutcome | tuple[Status, str, _Document, PlanFile]] = []
    new_plans: list[_Plan] = []
    new_documents: list[_Document] = []
    for name, file in files:
        if name in unknown:
            results.append(refused(file.file_name, name, unknown[name]))
            continue
        municipality_id, municipality = places[name]
        same = known.get(file.sha256)
        if same is not None:
            if same.plan.municipality_id != municipality_id:
                duplicate = DuplicateFile(file.file_name, same.plan.municipality)
                results.append(refused(file.file_name, name, duplicate))
            else:
                results.append(("unchanged", municipality, same, file))
            continue
        plan = plans.get(municipality_id)
        if plan is None:
            language = file.language or round_.language
            plan = _Plan(municipality_id, municipality, file.title, language, latest=0)
            plans[municipality_id] = plan
            new_plans.append(plan)
        plan.latest += 1
        if plan.latest > 1:
            plan.language = file.language or plan.language
            plan.title = file.title or plan.title
            plan.changed = plan.id is not None
        creates = plan.id is None and plan.latest == 1
        document = _Document(plan, plan.latest, file=file, creates_plan=creates)
        known[file.sha256] = document
        new_documents.append(document)
        status: Status = "new_version" if document.version > 1 else "registered"
        results.append((status, municipality, document, file))
    _insert(session, round_id, new_plans, new_documents, [p for p in plans.values() if p.changed])
    _record(session, round_id, new_documents, actor)
    return [
        r
        if isinstance(r, IntakeOutcome)
        else r[3].outcome(r[0], r[1], _id(r[2].plan.id), _id(r[2].id), r[2].version)
        for r in results
    ]


def _municipalities(
    session: Session, round_: Round, names: set[str], actor: str
) -> tuple[dict[str, tuple[int, str]], dict[str, IntakeError]]:
    """Name -> (id, name as the round spells it), and the names that are not the round's."""
    rows = session.exec(
        select(Municipality.name, Municipality.id).where(
            Municipality.round_id == round_.id, col(Municipality.name).in_(names)
        )
    ).all()
    places = {name: (mid, name) for name, mid in rows if mid is not None}
    unknown: dict[str, IntakeError] = {}
    for name in names - places.keys():  # spelt otherwise (case, spaces), or gone meanwhile
        try:
            found = resolve_municipality(session, round_, name, actor=actor)
        except IntakeError as exc:
            unknown[name] = exc
            continue
        places[name] = (saved_id(found), found.name)
    return places, unknown


def _plans(session: Session, round_id: int, municipality_ids: list[int]) -> dict[int, _Plan]:
    """The round's plans of these municipalities (by municipality id) and their newest versions."""
    rows = session.execute(
        sa_select(
            col(Plan.id),
            col(Plan.municipality_id),
            col(Municipality.name),
            col(Plan.title),
            col(Plan.language),
            func.coalesce(func.max(Document.version), 0),
        )
        .join(Municipality, col(Municipality.id) == Plan.municipality_id)
        .outerjoin(Document, col(Document.plan_id) == Plan.id)
        .where(col(Plan.round_id) == round_id, col(Plan.municipality_id).in_(municipality_ids))
        .group_by(
            col(Plan.id),
            col(Plan.municipality_id),
            col(Municipality.name),
            col(Plan.title),
            col(Plan.language),
        )
    ).all()
    return {
        mid: _Plan(mid, name, title, language, latest, id=pid)
        for pid, mid, name, title, language, latest in rows
    }


def _documents(
    session: Session, round_id: int, hashes: list[str], plans: dict[int, _Plan]
) -> dict[str, _Document]:
    """The round's documents with these contents, by hash, with their plans."""
    rows = session.execute(
        sa_select(
            col(Document.sha256),
            col(Document.id),
            col(Document.version),
            col(Document.plan_id),
            col(Plan.municipality_id),
            col(Municipality.name),
        )
        .join(Plan, col(Plan.id) == Document.plan_id)
        .join(Municipality, col(Municipality.id) == Plan.municipality_id)
        .where(col(Document.round_id) == round_id, col(Document.sha256).in_(hashes))
    ).all()
    found = {}
    for sha256, document_id, version, plan_id, municipality_id, name in rows:
        plan = plans.get(municipality_id) or _Plan(municipality_id, name, "", "", 0, id=plan_id)
        found[sha256] = _Document(plan, version, id=document_id)
    return found


def _insert(
    session: Session,
    round_id: int,
    plans: list[_Plan],
    documents: list[_Document],
    changed: list[_Plan],
) -> None:
    """The new plans, then the documents (which need their plans' ids), then the changed plans;
    RETURNING the new ids in the order of the rows (`sort_by_parameter_order`)."""
    now = utcnow()
    if plans:
        rows = [
            {
                "round_id": round_id,
                "municipality_id": p.municipality_id,
                "title": p.title,
                "language": p.language,
                "created_at": now,
            }
            for p in plans
        ]
        returning = insert(PLANS).returning(PLANS.c.id, sort_by_parameter_order=True)
        for plan, plan_id in zip(plans, session.execute(returning, rows).scalars(), strict=True):
            plan.id = plan_id
    if documents:
        rows = [
            {
                "round_id": round_id,
                "plan_id": _id(d.plan.id),
                "version": d.version,
                "created_at": now,
                **_file(d).document_row(),
            }
            for d in documents
        ]
        returning = insert(DOCUMENTS).returning(DOCUMENTS.c.id, sort_by_parameter_order=True)
        ids = session.execute(returning, rows).scalars()
        for document, document_id in zip(documents, ids, strict=True):
            document.id = document_id
    if changed:
        statement = (
            update(PLANS)
            .where(PLANS.c.id == bindparam("plan_id"))
            .values(title=bindparam("new_title"), language=bindparam("new_language"))
        )
        session.execute(
            statement,
            [{"plan_id": p.id, "new_title": p.title, "new_language": p.language} for p in changed],
        )


def _record(session: Session, round_id: int, documents: list[_Document], actor: str) -> None:
    """The audit events, in the order file by file registration writes them."""
    rows: list[dict[str, Any]] = []
    now = utcnow()

    def event(kind: str, entity: str, entity_id: int, payload: dict[str, Any]) -> None:
        rows.append(
            {
                "round_id": round_id,
                "at": now,
                "actor": actor,
                "kind": kind,
                "entity": entity,
                "entity_id": entity_id,
                "payload": payload,
            }
        )

    for d in documents:
        plan_id = _id(d.plan.id)
        if d.creates_plan:
            event("plan.created", "plan", plan_id, {"municipality": d.plan.municipality})
        status = "new_version" if d.version > 1 else "registered"
        payload = _file(d).event_payload(plan_id, d.plan.municipality, d.version)
        event(f"document.{status}", "document", _id(d.id), payload)
    if rows:
        session.execute(insert(EVENTS), rows)


def _id(value: int | None) -> int:
    assert value is not None, "inserted rows have ids"
    return value


def _file(document: _Document) -> PlanFile:
    assert document.file is not None, "only new documents are inserted"
    return document.file
