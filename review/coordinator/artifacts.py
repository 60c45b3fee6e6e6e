"""What the flows publish in the Prefect UI, written for the coordinator in their language (see
`review.coordinator.language`): each artifact's markdown, table (its column headers too) and
description. The flows only publish what these functions return.

Tables are lists of dicts whose keys are the column headers, so the keys are translated too;
programs read the flows' return values and `--json`, never the artifacts.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from review.deadlines.report import EscalationReport
from review.errors import PeerplanError
from review.i18n import N_, Message, Translator, said
from review.intake.outcome import IntakeOutcome
from review.intake.report import missing
from review.lifecycle import Approval, Invited
from review.notify.context import rubric_title
from review.notify.delivery import DeliveryReport
from review.notify.outbox import failure_reason, unreachable_text
from review.queries import Reviewed

#: An intake outcome's status as the coordinator reads it.
INTAKE_STATUS = {
    "registered": N_("registered"),
    "new_version": N_("new version"),
    "unchanged": N_("unchanged"),
    "refused": N_("refused"),
}

#: The messages a deadline run queues (`review.deadlines.escalate`), by kind.
MESSAGE_KINDS = {
    "reminder": N_("reminder"),
    "overdue_notice": N_("overdue notice"),
    "escalation": N_("escalation to the coordinator"),
    "released_notice": N_("release notice"),
    "replacement_invitation": N_("invitation of the replacement"),
    "remind": N_("reminder"),
    "overdue": N_("overdue notice"),
    "reassign": N_("reassignment"),
    "digest": N_("daily digest"),
}

LINE_OUTCOMES = {"queued": N_("queued"), "skipped": N_("skipped"), "invited": N_("invited")}


def reason(why: str, t: Translator) -> str:
    """A reason in the reader's language where it was kept as a Message (or Phrase)."""
    return why(t.language) if isinstance(why, Message) else why


def table_head(columns: Sequence[str]) -> list[str]:
    return ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def cell(value: object) -> str:
    """A markdown table cell: a '|' or a line break in user text would break the table."""
    return str(value).replace("|", "\\|").replace("\n", " ")


# ---------------------------------------------------------------------- intake


def intake_rows(
    outcomes: Sequence[IntakeOutcome], t: Translator, asked: frozenset[str] | None = None
) -> list[dict[str, Any]]:
    """One row per file: what was taken in, how long, what the pre-check did not find of what
    the round asks for (`asked`, review.asked_parts; None: every check)."""
    _ = t.gettext
    return [
        {
            _("file"): o.file_name,
            _("municipality"): o.municipality,
            _("status"): _(INTAKE_STATUS.get(o.status, o.status)),
            _("version"): o.version or "",
            _("length"): o.extent_in(t.language),
            _("language"): _language_name(o.language, t) if o.language else "",
            _("completeness"): o.completeness_in(asked),
            _("missing"): missing(o.findings, t.language, asked),
            _("problems"): o.error_in(t.language) if not o.taken_in else "; ".join(o.problems),
        }
        for o in outcomes
    ]


def _language_name(code: str, t: Translator) -> str:
    """A language's name in the reader's language ('German' to an English reader)."""
    try:
        return Locale.parse(code).get_display_name(t.locale) or code
    except (ValueError, UnknownLocaleError):
        return code


def intake_description(round_name: str, outcomes: Sequence[IntakeOutcome], t: Translator) -> str:
    taken_in = sum(o.taken_in for o in outcomes)
    return t.gettext(
        "Intake into round '%(round)s': %(taken)s taken in, %(refused)s refused. The "
        "completeness is an automatic hint, not a verdict."
    ) % {"round": round_name, "taken": taken_in, "refused": len(outcomes) - taken_in}


def spread_intake_rows(refusals: Sequence[IntakeOutcome], t: Translator) -> list[dict[str, Any]]:
    """The refusals of a spread intake's planning, or one row saying there were none."""
    if refusals:
        return intake_rows(refusals, t)
    return [{t.gettext("file"): "", t.gettext("status"): t.gettext("every file planned")}]


