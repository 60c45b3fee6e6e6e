"""Registering a read plan: one Plan per municipality and round, one Document per version.

The same bytes again change nothing; different bytes for the same municipality become the next
version and the older versions stay. The database's unique constraints (plan per round and
municipality, document per round and sha256, version per plan) are the truth, so two intakes
running at once cannot create duplicates either: the loser of a race finds the winner's row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from review import events
from review.config import Settings
from review.intake.document import ExtractedDocument
from review.intake.errors import AmbiguousMunicipalityName, DuplicateFile, UnknownMunicipality
from review.intake.findings import summary
from review.intake.outcome import IntakeOutcome, Status
from review.intake.title import plan_title
from review.lifecycle.plan_versions import new_plan_version
from review.models import Document, Municipality, Plan, Round, saved_id
from review.municipality_names import (
    AmbiguousMunicipalityNamed,
    NoMunicipalityNamed,
    municipality_named,
    normalise_name,
)
from review.queries import latest_document_version


@dataclass(frozen=True)
class PlanFile:
    """A read and stored plan file: what registration needs of it and no more. A reading process
    sends this back rather than the `ExtractedDocument` (its units, headings and tables are
    already in `text` and `structure`), so less crosses between the processes."""

    file_name: str
    media_type: str
    sha256: str
    size: int
    pages: int
    language: str | None
    stored_path: str  # relative to Settings.files_dir, where the file already lies
    text: str
    structure: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    paragraphs: int = 0  # of a DOCX (a PDF's units are pages)

    @property
    def title(self) -> str:
        return plan_title(self.meta.get("title"))

    @classmethod
    def of(cls, doc: ExtractedDocument, stored_path: str) -> PlanFile:
        return cls(
            file_name=doc.file_name,
            media_type=doc.media_type,
            sha256=doc.sha256,
            size=doc.size,
            pages=doc.pages,
            language=doc.language,
            stored_path=stored_path,
            text=doc.text,
            structure=doc.structure(),
            meta=doc.meta,
            findings=doc.findings,
            problems=doc.problems,
            paragraphs=sum(1 for unit in doc.units if unit.kind == "paragraph"),
        )

    def document_row(self) -> dict[str, Any]:
        """The Document columns that come from the file (the plan and version aside)."""
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "size": self.size,
            "pages": self.pages,
            "language": self.language,
            "stored_path": self.stored_path,
            "text": self.text,
            "meta": self.meta,
            "structure": self.structure,
            "findings": self.findings,
            "problems": self.problems,
        }

    def event_payload(self, plan_id: int, municipality: str, version: int) -> dict[str, Any]:
        """The audit event's payload of this file's registration."""
        return {
            "plan_id": plan_id,
            "municipality": municipality,
            "file_name": self.file_name,
            "sha256": self.sha256,
            "version": version,
            "pages": self.pages,
            "language": self.language,
            "problems": self.problems,
            "completeness": summary(self.findings),
        }

    def outcome(
        self, status: Status, municipality: str, plan_id: int, document_id: int, version: int
    ) -> IntakeOutcome:
        return IntakeOutcome(
            file_name=self.file_name,
            municipality=municipality,
            status=status,
            plan_id=plan_id,
            document_id=document_id,
            version=version,
            pages=self.pages,
            paragraphs=self.paragraphs,
            language=self.language,
            media_type=self.media_type,
            sha256=self.sha256,
            completeness=summary(self.findings),
            findings=self.findings,
            problems=self.problems,
        )


def find_municipality(session: Session, round_: Round, name: str) -> Municipality | None:
    """The round's municipality of exactly that name, case and spacing aside: a name the
    program holds (an upload link's). A name a person typed: `resolve_municipality`."""
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
    """The round's municipality of that name as a coordinator types it
    (review.municipality_names: 'muenster' or 'Stadt Münster' for "Münster"). One that fits
    several is refused naming them; an unknown one is refused with the closest few, unless
    `create`: then it is added, as a follower."""
    try:
        return municipality_named(session, round_, name)
    except AmbiguousMunicipalityNamed as exc:
        raise AmbiguousMunicipalityName(name, exc.fits) from None
    except NoMunicipalityNamed as exc:
        closest = exc.closest
    name = " ".join(name.split())
    if not create or not name:
        raise UnknownMunicipality(name, round_.name, closest)
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
    *,
    round_: Round,
    municipality: Municipality,
    plan_file: PlanFile,
    actor: str,
    settings: Settings,
) -> IntakeOutcome:
    """Record `plan_file` (already stored) as the municipality's plan in the round; one file,
    savepoints around each insert (review.intake.bulk registers many in one statement each).
    A new version tells the plan's reviewers (review.lifecycle.plan_versions)."""
    existing = _document_by_sha(session, round_, plan_file.sha256)
    if existing is not None:
        return _unchanged(session, existing, municipality, plan_file)
    plan = _plan_for(session, round_, municipality, plan_file, actor)
    version = latest_document_version(session, plan.id) + 1
    document = Document(
        round_id=saved_id(round_),
        plan_id=saved_id(plan),
        version=version,
        **plan_file.document_row(),
    )
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        # A concurrent intake registered the same bytes (or took this version number) first.
        existing = _document_by_sha(session, round_, plan_file.sha256)
        if existing is None:
            raise
        return _unchanged(session, existing, municipality, plan_file)
    if version > 1:
        plan.language = plan_file.language or plan.language
        plan.title = plan_file.title or plan.title
        session.add(plan)
    status: Status = "new_version" if version > 1 else "registered"
    events.record(
        session,
        kind=f"document.{status}",
        actor=actor,
        entity="document",
        entity_id=document.id,
        round_id=round_.id,
        payload=plan_file.event_payload(saved_id(plan), municipality.name, version),
    )
    session.flush()
    if version > 1:
        new_plan_version(session, settings, [document])
    return plan_file.outcome(status, municipality.name, saved_id(plan), saved_id(document), version)


def _document_by_sha(session: Session, round_: Round, sha256: str) -> Document | None:
    return session.exec(
        select(Document).where(Document.round_id == round_.id, Document.sha256 == sha256)
    ).first()


def _unchanged(
    session: Session, existing: Document, municipality: Municipality, plan_file: PlanFile
) -> IntakeOutcome:
    plan = session.get(Plan, existing.plan_id)
    assert plan is not None
    if plan.municipality_id != municipality.id:
        other = session.get(Municipality, plan.municipality_id)
        raise DuplicateFile(plan_file.file_name, other.name if other else f"plan {plan.id}")
    return plan_file.outcome(
        "unchanged", municipality.name, saved_id(plan), saved_id(existing), existing.version
    )


def _plan_for(
    session: Session, round_: Round, municipality: Municipality, plan_file: PlanFile, actor: str
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
        title=plan_file.title,
        language=plan_file.language or round_.language,
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
