"""Taking in one file: check the municipality, read, store, register."""

from __future__ import annotations

import logging

from sqlmodel import Session

from review.config import Settings
from review.intake.document import ExtractedDocument
from review.intake.errors import IntakeError
from review.intake.outcome import IntakeOutcome
from review.intake.read import read_document
from review.intake.register import PlanFile, find_municipality, register, resolve_municipality
from review.models import Round
from review.rounds import get_round
from review.storage import store_bytes

log = logging.getLogger(__name__)


def take_in(
    session: Session,
    settings: Settings,
    *,
    round_: Round | str,
    data: bytes,
    file_name: str,
    municipality: str,
    actor: str,
    create_municipality: bool = False,
) -> IntakeOutcome:
    """Take in one plan file for `municipality` in the round. A file that cannot be taken in
    gives a 'refused' outcome whose `error` says why; nothing is stored or recorded for it.
    The caller commits (the CLI and the flow commit after each file)."""
    round_ = get_round(session, round_) if isinstance(round_, str) else round_
    try:
        # An unknown municipality is refused before reading; one to be created is created
        # only once the file proved readable.
        place = find_municipality(session, round_, municipality)
        if place is None and not create_municipality:
            place = resolve_municipality(session, round_, municipality, actor=actor)
        doc = read_guarded(data, file_name, settings)
        if place is None:
            place = resolve_municipality(session, round_, municipality, create=True, actor=actor)
        stored = store_bytes(settings, data, doc.suffix, doc.sha256)
        return register(
            session,
            round_=round_,
            municipality=place,
            plan_file=PlanFile.of(doc, stored),
            actor=actor,
            settings=settings,
        )
    except IntakeError as exc:
        return refused(file_name, municipality, exc)


class UnexpectedReadError(IntakeError):
    code = "unexpected"


def read_guarded(data: bytes, file_name: str, settings: Settings) -> ExtractedDocument:
    """`read_document`, where a reader library's own bug on a strange file becomes a refusal of
    that file (logged with its traceback) instead of stopping the other files."""
    try:
        return read_document(data, file_name, settings)
    except IntakeError:
        raise
    except Exception as exc:
        log.exception("unexpected error reading %s", file_name)
        raise UnexpectedReadError(
            f"{file_name} could not be read (unexpected {type(exc).__name__}: {exc}); "
            "please send this file to the peerplan maintainers"
        ) from exc


def refused(file_name: str, municipality: str, exc: IntakeError) -> IntakeOutcome:
    log.info("refused %s: %s", file_name, exc)
    return IntakeOutcome(
        file_name=file_name,
        municipality=municipality,
        status="refused",
        error=exc.phrase(),
        error_code=exc.code,
    )