def spread_intake_description(
    round_name: str, parts: int, part_keys: str, refused: int, t: Translator
) -> str:
    return t.gettext(
        "Intake into round '%(round)s' spread over %(parts)s runs (tables `%(keys)s`); "
        "refused before reading: %(refused)s."
    ) % {"round": round_name, "parts": parts, "keys": part_keys, "refused": refused}


# ---------------------------------------------------------------------- assignment


def proposal_rows(rows: Sequence[dict[str, Any]], t: Translator) -> list[dict[str, Any]]:
    """`review.assignment.table.proposal_table`'s rows with the coordinator's column headers.
    The ids keep their names: the coordinator copies them into the pin and forbid fields."""
    _ = t.gettext
    return [
        {
            _("plan"): row["plan"],
            _("rubric"): row["rubric"],
            _("reviewer"): row["reviewer"],
            _("reviewer's municipality"): row["reviewer's municipality"],
            _("affinity"): t.format_decimal(row["affinity"], 3),
            _("reasons"): said(t, row["reasons"]),
            "plan_id": row["plan_id"],
            "reviewer_id": row["reviewer_id"],
        }
        for row in rows
    ]


def proposal_sentence(
    status: str, gap: float | None, rows: Sequence[dict[str, Any]], t: Translator
) -> str:
    """'36 reviews for 12 plans (3 each) by 20 reviewers: the best assignment possible.'"""
    per_plan = Counter(row["plan_id"] for row in rows)
    counts = sorted(set(per_plan.values()))
    if len(counts) == 1:
        each = t.gettext("%(n)s each") % {"n": counts[0]}
    else:
        each = t.gettext("%(low)s to %(high)s each") % {"low": counts[0], "high": counts[-1]}
    if status == "optimal":
        quality = t.gettext("the best assignment possible (proven optimal)")
    else:
        quality = t.gettext(
            "the best found within the time budget, at most %(gap)s %% below the best possible"
        ) % {"gap": t.format_decimal(100 * (gap or 0), 2)}
    return t.gettext(
        "%(reviews)s reviews for %(plans)s plans (%(each)s) by %(reviewers)s reviewers: "
        "%(quality)s."
    ) % {
        "reviews": len(rows),
        "plans": len(per_plan),
        "each": each,
        "reviewers": len({row["reviewer_id"] for row in rows}),
        "quality": quality,
    }


def proposal_quality(status: str, gap: float | None, bound: float | None, t: Translator) -> str:
    """'optimal', or how far from the optimum at most (`Proposal.quality` in the coordinator's
    words)."""
    if status == "optimal":
        return t.gettext("optimal")
    if status == "feasible":
        return t.gettext(
            "within %(gap)s %% of the optimum, not proven optimal (proven bound %(bound)s)"
        ) % {"gap": t.format_decimal(100 * (gap or 0), 4), "bound": t.format_decimal(bound or 0, 3)}
    return t.gettext(NO_ANSWER.get(status, status))


#: Why the solver has no answer (`review.assignment.instance.Result.status`).
NO_ANSWER = {"infeasible": N_("no assignment possible"), "timeout": N_("out of time")}


def reason_lines(reasons: Sequence[str], t: Translator) -> str:
    """The solver's reasons as a Markdown list, each in the coordinator's language."""
    return "\n".join("- " + str(said(t, reason)) for reason in reasons)


def proposal_description(sentence: str, t: Translator) -> str:
    return sentence + " " + t.gettext("Decide in the paused run (Resume).")


def no_assignment_markdown(reasons: Sequence[str], t: Translator) -> str:
    return "## " + t.gettext("No assignment possible") + "\n\n" + reason_lines(reasons, t)


def approval_question(round_name: str, sentence: str, artifact: str, t: Translator) -> str:
    """What the paused run asks the coordinator."""
    return t.gettext(
        "Proposal for **%(round)s**: %(sentence)s The table is the artifact `%(artifact)s`. "
        "Approve, solve again with pairs to pin or forbid (ids from the table), or stop. "
        "Approved on the round page or with `peerplan approve` instead, this run goes on by "
        "itself."
    ) % {"round": round_name, "sentence": sentence, "artifact": artifact}


