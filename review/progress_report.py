"""Where a round stands, written for its coordinator in the round's language: the Prefect
progress artifact that every flow updates (one per round, under one key)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from review.i18n import N_, Message, Translator, state_name
from review.notify.context import rubric_title
from review.progress import RoundProgress

#: What a flow run did, as `publish_round_progress` is told (`review.progress.Step` values).
STEP_NAMES = {
    "intake": N_("plans taken in"),
    "assign": N_("reviewers proposed"),
    "approve": N_("reviewers approved"),
    "invite": N_("invitations sent"),
    "escalate": N_("deadlines checked"),
    "compile": N_("documents written"),
    # the coordinator's controls (flows/coordinator_run.py), by their artifact's key
    "extend-deadline": N_("deadline extended"),
    "new-personal-link": N_("new personal link sent"),
    "remind-reviewers": N_("reminders sent"),
    "replace-reviewer": N_("reviewer replaced"),
    "withdraw-plan": N_("plan withdrawn"),
    "take-in-plan": N_("plan taken in"),
    "update-round": N_("round settings"),
    "plan-meetings": N_("exchange meetings planned"),
}

PLAN_STATES = {
    "unassigned": N_("no reviewers yet"),
    "reviewing": N_("reviewing"),
    "overdue": N_("overdue"),
    "complete": N_("complete"),
    "compiled": N_("document ready"),
}


def progress_markdown(
    progress: RoundProgress,
    t: Translator,
    today: date,
    steps: Sequence[str],
    round_page_url: str | None = None,
    did: Sequence[str] = (),
) -> str:
    """What this run did (its `steps`, and a control's lines `did` in the round's language; no
    step: nothing was due), the plans' state, then the chase list: each outstanding reviewer with
    due date; with a link to the coordinator's round page (its controls, documents and mailbox)
    when given."""
    _ = t.gettext
    done = sum(p.complete for p in progress.plans)
    lines = [
        "## "
        + _("Round %(round)s: %(done)s of %(total)s plans complete")
        % {"round": progress.round_name, "done": done, "total": len(progress.plans)},
        "",
        _("This run: %(steps)s")
        # A run that did nothing found nothing due: 'nothing to do' read as if it had failed to.
        % {"steps": "; ".join(step_said(s, t) for s in steps) or _("nothing was due")},
        *[f"- {line}" for line in did],
        "",
        *(
            [
                "["
                + _("Open the round page: reviewers, links, documents, mailbox")
                + f"]({round_page_url})",
                "",
            ]
            if round_page_url
            else []
        ),
        *_table_head([_("Municipality"), _("State"), _("Reviews in"), _("Open"), _("Overdue")]),
    ]
    for plan in progress.plans:
        lines.append(
            f"| {plan.municipality} | {_(PLAN_STATES[plan.state])} | "
            f"{plan.submitted}/{plan.required} | {plan.open} | {plan.counts['overdue']} |"
        )
    outstanding = progress.outstanding
    lines += ["", "### " + _("Outstanding reviews (%(n)s)") % {"n": len(outstanding)}, ""]
    if not outstanding:
        lines.append(_("Nobody owes a review."))
        return "\n".join(lines) + "\n"
    lines += _table_head(
        # "Reviewer" alone is "Gutachten" in the documents' score tables; here it is a person
        [
            _("Plan of"),
            t.pgettext("person", "Reviewer"),
            _("Rubric"),
            _("State"),
            _("Due"),
            _("Days late"),
        ]  # fmt: skip
    )
    for owed in outstanding:
        lines.append(
            f"| {owed.municipality} | {owed.reviewer} | {rubric_title(owed.rubric, t.language)} | "
            f"{state_name(t, owed.status)} | {t.format_date(owed.due_date)} | "
            f"{owed.days_late(today) or ''} |"
        )
    return "\n".join(lines) + "\n"


def step_said(step: str, t: Translator) -> str:
    """A step by its name, or what it found where it says so (a Message: the deadline check's
    'deadlines checked: 2 reminders sent', review.deadlines.report.Found)."""
    if isinstance(step, Message):
        return step(t.language)
    return t.gettext(STEP_NAMES.get(step, step))


def _table_head(columns: list[str]) -> list[str]:
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
