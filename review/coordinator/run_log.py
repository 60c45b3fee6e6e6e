"""What the flows log for the coordinator, who reads it in the Prefect UI under each run: its
lines in the round's language (or the installation's, for a run over every round). The flows
only log them; lines for developers (debug) stay English and are not here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from review.errors import PeerplanError
from review.i18n import N_, Translator, said
from review.progress_report import step_said

#: What a round's run would do next (`review.progress.Step` values), as its log names it.
NEXT_STEP_NAMES = {
    "intake": N_("take plans in"),
    "assign": N_("propose reviewers"),
    "approve": N_("approve the reviewers"),
    "invite": N_("send invitations"),
    "escalate": N_("check deadlines"),
    "compile": N_("write documents"),
    "done": N_("nothing: the round is done"),
}


def reasons(items: Sequence[object], t: Translator) -> str:
    """The solver's reasons, each said in `t`'s language, one after the other."""
    return "; ".join(str(said(t, reason)) for reason in items)


def infeasible_after_answer(why: Sequence[object], t: Translator) -> str:
    return t.gettext(
        "the last pins and forbids leave no possible assignment; they are dropped: %(reasons)s"
    ) % {"reasons": reasons(why, t)}


def no_assignment(why: Sequence[object], t: Translator) -> str:
    return t.gettext("no assignment possible: %(reasons)s") % {"reasons": reasons(why, t)}


def no_approval(revisions: int, t: Translator) -> str:
    return t.ngettext(
        "no approval after %(n)s revision; run the flow again",
        "no approval after %(n)s revisions; run the flow again",
        revisions,
    ) % {"n": t.format_decimal(revisions)}


def approved(n: int, t: Translator) -> str:
    return t.ngettext("%(n)s assignment approved", "%(n)s assignments approved", n) % {
        "n": t.format_decimal(n)
    }


#: Where an approval made outside a paused assign_reviewers run was made, by its event's actor
#: (review.lifecycle.ApprovedElsewhere).
APPROVED_WHERE = {
    "coordinator": N_("on the round page"),
    "cli": N_("on the command line (peerplan approve)"),
    "flow:": N_("in another Prefect run"),
}


def approved_elsewhere(count: int, actor: str, at: datetime, t: Translator) -> str:
    """The paused run's line when the proposal it showed was approved elsewhere: it goes on as
    if approved in its form."""
    where = next(
        (said for key, said in APPROVED_WHERE.items() if actor == key or actor.startswith(key)),
        N_("elsewhere"),
    )
    return t.ngettext(
        "%(n)s assignment approved %(where)s (%(when)s UTC, recorded as %(actor)s); this run "
        "goes on without an answer in its form",
        "%(n)s assignments approved %(where)s (%(when)s UTC, recorded as %(actor)s); this run "
        "goes on without an answer in its form",
        count,
    ) % {
        "n": t.format_decimal(count),
        "where": t.gettext(where),
        "when": t.format_datetime(at.astimezone(UTC) if at.tzinfo else at),  # naive: UTC
        "actor": t.quote(actor),
    }


#: Where a proposal was solved again outside the run that showed it, by its event's actor
#: (review.lifecycle.SolvedAgain).
SOLVED_WHERE = {
    "coordinator": N_("on the round page"),
    "cli": N_("on the command line"),
    "flow:": N_("in another Prefect run"),
}


def proposal_changed(actor: str | None, at: datetime | None, t: Translator) -> str:
    """The paused run's line when the form said approve but the proposal waiting is no longer
    the one it showed (solved again elsewhere meanwhile): nothing approved, it asks again."""
    if actor is None or at is None:
        return t.gettext(
            "the proposal was changed elsewhere since this run showed it; nothing approved, "
            "this run shows the new proposal and asks again"
        )
    where = next(
        (said for key, said in SOLVED_WHERE.items() if actor == key or actor.startswith(key)),
        N_("elsewhere"),
    )
    return t.gettext(
        "the proposal was changed %(where)s since this run showed it (%(when)s UTC, recorded "
        "as %(actor)s); nothing approved, this run shows the new proposal and asks again"
    ) % {
        "where": t.gettext(where),
        "when": t.format_datetime(at.astimezone(UTC) if at.tzinfo else at),  # naive: UTC
        "actor": t.quote(actor),
    }


def stopped(t: Translator) -> str:
    return t.gettext("stopped by the coordinator; nothing approved")


def solving_again(pins: int, forbids: int, t: Translator) -> str:
    return t.gettext("solving again: %(pins)s, %(forbids)s") % {
        "pins": t.ngettext("%(num)s pinned pair", "%(num)s pinned pairs", pins)
        % {"num": t.format_decimal(pins)},
        "forbids": t.ngettext("%(num)s forbidden pair", "%(num)s forbidden pairs", forbids)
        % {"num": t.format_decimal(forbids)},
    }


def part_compiled(part: str, plans: int, pdfs: int, rendered: bool, t: Translator) -> str:
    """One part of a compile spread over workers."""
    line = (
        t.ngettext(
            "part %(part)s: %(plans)s plan rendered, %(pdfs)s",
            "part %(part)s: %(plans)s plans rendered, %(pdfs)s",
            plans,
        )
        if rendered
        else t.ngettext(
            "part %(part)s: %(plans)s plan rendered before, not again, %(pdfs)s",
            "part %(part)s: %(plans)s plans rendered before, not again, %(pdfs)s",
            plans,
        )
    )
    return line % {
        "part": part,
        "plans": t.format_decimal(plans),
        "pdfs": t.ngettext("%(num)s PDF", "%(num)s PDFs", pdfs) % {"num": t.format_decimal(pdfs)},
    }


def note(text: str, t: Translator) -> str:
    return t.gettext("note:") + " " + str(said(t, text))


def compiled(plans: int, out_dir: Path, t: Translator) -> str:
    return t.ngettext(
        "%(n)s plan compiled into %(folder)s", "%(n)s plans compiled into %(folder)s", plans
    ) % {
        "n": t.format_decimal(plans),
        "folder": out_dir,
    }


def file_refused(why: object, t: Translator) -> str:
    """A plan file the intake refused, and why (the reader's words as the outcome keeps them)."""
    return t.gettext("refused: %(why)s") % {"why": said(t, why)}


def control_refused(exc: PeerplanError, t: Translator) -> str:
    return t.gettext("refused: %(why)s") % {"why": exc.text(t.language)}


def round_run(name: str, taken: Sequence[str], next_steps: Sequence[str], t: Translator) -> str:
    """What a run of the round did and what the round waits for."""
    done = "; ".join(step_said(s, t) for s in taken) or t.gettext("nothing")
    then = ", ".join(t.gettext(NEXT_STEP_NAMES.get(s, s)) for s in next_steps) or "-"
    return t.gettext("round '%(round)s': done now: %(done)s; next: %(next)s") % {
        "round": name,
        "done": done,
        "next": then,
    }