def infeasible_question(reasons: Sequence[str], t: Translator) -> str:
    """The paused run's question after the coordinator's pins and forbids left no assignment."""
    return (
        "**"
        + t.gettext("The last pins and forbids leave no possible assignment:")
        + "**\n\n"
        + reason_lines(reasons, t)
        + "\n\n"
        + t.gettext("They were dropped; the earlier proposal stands.")
    )


def nothing_changed_notice(t: Translator) -> str:
    return "**" + t.gettext("Solve again needs pairs to pin or forbid; nothing changed.") + "**\n\n"


#: What an approval of the proposed reviewers did (review.lifecycle.approve_proposal), by
#: `approval_outcome`: the CLI's last line and the round page's notice.
APPROVAL_SAID = {
    "approved": N_(
        "The proposed reviewers are approved. They are invited with the next run of the "
        "invitations (peerplan invite, or the Prefect flow review_round or send_invitations). "
        "An assign_reviewers run paused in the Prefect UI notices this approval within its "
        "poll interval (10 seconds unless set otherwise) and goes on by itself as if approved "
        "in its form; its round run then sends the invitations."
    ),
    "waiting": N_(
        "Nothing to approve: the proposed reviewers were approved already and wait for their "
        "invitations. Nothing was changed."
    ),
    "invited": N_(
        "Nothing to approve: the reviewers of this round were invited already. Nothing was changed."
    ),
    "none": N_("Nothing to approve: the round has no proposed reviewers (peerplan assign)."),
}


def approval_outcome(approval: Approval) -> str:
    """Which of `APPROVAL_SAID` an approval's result is."""
    if approval.approved:
        return "approved"
    if approval.waiting:
        return "waiting"
    return "invited" if approval.invited else "none"


# ---------------------------------------------------------------------- mail runs


def delivery_summary(delivery: DeliveryReport, t: Translator) -> str:
    """'3 sent, 0 cancelled, 0 failed' (`DeliveryReport.summary` in the coordinator's words)."""
    _ = t.gettext
    summary = _("%(sent)s sent, %(cancelled)s cancelled, %(failed)s failed") % {
        "sent": len(delivery.sent),
        "cancelled": len(delivery.cancelled),
        "failed": len(delivery.failed),
    }
    if delivery.undeliverable:
        summary += ", " + _("%(n)s undeliverable") % {"n": len(delivery.undeliverable)}
    if delivery.busy:
        summary += " " + _("(another delivery was running: left to it)")
    return summary


def delivery_markdown(delivery: DeliveryReport, t: Translator) -> str:
    """What the outbox did: counts, then each message not sent and why, named as `peerplan
    status` names one (`DeliveryReport.undelivered`), and what becomes of it."""
    _ = t.gettext
    lines = [delivery_summary(delivery, t)]
    # Outside the f-strings: Babel finds no message inside one.
    cancelled = _("cancelled")
    retried = _("it waits in the outbox; the next run retries it")
    lost = _("marked failed and not retried (`peerplan outbox` lists it)")
    named = delivery.undelivered()

    def what(key: str) -> str:
        """The message by recipient and subject (the key is the outbox's, not the reader's)."""
        about = delivery.about.get(key)
        if about is None:
            return f"`{key}`"
        return cell(
            _("to %(recipient)s: %(subject)s")
            % {"recipient": about.recipient, "subject": t.quote(about.subject)}
        )

    def not_sent(key: str, error: str) -> str:
        if key in named:
            return cell(named[key].said(t.language))
        return f"`{key}`: " + cell(failure_reason(key, error, delivery.unanswered, t))

    lines += [f"- {cancelled} {what(key)}: {why}" for key, why in delivery.cancelled]
    lines += [f"- {not_sent(key, error)} – {retried}" for key, error in delivery.failed]
    lines += [f"- {not_sent(key, error)} – {lost}" for key, error in delivery.undeliverable]
    if delivery.unreachable:
        lines.insert(1, unreachable_text(delivery.unreachable, t))
    return "\n".join(lines)


