"""Registering a read plan: one Plan per municipality and round, one Document per version.

The same bytes again change nothing; different bytes for the same municipality become the next
version and the older versions stay. The database's unique constraints (plan per round and
municipality, document per round and sha256, version per plan) are the truth, so two intakes
running at once cannot create duplicates either: the loser of a race finds the winner's row.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from review import events
from review.config import Settings
from review.intake.document import ExtractedDocument
from review.intake.errors import DuplicateFile, UnknownMunicipality
from review.intake.findings import summary
from review.intake.outcome import IntakeOutcome, Status
from review.models import Document, Municipality, Plan, Round, saved_id
from review.queries import latest_document_version


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def find_municipality(session: Session, round_: Round, name: str) -> Municipality | None:
    exact = session.exec(
        select(Municipality).where(Municipality.round_id == round_.id, Municipality.name == name)
    ).first()
    if exact is not None:
        return exact
    wanted = normalise_name(name)
    rows = session.exec(select(Municipality).where(Municipality.round_id == round_.id)).all()
    return next((m for m in rows if normalise_name(m.name) == wanted), None)


def resolve_municipality(
    session: Session, round_: Round, name: str, *, create: bool = False, actor: str = "coordinator"
) -> Municipality:
    """The round's municipality of that name (case and spacing aside). Unknown names are refused
    with the list of known ones, unless `create`: then it is added, as a follower."""
    found = find_municipality(session, round_, name)
    if found is not None:
        return found
    name = " ".join(name.split())
    if not create or not name:
        known = session.exec(select(Municipality.name).where(Municipality.round_id == round_.id))
        raise UnknownMunicipality(name, round_.name, list(known))
    municipality = Municipality(
        round_id=saved_id(round_), name=name, country=round_.country, language=round_.language
    )
    try:
        with session.begin_nested():
            session.add(municipality)
    except IntegrityError:  # created meanwhile by a concurrent intake
        found = find_municipality(session, round_, name)
        assert found is not None
        return found
    events.record(
        session,
        kind="municipality.created",
        actor=actor,
        entity="municipality",
        entity_id=municipality.id,
        round_id=round_.id,
        payload={"name": name},
    )
    return municipality


def register(
    session: Session,
    settings: Settings,
    *,
    round_: Round,
    municipality: Municipality,
    doc: ExtractedDocument,
    stored_path: str,
    actor: str,
) -> IntakeOutcome:
    """Record `doc` (already stored at `stored_path`) as the municipality's plan in the round."""
    existing = _document_by_sha(session, round_, doc.sha256)
    if existing is not None:
        return _unchanged(session, existing, municipality, doc)
    plan = _plan_for(session, round_, municipality, doc, actor)
    version = latest_document_version(session, plan.id) + 1
    document = Document(
        round_id=saved_id(round_),
        plan_id=saved_id(plan),
        version=version,
        file_name=doc.file_name,
        sha256=doc.sha256,
        media_type=doc.media_type,
        size=doc.size,
        pages=doc.pages,
        language=doc.language,
        stored_path=stored_path,
        text=doc.text,
        meta=doc.meta,
        structure=doc.structure(),
        findings=doc.findings,
        problems=doc.problems,
    )
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        # A concurrent intake registered the same bytes (or took this version number) first.
        existing = _document_by_sha(session, round_, doc.sha256)
        if existing is None:
            raise
        return _unchanged(session, existing, municipality, doc)
    if version > 1:
        plan.language = doc.language or plan.language
        plan.title = doc.meta.get("title") or plan.title
        session.add(plan)
    status: Status = "new_version" if version > 1 else "registered"
    events.record(
        session,
        kind=f"document.{status}",
        actor=actor,
        entity="document",
        entity_id=document.id,
        round_id=round_.id,
        payload={
            "plan_id": plan.id,
            "municipality": municipality.name,
            "file_name": doc.file_name,
            "sha256": doc.sha256,
            "version": version,
            "pages": doc.pages,
            "language": doc.language,
            "problems": doc.problems,
            "completeness": summary(doc.findings),
        },
    )
    session.flush()
    return _outcome(status, municipality, doc, plan.id, document.id, version)


def _document_by_sha(session: Session, round_: Round, sha256: str) -> Document | None:
    return session.exec(
        select(Document).where(Document.round_id == round_.id, Document.sha256 == sha256)
    ).first()


def _unchanged(
    session: Session, existing: Document, municipality: Municipality, doc: ExtractedDocument
) -> IntakeOutcome:
    plan = session.get(Plan, existing.plan_id)
    assert plan is not None
    if plan.municipality_id != municipality.id:
        other = session.get(Municipality, plan.municipality_id)
        raise DuplicateFile(doc.file_name, other.name if other else f"plan {plan.id}")
    return _outcome("unchanged", municipality, doc, plan.id, existing.id, existing.version)


def _plan_for(
    session: Session, round_: Round, municipality: Municipality, doc: ExtractedDocument, actor: str
) -> Plan:
    def lookup() -> Plan | None:
        return session.exec(
            select(Plan).where(Plan.round_id == round_.id, Plan.municipality_id == municipality.id)
        ).first()

    plan = lookup()
    if plan is not None:
        return plan
    plan = Plan(
        round_id=saved_id(round_),
        municipality_id=saved_id(municipality),
        title=doc.meta.get("title") or "",
        language=doc.language or round_.language,
    )
    try:
        with session.begin_nested():
            session.add(plan)
    except IntegrityError:
        plan = lookup()
        assert plan is not None
        return plan
    events.record(
        session,
        kind="plan.created",
        actor=actor,
        entity="plan",
        entity_id=plan.id,
        round_id=round_.id,
        payload={"municipality": municipality.name},
    )
    return plan


def _outcome(
    status: Status,
    municipality: Municipality,
    doc: ExtractedDocument,
    plan_id: int | None,
    document_id: int | None,
    version: int,
) -> IntakeOutcome:
    return IntakeOutcome(
        file_name=doc.file_name,
        municipality=municipality.name,
        status=status,
        plan_id=plan_id,
        document_id=document_id,
        version=version,
        pages=doc.pages,
        paragraphs=sum(1 for unit in doc.units if unit.kind == "paragraph"),
        language=doc.language,
        media_type=doc.media_type,
        sha256=doc.sha256,
        completeness=summary(doc.findings),
        findings=doc.findings,
        problems=doc.problems,
    )
