"""The draft of a plan's consolidated document that its municipality reads on its reply page
(#16): the municipality's edition (blind-safe, in the plan's language: the edition the final
document uses), the very file the compile writes (`OUT/municipality/0007-tulln.docx`, with its
PDF copy when one was made). `write_draft` writes it when the reply window opens
(`peerplan replies open`); every later compile writes it again, with the replies. The portal
serves what is there (review.storage.open_output) and says when it is still being prepared.

A draft that was written (its window opened, or the plan compiled) but whose file is gone
(deleted, a lost volume, a new machine with the database and not the files) is *lost*: the
portal says it is being written again and has `review.exchange.draft_restore` write it.

Writing a draft records no `plan.compiled` event: the plan still counts as waiting for its
(final) compile in review.progress."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, select

from review import storage
from review.config import Settings
from review.consolidation.pipeline import default_out_dir, gather_with_exchange
from review.consolidation.render import MUNICIPALITY_DIR, plan_stem, render_plans
from review.errors import InvalidInput
from review.exchange.replies import window
from review.exchange.reply_page import municipality_plan
from review.i18n import N_
from review.models import Event, Municipality, Plan, Round, saved_id

#: What a draft is served as, by the suffix of its download path.
KINDS = (".docx", ".pdf")


class DraftFiles(BaseModel):
    """The draft's files in the round's output folder (names relative to it), None while absent."""

    plan_id: int
    docx: str | None
    pdf: str | None
    #: Not there although it was written: its window was opened or the plan compiled.
    lost: bool = False

    @property
    def ready(self) -> bool:
        return self.docx is not None


def _name(plan: Plan, municipality: Municipality, suffix: str) -> str:
    return f"{MUNICIPALITY_DIR}/{plan_stem(saved_id(plan), municipality.name)}{suffix}"


def _folder(session: Session, settings: Settings, municipality: Municipality) -> Path:
    round_ = session.get(Round, municipality.round_id)
    assert round_ is not None
    return default_out_dir(settings, round_.name)


def draft_files(
    session: Session, settings: Settings, municipality: Municipality
) -> DraftFiles | None:
    """What of the draft of the municipality's own plan is written; None while it has no plan.
    A PDF copy older than the DOCX is a copy of an earlier draft: not offered."""
    plan = municipality_plan(session, municipality)
    if plan is None:
        return None
    folder = _folder(session, settings, municipality)
    docx, pdf = (_name(plan, municipality, suffix) for suffix in KINDS)
    if not (folder / docx).is_file():
        return DraftFiles(
            plan_id=saved_id(plan), docx=None, pdf=None, lost=was_written(session, plan)
        )
    current_pdf = (folder / pdf).is_file() and (
        (folder / pdf).stat().st_mtime >= (folder / docx).stat().st_mtime
    )
    return DraftFiles(plan_id=saved_id(plan), docx=docx, pdf=pdf if current_pdf else None)


def was_written(session: Session, plan: Plan) -> bool:
    """Whether the plan's draft was written: opening its reply window writes it (in the same
    transaction), and so does every compile (event `plan.compiled`)."""
    if plan.id is None:
        return False
    if window(session, plan.id) is not None:
        return True
    compiled = select(Event.id).where(
        Event.entity == "plan", Event.entity_id == plan.id, Event.kind == "plan.compiled"
    )
    return session.exec(compiled.limit(1)).first() is not None


def open_draft(
    session: Session, settings: Settings, municipality: Municipality, suffix: str
) -> Path:
    """The path of the draft of the municipality's own plan as `suffix` (.docx or .pdf);
    InvalidInput when there is none (no plan, not written yet, no current PDF copy)."""
    files = draft_files(session, settings, municipality)
    name = {".docx": files.docx, ".pdf": files.pdf}.get(suffix) if files else None
    if name is None:
        raise InvalidInput(
            N_("no %(suffix)s draft for %(name)s yet"), suffix=suffix, name=municipality.name
        )
    return storage.open_output(_folder(session, settings, municipality), name)


def write_draft(session: Session, settings: Settings, round_: Round, plan: Plan) -> Path:
    """Write both editions of the plan's consolidated document as they stand (in this process);
    returns the municipality's edition."""
    assert plan.id is not None
    dossiers = gather_with_exchange(session, round_, plan_ids=[plan.id])
    [report] = render_plans(dossiers, default_out_dir(settings, round_.name), workers=1)
    return report.municipality_docx