def shell_word(text: str) -> str:
    """A round's name as a command line takes it: 'Städtenetz Hessen 2027' in quotes, so that
    a suggested `peerplan approve --round ...` can be copied as it stands."""
    return shlex.quote(text)


def awaiting_approval_text(round_name: str, awaiting: int, t: Translator) -> str:
    """Why proposed reviewers were not invited, and where to approve them ("" when none wait)."""
    if not awaiting:
        return ""
    return t.ngettext(
        "%(n)s proposed reviewer assignment waits for your approval and was not invited: "
        "approve it with `peerplan approve --round %(round)s`, on the round's page, or in the "
        "Prefect flow assign_reviewers.",
        "%(n)s proposed reviewer assignments wait for your approval and were not invited: "
        "approve them with `peerplan approve --round %(round)s`, on the round's page, or in the "
        "Prefect flow assign_reviewers.",
        awaiting,
    ) % {"n": t.format_decimal(awaiting), "round": shell_word(round_name)}


def invitations_markdown(
    round_name: str,
    invited: Sequence[Invited],
    delivery: DeliveryReport,
    t: Translator,
    awaiting: int = 0,
) -> str:
    _ = t.gettext
    waiting = awaiting_approval_text(round_name, awaiting, t)
    # Who reviews which plan with which form, by name: the assignment's number named nobody.
    rows = table_head([_("plan"), _("reviewer"), _("rubric"), _("outcome"), _("why")])
    rows += [
        f"| {cell(i.municipality)} | {cell(_reviewer(i))} | "
        f"{cell(rubric_title(i.rubric, t.language) if i.rubric else '')} | "
        f"{_(LINE_OUTCOMES.get(i.outcome, i.outcome))} | {cell(str(said(t, i.why)))} |"
        for i in invited
    ]
    return (
        "# "
        + _("Invitations for %(round)s") % {"round": round_name}
        + "\n\n"
        + ("\n".join(rows) if invited else "_" + _("No approved assignment to invite.") + "_")
        + (f"\n\n**{waiting}**" if waiting else "")
        + "\n\n## "
        + _("Delivery")
        + "\n"
        + delivery_markdown(delivery, t)
    )


def _reviewer(invited: Invited) -> str:
    return reviewer_named(invited.reviewer, invited.reviewer_email)


def reviewer_named(name: str, email: str) -> str:
    """'Rita Roth (r@example.org)': a reviewer by name, with the address to tell two apart;
    the address alone where no name is known."""
    return f"{name} ({email})" if name else email


def invitations_description(t: Translator) -> str:
    return t.gettext("Who was invited, and what was sent.")


def escalation_markdown(
    report: EscalationReport,
    delivery: DeliveryReport,
    t: Translator,
    reviewed: Mapping[int, Reviewed] | None = None,
) -> str:
    """What a deadline run queued and why, the state changes, what needs the coordinator.
    `reviewed` (assignment id -> who reviews which plan with which rubric) names each line's
    assignment; the digest's is the whole round."""
    _ = t.gettext
    reviewed = reviewed or {}
    rows = table_head(
        [_("round"), _("assignment"), _("message"), _("window"), _("to"), _("outcome"), _("why")]
    )
    rows += [
        f"| {cell(x.round)} | {cell(_assignment(x.assignment_id, reviewed, t))} | "
        f"{_(MESSAGE_KINDS.get(x.message, x.message))} | {cell(_window(x.window, t))} | "
        f"{cell(x.recipient)} | "
        f"{_(LINE_OUTCOMES.get(x.outcome, x.outcome))} | {cell(reason(x.reason, t))} |"
        for x in report.lines
    ]
    parts = [
        "# " + _("Deadline run of %(time)s") % {"time": _when(report.now, t)},
        _("%(queued)s, %(changes)s; %(already)s (not repeated).") % _run_counts(report, t),
        "\n".join(rows) if report.lines else "_" + _("Nothing was due.") + "_",
    ]
    if report.transitions:
        parts.append(
            "## "
            + _("State changes")
            + "\n"
            + "\n".join(f"- {reason(x, t)}" for x in report.transitions)
        )
    if report.problems:
        parts.append(
            "## "
            + _("Needs the coordinator")
            + "\n"
            + "\n".join(f"- {reason(p, t)}" for p in report.problems)
        )
    parts.append("## " + _("Delivery") + "\n" + delivery_markdown(delivery, t))
    return "\n\n".join(parts)


def _assignment(assignment_id: int | None, reviewed: Mapping[int, Reviewed], t: Translator) -> str:
    """'Tulln: Rita Roth (Technische Begutachtung)', what the column 'assignment' promises; a
    line without an assignment (the daily digest) is about the whole round."""
    if assignment_id is None:
        return t.gettext("the whole round")
    known = reviewed.get(assignment_id)
    if known is None:
        return str(assignment_id)
    return f"{known.municipality}: {known.reviewer} ({rubric_title(known.rubric, t.language)})"


#: A day in a window's name: the digest's ('2026-12-01'), or a moved due date's ('d+1@2026-12-01').
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _window(window: str, t: Translator) -> str:
    """A window as the reader writes its day ('01.12.2026' in a German round); the ISO day stays
    in the outbox's keys, which the window names."""
    return ISO_DAY.sub(lambda day: t.format_date(date.fromisoformat(day.group())), window)


def _run_counts(report: EscalationReport, t: Translator) -> dict[str, str]:
    """A deadline run's counts, each with its noun in the plural its number needs."""
    queued, changes = len(report.queued), len(report.transitions)
    return {
        "queued": t.ngettext("%(num)s message queued", "%(num)s messages queued", queued)
        % {"num": t.format_decimal(queued)},
        "changes": t.ngettext("%(num)s state change", "%(num)s state changes", changes)
        % {"num": t.format_decimal(changes)},
        "already": t.ngettext(
            "%(num)s message was queued by earlier runs already",
            "%(num)s messages were queued by earlier runs already",
            report.already,
        )
        % {"num": t.format_decimal(report.already)},
    }


def escalation_text(
    report: EscalationReport, t: Translator, plans: Mapping[int, str] | None = None
) -> str:
    """The deadline run for the terminal: a summary line, then a line per message (naming the
    plan when `plans` knows it: assignment id -> municipality), state change and problem."""
    _ = t.gettext
    plans = plans or {}
    out = [
        _("deadline run of %(time)s: %(queued)s, %(changes)s, %(already)s")
        % {"time": _when(report.now, t), **_run_counts(report, t)}
    ]
    for x in report.lines:
        values = {
            "outcome": _(LINE_OUTCOMES.get(x.outcome, x.outcome)),
            "message": _(MESSAGE_KINDS.get(x.message, x.message)),
            "window": _window(x.window, t),
            "to": x.recipient,
            "why": reason(x.reason, t),
            "plan": plans.get(x.assignment_id or 0, ""),
        }
        if values["plan"]:
            line = _("%(outcome)s: %(message)s (%(window)s) to %(to)s for %(plan)s: %(why)s")
        else:
            line = _("%(outcome)s: %(message)s (%(window)s) to %(to)s: %(why)s")
        out.append("  " + line % values)
    out += ["  " + _("state: %(change)s") % {"change": reason(x, t)} for x in report.transitions]
    out += ["  " + _("PROBLEM: %(problem)s") % {"problem": reason(p, t)} for p in report.problems]
    return "\n".join(out)


def escalation_description(t: Translator) -> str:
    return t.gettext("What the deadline run queued and sent, and why.")


def _when(moment: datetime, t: Translator) -> str:
    """'13.12.2026, 08:00 UTC' / '13 Dec 2026, 08:00 UTC' (the runs' clock is UTC)."""
    moment = moment.astimezone(UTC)
    return f"{t.format_date(moment)}, {moment:%H:%M} UTC"


# ---------------------------------------------------------------------- documents


def compile_rows(reports: Sequence[Any], t: Translator) -> list[dict[str, str]]:
    """One row per plan (`review.consolidation.render.PlanReport`): outcome, totals, flags and
    both editions' files."""
    _ = t.gettext
    return [
        {
            _("plan"): str(r.plan_id),
            _("municipality"): r.municipality,
            _("outcome"): r.outcome if r.outcome_id else _("incomplete"),
            _("totals"): ", ".join(
                f"{rubric_title(k, t.language)} {'–' if v is None else t.format_decimal(v, 1)}"
                for k, v in r.totals.items()
            ),
            _("flags"): str(r.flags),
            _("extra review"): _("yes") if r.extra_review else "",
            _("municipality edition"): Path(r.municipality_docx).as_uri(),
            _("coordinator edition"): Path(r.coordinator_docx).as_uri(),
        }
        for r in reports
    ]


def compile_description(round_name: str, out_dir: Path, t: Translator) -> str:
    return t.gettext("Consolidated reviews of round '%(round)s' in %(folder)s") % {
        "round": round_name,
        "folder": out_dir,
    }


# ---------------------------------------------------------------------- controls

#: The coordinator's controls (flows/extend_deadline.py and its siblings), by artifact key.
CONTROL_TITLES = {
    "extend-deadline": N_("Deadline extended"),
    "new-personal-link": N_("New personal link"),
    "remind-reviewers": N_("Reminders sent"),
    "replace-reviewer": N_("Reviewer replaced"),
    "withdraw-plan": N_("Plan withdrawn"),
    "take-in-plan": N_("Plan taken in"),
    "update-round": N_("Round settings"),
    "plan-meetings": N_("Exchange meetings"),
}


def refusal(exc: PeerplanError, t: Translator) -> str:
    """Why a control was refused, in the coordinator's language (`PeerplanError.text`)."""
    return exc.text(t.language)


def control_title(key: str, t: Translator) -> str:
    return t.gettext(CONTROL_TITLES[key])


def control_markdown(title: str, round_name: str, done: Sequence[str]) -> str:
    """A control's artifact: its title, then what it did, a line per change (already in the
    coordinator's language, see `review.coordinator.runs`)."""
    return "\n".join([f"# {title}: {round_name}", "", *[f"- {line}" for line in done]]) + "\n"


#: A round's settings as `review.rounds.update_round` reports their changes.
ROUND_SETTINGS = {
    "final_deadline": N_("final deadline"),
    "reviews_per_plan": N_("reviews per plan"),
    "blind": N_("blind"),
    "peers_named": N_("peers named"),
    "avoid_reciprocal": N_("no mutual reviews"),
    "require_frontrunner": N_("a frontrunner per plan"),
    "coordinator_name": N_("coordinator's name"),
    "coordinator_email": N_("coordinator's email"),
    "language": N_("language"),
    "reminder_policy": N_("reminder policy"),
}


def round_change_lines(changed: dict[str, tuple[Any, Any]], t: Translator) -> list[str]:
    """'reviews per plan: 3 -> 4' per changed setting, or that nothing changed."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return t.gettext("yes") if v else t.gettext("no")
        if isinstance(v, date):
            return t.format_date(v)
        return str(v)

    return [
        f"{t.gettext(ROUND_SETTINGS.get(key, key))}: {value(old)} -> {value(new)}"
        for key, (old, new) in changed.items()
    ] or [t.gettext("nothing to change")]


def meeting_lines(report: Any, t: Translator) -> list[str]:
    """A meeting run (`review.exchange.meeting_run`): each meeting with host, start,
    participants and agenda; the invitations queued; the planner's notes."""
    lines = [
        t.gettext("%(meeting)s: %(host)s, %(start)s, %(n)s participants, agenda %(agenda)s")
        % {
            # its title, and the id the Run form's dates and hosts take ('planning-1')
            "meeting": f"{m.kind.title(t.language)} ({m.id})",
            "host": m.host,
            "start": f"{t.format_date(m.starts)} {m.starts:%H:%M}",
            "n": len(m.participants),
            "agenda": ", ".join(i.municipality for i in m.agenda) or "-",
        }
        for m in report.plan.meetings
    ]
    queued = t.ngettext(
        "%(num)s invitation queued", "%(num)s invitations queued", report.invitations
    ) % {"num": report.invitations}
    return [*lines, queued, *(str(said(t, note)) for note in report.notes)]
